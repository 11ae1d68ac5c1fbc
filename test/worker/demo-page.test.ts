import { describe, expect, it } from 'vitest'
import { fetchDev } from './dev-entry'

/**
 * What the demo page (`/dev`) is told about the configuration it runs against: the data the
 * server embeds, which the page's script renders (the page itself is driven in Chromium by
 * test/interop/demo-page*.test.ts).
 */
async function pageConfig(vars: Record<string, unknown> = {}) {
  const html = await (await fetchDev('/dev', { vars })).text()
  const json = /<script type="application\/json" id="config">([\s\S]*?)<\/script>/.exec(html)?.[1] ?? 'null'
  return JSON.parse(json)
}

describe('The cross-origin half of the demo page', () => {
  it('Should be where npm run dev says it serves it (DEV_CROSS_ORIGIN_DEMO)', async () => {
    expect((await pageConfig({ DEV_CROSS_ORIGIN_DEMO: 'http://localhost:9123' })).crossOriginPage).toBe(
      'http://localhost:9123/',
    )
  })

  it('Should be on localhost:8080 without it, or when it names no loopback origin', async () => {
    expect((await pageConfig()).crossOriginPage).toBe('http://localhost:8080/')
    expect((await pageConfig({ DEV_CROSS_ORIGIN_DEMO: 'https://evil.example' })).crossOriginPage).toBe(
      'http://localhost:8080/',
    )
  })
})
