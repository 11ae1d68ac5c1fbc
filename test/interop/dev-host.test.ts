import { execFile } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type CrossOriginDemo, startCrossOriginDemo } from '../../scripts/lib/cross-origin-demo'
import { chromiumPath, launchChromium } from '../support/browser'
import { dotenvValue } from '../support/dotenv'
import { freePort } from '../support/local-servers'
import { type DevServer, startWranglerDev } from '../support/wrangler-process'

/**
 * The development server as a DNS-rebinding page reaches it, with curl as in the issue: a
 * request for another host name is refused with a code and sets no session, while the
 * README's own curl commands on localhost and 127.0.0.1 keep working.
 */
async function curl(args: string[]): Promise<{ status: number; headers: string; body: string }> {
  const { stdout } = await promisify(execFile)('curl', ['-s', '-i', ...args])
  const [head, ...rest] = stdout.split('\r\n\r\n')
  return { status: Number(head.split(' ')[1]), headers: head, body: rest.join('\r\n\r\n') }
}

describe('wrangler dev src/dev.ts, asked for another host name', () => {
  let dev: DevServer
  beforeAll(async () => {
    dev = await startWranglerDev()
  })
  afterAll(async () => {
    await dev?.stop()
  })

  it('Should refuse /dev/login?sub=victim with 403 DEV_HOST_NOT_ALLOWED and no session', async () => {
    const host = `rebind.attacker.example:${dev.port}`
    const answer = await curl(['-H', `Host: ${host}`, `${dev.url}/dev/login?sub=victim`])
    expect(answer.status).toBe(403)
    expect(answer.headers.toLowerCase()).not.toContain('set-cookie')
    expect(JSON.parse(answer.body)).toEqual({ error: { code: 'DEV_HOST_NOT_ALLOWED', message: expect.any(String) } })
  })

  it('Should refuse /token for that name even with a session from localhost', async () => {
    const login = await curl([`http://localhost:${dev.port}/dev/login?sub=victim`])
    const cookie = /set-cookie: (session=[^;]+)/i.exec(login.headers)?.[1] ?? ''
    expect(cookie).toMatch(/^session=ey/)
    const refused = await curl(['-H', `Host: rebind.attacker.example:${dev.port}`, '-b', cookie, `${dev.url}/token`])
    expect(refused.status).toBe(403)
    expect(refused.body).not.toContain('"data"')
  })

  it("Should run the README's shell block as written (on this port), its cookie jar keeping the Secure session", async () => {
    const readme = readFileSync('README.md', 'utf8')
    const at = readme.indexOf('```sh', readme.indexOf('**From the shell**'))
    const lines = readme
      .slice(at + '```sh\n'.length, readme.indexOf('```', at + 5))
      .trim()
      .split('\n')
      .map((line) => line.replace(/\s+#.*$/, '').replaceAll('localhost:8787', `localhost:${dev.port}`))
    const jarDir = mkdtempSync(join(tmpdir(), 'cwt-jar-'))
    try {
      const run = async (line: string) =>
        (await promisify(execFile)('sh', ['-c', `${line} -s`], { cwd: jarDir })).stdout
      const [missing, , token] = [await run(lines[0]), await run(lines[1]), await run(lines[2])]
      expect(missing).toContain('401')
      expect(missing).toContain('SESSION_MISSING')
      expect(JSON.parse(token).data).toMatch(/^eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9/)
    } finally {
      rmSync(jarDir, { recursive: true, force: true })
    }
  })

  it.each(['localhost', '127.0.0.1'])('Should answer the README curl flow on %s', async (name) => {
    const base = `http://${name}:${dev.port}`
    const login = await curl([`${base}/dev/login?name=Jane%20Doe`])
    expect(login.status).toBe(200)
    const cookie = /set-cookie: (session=[^;]+)/i.exec(login.headers)?.[1] ?? ''
    const token = await curl(['-b', cookie, `${base}/token`])
    expect(token.status).toBe(200)
    expect(JSON.parse(token.body).data).toMatch(/^eyJ/)
  })
})

describe('npm run dev -- --env production: routes on www.example.com, sessions from a JWKS', () => {
  // That environment needs only the widget key; the JWKS is unreachable offline, so demo
  // sessions are signed with the development entry's own key pair.
  const dir = mkdtempSync(join(tmpdir(), 'cwt-production-'))
  const envFile = join(dir, '.dev.vars.production')
  writeFileSync(envFile, `CONNECT_SECRET="${dotenvValue('.dev.vars.example', 'CONNECT_SECRET')}"\n`)
  let demo: CrossOriginDemo
  let dev: DevServer
  beforeAll(async () => {
    const port = await freePort()
    // What scripts/dev.ts passes on to wrangler dev.
    demo = await startCrossOriginDemo([
      '--env',
      'production',
      '--port',
      String(port),
      '--demo-port',
      String(await freePort()),
    ])
    dev = await startWranglerDev({}, { args: demo.wranglerArgs, envFile })
  })
  afterAll(async () => {
    await dev?.stop()
    await demo?.close()
    rmSync(dir, { recursive: true, force: true })
  })

  it('Should answer localhost as the browser asked for it, and sign a token for a demo session', async () => {
    const base = `http://localhost:${dev.port}`
    const login = await curl([`${base}/dev/login?name=Ann`])
    expect(login.status).toBe(200)
    const cookie = /set-cookie: (__Host-session=[^;]+)/i.exec(login.headers)?.[1] ?? ''
    const token = await curl(['-b', cookie, `${base}/token`])
    expect(token.status).toBe(200)
  })

  it('Should still refuse another host name', async () => {
    const answer = await curl(['-H', `Host: rebind.attacker.example:${dev.port}`, `${dev.url}/dev/login?sub=victim`])
    expect(answer.status).toBe(403)
  })

  it('Should refuse localhost too under npx wrangler dev src/dev.ts, which shows every request as www.example.com', async () => {
    const plain = await startWranglerDev({}, { args: ['--env', 'production'], envFile })
    try {
      const answer = await curl([`http://localhost:${plain.port}/dev/login`])
      expect(answer.status).toBe(403)
      expect(JSON.parse(answer.body).error.code).toBe('DEV_HOST_NOT_ALLOWED')
    } finally {
      await plain.stop()
    }
  })
})

const required = process.env.CI === 'true'
describe.skipIf(!chromiumPath && !required)('A DNS-rebinding page in Chromium', () => {
  const REBIND = 'rebind.attacker.example'
  let dev: DevServer
  let browser: Browser
  beforeAll(async () => {
    ;[dev, browser] = await Promise.all([
      startWranglerDev(),
      // The attacker's name resolves to this machine; and a browser without Local Network
      // Access checks (Firefox, Safari) lets a page on it call loopback.
      launchChromium([`--host-resolver-rules=MAP ${REBIND} 127.0.0.1`, '--disable-features=LocalNetworkAccessChecks']),
    ])
  })
  afterAll(async () => {
    await browser?.close()
    await dev?.stop()
  })

  it('Should be refused a demo session when it asks for one on its own name', async () => {
    const page = await browser.newPage()
    const response = await page.goto(`http://${REBIND}:${dev.port}/dev/login?sub=victim`)
    expect(response?.status()).toBe(403)
    expect(await page.context().cookies()).toEqual([])
  })

  it('Should get no token even when it forges MF-Original-URL and sends no Referer', async () => {
    const context = await browser.newContext()
    const origin = `http://${REBIND}:${dev.port}`
    // The attacker's page, on the attacker's name; its requests go to wrangler dev.
    await context.route(`${origin}/attack`, (route) =>
      route.fulfill({ contentType: 'text/html', body: '<!doctype html><title>attack</title>' }),
    )
    const page = await context.newPage()
    await page.goto(`${origin}/attack`)
    const outcome = await page.evaluate(async (port) => {
      const forged = (path: string) =>
        fetch(path, {
          headers: { 'MF-Original-URL': `http://localhost:${port}${path}` },
          referrerPolicy: 'no-referrer',
        })
      const login = await forged('/dev/login?sub=victim')
      const token = await forged('/token')
      return { login: login.status, token: token.status, body: await token.text() }
    }, dev.port)
    // wrangler believes the forged URL, so the session is issued; but as a Secure cookie,
    // which a page on http://rebind.attacker.example (not a secure context) never keeps.
    expect(outcome.login).toBe(200)
    expect(outcome).toMatchObject({ token: 401 })
    expect(outcome.body).toContain('SESSION_MISSING')
    await context.close()
  })
})
