import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:http'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type CrossOriginDemo, startCrossOriginDemo } from '../../scripts/lib/cross-origin-demo'
import { chromiumPath, launchChromium } from '../support/browser'
import { dotenvValue } from '../support/dotenv'
import { freePort } from '../support/local-servers'
import { AUTHJS, authJsCookies } from '../support/providers/authjs'
import { type DevServer, startWranglerDev } from '../support/wrangler-process'

/**
 * The demo page with the README's other configurations, started as `npm run dev` starts
 * them: an identity provider (Auth.js), whose sessions only the site can make, and
 * `--env production`, a route on www.example.com with sessions from a JWKS.
 */
const readme = readFileSync('README.md', 'utf8')
const CONNECT_SECRET = dotenvValue('.dev.vars.example', 'CONNECT_SECRET')

/** The README's ```toml block that contains `text`. */
function readmeBlock(text: string): string {
  const at = readme.indexOf(text)
  return readme.slice(readme.lastIndexOf('```toml\n', at) + '```toml\n'.length, readme.indexOf('```', at))
}

interface NpmRunDev {
  args?: string[]
  envFile?: string
  configPath?: string
  demoPort?: number
  /** `--var` overrides, given the cross-origin page's origin. */
  vars?: (demoOrigin: string) => Record<string, string>
}

/** As `npm run dev` starts: the cross-origin half, then wrangler dev with the arguments it passes on. */
async function startLikeNpmRunDev({ args = [], envFile, configPath, demoPort, vars }: NpmRunDev) {
  const port = await freePort()
  const demoArgs = ['--port', String(port), '--demo-port', String(demoPort ?? (await freePort()))]
  const demo = await startCrossOriginDemo([...args, ...demoArgs])
  const dev = await startWranglerDev(vars?.(demo.origin) ?? {}, { configPath, envFile, args: demo.wranglerArgs })
  return { demo, dev }
}

