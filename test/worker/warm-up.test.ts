import { env } from 'cloudflare:test'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { type Env, loadConfig } from '../../src/config'
import { widgetKeys } from '../../src/config/widget'
import { warmUp } from '../../src/warm-up'

afterEach(() => {
  vi.restoreAllMocks()
})

describe('The warm-up at isolate start', () => {
  it('Should run the token path on throwaway data without a log line, a request or a secret', async () => {
    const logged = (['log', 'info', 'warn', 'error'] as const).map((level) => vi.spyOn(console, level))
    const outbound = vi.spyOn(globalThis, 'fetch')
    const config = await loadConfig(env as unknown as Env)
    const sign = vi.spyOn(crypto.subtle, 'sign')
    await warmUp(config)
    for (const spy of logged) expect(spy).not.toHaveBeenCalled()
    expect(outbound).not.toHaveBeenCalled()
    // It signed with its own throwaway key, never with the widget's.
    expect(sign).toHaveBeenCalled()
    const { key: widgetKey } = await widgetKeys(config.widgets[0].secret)(env as unknown as Env)
    for (const [, key] of sign.mock.calls) expect(key).not.toBe(widgetKey)
  })
})
