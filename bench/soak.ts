/**
 * @module `npm run load [-- --seconds N --clients N]`: the production bundle under workerd
 * (Miniflare, direct socket), sessions verified against a JWKS on loopback, hammered by 64 concurrent clients
 * for 30 s with a mix of valid, expired, forged, garbage, anonymous and cross-origin
 * requests. Every answer is checked against what that request must get, every token is
 * verified with the widget key, and the workerd process's memory is read every 5 seconds.
 * Not part of `npm test`; exits 1 on any unexpected answer.
 */
import { readFileSync } from 'node:fs'
import { Agent, createServer, request as httpRequest } from 'node:http'
import { join, resolve } from 'node:path'
import { exportJWK, generateKeyPair, jwtVerify, SignJWT } from 'jose'
import { unstable_readConfig } from 'wrangler'
import { dotenvValue } from '../test/support/dotenv.ts'
import { dryRunDeploy } from '../test/support/wrangler-process.ts'
import { startMiniflare } from './miniflare.ts'
import type { Binding } from './servers.ts'

const args = process.argv.slice(2)
const option = (name: string, fallback: number) => Number(args[args.indexOf(name) + 1] || fallback)
const SECONDS = args.includes('--seconds') ? option('--seconds', 30) : 30
const CLIENTS = args.includes('--clients') ? option('--clients', 64) : 64
const OUT = resolve('bench/.out')

interface Kind {
  name: string
  weight: number
  cookie: () => string | undefined
  origin?: string
  status: number
  code?: string
}

