import { describe, expect, it } from 'vitest'
import { providerFixtures } from './helpers'

/**
 * Issue 14, finding 1: Clerk's 60-second tokens were minted at global setup, so a file that
 * started a minute into the suite met them expired. Fixtures are minted when a file asks.
 */
describe('Provider fixtures', () => {
  it('Should be minted when a test asks, not when the suite started', async () => {
    const first = await providerFixtures('clerk')
    // The Workers clock moves on with I/O: wait until it has passed a second boundary.
    await scheduler.wait(1_100)
    const second = await providerFixtures('clerk')
    expect(second.now).toBeGreaterThan(first.now)
    expect(second.now).toBeGreaterThanOrEqual(Math.floor(Date.now() / 1000) - 5)
    expect(second.valid).not.toBe(first.valid)
  })
})
