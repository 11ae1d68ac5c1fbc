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
import { base64url, calculateJwkThumbprint, type JWTPayload, jwtDecrypt } from 'jose'
import { JWTExpired } from 'jose/errors'
import { requireSecret, type SecretRef, type SettingsInput, secretRef } from '../../config/input.ts'
import type { ConfigProblems } from '../../config/problems.ts'
import { optionalString } from '../../config/values.ts'
import { ConfigError, TokenServiceError } from '../../errors.ts'
import { chunkedCopies } from '../cookies.ts'
import { readClockTolerance } from '../jwt-settings.ts'
import { type SessionRecipe, sourceFromOptions } from '../recipe.ts'
import { eachCookie, type Identity, oneVisitor, type SessionSource } from '../source.ts'
import { checkTimes } from '../verify.ts'

export interface AuthJsOptions {
  /** The app's secret; during a rotation a list, newest first (as Auth.js reads `AUTH_SECRET_3` … `AUTH_SECRET`). */
  secret: SecretRef | SecretRef[]
  /** One cookie name instead of Auth.js's own (`__Secure-authjs.session-token`, `authjs.session-token`). */
  cookie?: string
  clockToleranceSeconds?: number
}

export type NextAuthV4Options = AuthJsOptions

type Version = 'authjs' | 'nextauth-v4'

export interface AuthJsSettings {
  provider: Version
  /** Newest first, as Auth.js orders `AUTH_SECRET_3` … `AUTH_SECRET`. */
  secrets: SecretRef[]
  /** The cookie names to look for, most specific first. */
  cookieNames: string[]
  clockToleranceSeconds: number
}

export const AUTHJS_COOKIES = ['__Secure-authjs.session-token', 'authjs.session-token']
export const NEXTAUTH_V4_COOKIES = ['__Secure-next-auth.session-token', 'next-auth.session-token']

const AUTHJS_VARS = {
  secret: 'AUTH_SECRET',
  secret1: 'AUTH_SECRET_1',
  secret2: 'AUTH_SECRET_2',
  secret3: 'AUTH_SECRET_3',
  cookie: 'SESSION_COOKIE',
  clockToleranceSeconds: 'SESSION_CLOCK_TOLERANCE_SECONDS',
} as const
const NEXTAUTH_V4_VARS = {
  secret: 'NEXTAUTH_SECRET',
  cookie: 'SESSION_COOKIE',
  clockToleranceSeconds: 'SESSION_CLOCK_TOLERANCE_SECONDS',
} as const

type Name = keyof typeof AUTHJS_VARS

function recipe(provider: Version, vars: Partial<Record<Name, string>>): SessionRecipe<Name, AuthJsSettings> {
  return {
    name: provider,
    vars: vars as Record<Name, string>,
    secrets: (input) => ({
      needed: [input.key('secret')],
      optional: provider === 'authjs' ? [input.key('secret1'), input.key('secret2'), input.key('secret3')] : [],
    }),
    read: (input, problems) =>
      problems.fields({
        provider: () => provider,
        secrets: () => readSecrets(provider, input, problems),
        cookieNames: () => {
          const cookie = optionalString(input.key('cookie'), input.value('cookie'))
          return cookie ? [cookie] : provider === 'authjs' ? AUTHJS_COOKIES : NEXTAUTH_V4_COOKIES
        },
        clockToleranceSeconds: () => readClockTolerance(input),
      }),
    create: (settings) => authJsSource(settings),
  }
}

export const AUTHJS = recipe('authjs', AUTHJS_VARS)
export const NEXTAUTH_V4 = recipe('nextauth-v4', NEXTAUTH_V4_VARS)

/** Auth.js (v5) JWT sessions: options checked now, every mistake at once. */
export function authjs(options: AuthJsOptions): SessionSource {
  return sourceFromOptions(AUTHJS, options, 'authjs')
}

/** NextAuth.js v4 JWT sessions: options checked now, every mistake at once. */
export function nextAuthV4(options: NextAuthV4Options): SessionSource {
  return sourceFromOptions(NEXTAUTH_V4, options, 'nextAuthV4')
}

/** The secrets, newest first: Auth.js's rotation vars (`AUTH_SECRET_3` … `AUTH_SECRET`), or the option's list. */
function readSecrets(provider: Version, input: SettingsInput<Name>, problems: ConfigProblems): SecretRef[] {
  const given = input.value('secret')
  if (input.form === 'options') {
    const list = Array.isArray(given) ? given : [given]
    if (list.length === 0) throw new ConfigError(input.key('secret'), 'lists no secret')
    return list.map((ref, index) => {
      const one = { ...input, key: () => (Array.isArray(given) ? `secret[${index}]` : 'secret'), value: () => ref }
      return secretRef(one, 'secret') as SecretRef
    })
  }
  // As Auth.js orders them: AUTH_SECRET_3, _2, _1, then AUTH_SECRET.
  const names: Name[] = provider === 'authjs' ? ['secret3', 'secret2', 'secret1', 'secret'] : ['secret']
  const refs = names.flatMap((name) => problems.read(() => secretRef(input, name, { required: false })) ?? [])
  if (input.env && refs.length === 0)
    throw new ConfigError(input.key('secret'), `is required with SESSION_PROVIDER "${provider}"`)
  return refs.length > 0 ? refs : [input.key('secret')]
}

const encoder = new TextEncoder()

function authJsSource(config: AuthJsSettings): SessionSource {
  const { clockToleranceSeconds } = config
  const keys = new Map<string, Promise<Uint8Array>>()
  /** Derived once per secret, cookie name and size, per isolate: HKDF is not free. */
  const derivedKey = (secret: string, salt: string, enc: string): Promise<Uint8Array> => {
    const id = `${secret}\n${salt}\n${enc}`
    let key = keys.get(id)
    if (!key) {
      // Secrets change with a rotation: a few dozen keys at most.
      if (keys.size >= 32) keys.delete(keys.keys().next().value as string)
      key = deriveKey(config.provider, secret, salt, enc)
      keys.set(id, key)
    }
    return key
  }
  const v5 = config.provider === 'authjs'
  /** One cookie's session: the salt is the name it was found under. */
  async function decrypt(token: string, name: string, secrets: string[]): Promise<Identity> {
    const salt = v5 ? name : ''
    let payload: JWTPayload
    try {
      ;({ payload } = await jwtDecrypt(
        token,
        async ({ kid, enc }) => {
          for (const secret of secrets) {
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
      if (error instanceof JWTExpired) throw new TokenServiceError('SESSION_EXPIRED', 'authjs_expired')
      throw new TokenServiceError('SESSION_INVALID', `authjs_${(error as { code?: string }).code ?? 'undecryptable'}`)
    }
    return { kind: 'visitor', claims: payload as Record<string, unknown> }
  }
  return {
    kind: config.provider,
    settings: config,
    // Under either name (`__Secure-` or not), whole or chunked, every copy is one of the session's.
    identify(context) {
      const secrets = config.secrets.flatMap((ref) => requireSecret(ref, context.env))
      const copies = config.cookieNames.flatMap((name) =>
        eachCookie(chunkedCopies(context.cookies, name), (token) => decrypt(token, name, secrets)),
      )
      return oneVisitor(copies, context, 'authjs_signed_out')
    },
  }
}

async function deriveKey(provider: Version, secret: string, salt: string, enc: string) {
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
