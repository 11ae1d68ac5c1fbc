import { readdirSync, readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { importConfigValidator } from '../../scripts/lib/import-worker-module'
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
    const config = readdirSync('src/config').map((file) => readFileSync(`src/config/${file}`, 'utf8'))
    const read = new Set(config.flatMap((text) => [...text.matchAll(/env\.([A-Z][A-Z_]+)/g)].map((match) => match[1])))
    expect(read.size).toBeGreaterThan(10)
    for (const name of read) expect(Object.keys(SETTINGS), name).toContain(name)
  })

  // "npm run deploy refuses them until you do": its sample ids and keys as well as its example.com names.
  it('Should show only sample ids and keys that npm run deploy refuses', async () => {
    // The deployment policy as the scripts run it.
    const { placeholderProblems } = await importConfigValidator()
    const samples = [
      ...readme.matchAll(
        /^(WIDGET_ID|COGNITO_USER_POOL_ID|COGNITO_CLIENT_ID|SUPABASE_PROJECT_REF|FIREBASE_PROJECT_ID|CLERK_PUBLISHABLE_KEY) = "([^"]+)"/gm,
      ),
    ]
    expect(samples.length).toBeGreaterThanOrEqual(12)
    const accepted = samples
      .filter(([, name, value]) => placeholderProblems({ [name]: value }, []).length === 0)
      .map(([line]) => line)
    expect(accepted).toEqual([])
  })

  it('Should open with the commands that run and test the project', () => {
    const firstBlock = readme.slice(readme.indexOf('```sh'), readme.indexOf('```', readme.indexOf('```sh') + 5))
    expect(firstBlock).toContain('npm install && npm run dev')
    expect(firstBlock).toContain('npm test')
  })
})
