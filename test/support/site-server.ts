/**
 * @module Vitest global setup: a real site on loopback whose sessions are opaque, the way
 * most sites keep them (Express with express-session), plus a Turnstile siteverify stand-in.
 *
 * - `GET /login/NAME` signs in (sets the signed `connect.sid` cookie); `GET /api/me` is the
 *   "who is this?" URL: the visitor's JSON, or 401. `rolling` sessions make it send
 *   `Set-Cookie` on every answer, which the Worker must never pass on or cache.
 * - `GET /api/id` answers like `/api/me` without a `sub` (`{ "id": "member-NAME", "name" }`).
 * - `GET /modes/MODE/me` misbehaves as a test needs: `error` (500), `slow` (5 s), `redirect`,
 *   `html`, `huge` (256 KiB of JSON), `array`, `forbidden` (403), `bad-request` (400), `stall`
 *   (a 200 and half a body, then silence).
 * - Every answer to a "who is this?" URL is counted per URL (`GET /calls?url=…`), with the
 *   Cookie header it received (`GET /received-cookie?url=…`); tests add a unique query.
 * - `POST /siteverify` passes the response `pass` for the secret `test-turnstile-secret`;
 *   `POST /siteverify-down` answers 503.
 */
import type { AddressInfo } from 'node:net'
import express from 'express'
import session from 'express-session'
import type { TestProject } from 'vitest/node'

export const SITE_SESSION_SECRET = 'TEST-ONLY-express-session-secret-0123456789'
export const TURNSTILE_TEST_SECRET = 'test-turnstile-secret'

export default async function startSite(project: TestProject) {
  const app = express()
  const calls = new Map<string, number>()
  const receivedCookies = new Map<string, string>()
  const count = (url: string, cookie: string | undefined) => {
    calls.set(url, (calls.get(url) ?? 0) + 1)
    receivedCookies.set(url, cookie ?? '')
  }
  app.use(
    session({
      secret: SITE_SESSION_SECRET,
      resave: false,
      saveUninitialized: false,
      rolling: true,
      name: 'connect.sid',
    }),
  )
  app.get('/login/:name', (request, response) => {
    const name = request.params.name
    ;(request.session as unknown as { user: unknown }).user = {
      sub: `member-${name}`,
      name,
      email: `${name}@example.com`,
    }
    response.json({ signedIn: name })
  })
  app.get('/api/me', (request, response) => {
    count(request.originalUrl, request.headers.cookie)
    const user = (request.session as unknown as { user?: unknown }).user
    if (user) response.json(user)
    else response.status(401).json({ error: 'not signed in' })
  })
  // A "who is this?" answer without `sub`: copies must be told apart by what the mapping reads.
  app.get('/api/id', (request, response) => {
    count(request.originalUrl, request.headers.cookie)
    const user = (request.session as unknown as { user?: { name: string } }).user
    if (user) response.json({ id: `member-${user.name}`, name: user.name })
    else response.status(401).json({ error: 'not signed in' })
  })
  app.get('/modes/:mode/me', (request, response) => {
    count(request.originalUrl, request.headers.cookie)
    const mode = request.params.mode
    if (mode === 'error') response.status(500).send('boom')
    else if (mode === 'forbidden') response.status(403).send('no')
    else if (mode === 'redirect') response.redirect(302, '/login')
    else if (mode === 'html') response.type('html').send('<html>sign in</html>')
    else if (mode === 'array') response.json([{ sub: 'x' }])
    else if (mode === 'huge') response.json({ sub: 'x', padding: 'x'.repeat(256 * 1024) })
    else if (mode === 'slow') setTimeout(() => response.json({ sub: 'late' }), 5_000)
    else if (mode === 'bad-request') response.status(400).send('bad cookie')
    else if (mode === 'stall') {
      // The status and half an answer, then silence.
      response.writeHead(200, { 'content-type': 'application/json' }).write('{"sub":"half')
      const timer = setTimeout(() => response.end('"}'), 5_000)
      response.on('close', () => clearTimeout(timer))
    } else response.status(404).end()
  })
  app.get('/calls', (request, response) => {
    response.json({ calls: calls.get(String(request.query.url)) ?? 0 })
  })
  app.get('/received-cookie', (request, response) => {
    response.json({ cookie: receivedCookies.get(String(request.query.url)) ?? null })
  })
  app.post('/siteverify', express.urlencoded({ extended: false }), (request, response) => {
    const body = request.body as Record<string, string>
    const success = body.secret === TURNSTILE_TEST_SECRET && body.response === 'pass'
    response.json(success ? { success } : { success, 'error-codes': ['invalid-input-response'] })
  })
  app.post('/siteverify-down', (_, response) => {
    response.status(503).send('down')
  })
  const server = await new Promise<ReturnType<typeof app.listen>>((resolve) => {
    const listening = app.listen(0, '127.0.0.1', () => resolve(listening))
  })
  project.provide('siteBase', `http://127.0.0.1:${(server.address() as AddressInfo).port}`)
  return () => new Promise<void>((resolve) => server.close(() => resolve()))
}
