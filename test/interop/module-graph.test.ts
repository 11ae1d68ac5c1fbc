import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { runScript } from '../support/npm-scripts'

/** `npm run check`'s import-cycle check (scripts/check-cycles.ts), on this tree and on one with a cycle planted. */
const planted = mkdtempSync(join(tmpdir(), 'cwt-cycles-'))
afterAll(() => rmSync(planted, { recursive: true, force: true }))

describe('The import-cycle check', () => {
  it('Should find no cycle in src/', async () => {
    const { code, output } = await runScript('scripts/check-cycles.ts', [])
    expect(code, output).toBe(0)
    expect(output).toMatch(/✓ no import cycles in src\/ \(\d+ modules/)
  })

  // A source module importing the registry that imports it: the very cycle issue 16's split removed.
  it('Should fail on a cycle planted through the session sources, naming each module of it', async () => {
    cpSync('src', join(planted, 'src'), { recursive: true })
    const kv = join(planted, 'src/session/kv.ts')
    writeFileSync(
      kv,
      `import { SOURCES } from '../config/sources.ts'\nexport const registry = SOURCES\n${readFileSync(kv, 'utf8')}`,
    )
    const { code, output } = await runScript('scripts/check-cycles.ts', ['--root', planted])
    expect(code, output).toBe(1)
    expect(output).toContain('✗ 1 import cycle in src/:')
    expect(output).toContain('src/config/sources.ts → src/session/kv.ts → src/config/sources.ts')
  })
})
