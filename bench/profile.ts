/**
 * @module `npm run profile [-- --rs256] [--requests N] [--cold]`: where a token request's CPU goes.
 *
 * Builds the Worker unminified, runs it with the HS256 (or RS256) session of the benchmark,
 * and samples it with V8's CPU profiler over workerd's DevTools inspector while the load
 * generator sends requests; with `--cold`, only the first request of a fresh process. Prints self time by source module and inclusive time by function,
 * and writes `bench/.out/token.cpuprofile`, which Chrome DevTools (Performance → Load profile)
 * opens. Figures are shares of the Worker isolate's sampled time, not of the process.
 * `--metrics-only`: HS256 with a metrics dataset and `LOG_TOKENS_ISSUED = false`, the setting that
 * keeps success lines out of the console.
 */
import { readFileSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { freePort } from '../test/support/local-servers.ts'
import { type Algorithm, benchFixture, buildWorker, metricsWorker, sessionHeaders, tokenWorker } from './fixtures.ts'
import { runLoad } from './load.ts'
import { startMiniflare } from './miniflare.ts'

const args = process.argv.slice(2)
const cold = args.includes('--cold')
const REQUESTS = cold ? 1 : Number(args[args.indexOf('--requests') + 1]) || 20_000
const metricsOnly = args.includes('--metrics-only')
const algorithm: Algorithm = args.includes('--rs256') && !metricsOnly ? 'RS256' : 'HS256'
const OUT = resolve('bench/.out')

interface ProfileNode {
  id: number
  callFrame: { functionName: string; url: string; lineNumber: number }
  children?: number[]
}
interface Profile {
  nodes: ProfileNode[]
  samples: number[]
  timeDeltas: number[]
}

async function main() {
  const modulePath = await buildWorker(join(OUT, 'profile'), { minify: false })
  const fixture = await benchFixture()
  const inspectorPort = await freePort()
  const spec = metricsOnly
    ? metricsWorker(fixture, modulePath, { logTokensIssued: false })
    : tokenWorker(fixture, modulePath, algorithm)
  const worker = await startMiniflare(spec, { inspectorPort })
  try {
    const load = (requests: number) =>
      runLoad(`${worker.url}/token`, sessionHeaders(fixture, algorithm), { requests, connections: 8 })
    const inspector = await connect(inspectorPort)
    await inspector.call('Profiler.enable')
    await inspector.call('Profiler.setSamplingInterval', { interval: cold ? 10 : 50 })
    if (!cold) await load(4_000)
    await inspector.call('Profiler.start')
    const result = await load(REQUESTS)
    const { profile } = (await inspector.call('Profiler.stop')) as { profile: Profile }
    inspector.close()
    if (result.statuses[200] !== REQUESTS) throw new Error(`expected only 200s: ${JSON.stringify(result.statuses)}`)
    writeFileSync(join(OUT, 'token.cpuprofile'), JSON.stringify(profile))
    report(profile, moduleLines(readFileSync(modulePath, 'utf8')))
    console.log(
      `\nFull profile: ${join('bench/.out', 'token.cpuprofile')} (Chrome DevTools → Performance → Load profile)`,
    )
  } finally {
    await worker.stop()
  }
}

/** A DevTools-protocol session with the user Worker's isolate. */
async function connect(port: number) {
  const targets = (await (await fetch(`http://127.0.0.1:${port}/json/list`)).json()) as {
    id: string
    webSocketDebuggerUrl: string
  }[]
  const target = targets.find((each) => each.id.startsWith('core:user'))
  if (!target) throw new Error('the Worker is not among the inspector targets')
  const socket = new WebSocket(target.webSocketDebuggerUrl)
  await new Promise((opened, failed) => {
    socket.addEventListener('open', opened, { once: true })
    socket.addEventListener('error', failed, { once: true })
  })
  const pending = new Map<number, (result: unknown) => void>()
  socket.addEventListener('message', (event) => {
    const message = JSON.parse(String(event.data)) as { id?: number; result?: unknown }
    if (message.id !== undefined) pending.get(message.id)?.(message.result)
  })
  let nextId = 1
  return {
    call(method: string, params: object = {}): Promise<unknown> {
      const id = nextId++
      socket.send(JSON.stringify({ id, method, params }))
      return new Promise((answered) => pending.set(id, answered))
    },
    close: () => socket.close(),
  }
}

/** esbuild marks each module of an unminified bundle with a `// path` line: line → module. */
function moduleLines(bundle: string): (line: number) => string {
  const starts: { line: number; name: string }[] = []
  bundle.split('\n').forEach((text, line) => {
    const marker = /^\/\/ ((?:src|node_modules)\/\S+)$/.exec(text)
    if (marker) starts.push({ line, name: marker[1].replace(/^node_modules\/(\w+)\/dist\//, '$1/') })
  })
  return (line) => starts.findLast((start) => start.line <= line)?.name ?? '(bundle)'
}

function report(profile: Profile, moduleAt: (line: number) => string) {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]))
  const parent = new Map<number, number>()
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id)
  const where = (node: ProfileNode) => {
    const { functionName, url, lineNumber } = node.callFrame
    if (!url) return { module: functionName.startsWith('(') ? functionName : '(runtime built-ins)', name: functionName }
    const module = moduleAt(lineNumber)
    return { module, name: `${functionName || '(anonymous)'} ${module}:${lineNumber + 1}` }
  }
  const selfByModule = new Map<string, number>()
  const inclusive = new Map<string, number>()
  let total = 0
  profile.samples.forEach((id, index) => {
    const node = byId.get(id) as ProfileNode
    const micros = profile.timeDeltas[index] ?? 0
    if (node.callFrame.functionName === '(idle)') return
    total += micros
    const own = where(node)
    selfByModule.set(own.module, (selfByModule.get(own.module) ?? 0) + micros)
    const seen = new Set<string>()
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const frame = where(byId.get(at) as ProfileNode)
      if (frame.module.startsWith('src/') && !seen.has(frame.name)) {
        seen.add(frame.name)
        inclusive.set(frame.name, (inclusive.get(frame.name) ?? 0) + micros)
      }
    }
  })
  const share = (micros: number) => `${((micros / total) * 100).toFixed(1).padStart(5)}%`
  const byPart = new Map<string, number>()
  for (const [module, micros] of selfByModule) byPart.set(part(module), (byPart.get(part(module)) ?? 0) + micros)
  const top = (map: Map<string, number>, count: number) => [...map].sort((a, b) => b[1] - a[1]).slice(0, count)
  console.log(
    `${algorithm} session${metricsOnly ? ' (metrics on, LOG_TOKENS_ISSUED = false)' : ''}, ${cold ? 'the first request of a fresh process' : `${REQUESTS} requests`}; ${(total / 1000).toFixed(cold ? 1 : 0)} ms of busy samples in the isolate`,
  )
  console.log('\nSelf time by part')
  for (const [name, micros] of top(byPart, 10)) console.log(`${share(micros)}  ${name}`)
  console.log('\nSelf time by module')
  for (const [module, micros] of top(selfByModule, 25)) console.log(`${share(micros)}  ${module}`)
  console.log("\nInclusive time of this Worker's functions (src/)")
  for (const [name, micros] of top(inclusive, 30)) console.log(`${share(micros)}  ${name}`)
}

function part(module: string): string {
  if (module.startsWith('jose/')) return 'jose'
  if (module.startsWith('hono/')) return 'Hono'
  if (module.startsWith('src/')) return 'this Worker (src/)'
  if (module === '(runtime built-ins)') return 'runtime built-ins (WebCrypto, console, JSON, Response, Headers…)'
  return 'V8 and the runtime outside JavaScript ((program), GC)'
}

await main()
