/**
 * @module How the development entry signs demo sessions for every session source.
 *
 * With `SESSION_SECRET` it signs as the site would. With a public key or a JWKS it cannot
 * (the private half is the login service's), so it makes a key pair of the first pinned
 * algorithm once per isolate, serves the public half at `/dev/jwks.json`, and trusts it
 * for sessions whose `kid` is `dev-login`, besides the configured keys. Only `src/dev.ts`
 * uses this: a deployed Worker never trusts a key of its own making.
 */
import { exportJWK, generateKeyPair, type JSONWebKeySet, type SignJWT } from 'jose'
import type { Config } from '../config/index.ts'
import { requireSecret } from '../config/input.ts'
import { JWT_COOKIE, type JwtCookieSettings } from '../session/jwt-cookie.ts'

export const DEMO_KID = 'dev-login'

export interface DemoSigner {
  algorithm: string
  /** The public half of the demo key, when there is one. */
  jwks?: JSONWebKeySet
  sign(jwt: SignJWT): Promise<string>
}

/** Without JWT sessions (an opaque cookie the site checks, a provider's) there is nothing to sign: no signer. */
export async function createDemoSigner(
  config: Config,
  env: Record<string, unknown>,
): Promise<{ signer?: DemoSigner; config: Config }> {
  if (config.source.recipe !== JWT_COOKIE) return { config }
  const settings = config.source.settings as JwtCookieSettings
  const algorithm = settings.algorithms[0]
  if (settings.keys.kind === 'secret') {
    const secret = new TextEncoder().encode(requireSecret(settings.keys.ref, env))
    const signer = {
      algorithm,
      sign: (jwt: SignJWT) => jwt.setProtectedHeader({ alg: algorithm, typ: 'JWT' }).sign(secret),
    }
    return { signer, config }
  }
  const pair = await generateKeyPair(algorithm, { extractable: true })
  const publicJwk = { ...(await exportJWK(pair.publicKey)), kid: DEMO_KID, alg: algorithm, use: 'sig' }
  const signer: DemoSigner = {
    algorithm,
    jwks: { keys: [publicJwk] },
    sign: (jwt) => jwt.setProtectedHeader({ alg: algorithm, kid: DEMO_KID, typ: 'JWT' }).sign(pair.privateKey),
  }
  const trusting = { ...settings, trust: { kid: DEMO_KID, key: pair.publicKey } }
  return {
    signer,
    config: { ...config, source: { ...config.source, settings: trusting, source: JWT_COOKIE.create(trusting) } },
  }
}
