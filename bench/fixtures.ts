/**
 * @module What every benchmark variant is built from: the production bundle, the demo
 * configuration (wrangler.toml's top level, secrets from `.dev.vars.example`), the visitor's
 * session (HS256, RS256, or opaque for introspection), and how to start each contender.
 */
import { spawn } from 'node:child_process'
import { join, resolve } from 'node:path'
import { exportJWK, exportSPKI, generateKeyPair, type JSONWebKeySet, SignJWT } from 'jose'
import { unstable_readConfig } from 'wrangler'
import { dotenvValue } from '../test/support/dotenv.ts'
import { freePort } from '../test/support/local-servers.ts'
import { dryRunDeploy } from '../test/support/wrangler-process.ts'
import { type Binding, type RunningServer, servingChild, type WorkerSpec } from './servers.ts'

export type Algorithm = 'HS256' | 'RS256'

export interface BenchFixture {
  compatibilityDate: string
  vars: Record<string, Binding>
  secrets: { CONNECT_SECRET: string; SESSION_SECRET: string }
  /** The visitor's session cookie value for each algorithm, signed by the site. */
  cookies: Record<Algorithm, string>
  rsaPublicKeyPem: string
  /** The RS256 public key as the login service publishes it (`kid: bench`). */
  jwks: JSONWebKeySet
  /** The opaque session id the introspection variant sends, and who `/api/me` says it is. */
  opaqueSession: { cookie: string; identity: object }
}

/** `wrangler deploy --dry-run`: the bundle exactly as it would be uploaded. Returns its path. */
export async function buildWorker(outdir: string, { minify = true } = {}): Promise<string> {
  await dryRunDeploy(undefined, outdir, minify ? [] : ['--minify=false'])
  return join(outdir, 'index.js')
}

export async function benchFixture(): Promise<BenchFixture> {
  const config = unstable_readConfig({ config: 'wrangler.toml' })
  const vars = config.vars as Record<string, Binding>
  const secrets = {
    CONNECT_SECRET: dotenvValue('.dev.vars.example', 'CONNECT_SECRET'),
    SESSION_SECRET: dotenvValue('.dev.vars.example', 'SESSION_SECRET'),
  }
  const claims = { sub: 'member-123456789', name: 'Jane Doe', email: 'jane@example.com', profile: { tier: 'gold' } }
  const session = () =>
    new SignJWT(claims)
      .setIssuer(String(vars.SESSION_ISSUER))
      .setAudience((vars.SESSION_AUDIENCE as string[])[0])
      .setIssuedAt()
      .setExpirationTime('6h')
  const rsa = await generateKeyPair('RS256', { extractable: true })
  return {
    compatibilityDate: config.compatibility_date as string,
    vars,
    secrets,
    cookies: {
      HS256: await session()
        .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
        .sign(new TextEncoder().encode(secrets.SESSION_SECRET)),
      RS256: await session().setProtectedHeader({ alg: 'RS256', typ: 'JWT', kid: 'bench' }).sign(rsa.privateKey),
    },
    rsaPublicKeyPem: await exportSPKI(rsa.publicKey),
    jwks: { keys: [{ ...(await exportJWK(rsa.publicKey)), kid: 'bench', alg: 'RS256', use: 'sig' }] },
    opaqueSession: { cookie: 'session=s%3Aopaque-session-id-0123456789', identity: claims },
  }
}

export function sessionHeaders(fixture: BenchFixture, algorithm: Algorithm): Record<string, string> {
  return { Cookie: `session=${fixture.cookies[algorithm]}` }
}

/** The runtime's floor: a Worker that answers a token-sized body and does nothing else. */
export function floorWorker(fixture: BenchFixture): WorkerSpec {
  return {
    modulePath: resolve('bench/baselines/static.js'),
    compatibilityDate: fixture.compatibilityDate,
    bindings: {},
  }
}

/** The least work the job takes: verify (HS256 or RS256) and sign by hand on WebCrypto. */
export function handWrittenWorker(fixture: BenchFixture, algorithm: Algorithm = 'HS256'): WorkerSpec {
  return {
    modulePath: resolve('bench/baselines/webcrypto.js'),
    compatibilityDate: fixture.compatibilityDate,
    bindings:
      algorithm === 'HS256'
        ? fixture.secrets
        : { CONNECT_SECRET: fixture.secrets.CONNECT_SECRET, SESSION_PUBLIC_KEY: fixture.rsaPublicKeyPem },
  }
}