const required = process.env.CI === 'true'
describe.skipIf(!chromiumPath && !required)('The demo page with other configurations', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cwt-demo-configs-'))
  let browser: Browser
  const started: { demo: CrossOriginDemo; dev: DevServer }[] = []

  beforeAll(async () => {
    browser = await launchChromium()
  })
  afterAll(async () => {
    await browser?.close()
    for (const { demo, dev } of started) await Promise.all([dev.stop(), demo.close()])
    rmSync(dir, { recursive: true, force: true })
  })

  async function open(server: { dev: DevServer }): Promise<{ context: BrowserContext; page: Page }> {
    const context = await browser.newContext({ viewport: { width: 1100, height: 940 } })
    const page = await context.newPage()
    await page.goto(`http://localhost:${server.dev.port}/dev`)
    return { context, page }
  }

  describe('npm run dev when the cross-origin port it is asked for is taken', () => {
    let server: { demo: CrossOriginDemo; dev: DevServer }
    // Someone else's server on that port, as when 8080 is taken.
    const taken = createServer()
    beforeAll(async () => {
      const takenPort = await freePort()
      await new Promise<void>((resolve) => taken.listen(takenPort, 'localhost', resolve))
      server = await startLikeNpmRunDev({
        demoPort: takenPort,
        vars: (demoOrigin) => ({ ALLOWED_ORIGINS: JSON.stringify([demoOrigin]) }),
      })
      started.push(server)
    })
    afterAll(() => {
      taken.close()
    })

    it('Should run the cross-origin snippet from the page on the free port it moved to', async () => {
      const { context, page } = await open(server)
      // A healthy run fetches nothing that fails: the console stays free of 4xx.
      const failed: string[] = []
      page.on('response', (response) => {
        if (response.status() >= 400) failed.push(`${response.status()} ${response.url()}`)
      })
      await page.click('#sign-in')
      await expect.poll(() => page.textContent('#session-state')).toContain('Signed in')
      await page.click('#run-cross')
      await expect.poll(() => page.textContent('#via')).toContain(`from a page on ${server.demo.origin}`)
      await page.waitForSelector('#rules')
      expect(await page.$$eval('#rules tr', (rows) => rows.map((row) => row.className))).not.toContain('fail')
      expect(failed).toEqual([])
      await context.close()
    })

    it('Should read the fields left out from the cross-origin page too', async () => {
      const { context, page } = await open(server)
      // profile.tier is an object: the optional tier field is skipped.
      await page.fill('#claims', JSON.stringify({ sub: 'member-42', name: 'Ann', profile: { tier: { level: 1 } } }))
      await page.click('#sign-in')
      await expect.poll(() => page.textContent('#session-state')).toContain('Signed in')
      await page.click('#run-cross')
      await expect.poll(() => page.textContent('#left-out')).toMatch(/attributes\.tier.*not_a_scalar/)
      await context.close()
    })

    it('Should say so when no page answers on the cross-origin port, never wait in silence', async () => {
      const { context, page } = await open(server)
      await server.demo.close()
      await page.click('#run-cross')
      await expect.poll(() => page.textContent('#outcome')).toContain(`No page answers on ${server.demo.origin}`)
      await context.close()
    })
  })

  describe('npm run dev -- --env production: a route on www.example.com, sessions from a JWKS', () => {
    let server: { demo: CrossOriginDemo; dev: DevServer }
    beforeAll(async () => {
      // That environment needs only the widget key; demo sessions use the dev entry's own key pair.
      writeFileSync(join(dir, 'production.vars'), `CONNECT_SECRET="${CONNECT_SECRET}"\n`)
      server = await startLikeNpmRunDev({ args: ['--env', 'production'], envFile: join(dir, 'production.vars') })
      started.push(server)
    })

    it('Should sign in and show a token that passes every contract rule', async () => {
      const { context, page } = await open(server)
      await page.click('#sign-in')
      await expect.poll(() => page.textContent('#session-state')).toContain('Signed in: cookie __Host-session')
      await page.click('#run-same')
      await page.waitForSelector('#rules')
      expect(await page.$$eval('#rules tr', (rows) => rows.map((row) => row.className))).not.toContain('fail')
      expect(await page.textContent('#rules')).toContain('"production-support-widget"')
      await context.close()
    })

    it('Should run the cross-origin snippet against this server, not www.example.com, and say why it is refused', async () => {
      const { context, page } = await open(server)
      const requested: string[] = []
      context.on('request', (request) => requested.push(request.url()))
      expect(await page.textContent('#cross-origin-note')).toContain(`${server.demo.origin} is not in ALLOWED_ORIGINS`)
      await page.click('#run-cross')
      await expect.poll(() => page.textContent('#outcome')).toContain('No chat token:')
      expect(await page.textContent('#outcome')).toContain('ORIGIN_NOT_ALLOWED')
      expect(requested).toContain(`http://localhost:${server.dev.port}/token`)
      expect(requested.filter((url) => url.includes('example.com'))).toEqual([])
      await context.close()
    })
  })

  describe("The README's Auth.js configuration", () => {
    let server: { demo: CrossOriginDemo; dev: DevServer }
    beforeAll(async () => {
      const config = `name = "authjs-site"\nmain = ${JSON.stringify(resolve('src/dev.ts'))}\ncompatibility_date = "2026-11-01"\nsend_metrics = false\n${readmeBlock('SESSION_PROVIDER = "authjs"')}`
      writeFileSync(join(dir, 'authjs.toml'), config)
      writeFileSync(join(dir, 'authjs.vars'), `CONNECT_SECRET="${CONNECT_SECRET}"\nAUTH_SECRET="${AUTHJS.secret}"\n`)
      server = await startLikeNpmRunDev({ envFile: join(dir, 'authjs.vars'), configPath: join(dir, 'authjs.toml') })
      started.push(server)
    })

    it('Should offer no demo sign-in, and say to sign in at the site', async () => {
      const { context, page } = await open(server)
      expect(await page.isVisible('#sign-in')).toBe(false)
      expect(await page.textContent('#site-sign-in')).toContain('Sign in at your site')
      expect(await page.textContent('#site-sign-in')).toContain('authjs')
      expect(await page.textContent('body')).not.toContain('[object Object]')
      await context.close()
    })

    it("Should show the token for the site's real session cookie", async () => {
      const { context, page } = await open(server)
      const { plain } = await authJsCookies()
      await context.addCookies([
        { name: 'authjs.session-token', value: plain, url: `http://localhost:${server.dev.port}` },
      ])
      await page.click('#run-same')
      await page.waitForSelector('#rules')
      expect(await page.$$eval('#rules tr', (rows) => rows.map((row) => row.className))).not.toContain('fail')
      expect(await page.textContent('#rules')).toContain('"support-chat-widget"')
      await context.close()
    })
  })
})
