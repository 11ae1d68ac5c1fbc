import { readdirSync, readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { SETTINGS } from '../../src/config/settings'
import { ERROR_CODES } from '../../src/errors'

/** Keeps the README true: every error code and every var the Worker reads is documented. */
const readme = readFileSync('README.md', 'utf8')

describe('README.md', () => {
  it.each(Object.entries(ERROR_CODES))('Should list %s with its status', (code, { status }) => {
    expect(readme).toMatch(new RegExp(`\\|\\s*${status}\\s*\\|\\s*\`${code}\`\\s*\\|`))
  })

  it('Should document every var and secret the configuration reads', () => {
    for (const name of Object.keys(SETTINGS)) expect(readme, name).toMatch(new RegExp(`\\|\\s*\`${name}\`\\s*\\|`))
  })

  it('Should list only settings the configuration knows', () => {
    // Read as `env.NAME`, or named in an option → var map (`WIDGET_VARS`, a session recipe's `VARS`).
    const files = ['src/config', 'src/session', 'src/session/providers'].flatMap((dir) =>
      readdirSync(dir)
        .filter((file) => file.endsWith('.ts'))
        .map((file) => readFileSync(`${dir}/${file}`, 'utf8')),
    )
    const maps = (text: string) => [...text.matchAll(/\bVARS = \{([^}]*)\}/g)].map((match) => match[1])
    const read = new Set(
      files.flatMap((text) => [
        ...[...text.matchAll(/env\.([A-Z][A-Z_]+)/g)].map((match) => match[1]),
        ...maps(text).flatMap((map) => [...map.matchAll(/'([A-Z][A-Z0-9_]+)'/g)].map((match) => match[1])),
      ]),
    )
    expect(read.size).toBeGreaterThan(20)
    for (const name of read) expect(Object.keys(SETTINGS), name).toContain(name)
  })

  it('Should open with the commands that run and test the project', () => {
    const firstBlock = readme.slice(readme.indexOf('```sh'), readme.indexOf('```', readme.indexOf('```sh') + 5))
    expect(firstBlock).toContain('npm install && npm run dev')
    expect(firstBlock).toContain('npm test')
  })
})
