import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type CrossOriginDemo, startCrossOriginDemo } from '../../scripts/lib/cross-origin-demo'
import { chromiumPath, launchChromium } from '../support/browser'
import { dotenvValue } from '../support/dotenv'
import { freePort } from '../support/local-servers'
import { type DevServer, startWranglerDev } from '../support/wrangler-process'

/**
 * The demo page with the README's two-widget configuration ("Several widgets"), copied from
 * the README and run as `npm run dev` runs it: the visitor picks the widget, each snippet
 * fetches that widget's path, and the page shows that widget's own settings and token.
 */
const readme = readFileSync('README.md', 'utf8')
const MARKER = '# Two widgets, one Worker'
const block = readme.slice(readme.indexOf(MARKER), readme.indexOf('```', readme.indexOf(MARKER)))
const header = `name = "two-widgets"\nmain = ${JSON.stringify(resolve('src/dev.ts'))}\ncompatibility_date = "2026-11-01"\nsend_metrics = false\n`

const required = process.env.CI === 'true'
describe.skipIf(!chromiumPath && !required)("The demo page with the README's two widgets", () => {
  const dir = mkdtempSync(join(tmpdir(), 'cwt-demo-widgets-'))
  let demo: CrossOriginDemo
  let dev: DevServer
  let browser: Browser
  let page: Page

  beforeAll(async () => {
    writeFileSync(join(dir, 'wrangler.toml'), header + block)
    const secrets = {
      CONNECT_SECRET_SUPPORT: 'DEMO-ONLY-support-widget-key-not-a-real-one!',
      CONNECT_SECRET_SALES: 'DEMO-ONLY-sales-widget-key-not-a-real-one!!!',
      SESSION_SECRET: dotenvValue('.dev.vars.example', 'SESSION_SECRET'),
    }
    writeFileSync(
      join(dir, '.dev.vars'),
      Object.entries(secrets)
        .map(([name, value]) => `${name}="${value}"`)
        .join('\n'),
    )
    const port = await freePort()
    demo = await startCrossOriginDemo(['--port', String(port), '--demo-port', String(await freePort())])
    ;[dev, browser] = await Promise.all([
      startWranglerDev(
        {},
        { configPath: join(dir, 'wrangler.toml'), envFile: join(dir, '.dev.vars'), args: demo.wranglerArgs },
      ),
      launchChromium(),
    ])
    page = await browser.newPage({ viewport: { width: 1100, height: 940 } })
    await page.goto(`http://localhost:${dev.port}/dev`)
  })
  afterAll(async () => {
    await browser?.close()
    await dev?.stop()
    await demo?.close()
    rmSync(dir, { recursive: true, force: true })
  })

  const summary = () => page.textContent('#summary')

  it("Should offer both widgets and show the chosen one's own settings", async () => {
    expect(await page.$$eval('#widget option', (options) => options.map((option) => option.textContent))).toEqual([
      'support · /token/support',
      'sales · /token/sales',
    ])
    expect(await summary()).toContain('support-widget-id')
    expect(await summary()).toContain('["http://localhost:8080"]')
    await page.selectOption('#widget', 'sales')
    expect(await summary()).toContain('sales-widget-id')
    expect(await summary()).toContain('/token/sales')
    expect(await summary()).toContain('120 s')
    expect(await summary()).toContain('none (same origin only)')
  })

  it.each([
    ['support', 'support-widget-id'],
    ['sales', 'sales-widget-id'],
  ])("Should run the snippet against %s's path and check its token with that widget's key", async (name, id) => {
    await page.click('#sign-in')
    await expect.poll(() => page.textContent('#session-state')).toContain('Signed in')
    await page.selectOption('#widget', name)
    await page.click('#run-same')
    await expect.poll(() => page.textContent('#via')).toContain(`/token/${name}`)
    await page.waitForSelector('#rules')
    expect(await page.$$eval('#rules tr', (rows) => rows.map((row) => row.className))).not.toContain('fail')
    expect(await page.textContent('#rules')).toContain(`"${id}"`)
    expect(await page.textContent('#rules')).toContain('verified with the given key')
  })

  it("Should say plainly that the cross-origin page is not among the chosen widget's origins", async () => {
    await page.selectOption('#widget', 'support')
    expect(await page.textContent('#cross-origin-note')).toContain(`${demo.origin} is not in ALLOWED_ORIGINS`)
    expect(await page.textContent('#cross-origin-note')).toContain('403 ORIGIN_NOT_ALLOWED')
  })
})
