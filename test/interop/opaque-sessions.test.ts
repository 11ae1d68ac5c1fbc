import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import type { Server } from 'node:http'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import express from 'express'
import session from 'express-session'
import jsonwebtoken from 'jsonwebtoken'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { dotenvValue } from '../support/dotenv'
import { freePort } from '../support/local-servers'
import { freshClientIp, inOneWindow } from '../support/rate-limit-window'
import { type DevServer, startWranglerDev } from '../support/wrangler-process'

/**
 * The README's worked configuration for a site on Express + express-session, as a newcomer
 * uses it: a real Express site on loopback with the README's "who is this?" route, and
 * `wrangler dev` with that configuration (the README's own TOML block).
 */
const readme = readFileSync('README.md', 'utf8')
const MARKER = '# wrangler.toml: the token endpoint for a site on Express + express-session'
const block = readme.slice(readme.indexOf(MARKER), readme.indexOf('```', readme.indexOf(MARKER)))
const CONNECT_SECRET = dotenvValue('.dev.vars.example', 'CONNECT_SECRET')
const SESSION_SECRET = dotenvValue('.dev.vars.example', 'SESSION_SECRET')

describe("The README's introspection configuration with an express-session site", () => {
  const dir = mkdtempSync(join(tmpdir(), 'cwt-site-'))
  let site: Server
  let dev: DevServer
  let meCalls = 0

  beforeAll(async () => {
    const app = express()
    app.use(session({ secret: SESSION_SECRET, resave: false, saveUninitialized: false, name: 'connect.sid' }))
    app.get('/login/:name', (req, res) => {
      ;(req.session as unknown as { user: unknown }).user = { sub: `member-${req.params.name}`, name: req.params.name }
      res.json({ signedIn: true })
    })
    // The README's route, verbatim in substance.
    app.get('/api/me', (req, res) => {
      meCalls += 1
      const user = (req.session as unknown as { user?: unknown }).user
      return user ? res.json(user) : res.sendStatus(401)
    })
    const port = await freePort()
    site = await new Promise((done) => {
      const listening = app.listen(port, '127.0.0.1', () => done(listening))
    })
    expect(block).toContain('SESSION_SOURCE = "introspection"')
    const config = block
      .replace('main = "src/index.ts"', `main = ${JSON.stringify(resolve('src/dev.ts'))}`)
      .replace('http://127.0.0.1:3000/api/me', `http://127.0.0.1:${port}/api/me`)
    writeFileSync(join(dir, 'wrangler.toml'), `send_metrics = false\n${config}`)
    dev = await startWranglerDev({}, { configPath: join(dir, 'wrangler.toml') })
  })
  afterAll(async () => {
    await dev?.stop()
    site?.close()
    rmSync(dir, { recursive: true, force: true })
  })

  async function signIn(name: string): Promise<string> {
    const response = await fetch(`${siteUrl()}/login/${name}`)
    return (response.headers.get('set-cookie') ?? '').split(';')[0]
  }
  const siteUrl = () => `http://127.0.0.1:${(site.address() as { port: number }).port}`
  const token = (cookie?: string, headers: Record<string, string> = {}) =>
    fetch(`${dev.url}/token`, { headers: { ...(cookie && { Cookie: cookie }), ...headers } })

  it('Should give a signed-in visitor a token, the second one from the edge cache', async () => {
    const cookie = await signIn('ann')
    const first = await token(cookie)
    expect(first.status).toBe(200)
    const claims = jsonwebtoken.verify(((await first.json()) as { data: string }).data, CONNECT_SECRET) as {
      attributes: Record<string, string>
    }
    expect(claims.attributes).toEqual({ memberId: 'member-ann', name: 'ann' })
    const calls = meCalls
    expect((await token(cookie)).status).toBe(200)
    expect(meCalls).toBe(calls)
  })

  it('Should give a guest a token with the literal attributes only', async () => {
    const response = await token(undefined, { 'CF-Connecting-IP': '192.0.2.10' })
    const claims = jsonwebtoken.verify(((await response.json()) as { data: string }).data, CONNECT_SECRET) as {
      attributes: Record<string, string>
    }
    expect(claims.attributes).toEqual({ authenticated: 'false' })
  })

  it('Should refuse a forged cookie with 401, never a guest token', async () => {
    const cookie = await signIn('bob')
    const forged = cookie.replace(/\.[^.]+$/, '.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA')
    const response = await token(forged)
    expect(response.status).toBe(401)
    expect(await response.json()).toMatchObject({ error: { code: 'SESSION_INVALID' } })
  })

  it('Should answer 429 past the rate limit', async () => {
    const ip = freshClientIp()
    const statuses = await inOneWindow(async () => {
      const statuses: number[] = []
      for (let i = 0; i < 12; i++) statuses.push((await token(undefined, { 'CF-Connecting-IP': ip })).status)
      return statuses
    })
    expect(statuses).toContain(429)
    expect(statuses.slice(0, statuses.indexOf(429)).every((status) => status === 200)).toBe(true)
  })
})
