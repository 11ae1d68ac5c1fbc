/**
 * @module The package as a user gets it: `npm pack` (which builds it), installed into each
 * example the way an app installs a dependency. The examples' tests and the bundle sizes both
 * run on these installs, so what is tested is the published shape, not the source tree.
 */
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readdirSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { PROJECT_ROOT } from './import-worker-module.ts'

export const EXAMPLES_DIR = resolve(PROJECT_ROOT, 'examples')

/** Every example: a folder of `examples/` with a `package.json`. */
export function exampleDirs(): string[] {
  return readdirSync(EXAMPLES_DIR, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => join(EXAMPLES_DIR, entry.name))
}

/** `npm pack` into a temporary folder: the tarball's path. */
export function packTarball(): string {
  const destination = mkdtempSync(join(tmpdir(), 'cwt-pack-'))
  const output = execFileSync('npm', ['pack', '--pack-destination', destination, '--json'], {
    cwd: PROJECT_ROOT,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  const [{ filename }] = JSON.parse(output) as { filename: string }[]
  return join(destination, filename)
}

/** The tarball's files, as paths inside the package (`dist/lib/lib.js`). */
export function packedFiles(tarball: string): string[] {
  return execFileSync('tar', ['-tzf', tarball], { encoding: 'utf8' })
    .split('\n')
    .filter((line) => line !== '' && !line.endsWith('/'))
    .map((line) => line.replace(/^package\//, ''))
}

/**
 * Installs the tarball into an example, with the example's own dependencies, as `npm install
 * <tarball>` does in an app; the example's lockfile and package.json are left as they are.
 */
export function installInto(example: string, tarball: string): void {
  execFileSync(
    'npm',
    ['install', '--no-save', '--no-package-lock', '--no-audit', '--no-fund', '--prefer-offline', tarball],
    { cwd: example, stdio: ['ignore', 'inherit', 'inherit'] },
  )
}
