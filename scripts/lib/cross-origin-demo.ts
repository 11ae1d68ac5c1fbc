/**
 * @module The cross-origin half of the demo page, served by `npm run dev` beside `wrangler dev`:
 * a page on another origin (http://localhost:8080, an origin the demo configuration allows)
 * that passes its requests to the Worker's `/dev/cross-origin`, as a site on another origin would.
 */
import { createServer } from 'node:http'

export function serveCrossOriginDemo(workerPort: number): void {
  const server = createServer(async (request, response) => {
    const url = new URL(request.url ?? '/', 'http://localhost')
    if (url.pathname !== '/') return response.writeHead(404).end()
    try {
      const page = await fetch(`http://localhost:${workerPort}/dev/cross-origin${url.search}`)
      response.writeHead(page.status, { 'content-type': 'text/html; charset=utf-8' }).end(await page.text())
    } catch {
      response.writeHead(502).end('wrangler dev is not answering yet')
    }
  })
  server.on('error', (error) => console.log(`The cross-origin demo page is off (localhost:8080: ${error.message}).`))
  server.listen(8080, 'localhost')
  server.unref()
}