async function main() {
  await dryRunDeploy(undefined, join(OUT, 'soak'))
  const vars = unstable_readConfig({ config: 'wrangler.toml' }).vars as Record<string, Binding>
  const connectSecret = dotenvValue('.dev.vars.example', 'CONNECT_SECRET')
  const { publicKey, privateKey } = await generateKeyPair('RS256', { extractable: true })
  const stranger = await generateKeyPair('RS256')
  const jwks = { keys: [{ ...(await exportJWK(publicKey)), kid: 'soak', alg: 'RS256', use: 'sig' }] }
  let jwksFetches = 0
  const jwksServer = createServer((_, response) => {
    jwksFetches += 1
    response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(jwks))
  })
  await new Promise<void>((done) => jwksServer.listen(0, '127.0.0.1', done))
  const jwksUrl = `http://127.0.0.1:${(jwksServer.address() as { port: number }).port}/jwks.json`

  const session = (name: string, expires: string | number, key = privateKey, kid = 'soak') =>
    new SignJWT({ sub: `member-${name}`, name, email: `${name}@example.com` })
      .setProtectedHeader({ alg: 'RS256', kid })
      .setIssuer(String(vars.SESSION_ISSUER))
      .setAudience((vars.SESSION_AUDIENCE as string[])[0])
      .setIssuedAt()
      .setExpirationTime(expires)
      .sign(key)
  const pool = async (count: number, make: (i: number) => Promise<string>) =>
    Promise.all(Array.from({ length: count }, (_, i) => make(i)))
  const valid = await pool(50, (i) => session(`visitor${i}`, '2h'))
  const expired = await pool(10, (i) => session(`late${i}`, Math.floor(Date.now() / 1000) - 3600))
  const forgedKid = await pool(10, (i) => session(`forged${i}`, '2h', stranger.privateKey, `forged-${i}`))
  const badSignature = valid.slice(0, 10).map((token) => `${token.slice(0, -6)}AAAAAA`)
  const pick = (list: string[]) => list[Math.floor(Math.random() * list.length)]
  const kinds: Kind[] = [
    { name: 'valid', weight: 40, cookie: () => pick(valid), status: 200 },
    {
      name: 'valid, allowed origin',
      weight: 10,
      cookie: () => pick(valid),
      origin: 'http://localhost:8080',
      status: 200,
    },
    { name: 'expired', weight: 10, cookie: () => pick(expired), status: 401, code: 'SESSION_EXPIRED' },
    { name: 'forged kid', weight: 10, cookie: () => pick(forgedKid), status: 401, code: 'SESSION_INVALID' },
    { name: 'bad signature', weight: 10, cookie: () => pick(badSignature), status: 401, code: 'SESSION_INVALID' },
    { name: 'garbage', weight: 5, cookie: () => `x${Math.random()}`, status: 401, code: 'SESSION_INVALID' },
    { name: 'anonymous', weight: 10, cookie: () => undefined, status: 401, code: 'SESSION_MISSING' },
    { name: 'stranger origin', weight: 5, cookie: () => pick(valid), origin: 'https://evil.example', status: 403 },
  ]

  const worker = await startMiniflare({
    modulePath: join(OUT, 'soak', 'index.js'),
    compatibilityDate: unstable_readConfig({ config: 'wrangler.toml' }).compatibility_date as string,
    bindings: {
      ...vars,
      CONNECT_SECRET: connectSecret,
      SESSION_ALGORITHMS: ['RS256'],
      SESSION_JWKS_URL: jwksUrl,
    },
  })
  const widgetKey = new TextEncoder().encode(connectSecret)
  const agent = new Agent({ keepAlive: true, maxSockets: CLIENTS })
  const counts = new Map<string, { sent: number; unexpected: number }>(
    kinds.map((kind) => [kind.name, { sent: 0, unexpected: 0 }]),
  )
  const unexpectedSamples: string[] = []
  let tokensVerified = 0
  // Memory every 5 s: the first reading after 5 s of load (the runtime's warm-up), the last at the end.
  const rssSamples: number[] = []
  const sampler = setInterval(() => rssSamples.push(residentKiB(worker.pid)), 5_000)
  const deadline = Date.now() + SECONDS * 1000
  const totalWeight = kinds.reduce((sum, kind) => sum + kind.weight, 0)
  const choose = () => {
    let roll = Math.random() * totalWeight
    for (const kind of kinds) {
      roll -= kind.weight
      if (roll < 0) return kind
    }
    return kinds[0]
  }
  const client = async () => {
    while (Date.now() < deadline) {
      const kind = choose()
      const tally = counts.get(kind.name) as { sent: number; unexpected: number }
      tally.sent += 1
      const answer = await get(`${worker.url}/token`, kind, agent)
      let problem = ''
      if (answer.status !== kind.status) problem = `status ${answer.status}`
      else if (kind.code && !answer.body.includes(`"code":"${kind.code}"`)) problem = `body ${answer.body.slice(0, 80)}`
      else if (kind.status === 200) {
        const token = (JSON.parse(answer.body) as { data: string }).data
        const verified = await jwtVerify(token, widgetKey, { algorithms: ['HS256'] }).then(
          () => true,
          () => false,
        )
        if (verified) tokensVerified += 1
        else problem = 'token does not verify'
      }
      if (problem) {
        tally.unexpected += 1
        if (unexpectedSamples.length < 5) unexpectedSamples.push(`${kind.name}: ${problem}`)
      }
    }
  }
  const started = Date.now()
  await Promise.all(Array.from({ length: CLIENTS }, client))
  const elapsed = (Date.now() - started) / 1000
  clearInterval(sampler)
  rssSamples.push(residentKiB(worker.pid))
  agent.destroy()
  await worker.stop()
  jwksServer.close()

  const total = [...counts.values()].reduce((sum, tally) => sum + tally.sent, 0)
  const unexpected = [...counts.values()].reduce((sum, tally) => sum + tally.unexpected, 0)
  console.log(`${CLIENTS} clients for ${elapsed.toFixed(1)} s: ${total} requests (${Math.round(total / elapsed)}/s)`)
  for (const [name, tally] of counts)
    console.log(`  ${name.padEnd(24)} ${String(tally.sent).padStart(7)} sent, ${tally.unexpected} unexpected`)
  console.log(
    `unexpected answers: ${unexpected}${unexpectedSamples.length ? ` (${unexpectedSamples.join('; ')})` : ''}`,
  )
  console.log(`tokens verified with the widget key: ${tokensVerified}`)
  console.log(`JWKS fetches by the Worker: ${jwksFetches}`)
  const mib = (kib: number) => (kib / 1024).toFixed(0)
  console.log(`workerd memory (VmRSS, MiB, every 5 s): ${rssSamples.map(mib).join(' → ')}`)
  console.log(`  after the first 5 s: ${mib(rssSamples[0])} MiB; at the end: ${mib(rssSamples.at(-1) as number)} MiB`)
  if (unexpected > 0) process.exitCode = 1
}

function get(url: string, kind: Kind, agent: Agent): Promise<{ status: number; body: string }> {
  const headers: Record<string, string> = {}
  const cookie = kind.cookie()
  if (cookie !== undefined) headers.Cookie = `session=${cookie}`
  if (kind.origin) headers.Origin = kind.origin
  return new Promise((done, fail) => {
    const req = httpRequest(url, { headers, agent }, (response) => {
      let body = ''
      response.setEncoding('utf8')
      response.on('data', (chunk) => {
        body += chunk
      })
      response.on('end', () => done({ status: response.statusCode ?? 0, body }))
    })
    req.on('error', fail)
    req.end()
  })
}

function residentKiB(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8')
    .split('\n')
    .find((entry) => entry.startsWith('VmRSS:'))
  return Number(line?.split(/\s+/)[1] ?? 0)
}

await main()
