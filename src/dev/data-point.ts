/**
 * @module The development entry shows the demo page the data point a token request would write
 * (`X-Connect-Data-Point`), column by column, whether or not `METRICS_BINDING` is set: the
 * same facts, through the same code, that a deployment writes to Analytics Engine. Only this
 * entry sends the header; a deployment's answers never carry it.
 */
import type { App } from '../app.ts'
import { countsAsTokenRequest, notesOf } from '../http/request-log.ts'
import { DATA_POINT_COLUMNS, dataPoint, requestFacts } from '../metrics.ts'

export const DATA_POINT_HEADER = 'X-Connect-Data-Point'

export function exposeDataPoint(app: App): void {
  app.use('*', async function exposeDataPoint(c, next) {
    const started = Date.now()
    await next()
    const notes = notesOf(c)
    if (!notes.widget || !countsAsTokenRequest(c.req.method, c.res.status)) return
    const point = dataPoint(requestFacts(c.req.raw, c.res.status, Date.now() - started, notes))
    const values = [...point.indexes, ...point.blobs, ...point.doubles]
    const columns = DATA_POINT_COLUMNS.map(({ column, field }, index) => [column, field, values[index]])
    // A header holds Latin-1 only: a widget named in another script travels as \u escapes.
    const json = JSON.stringify(columns).replace(
      /[^\x20-\x7e]/g,
      (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`,
    )
    c.res.headers.set(DATA_POINT_HEADER, json)
    if (c.res.headers.has('Access-Control-Allow-Origin')) {
      c.res.headers.append('Access-Control-Expose-Headers', DATA_POINT_HEADER)
    }
  })
}
