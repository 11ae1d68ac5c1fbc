/**
 * @module `npm run bench`: CPU per token request under plain workerd, against two baselines
 * measured in the same run.
 *
 * - static: a Worker that answers a token-sized JSON body with no work (the runtime's floor);
 * - webcrypto: a hand-written HS256 verify + sign on WebCrypto, no framework or checks
 *   (the least work the job takes);
 * - the real bundle (`wrangler deploy --dry-run`, minified) on the demo configuration, with
 *   an HS256 session, and with an RS256 session verified against a public key.
 *
 * CPU is read from the workerd process (/proc/PID/task/∗/schedstat), so the load generator's
 * own CPU is not counted. Figures are printed, never asserted: compare the ratios.
 */
import { mkdirSync, rmSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { exportSPKI, generateKeyPair, SignJWT } from 'jose'
import { unstable_readConfig } from 'wrangler'
import { dotenvValue } from '../test/support/dotenv.ts'
import { dryRunDeploy } from '../test/support/wrangler-process.ts'
import { runLoad } from './load.ts'
import { type Binding, startWorkerd } from './workerd.ts'

const quick = process.argv.includes('--quick')
const ROUNDS = quick ? 3 : 9
const REQUESTS_PER_ROUND = quick ? 1_000 : 5_000
const WARMUP = quick ? 500 : 4_000
const CONNECTIONS = 8
const OUT = resolve('bench/.out')

interface Variant {
  name: string
  modulePath: string
  bindings: Record<string, Binding>
  cookie: string
}

async function main() {
  rmSync(OUT, { recursive: true, force: true })
  mkdirSync(OUT, { recursive: true })
  await dryRunDeploy(undefined, join(OUT, 'token'))
  const config = unstable_readConfig({ config: 'wrangler.toml' })
  const secrets = {
    CONNECT_SECRET: dotenvValue('.dev.vars.example', 'CONNECT_SECRET'),
    SESSION_SECRET: dotenvValue('.dev.vars.example', 'SESSION_SECRET'),
  }
  const vars = config.vars as Record<string, Binding>
  const claims = { sub: 'member-123456789', name: 'Jane Doe', email: 'jane@example.com', profile: { tier: 'gold' } }
  const session = () =>
    new SignJWT(claims)
      .setIssuer(String(vars.SESSION_ISSUER))
      .setAudience((vars.SESSION_AUDIENCE as string[])[0])
      .setIssuedAt()
      .setExpirationTime('2h')
  const hsCookie = await session()
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .sign(new TextEncoder().encode(secrets.SESSION_SECRET))
  const rsa = await generateKeyPair('RS256', { extractable: true })
  const rsCookie = await session().setProtectedHeader({ alg: 'RS256', typ: 'JWT' }).sign(rsa.privateKey)

  const tokenModule = join(OUT, 'token', 'index.js')
  const variants: Variant[] = [
    { name: 'static JSON (floor)', modulePath: resolve('bench/baseline-static.js'), bindings: {}, cookie: hsCookie },
    {
      name: 'hand-written WebCrypto',
      modulePath: resolve('bench/baseline-webcrypto.js'),
      bindings: secrets,
      cookie: hsCookie,
    },
    { name: 'token, HS256 session', modulePath: tokenModule, bindings: { ...vars, ...secrets }, cookie: hsCookie },
    {
      name: 'token, RS256 session',
      modulePath: tokenModule,
      bindings: {
        ...vars,
        CONNECT_SECRET: secrets.CONNECT_SECRET,
        SESSION_ALGORITHMS: ['RS256'],
        SESSION_PUBLIC_KEY: await exportSPKI(rsa.publicKey),
      },
      cookie: rsCookie,
    },
  ]

  const workers = await Promise.all(
    variants.map((variant, index) =>
      startWorkerd(`variant-${index}`, {
        dir: OUT,
        modulePath: variant.modulePath,
        compatibilityDate: config.compatibility_date as string,
        bindings: variant.bindings,
      }),
    ),
  )
  try {
    const load = (index: number, requests: number) =>
      runLoad(
        `${workers[index].url}/token`,
        { Cookie: `session=${variants[index].cookie}` },
        {
          requests,
          connections: CONNECTIONS,
        },
      )
    for (const [index, variant] of variants.entries()) expectAllOk(variant.name, await load(index, WARMUP))
    console.log(
      `${ROUNDS} rounds of ${REQUESTS_PER_ROUND} requests per variant, interleaved, over ${CONNECTIONS} keep-alive connections`,
    )
    // Interleaved rounds, so drift in the machine's speed falls on every variant alike.
    const samples = variants.map(() => ({ cpuMicros: [] as number[], perSecond: [] as number[] }))
    for (let round = 0; round < ROUNDS; round++) {
      for (const [index, variant] of variants.entries()) {
        const cpuBefore = workers[index].cpuNanoseconds()
        const result = await load(index, REQUESTS_PER_ROUND)
        expectAllOk(variant.name, result)
        samples[index].cpuMicros.push((workers[index].cpuNanoseconds() - cpuBefore) / 1_000 / REQUESTS_PER_ROUND)
        samples[index].perSecond.push(REQUESTS_PER_ROUND / result.seconds)
      }
    }
    const rows = variants.map((variant, index) => ({
      name: variant.name,
      cpuMicros: median(samples[index].cpuMicros),
      perSecond: median(samples[index].perSecond),
    }))
    report(rows)
  } finally {
    await Promise.all(workers.map((worker) => worker.stop()))
  }
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)]
}

function expectAllOk(name: string, result: { statuses: Record<number, number> }) {
  const statuses = Object.keys(result.statuses)
  if (statuses.length !== 1 || statuses[0] !== '200') {
    throw new Error(`${name}: expected only 200s, got ${JSON.stringify(result.statuses)}`)
  }
}

function report(rows: { name: string; cpuMicros: number; perSecond: number }[]) {
  const [floor, handWritten] = rows
  console.log('')
  console.log(
    `${'variant'.padEnd(26)}${'CPU µs/request'.padStart(16)}${'× floor'.padStart(10)}${'× hand-written'.padStart(16)}${'requests/s'.padStart(12)}`,
  )
  for (const row of rows) {
    console.log(
      `${row.name.padEnd(26)}${row.cpuMicros.toFixed(1).padStart(16)}${(row.cpuMicros / floor.cpuMicros).toFixed(2).padStart(10)}${(row.cpuMicros / handWritten.cpuMicros).toFixed(2).padStart(16)}${Math.round(row.perSecond).toString().padStart(12)}`,
    )
  }
  console.log('')
  for (const row of rows.slice(2)) {
    const overFloor = row.cpuMicros - floor.cpuMicros
    console.log(
      `${row.name}: ${overFloor.toFixed(1)} µs of CPU above the floor (${((overFloor / 1000) * 100).toFixed(1)}% of 1 ms)`,
    )
  }
  console.log('Medians over the rounds. CPU counts the whole workerd process, HTTP parsing included, so the figure')
  console.log(
    "above the floor is the Worker's own work; requests/s is bounded by the load generator on the same cores.",
  )
}

await main()
