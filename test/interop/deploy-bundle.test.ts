import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { dryRunDeploy } from '../support/wrangler-process'

const outdirs: string[] = []
afterAll(() => {
  for (const dir of outdirs) rmSync(dir, { recursive: true, force: true })
})

async function bundle(environment: string): Promise<string> {
  const outdir = mkdtempSync(join(tmpdir(), `cwt-${environment}-`))
  outdirs.push(outdir)
  await dryRunDeploy(environment, outdir)
  const entry = readdirSync(outdir).find((name) => name.endsWith('.js'))
  return readFileSync(join(outdir, entry as string), 'utf8')
}

describe('wrangler deploy --dry-run', () => {
  it.each(['production', 'staging'])(
    'Should bundle the %s Worker without the development routes',
    async (environment) => {
      const code = await bundle(environment)
      expect(code).toContain('SESSION_MISSING')
      for (const devOnly of [
        '/dev/login',
        '/dev/inspect',
        '/dev/cross-origin',
        'dev-login',
        'connect-widget-token · demo',
      ]) {
        expect(code).not.toContain(devOnly)
      }
    },
  )
})
