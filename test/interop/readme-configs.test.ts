import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import jsonwebtoken from 'jsonwebtoken'
import { afterAll, describe, expect, it } from 'vitest'
import { dotenvValue } from '../support/dotenv'
import { startNpmDev } from '../support/npm-scripts'

/**
 * Every ```toml block of README.md, run with `npm run dev` as a newcomer runs it: the block
 * copied into a wrangler.toml of its own folder (where `npm run dev` writes the local secrets),
 * then `npm run dev -- --config <that file>` on free ports, and one request to the token path.
 *
 * A complete block (with `[vars]` or `name =`) is the whole file, as written: nothing in them
 * needs the network for a visitor without a session (the Express block's site URL is only
 * called for a cookie). A fragment runs on top of BASE: `[[vars.CONTACT_MAPPING]]` entries
 * after its `[vars]`, an `[env.NAME]` block with BASE's vars as that environment's, run with
 * `--env NAME`.
 */
const BASE_VARS = 'WIDGET_ID = "readme-fragment-base"\nSESSION_ALGORITHMS = ["HS256"]\n'
const BASE = `[vars]\n${BASE_VARS}`

const readme = readFileSync('README.md', 'utf8')
const blocks = [...readme.matchAll(/```toml\n([\s\S]*?)```/g)].map((match) => ({
  block: match[1],
  /** What the README calls it: the last heading or bold lead-in before the block. */
  title:
    [...readme.slice(0, match.index).matchAll(/^(?:#{2,6} (.+)|\*\*([^*]+)\*\*)/gm)].at(-1)?.slice(1).find(Boolean) ??
    '?',
}))
const dir = mkdtempSync(join(tmpdir(), 'cwt-readme-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

interface Plan {
  name: string
  config: string
  args: string[]
  path: string
  /** Guests get a token; otherwise a visitor without a session gets 401 SESSION_MISSING. */
  guests: boolean
  /** The local secrets file wrangler reads for the run, which `npm run dev` writes. */
  secretsFile: string
}

function planFor({ block, title }: { block: string; title: string }, index: number): Plan {
  const name = `block ${index + 1} (${title.replace(/[:(].*/, '').trim()})`
  const guests = /^ANONYMOUS_POLICY = "allow"/m.test(block)
  const path = block.match(/^TOKEN_PATH = "([^"]+)"/m)?.[1] ?? '/token'
  const secretsFile = '.dev.vars'
  if (/^\[vars\]|^name = /m.test(block)) return { name, config: block, args: [], path, guests, secretsFile }
  const environment = block.match(/^\[env\.([A-Za-z0-9_-]+)\]/m)?.[1]
  if (environment) {
    const config = `${BASE}\n${block}\n[env.${environment}.vars]\n${BASE_VARS}`
    const plan = { name, config, args: ['--env', environment], path: '/token', guests: false }
    return { ...plan, secretsFile: `.dev.vars.${environment}` }
  }
  if (block.startsWith('[[vars.CONTACT_MAPPING]]')) {
    return { name, config: `${BASE}\n${block}`, args: [], path, guests, secretsFile }
  }
  throw new Error(`${name}: neither a complete configuration nor a fragment this test knows how to run`)
}

const plans = blocks.map(planFor)
const CONNECT_SECRET = dotenvValue('.dev.vars.example', 'CONNECT_SECRET')

describe('Every configuration block of README.md, run with npm run dev as written', () => {
  it('Should find the README blocks: the providers, the sources, the widgets, the mapping, the routes', () => {
    expect(plans.length).toBeGreaterThanOrEqual(12)
  })

  it.each(plans)(
    'Should start $name and answer on its token path',
    async ({ name, config, args, path, guests, secretsFile }) => {
      const folder = mkdtempSync(join(dir, 'block-'))
      writeFileSync(join(folder, 'wrangler.toml'), config)
      const dev = await startNpmDev(['--config', join(folder, 'wrangler.toml'), ...args])
      try {
        const response = await fetch(`${dev.url}${path}`, { headers: { 'CF-Connecting-IP': '192.0.2.1' } })
        const body = (await response.json()) as { data?: string; error?: { code: string } }
        if (guests) {
          expect(response.status, `${name}\n${dev.output()}`).toBe(200)
          expect(jsonwebtoken.verify(body.data ?? '', CONNECT_SECRET)).toMatchObject({ attributes: expect.any(Object) })
        } else {
          expect(response.status, `${name}\n${dev.output()}`).toBe(401)
          expect(body).toMatchObject({ error: { code: 'SESSION_MISSING' } })
        }
        expect(readFileSync(join(folder, secretsFile), 'utf8')).toContain('# demo values added by npm run dev')
      } finally {
        await dev.stop()
      }
    },
  )
})
