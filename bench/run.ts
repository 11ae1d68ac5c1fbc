/**
 * @module `npm run bench [-- --quick] [--write [SECTIONS]] [--upstream-delay-ms N]`: this Worker against
 * the runtime's floor, a hand-written WebCrypto version and the Node.js + Express +
 * jsonwebtoken + cookie-parser peer, all measured in one run under one load generator.
 *
 * - warm: requests/s, latency p50/p99 at fixed concurrency and CPU per request, as medians of
 *   interleaved rounds with their spread (`hot.ts`);
 * - cold: a fresh workerd process to its first token, with the login service's key set behind
 *   a loopback server that answers after `--upstream-delay-ms` (default 100), with the
 *   location's cache empty and warm (`cold.ts`);
 * - the settings that change a request's cost (metrics, `LOG_TOKENS_ISSUED`), each against
 *   the default it is a variant of, in the same interleaved rounds;
 * - the bundle's size and `wrangler check startup`.
 *
 * Figures are printed, never asserted. `--write` puts them into BENCHMARKS.md, its chart
 * (docs/benchmarks.svg) and the README's tables, between their `bench:` markers (`--write
 * variants`: that section only). Every run
 * keeps its figures in bench/.out/results.json; `--from-last-run` reports (and writes) them
 * again without measuring.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { measureCold } from './cold.ts'
import {
  benchFixture,
  buildWorker,
  floorWorker,
  handWrittenWorker,
  introspectionWorker,
  jwksWorker,
  metricsWorker,
  sessionHeaders,
  startExpressPeer,
  tokenWorker,
} from './fixtures.ts'
import { type HotVariant, measureHot } from './hot.ts'
import { startMiniflare } from './miniflare.ts'
import { type BenchResult, chartSvg, consoleReport } from './report.ts'
import { checkStartup } from './startup.ts'
import { startUpstream } from './upstream.ts'
import { describeMachine, writeBenchmarks } from './write.ts'

const args = process.argv.slice(2)
const quick = args.includes('--quick')
const upstreamDelayMs = args.includes('--upstream-delay-ms')
  ? Number(args[args.indexOf('--upstream-delay-ms') + 1])
  : 100
const OUT = resolve('bench/.out')
const RESULTS = join(OUT, 'results.json')
const HAND_WRITTEN = 'hand-written WebCrypto, HS256'
const HAND_WRITTEN_RS256 = 'hand-written WebCrypto, RS256'
const EXPRESS_HS256 = 'Express + jsonwebtoken, HS256'
const EXPRESS_RS256 = 'Express + jsonwebtoken, RS256'
const THIS_WORKER_HS256 = 'this Worker, HS256 session'

async function main() {
  const result = args.includes('--from-last-run') ? lastRun() : await measure()
  console.log(consoleReport(result))
  writeFileSync(join(OUT, 'benchmarks.svg'), chartSvg(result))
  if (args.includes('--write')) {
    if (result.quick) throw new Error('--write records a full run: drop --quick')
    const named = args[args.indexOf('--write') + 1]
    writeBenchmarks(result, named && !named.startsWith('--') ? named.split(',') : undefined)
  }
}

function lastRun(): BenchResult {
  if (!existsSync(RESULTS)) throw new Error(`no earlier run in ${RESULTS}: run npm run bench first`)
  return JSON.parse(readFileSync(RESULTS, 'utf8')) as BenchResult
}

async function measure(): Promise<BenchResult> {
  if (!Number.isFinite(upstreamDelayMs) || upstreamDelayMs < 0) throw new Error('--upstream-delay-ms takes a number')
  rmSync(OUT, { recursive: true, force: true })
  mkdirSync(OUT, { recursive: true })
  const modulePath = await buildWorker(join(OUT, 'token'))
  const fixture = await benchFixture()
  const upstream = await startUpstream({
    jwks: fixture.jwks,
    identities: new Map([[fixture.opaqueSession.cookie, fixture.opaqueSession.identity]]),
    delayMs: upstreamDelayMs,
  })
  const hs256 = sessionHeaders(fixture, 'HS256')
  const rs256 = sessionHeaders(fixture, 'RS256')
  const hot: HotVariant[] = [
    { name: 'static JSON (floor)', headers: hs256, start: () => startMiniflare(floorWorker(fixture)) },
    { name: HAND_WRITTEN, headers: hs256, start: () => startMiniflare(handWrittenWorker(fixture)) },
    {
      name: HAND_WRITTEN_RS256,
      handWritten: HAND_WRITTEN_RS256,
      peer: EXPRESS_RS256,
      headers: rs256,
      start: () => startMiniflare(handWrittenWorker(fixture, 'RS256')),
    },
    { name: EXPRESS_HS256, headers: hs256, start: () => startExpressPeer(fixture, 'HS256') },
    {
      name: EXPRESS_RS256,
      handWritten: HAND_WRITTEN_RS256,
      peer: EXPRESS_RS256,
      headers: rs256,
      start: () => startExpressPeer(fixture, 'RS256'),
    },
    {
      name: THIS_WORKER_HS256,
      peer: EXPRESS_HS256,
      headers: hs256,
      start: () => startMiniflare(tokenWorker(fixture, modulePath, 'HS256')),
    },
    {
      name: 'HS256, metrics on (METRICS_BINDING)',
      variantOf: THIS_WORKER_HS256,
      headers: hs256,
      start: () => startMiniflare(metricsWorker(fixture, modulePath)),
    },
    {
      name: 'HS256, metrics on, LOG_TOKENS_ISSUED = false',
      variantOf: THIS_WORKER_HS256,
      headers: hs256,
      start: () => startMiniflare(metricsWorker(fixture, modulePath, { logTokensIssued: false })),
    },
    {
      name: 'this Worker, RS256 session',
      handWritten: HAND_WRITTEN_RS256,
      peer: EXPRESS_RS256,
      headers: rs256,
      start: () => startMiniflare(tokenWorker(fixture, modulePath, 'RS256')),
    },
    {
      name: 'this Worker, introspection (cache hit)',
      headers: { Cookie: fixture.opaqueSession.cookie },
      start: () => startMiniflare(introspectionWorker(fixture, modulePath, upstream.url)),
    },
  ]
  const settings = quick
    ? { rounds: 3, requestsPerRound: 1_000, warmupRequests: 500, connections: 8 }
    : { rounds: 9, requestsPerRound: 5_000, warmupRequests: 4_000, connections: 8 }
  console.log(
    `Warm: ${settings.rounds} interleaved rounds of ${settings.requestsPerRound} requests per variant, ${settings.connections} keep-alive connections`,
  )
  const hotRows = await measureHot(hot, settings)

  const jwksUrl = `${upstream.url}/jwks.json`
  const jwksFetches = () => upstream.count('/jwks.json')
  const trials = quick ? 2 : 7
  console.log(`Cold: ${trials} trials, each variant in a fresh workerd process`)
  const coldRows = await measureCold(
    [
      { name: 'static JSON (floor)', headers: hs256, spec: floorWorker(fixture) },
      { name: HAND_WRITTEN, headers: hs256, spec: handWrittenWorker(fixture) },
      { name: 'this Worker, HS256 session', headers: hs256, spec: tokenWorker(fixture, modulePath, 'HS256') },
      {
        name: 'this Worker, JWKS, location cache empty',
        headers: rs256,
        spec: jwksWorker(fixture, modulePath, jwksUrl),
        upstreamRequests: jwksFetches,
      },
      {
        name: 'this Worker, JWKS, location cache warm',
        headers: rs256,
        spec: jwksWorker(fixture, modulePath, jwksUrl),
        primeLocation: true,
        upstreamRequests: jwksFetches,
      },
    ],
    { trials, dir: join(OUT, 'cold') },
  )
  await upstream.stop()

  const result: BenchResult = {
    hot: hotRows,
    cold: coldRows,
    bundle: await checkStartup(OUT, quick ? 1 : 5, fixture.vars),
    handWritten: HAND_WRITTEN,
    defaultPeer: EXPRESS_HS256,
    upstreamDelayMs,
    quick,
    command: `npm run bench${args.length > 0 ? ` -- ${args.join(' ')}` : ''}`,
    date: new Date().toISOString().slice(0, 10),
    machine: describeMachine(),
  }
  writeFileSync(RESULTS, JSON.stringify(result, null, 2))
  return result
}

await main()
