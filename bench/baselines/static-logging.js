// Benchmark baseline for `bench/harness.ts`: the floor plus one log line per request, the
// size of this Worker's, to measure what a console line costs in each harness.
const body = JSON.stringify({ data: 'x'.repeat(300) })

export default {
  fetch(request) {
    const line = { level: 'info', event: 'request', outcome: 'TOKEN_ISSUED', status: 200, widget: 'demo-widget-id' }
    console.info(JSON.stringify({ ...line, method: request.method, path: '/token', ms: 0 }))
    return new Response(body, { headers: { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' } })
  },
}
