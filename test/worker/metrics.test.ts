import { afterEach, describe, expect, it, vi } from 'vitest'
import type { DataPoint } from '../../src/metrics'
import { errorCode, fetchWithEnv, JANE, sessionCookie, tokenRequest, widgetToken } from './helpers'

/**
 * Issue 17: one Workers Analytics Engine data point per token request. A real local binding
 * (Miniflare's, `TEST_METRICS_DATASET`) cannot be read back, so it proves only that the Worker
 * works with one; a recording object with `writeDataPoint` stands in for it wherever a test
 * asserts the point's every field.
 */
afterEach(() => {
  vi.restoreAllMocks()
})

function recorder() {
  const points: DataPoint[] = []
  return { points, dataset: { writeDataPoint: (point: DataPoint) => void points.push(point) } }
}

/** The demo Worker with a recording dataset bound as `TEST_METRICS`. */
function withMetrics(extra: Record<string, unknown> = {}) {
  const { points, dataset } = recorder()
  const fetch = (request: Request) =>
    fetchWithEnv(request, { METRICS_BINDING: 'TEST_METRICS', TEST_METRICS: dataset, ...extra })
  return { points, fetch }
}

/** A request as Cloudflare delivers it: its location in `request.cf`, the client's IP in a header. */
function fromLondon(cookie?: string, init: { headers?: Record<string, string>; method?: string; path?: string } = {}) {
  const request = tokenRequest(cookie, { ...init, headers: { 'CF-Connecting-IP': '192.0.2.44', ...init.headers } })
  return new Request(request, { cf: { country: 'GB', colo: 'LHR' } })
}

/** Nothing about who: no claim, cookie, token or IP, in any column. */
function expectNoIdentity(point: DataPoint, ...secrets: string[]) {
  const text = JSON.stringify(point)
  for (const value of [JANE.sub, JANE.name, JANE.email, JANE.profile.tier, '192.0.2.44', 'eyJ', ...secrets]) {
    expect(text).not.toContain(value)
  }
}

describe('A token request with metrics on', () => {
  it('Should write exactly one data point, every field of it a code, a count or a location', async () => {
    const { points, fetch } = withMetrics()
    const cookie = await sessionCookie()
    const response = await fetch(fromLondon(cookie))
    const { token } = await widgetToken(response)
    expect(points).toHaveLength(1)
    const [{ indexes, blobs, doubles }] = points
    expect(indexes).toEqual(['demo-widget-id'])
    expect(blobs).toEqual(['TOKEN_ISSUED', 'demo-widget-id', 'jwt', 'signed-in', 'GB', 'LHR', ''])
    // status, ms (the runtime's clock advances only during I/O: none here), token size, dropped, skipped.
    expect(doubles).toEqual([200, expect.any(Number), token.length, 0, 0])
    expect(doubles[1]).toBeGreaterThanOrEqual(0)
    expectNoIdentity(points[0], cookie, token)
  })

  it('Should count a refusal with its code and reason, and who it was as far as the session said', async () => {
    const { points, fetch } = withMetrics()
    expect(await errorCode(await fetch(fromLondon()))).toBe('SESSION_MISSING')
    const expired = await sessionCookie(JANE, (jwt) => jwt.setExpirationTime(Math.floor(Date.now() / 1000) - 3600))
    expect(await errorCode(await fetch(fromLondon(expired)))).toBe('SESSION_EXPIRED')
    expect(points.map(({ blobs }) => [blobs[0], blobs[3], blobs[6]])).toEqual([
      ['SESSION_MISSING', 'guest', 'no_session_cookie'],
      ['SESSION_EXPIRED', 'unknown', 'expired'],
    ])
    expect(points.map(({ doubles }) => [doubles[0], doubles[2]])).toEqual([
      [401, 0],
      [401, 0],
    ])
    for (const point of points) expectNoIdentity(point, expired)
  })

  it("Should count a guest's token as a guest's", async () => {
    const { points, fetch } = withMetrics({
      ANONYMOUS_POLICY: 'allow',
      ANONYMOUS_MAPPING: [{ to: 'attributes.authenticated', value: 'false' }],
    })
    expect((await fetch(fromLondon())).status).toBe(200)
    expect(points.map(({ blobs }) => blobs.slice(0, 4))).toEqual([['TOKEN_ISSUED', 'demo-widget-id', 'jwt', 'guest']])
  })

  it('Should count the optional fields left out: dropped to fit, skipped for an unusable claim', async () => {
    const { points, fetch } = withMetrics({
      CONTACT_MAPPING: [
        { to: 'attributes.memberId', claim: 'sub', required: true },
        { to: 'attributes.profile', claim: 'profile' },
        { to: 'attributes.notes', value: 'n'.repeat(4000) },
      ],
    })
    expect((await fetch(fromLondon(await sessionCookie()))).status).toBe(200)
    expect(points[0].doubles.slice(3)).toEqual([1, 1])
  })

  it('Should count a refused origin and a refused preflight, but not a preflight let through', async () => {
    const { points, fetch } = withMetrics()
    const preflight = (origin: string) => ({
      method: 'OPTIONS',
      headers: { Origin: origin, 'Access-Control-Request-Method': 'GET' },
    })
    expect((await fetch(fromLondon(undefined, preflight('http://localhost:8080')))).status).toBe(204)
    expect((await fetch(fromLondon(undefined, preflight('https://evil.example')))).status).toBe(403)
    expect((await fetch(fromLondon(undefined, { headers: { Origin: 'https://evil.example' } }))).status).toBe(403)
    expect(points.map(({ blobs, doubles }) => [blobs[0], blobs[3], doubles[0]])).toEqual([
      ['ORIGIN_NOT_ALLOWED', 'unknown', 403],
      ['ORIGIN_NOT_ALLOWED', 'unknown', 403],
    ])
  })

  it("Should count another method on the token path, and nothing on a path that is no widget's", async () => {
    const { points, fetch } = withMetrics()
    expect((await fetch(fromLondon(undefined, { method: 'POST' }))).status).toBe(405)
    expect((await fetch(fromLondon(undefined, { path: '/wp-login.php' }))).status).toBe(404)
    expect(points.map(({ blobs }) => blobs[0])).toEqual(['METHOD_NOT_ALLOWED'])
  })

  it('Should answer with a real Analytics Engine binding as it answers without one', async () => {
    const warn = vi.spyOn(console, 'warn')
    const response = await fetchWithEnv(fromLondon(await sessionCookie()), { METRICS_BINDING: 'TEST_METRICS_DATASET' })
    expect(response.status).toBe(200)
    expect((await widgetToken(response)).claims).toMatchObject({ sub: 'demo-widget-id' })
    expect(warn).not.toHaveBeenCalled()
  })
})

