import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { ERROR_CODES } from '../../src/errors'

/** Keeps the README true: every error code and every var the Worker reads is documented. */
const readme = readFileSync('README.md', 'utf8')

describe('README.md', () => {
  it.each(Object.entries(ERROR_CODES))('Should list %s with its status', (code, { status }) => {
    expect(readme).toMatch(new RegExp(`\\|\\s*${status}\\s*\\|\\s*\`${code}\`\\s*\\|`))
  })

  it('Should document every var and secret the configuration reads', () => {
    const config = readFileSync('src/config.ts', 'utf8')
    const names = new Set([...config.matchAll(/env\.([A-Z][A-Z_]+)/g)].map((match) => match[1]))
    expect(names.size).toBeGreaterThan(10)
    for (const name of names) expect(readme, name).toMatch(new RegExp(`\\|\\s*\`${name}\`\\s*\\|`))
  })

  it('Should open with the commands that run and test the project', () => {
    const firstBlock = readme.slice(readme.indexOf('```sh'), readme.indexOf('```', readme.indexOf('```sh') + 5))
    expect(firstBlock).toContain('npm install && npm run dev')
    expect(firstBlock).toContain('npm test')
  })
})