/** This Worker, sessions verified with the demo's HS256 secret or an RS256 public key (PEM). */
export function tokenWorker(fixture: BenchFixture, modulePath: string, algorithm: Algorithm): WorkerSpec {
  const sessionKey =
    algorithm === 'HS256'
      ? { SESSION_SECRET: fixture.secrets.SESSION_SECRET }
      : { SESSION_ALGORITHMS: ['RS256'], SESSION_PUBLIC_KEY: fixture.rsaPublicKeyPem }
  return {
    modulePath,
    compatibilityDate: fixture.compatibilityDate,
    bindings: { ...fixture.vars, CONNECT_SECRET: fixture.secrets.CONNECT_SECRET, ...sessionKey },
  }
}

/**
 * This Worker, HS256 sessions, writing a data point per request to a local Analytics Engine
 * dataset (`METRICS_BINDING`); `logTokensIssued: false` also keeps success lines out of the console.
 */
export function metricsWorker(fixture: BenchFixture, modulePath: string, { logTokensIssued = true } = {}): WorkerSpec {
  const spec = tokenWorker(fixture, modulePath, 'HS256')
  const metrics = { METRICS_BINDING: 'TOKEN_METRICS', ...(logTokensIssued ? {} : { LOG_TOKENS_ISSUED: false }) }
  return {
    ...spec,
    bindings: { ...spec.bindings, ...metrics },
    analyticsEngineDatasets: { TOKEN_METRICS: { dataset: 'connect_widget_token_bench' } },
  }
}

/** This Worker, RS256 sessions verified against the login service's key set at `jwksUrl`. */
export function jwksWorker(fixture: BenchFixture, modulePath: string, jwksUrl: string): WorkerSpec {
  const spec = tokenWorker(fixture, modulePath, 'RS256')
  const { SESSION_PUBLIC_KEY: _, ...bindings } = spec.bindings
  return { ...spec, bindings: { ...bindings, SESSION_JWKS_URL: jwksUrl } }
}

/** This Worker, opaque sessions looked up at the site's `/api/me` and kept in the Cache API. */
export function introspectionWorker(fixture: BenchFixture, modulePath: string, upstreamUrl: string): WorkerSpec {
  const jwtOnly = ['SESSION_ALGORITHMS', 'SESSION_ISSUER', 'SESSION_AUDIENCE', 'SESSION_CLOCK_TOLERANCE_SECONDS']
  const vars = Object.fromEntries(Object.entries(fixture.vars).filter(([name]) => !jwtOnly.includes(name)))
  return {
    modulePath,
    compatibilityDate: fixture.compatibilityDate,
    bindings: {
      ...vars,
      CONNECT_SECRET: fixture.secrets.CONNECT_SECRET,
      SESSION_SOURCE: 'introspection',
      SESSION_INTROSPECTION_URL: `${upstreamUrl}/api/me`,
      SESSION_INTROSPECTION_CACHE_SECONDS: 300,
    },
  }
}

/** The Node.js + Express + jsonwebtoken + cookie-parser peer (`bench/baselines/express.js`). */
export async function startExpressPeer(fixture: BenchFixture, algorithm: Algorithm): Promise<RunningServer> {
  const port = await freePort()
  const child = spawn(process.execPath, [resolve('bench/baselines/express.js')], {
    stdio: ['ignore', 'ignore', 'inherit'],
    env: {
      PATH: process.env.PATH,
      NODE_ENV: 'production',
      PORT: String(port),
      SESSION_ALGORITHM: algorithm,
      SESSION_KEY: algorithm === 'HS256' ? fixture.secrets.SESSION_SECRET : fixture.rsaPublicKeyPem,
      SESSION_ISSUER: String(fixture.vars.SESSION_ISSUER),
      SESSION_AUDIENCE: (fixture.vars.SESSION_AUDIENCE as string[])[0],
      WIDGET_ID: String(fixture.vars.WIDGET_ID),
      CONNECT_SECRET: fixture.secrets.CONNECT_SECRET,
      TOKEN_TTL_SECONDS: String(fixture.vars.TOKEN_TTL_SECONDS),
    },
  })
  return servingChild(child, port, 'the Express peer')
}
