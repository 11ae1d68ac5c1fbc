import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CROSS_ORIGIN_SNIPPET, SAME_ORIGIN_SNIPPET } from '../../src/dev/snippets'
import { chromiumPath, launchChromium, readmeSnippets } from '../support/browser'
import { type DevServer, startWranglerDev } from '../support/wrangler-process'

/**
 * The demo page at /dev in Chromium against `wrangler dev`, as a newcomer uses it from the
 * README: a refusal shows its code, a demo sign-in gets a token that passes every contract
 * rule. It takes the README's screenshot: `UPDATE_SCREENSHOTS=1 npm test` writes it to
 * docs/demo-page.png; otherwise it goes to a temporary folder.
 */
const SCREENSHOT = process.env.UPDATE_SCREENSHOTS
  ? 'docs/demo-page.png'
  : join(mkdtempSync(join(tmpdir(), 'cwt-shot-')), 'demo-page.png')

describe('The snippets the demo page runs', () => {
  it("Should be the README's, verbatim", () => {
    expect(readmeSnippets(readFileSync('README.md', 'utf8'))).toEqual([SAME_ORIGIN_SNIPPET, CROSS_ORIGIN_SNIPPET])
  })

  it('Should show the screenshot the test takes', () => {
    expect(readFileSync('README.md', 'utf8')).toContain('](docs/demo-page.png)')
  })
})

const required = process.env.CI === 'true'
describe.skipIf(!chromiumPath && !required)('The demo page in Chromium', () => {
  let dev: DevServer
  let browser: Browser
  let page: Page

  beforeAll(async () => {
    ;[dev, browser] = await Promise.all([startWranglerDev(), launchChromium()])
    page = await browser.newPage({ viewport: { width: 1100, height: 940 } })
    await page.goto(`http://localhost:${dev.port}/dev`)
  })
  afterAll(async () => {
    await browser?.close()
    await dev?.stop()
  })

  it('Should show the coded refusal when the visitor has not signed in', async () => {
    await page.click('#run-same')
    await expect.poll(() => page.textContent('#outcome')).toContain('No chat token: 401 SESSION_MISSING')
    // Issue 17: the data point the refusal would write, as it is counted.
    expect(await page.textContent('#data-point')).toMatch(/blob1outcomeSESSION_MISSING.*blob4visitorguest/)
  })

  it('Should refuse, and never say "Signed in" for, a demo session too large for a cookie', async () => {
    await page.fill('#claims', JSON.stringify({ sub: 'member-42', name: 'x'.repeat(5_000) }))
    await page.click('#sign-in')
    await expect.poll(() => page.textContent('#session-state')).toContain('Not signed in: 422 DEV_SESSION_TOO_LARGE')
    expect(await page.context().cookies()).toEqual([])
    expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true)
  })

  it('Should sign in with edited claims and show a token that passes every contract rule', async () => {
    const claims = { sub: 'member-42', name: 'Ann Lee', email: 'ann@example.com', profile: { tier: 'silver' } }
    await page.fill('#claims', JSON.stringify(claims, null, 2))
    await page.click('#sign-in')
    await expect.poll(() => page.textContent('#session-state')).toContain('Signed in')
    await page.click('#run-same')
    await page.waitForSelector('#rules')
    const verdicts = await page.$$eval('#rules tr', (rows) => rows.map((row) => row.className))
    expect(verdicts).toEqual(Array(verdicts.length).fill('pass'))
    expect(await page.textContent('#rules')).toContain('signature')
    expect(await page.textContent('#attributes')).toContain('Ann Lee')
    const point = await page.textContent('#data-point')
    expect(point).toMatch(/blob1outcomeTOKEN_ISSUED.*blob3sourcejwt.*blob4visitorsigned-in/)
    expect(point).not.toContain('Ann Lee')
    expect(await page.textContent('#expires')).toMatch(/^expires in (5 min 0|4 min 5\d) s$/)
    await page.screenshot({ path: SCREENSHOT, fullPage: true })
  })

  it('Should wrap a long value instead of widening the page', async () => {
    // 2,000 characters without a space: a session that fits a cookie, a token that fits the widget.
    await page.fill('#claims', JSON.stringify({ sub: 'member-42', name: 'x'.repeat(2_000), email: 'ann@example.com' }))
    await page.click('#sign-in')
    await expect.poll(() => page.textContent('#session-state')).toContain('Signed in')
    await page.click('#run-same')
    await expect.poll(() => page.textContent('#attributes')).toContain('x'.repeat(2_000))
    const { scrollWidth, innerWidth } = await page.evaluate(() => ({
      scrollWidth: document.documentElement.scrollWidth,
      innerWidth: window.innerWidth,
    }))
    expect(scrollWidth).toBeLessThanOrEqual(innerWidth)
  })

  it('Should show the fields the token left out: dropped to fit the widget, skipped for an unusable claim', async () => {
    // A 2,100-character name leaves room for email but not channel, the last in the mapping.
    const claims = {
      sub: 'member-42',
      name: 'x'.repeat(2_100),
      email: 'ann@example.com',
      profile: { tier: { level: 1 } },
    }
    await page.fill('#claims', JSON.stringify(claims))
    await page.click('#sign-in')
    await expect.poll(() => page.textContent('#session-state')).toContain('Signed in')
    await page.click('#run-same')
    await expect.poll(() => page.textContent('#left-out')).toContain('attributes.channel')
    expect(await page.textContent('#left-out')).toContain('dropped to fit')
    expect(await page.textContent('#left-out')).toMatch(/attributes\.tier.*not_a_scalar/)
  })

  it('Should show the refusal again after signing out', async () => {
    await page.click('#sign-out')
    await expect.poll(() => page.textContent('#session-state')).toContain('Signed out')
    await page.click('#run-same')
    await expect.poll(() => page.textContent('#outcome')).toContain('401 SESSION_MISSING')
  })
})
