/**
 * @module The development entry tells the demo page which optional fields a token lacks
 * because their claim could not be used: `X-Connect-Skipped-Attributes`, beside the
 * `X-Connect-Dropped-Attributes` every deployment sends for fields dropped to fit the size
 * limit. A deployment keeps the skipped ones in its log line only: they describe the
 * visitor's session, which is no business of the page's other readers.
 */
import type { App } from '../app.ts'
import type { SkippedField } from '../attributes.ts'

export const SKIPPED_FIELDS_HEADER = 'X-Connect-Skipped-Attributes'

export function exposeSkippedFields(app: App): void {
  app.use('*', async function exposeSkippedFields(c, next) {
    await next()
    const skipped = c.get('notes')?.skipped as SkippedField[] | undefined
    if (!skipped?.length) return
    c.res.headers.set(SKIPPED_FIELDS_HEADER, skipped.map(({ to, reason }) => `${to}=${reason}`).join(', '))
    // An allowed cross-origin page may read it, as it reads the dropped fields.
    if (c.res.headers.has('Access-Control-Allow-Origin')) {
      c.res.headers.append('Access-Control-Expose-Headers', SKIPPED_FIELDS_HEADER)
    }
  })
}
