import { describe, expect, it } from 'vitest'
import { DATA_POINT_COLUMNS } from '../../src/metrics'
import { fetchDev, sessionFrom } from './dev-entry'
import { fetchWithEnv } from './helpers'

/**
 * Issue 17: the demo page shows the data point a request would write. The development entry
 * sends it in `X-Connect-Data-Point`, column by column, with or without `METRICS_BINDING`; a
 * deployment never does.
 */
function columnsOf(response: Response): Record<string, unknown> {
  const rows = JSON.parse(response.headers.get('X-Connect-Data-Point') ?? '[]') as [string, string, unknown][]
  expect(rows.map(([column, field]) => [column, field])).toEqual(
    DATA_POINT_COLUMNS.map(({ column, field }) => [column, field]),
  )
  return Object.fromEntries(rows.map(([column, , value]) => [column, value]))
}

describe('The data point a request would write, for the demo page', () => {
  it("Should name each column and its value for a demo visitor's token", async () => {
    const cookie = sessionFrom(await fetchDev('/dev/login?name=Ann'))
    const response = await fetchDev('/token', { cookie })
    const { data } = (await response.clone().json()) as { data: string }
    expect(columnsOf(response)).toEqual({
      index1: 'demo-widget-id',
      blob1: 'TOKEN_ISSUED',
      blob2: 'demo-widget-id',
      blob3: 'jwt',
      blob4: 'signed-in',
      blob5: '',
      blob6: '',
      blob7: '',
      double1: 200,
      double2: expect.any(Number),
      double3: data.length,
      double4: 0,
      double5: 0,
    })
  })

  it('Should show a refusal as it is counted, and be readable by an allowed cross-origin page', async () => {
    const response = await fetchDev('/token', { headers: { Origin: 'http://localhost:8080' } })
    expect(columnsOf(response)).toMatchObject({ blob1: 'SESSION_MISSING', blob4: 'guest', double1: 401 })
    expect(response.headers.get('Access-Control-Expose-Headers')).toContain('X-Connect-Data-Point')
  })

  it('Should never be sent by a deployment, metrics on or off', async () => {
    const dataset = { writeDataPoint() {} }
    const response = await fetchWithEnv(new Request('https://www.example.com/token'), {
      METRICS_BINDING: 'TEST_METRICS',
      TEST_METRICS: dataset,
    })
    expect(response.status).toBe(401)
    expect(response.headers.has('X-Connect-Data-Point')).toBe(false)
  })
})
