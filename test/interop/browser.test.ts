import { readFileSync } from 'node:fs'
import jsonwebtoken from 'jsonwebtoken'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { chromiumPath, launchChromium, readmeSnippets, servePage, widgetPage } from '../support/browser'
import { dotenvValue } from '../support/dotenv'
import { type DevServer, startWranglerDev } from '../support/wrangler-process'

/**
 * The widget flow in a real browser: Chromium signs in through /dev/login, then a page runs
 * the README's snippet against `wrangler dev`, and the token the callback receives is checked
 * with jsonwebtoken. CI installs Chromium and requires this test; elsewhere it is skipped,
 * saying why, when Chromium is absent.
 */
const [sameOriginSnippet, crossOriginSnippet] = readmeSnippets(readFileSync('README.md', 'utf8'))
const CONNECT_SECRET = dotenvValue('.dev.vars.example', 'CONNECT_SECRET')

const required = process.env.CI === 'true'
const title = chromiumPath
  ? 'The widget flow in Chromium'
  : 'The widget flow in Chromium (no Chromium here: apt-get install chromium)'
describe.skipIf(!chromiumPath && !required)(title, () => {
  let dev: DevServer
  let browser: Browser
  let context: BrowserContext
  let workerOrigin: string
  let crossOriginPage = ''
  const pages = { allowed: servePage(() => crossOriginPage), stranger: servePage(() => crossOriginPage) }

  beforeAll(async () => {
    const allowedOrigin = (await pages.allowed).origin
    ;[dev, browser] = await Promise.all([
      startWranglerDev({ ALLOWED_ORIGINS: JSON.stringify([allowedOrigin]) }),
      launchChromium(),
    ])
    // localhost, not 127.0.0.1: the same site as the pages, so SameSite=Lax cookies travel.
    workerOrigin = `http://localhost:${dev.port}`
    crossOriginPage = widgetPage(crossOriginSnippet.replace('https://chat-token.example.com', workerOrigin))
  })
  afterAll(async () => {
    await browser?.close()
    await dev?.stop()
    for (const page of Object.values(pages)) await (await page).close()
  })
  beforeEach(async () => {
    context = await browser.newContext()
  })

  /** Opens `url`; with `html`, the browser gets it for that URL instead of asking the network. */
  async function openPage(url: string, html?: string): Promise<Page> {
    if (html) await context.route(url, (route) => route.fulfill({ contentType: 'text/html', body: html }))
    const page = await context.newPage()
    await page.goto(url)
    return page
  }

  async function signIn(query: string) {
    const page = await context.newPage()
    const response = await page.goto(`${workerOrigin}/dev/login${query}`)
    expect(response?.status()).toBe(200)
    await page.close()
  }

  /** Waits for the widget's callback to receive a token, and verifies it with jsonwebtoken. */
  async function tokenHandedToWidget(page: Page): Promise<jsonwebtoken.JwtPayload> {
    const token = await page.waitForFunction(() => (window as { deliveredToken?: string }).deliveredToken)
    const text = String(await token.jsonValue())
    return jsonwebtoken.verify(text, CONNECT_SECRET, { algorithms: ['HS256'] }) as jsonwebtoken.JwtPayload
  }

  /** What the widget's callback has received so far. */
  function deliveredToken(page: Page): Promise<string | undefined> {
    return page.evaluate(() => (window as { deliveredToken?: string }).deliveredToken)
  }

  // The same-origin page is handed to the browser at the Worker's own origin, as a site's
  // page would be served beside a Workers route; its fetch('/token') goes to wrangler dev.
  it('Should hand the widget a valid token from the same-origin snippet', async () => {
    await signIn('?name=Same%20Origin')
    const page = await openPage(`${workerOrigin}/chat`, widgetPage(sameOriginSnippet))
    expect((await tokenHandedToWidget(page)).attributes).toMatchObject({ name: 'Same Origin' })
  })

  it('Should hand the widget a valid token from the cross-origin snippet, cookie included', async () => {
    await signIn('?name=Cross%20Origin')
    const page = await openPage(`${(await pages.allowed).origin}/`)
    expect((await tokenHandedToWidget(page)).attributes).toMatchObject({ name: 'Cross Origin' })
  })

  it('Should give a page on an origin outside the allowlist nothing to read', async () => {
    await signIn('')
    const blocked = context.waitForEvent('requestfailed', (request) => request.url().endsWith('/token'))
    const page = await context.newPage()
    const consoleErrors: string[] = []
    page.on('console', (message) => consoleErrors.push(message.text()))
    await page.goto(`${(await pages.stranger).origin}/`)
    await blocked
    await page.waitForTimeout(200)
    expect(consoleErrors.join('\n')).toContain("No 'Access-Control-Allow-Origin' header")
    expect(await deliveredToken(page)).toBeUndefined()
  })

  it('Should not call the widget back for a visitor who has not signed in, and log the code', async () => {
    const answered = context.waitForEvent('response', (response) => response.url().endsWith('/token'))
    const page = await context.newPage()
    const consoleErrors: string[] = []
    page.on('console', (message) => consoleErrors.push(message.text()))
    await context.route(`${workerOrigin}/chat`, (route) =>
      route.fulfill({ contentType: 'text/html', body: widgetPage(sameOriginSnippet) }),
    )
    await page.goto(`${workerOrigin}/chat`)
    expect((await answered).status()).toBe(401)
    await page.waitForFunction(() => document.readyState === 'complete')
    await expect.poll(() => consoleErrors.join('\n')).toContain('No chat token: 401 SESSION_MISSING')
    expect(await page.evaluate(() => (window as { callbackCalls?: number }).callbackCalls)).toBe(0)
  })
})