describe('A token request with metrics off', () => {
  it('Should write no data point, even with a dataset bound', async () => {
    const { points, dataset } = recorder()
    expect((await fetchWithEnv(fromLondon(await sessionCookie()), { TEST_METRICS: dataset })).status).toBe(200)
    expect(points).toEqual([])
  })
})

describe('A dataset whose writeDataPoint throws', () => {
  it('Should leave every answer as it is, and log one warning without the data point', async () => {
    const warn = vi.spyOn(console, 'warn')
    const failing = {
      writeDataPoint() {
        throw new Error('Analytics Engine is having a bad day')
      },
    }
    const cookie = await sessionCookie()
    const overrides = { METRICS_BINDING: 'FAILING_METRICS', FAILING_METRICS: failing }
    const answers = [await fetchWithEnv(fromLondon(cookie), overrides), await fetchWithEnv(fromLondon(), overrides)]
    expect(answers.map((answer) => answer.status)).toEqual([200, 401])
    expect((await widgetToken(answers[0])).claims).toMatchObject({ attributes: { memberId: JANE.sub } })
    expect(await errorCode(answers[1])).toBe('SESSION_MISSING')
    const lines = warn.mock.calls.map(([line]) => JSON.parse(String(line)))
    const failures = lines.filter((line) => line.event === 'metrics_write_failed')
    expect(failures).toEqual([
      {
        level: 'warn',
        event: 'metrics_write_failed',
        binding: 'FAILING_METRICS',
        error: { name: 'Error', message: 'Analytics Engine is having a bad day' },
      },
    ])
  })
})

describe('LOG_TOKENS_ISSUED = false', () => {
  it('Should leave a plain token issued out of the console, and log refusals and warnings as ever', async () => {
    const info = vi.spyOn(console, 'info')
    const warn = vi.spyOn(console, 'warn')
    const { points, fetch } = withMetrics({ LOG_TOKENS_ISSUED: false })
    await fetch(fromLondon(await sessionCookie()))
    await fetch(fromLondon())
    await fetch(fromLondon(await sessionCookie({ ...JANE, email: ['a@example.com', 'b@example.com'] })))
    const outcomes = [...info.mock.calls, ...warn.mock.calls].map(([line]) => JSON.parse(String(line)).outcome)
    expect(outcomes.sort()).toEqual(['SESSION_MISSING', 'TOKEN_ISSUED'])
    expect(warn).toHaveBeenCalledWith(expect.stringContaining('"skipped"'))
    expect(points.map(({ blobs }) => blobs[0])).toEqual(['TOKEN_ISSUED', 'SESSION_MISSING', 'TOKEN_ISSUED'])
  })
})

describe('The metrics settings, checked by the validator', () => {
  it('Should refuse a METRICS_BINDING that names no dataset, and LOG_TOKENS_ISSUED = false without one', async () => {
    const error = vi.spyOn(console, 'error')
    const unbound = await fetchWithEnv(fromLondon(), { METRICS_BINDING: 'NO_SUCH_DATASET' })
    expect(await errorCode(unbound)).toBe('CONFIG_INVALID')
    const alone = await fetchWithEnv(fromLondon(), { LOG_TOKENS_ISSUED: false })
    expect(await errorCode(alone)).toBe('CONFIG_INVALID')
    const problems = error.mock.calls
      .map(([line]) => JSON.parse(String(line)))
      .filter((line) => line.event === 'config_invalid')
      .flatMap((line) => line.problems)
    expect(problems).toEqual([
      {
        key: 'METRICS_BINDING',
        problem:
          'no Analytics Engine dataset is bound as "NO_SUCH_DATASET" ([[analytics_engine_datasets]] in the wrangler configuration)',
      },
      {
        key: 'LOG_TOKENS_ISSUED',
        problem: '= false needs METRICS_BINDING: without a data point, a token issued would leave no trace',
      },
    ])
  })

  it('Should still count the refusals of a configuration invalid for another reason', async () => {
    const { points, dataset } = recorder()
    const response = await fetchWithEnv(fromLondon(), {
      METRICS_BINDING: 'TEST_METRICS',
      TEST_METRICS: dataset,
      CONNECT_SECRET: undefined,
    })
    expect(await errorCode(response)).toBe('CONFIG_INVALID')
    expect(points).toEqual([
      {
        indexes: [''],
        blobs: ['CONFIG_INVALID', '', '', 'unknown', 'GB', 'LHR', 'config_invalid'],
        doubles: [500, expect.any(Number), 0, 0, 0],
      },
    ])
  })
})
