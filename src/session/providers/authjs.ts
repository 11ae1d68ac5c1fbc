/**
 * @module Auth.js (v5) and NextAuth.js (v4) JWT sessions: an encrypted JWT (JWE, `alg: dir`)
 * in `authjs.session-token` / `next-auth.session-token` (`__Secure-` on https), split into
 * `.0`, `.1`, … when long.
 *
 * Auth.js v5: A256CBC-HS512 (A256GCM also accepted), key = HKDF-SHA256(secret, salt = the
 * cookie name, info = `Auth.js Generated Encryption Key (<cookie name>)`, 64 bytes; 32 for
 * A256GCM), the key chosen by the header's `kid` (its JWK thumbprint) among the rotation's
 * secrets. NextAuth v4: A256GCM, HKDF with an empty salt and info `NextAuth.js Generated
 * Encryption Key`, 32 bytes. jose decrypts; WebCrypto derives.
 */
import { base64url, calculateJwkThumbprint, errors, type JWTPayload, jwtDecrypt } from 'jose'
import { TokenServiceError } from '../../errors'
import { eachCookie, type Identity, oneVisitor, type SessionSource } from '../source'
import { checkTimes } from '../verify'

export interface AuthJsConfig {
  provider: 'authjs' | 'nextauth-v4'
  /** Newest first, as Auth.js orders `AUTH_SECRET_3` … `AUTH_SECRET`. */
  secrets: string[]
  /** The cookie names to look for, most specific first. */
  cookieNames: string[]
  clockToleranceSeconds: number
}

export const AUTHJS_COOKIES = ['__Secure-authjs.session-token', 'authjs.session-token']
export const NEXTAUTH_V4_COOKIES = ['__Secure-next-auth.session-token', 'next-auth.session-token']

const encoder = new TextEncoder()

export function authJsSource(config: AuthJsConfig): SessionSource {
  const { clockToleranceSeconds } = config
  const keys = new Map<string, Promise<Uint8Array>>()
  /** Derived once per secret, cookie name and size, per isolate: HKDF is not free. */
  const derivedKey = (secret: string, salt: string, enc: string): Promise<Uint8Array> => {
    const id = `${secret}\n${salt}\n${enc}`
    let key = keys.get(id)
    if (!key) {
      key = deriveKey(config.provider, secret, salt, enc)
      keys.set(id, key)
    }
    return key
  }
  const v5 = config.provider === 'authjs'
  /** One cookie's session: the salt is the name it was found under. */
  async function decrypt(token: string, name: string): Promise<Identity> {
    const salt = v5 ? name : ''
    let payload: JWTPayload
    try {
      ;({ payload } = await jwtDecrypt(
        token,
        async ({ kid, enc }) => {
          for (const secret of config.secrets) {
            const key = await derivedKey(secret, salt, enc)
            if (kid === undefined || kid === (await thumbprint(key))) return key
          }
          throw new TokenServiceError('SESSION_INVALID', 'authjs_no_matching_secret')
        },
        {
          clockTolerance: clockToleranceSeconds,
          keyManagementAlgorithms: ['dir'],
          contentEncryptionAlgorithms: v5 ? ['A256CBC-HS512', 'A256GCM'] : ['A256GCM'],
        },
      ))
      checkTimes(payload, clockToleranceSeconds)
    } catch (error) {
      if (error instanceof TokenServiceError) throw error
      if (error instanceof errors.JWTExpired) throw new TokenServiceError('SESSION_EXPIRED', 'authjs_expired')
      throw new TokenServiceError('SESSION_INVALID', `authjs_${(error as { code?: string }).code ?? 'undecryptable'}`)
    }
    return { kind: 'visitor', claims: payload as Record<string, unknown> }
  }
  return {
    // Under either name (`__Secure-` or not), whole or chunked, every copy is one of the session's.
    identify(context) {
      const copies = config.cookieNames.flatMap((name) =>
        eachCookie(context.cookies.chunkedCopies(name), (token) => decrypt(token, name)),
      )
      return oneVisitor(copies, context, 'authjs_signed_out')
    },
  }
}

async function deriveKey(provider: AuthJsConfig['provider'], secret: string, salt: string, enc: string) {
  const length = enc === 'A256CBC-HS512' ? 64 : 32
  const info =
    provider === 'authjs' ? `Auth.js Generated Encryption Key (${salt})` : 'NextAuth.js Generated Encryption Key'
  const material = await crypto.subtle.importKey('raw', encoder.encode(secret), 'HKDF', false, ['deriveBits'])
  const bits = await crypto.subtle.deriveBits(
    { name: 'HKDF', hash: 'SHA-256', salt: encoder.encode(salt), info: encoder.encode(info) },
    material,
    length * 8,
  )
  return new Uint8Array(bits)
}

function thumbprint(key: Uint8Array): Promise<string> {
  return calculateJwkThumbprint({ kty: 'oct', k: base64url.encode(key) }, `sha${key.byteLength << 3}` as 'sha256')
}
