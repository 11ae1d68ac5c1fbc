/**
 * @module `npm run examples`: the examples as their users run them, on the packed package. Packs
 * it (`npm pack` builds `dist/lib`), installs the tarball into each example of `examples/` with
 * the example's own dependencies, then runs its own `npm run typecheck` (against the package's
 * declarations) and `npm test` (in workerd). The
 * tarball itself first: its file list, and publint's strict check of its exports and types. CI runs
 * it after the suite; the installs stay (gitignored), for `npm run sizes -- --installed`.
 */
import { execFileSync } from 'node:child_process'
import { basename, join } from 'node:path'
import { PROJECT_ROOT } from './lib/import-worker-module.ts'
import { exampleDirs, installInto, packedFiles, packTarball } from './lib/packed.ts'

/** What the package may hold: the library's build (never the development entry) and its documents. */
const PACKED = /^(package\.json|README\.md|LICENSE|CHANGELOG\.md|dist\/lib\/(?!dev[./])[\w./-]+\.(js|d\.ts))$/

const bin = (name: string) => join(PROJECT_ROOT, 'node_modules/.bin', name)

const tarball = packTarball()
console.log(`Packed ${basename(tarball)}`)
let failed = 0

// The package itself, before any example: only what runs is in it, and publint (strict) finds
// nothing wrong with its exports, types or files.
const unexpected = packedFiles(tarball).filter((file) => !PACKED.test(file))
if (unexpected.length > 0) {
  failed += 1
  console.log(`✗ the tarball holds files it should not: ${unexpected.join(', ')}`)
} else {
  console.log('✓ the tarball holds package.json, README.md, LICENSE, CHANGELOG.md and dist/lib only')
}
try {
  execFileSync(bin('publint'), ['run', tarball, '--strict'], { stdio: 'inherit' })
} catch {
  failed += 1
  console.log('✗ publint found problems with the package')
}
for (const example of exampleDirs()) {
  const name = basename(example)
  console.log(`\n== examples/${name}: install the tarball, typecheck, test`)
  try {
    installInto(example, tarball)
    // The example's own scripts and tools, as someone who copied it out of the repository runs them.
    execFileSync('npm', ['run', 'typecheck'], { cwd: example, stdio: 'inherit' })
    execFileSync('npm', ['test'], { cwd: example, stdio: 'inherit' })
  } catch {
    failed += 1
    console.log(`✗ examples/${name} failed`)
  }
}
if (failed > 0) {
  console.log(`\n${failed} example${failed === 1 ? '' : 's'} failed.`)
  process.exitCode = 1
} else {
  console.log('\n✓ every example passes on the packed package')
}
