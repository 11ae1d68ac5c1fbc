/**
 * @module The Workers Rate Limiting binding counts in windows aligned to the wall clock
 * (Miniflare as Cloudflare: a count per `floor(now / period)`), so a burst that straddles a
 * window's end starts again from zero halfway and never meets the limit. A test that expects
 * the limit within one burst starts the burst where it fits in one window, and counts under a
 * key no other test uses: what it asserts then holds whatever the time.
 */

/**
 * Runs `burst` in one window of `periodSeconds`, waiting for the next one when less than
 * `burstSeconds` is left: the test needs a timeout that much longer than its own (`RATE_LIMIT_TEST_MS`).
 */
export async function inOneWindow<T>(
  burst: () => Promise<T>,
  { periodSeconds = 60, burstSeconds = 5 } = {},
): Promise<T> {
  const period = periodSeconds * 1000
  const left = period - (Date.now() % period)
  if (left < burstSeconds * 1000) await new Promise((resolve) => setTimeout(resolve, left + 100))
  return burst()
}

/** A client address (`CF-Connecting-IP`) no other test counts under: the limiter keys guests by it. */
export function freshClientIp(): string {
  const [a, b] = crypto.randomUUID().split('-')
  return `2001:db8:${a.slice(0, 4)}:${a.slice(4)}::${b}`
}

/** A timeout for a test with one burst: the wait for a window, and the burst itself on a loaded machine. */
export const RATE_LIMIT_TEST_MS = 30_000
