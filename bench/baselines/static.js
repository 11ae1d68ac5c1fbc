// Benchmark baseline: the runtime's floor. Answers a token-shaped JSON body with no work.
const body = JSON.stringify({ data: 'x'.repeat(300) })

export default {
  fetch() {
    return new Response(body, { headers: { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' } })
  },
}
