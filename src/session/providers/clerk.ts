/**
 * @module Clerk sessions: a short-lived (60 s) RS256 JWT in `__session` with the client's
 * last update time in `__client_uat` (both suffixed with a hash of the publishable key,
 * `__session_<suffix>`, when several Clerk apps share a domain). `__client_uat` absent or
 * `0`: signed out; anything but a number: refused. A token issued before the client's last
 * update is stale (the user signed out or switched), as is an expired one: Clerk's browser SDK
 * refreshes it and the widget asks again. `azp` must name one of the authorized parties (the
 * site's origins). A pending session (`sts: "pending"`, tasks left such as choosing an
 * organization) is signed out, as `@clerk/backend` treats it by default, unless configured.
 */
import { optionalBoolean, requiredString, stringList } from '../../config/values.ts'
import { ConfigError, TokenServiceError } from '../../errors.ts'
import { claimNumber } from '../exact-json.ts'
import { checkJwtKeys, JWT_VARS, type JwtSettings, jwtVerifier } from '../jwt-settings.ts'
import { publicKeySpec } from '../public-key.ts'
import { type SessionRecipe, sourceFromOptions } from '../recipe.ts'
import { eachCookie, type Identity, oneVisitor, type SessionCopy, type SessionSource } from '../source.ts'
import { type SessionConfig, verifySessionCookie } from '../verify.ts'
import { PROVIDER_JWT_VARS, type ProviderJwtOptions, readProviderJwt } from './jwt-provider.ts'

export interface ClerkOptions extends ProviderJwtOptions {
  /** The app's publishable key (`pk_test_…`/`pk_live_…`): it names the frontend API and the cookies' suffix. */
  publishableKey: string
  /** The site's origins: a session's `azp` must be one of them. */
  authorizedParties: string[]
  /** As Clerk's own option: a session with tasks left counts as signed out (default true). */
  treatPendingAsSignedOut?: boolean
  /** Clerk's "JWT public key" (a PEM), instead of the frontend API's JWKS. */
  publicKey?: string
}

const VARS = {
  publishableKey: 'CLERK_PUBLISHABLE_KEY',
  authorizedParties: 'CLERK_AUTHORIZED_PARTIES',
  treatPendingAsSignedOut: 'CLERK_TREAT_PENDING_AS_SIGNED_OUT',
  publicKey: JWT_VARS.publicKey,
  ...PROVIDER_JWT_VARS,
} as const

export interface ClerkSettings {
  publishableKey: string
  authorizedParties: string[]
  /** Whether a session with tasks left (`sts: "pending"`) counts as signed in (Clerk's default: no). */
  acceptPending: boolean
  jwt: JwtSettings
}

export const CLERK: SessionRecipe<keyof typeof VARS, ClerkSettings> = {
  name: 'clerk',
  vars: VARS,
  secrets: () => ({ needed: [], optional: [] }),
  read(input, problems) {
    const own = problems.fields({
      publishableKey: () => {
        const key = input.key('publishableKey')
        const publishableKey = requiredString(key, input.value('publishableKey'))
        if (!frontendApiOf(publishableKey))
          throw new ConfigError(key, "must be the app's publishable key, pk_test_… or pk_live_…")
        return publishableKey
      },
      authorizedParties: () => {
        const key = input.key('authorizedParties')
        const parties = stringList(key, input.value('authorizedParties'))
        if (parties.length === 0) {
          throw new ConfigError(
            key,
            'must list the origins of your site (the tokens\' azp), e.g. ["https://www.example.com"]',
          )
        }
        return parties
      },
      // Clerk's own option, `treatPendingAsSignedOut`, defaults to true.
      acceptPending: () =>
        !optionalBoolean(input.key('treatPendingAsSignedOut'), input.value('treatPendingAsSignedOut'), true),
    })
    if (!own) return undefined
    const issuer = `https://${frontendApiOf(own.publishableKey)}`
    const jwt = readProviderJwt(input, problems, {
      algorithms: ['RS256'],
      issuer,
      // Clerk offers its key as a PEM ("JWT public key") besides its JWKS.
      jwksUrl: input.value('publicKey') === undefined ? `${issuer}/.well-known/jwks.json` : undefined,
      publicKey: publicKeySpec,
    })
    return jwt && { ...own, jwt }
  },
  check: (settings, _input, problems) => checkJwtKeys(settings.jwt, problems),
  create: (settings) => clerkSource(settings),
}

/** Clerk sessions (`__session` and `__client_uat`): options checked now, every mistake at once. */
export function clerk(options: ClerkOptions): SessionSource {
  return sourceFromOptions(CLERK, options, 'clerk')
}

/** `pk_test_…` / `pk_live_…`: base64 of the frontend API host followed by `$`. */
export function frontendApiOf(publishableKey: string): string | undefined {
  const match = /^pk_(test|live)_([A-Za-z0-9+/=_-]+)$/.exec(publishableKey)
  if (!match) return undefined
  try {
    const decoded = atob(match[2].replaceAll('-', '+').replaceAll('_', '/'))
    return decoded.endsWith('$') && /^[a-z0-9.-]+$/.test(decoded.slice(0, -1)) ? decoded.slice(0, -1) : undefined
  } catch {
    return undefined
  }
}

export async function clerkCookieSuffix(publishableKey: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-1', new TextEncoder().encode(publishableKey))
  return btoa(String.fromCharCode(...new Uint8Array(digest)))
    .replaceAll('+', '-')
    .replaceAll('/', '_')
    .slice(0, 8)
}

/** `__client_uat`: seconds since the epoch; `0` once signed out. */
const CLIENT_UAT = /^(0|[1-9]\d{0,11})$/

function clerkSource(config: ClerkSettings): SessionSource {
  const verifier = jwtVerifier(config.jwt)
  let ownSuffix: Promise<string> | undefined
  async function identifyOne(token: string, clientUat: number, session: SessionConfig): Promise<Identity> {
    const claims = await verifySessionCookie(token, session)
    if (typeof claims.azp !== 'string' || !config.authorizedParties.includes(claims.azp)) {
      throw new TokenServiceError('SESSION_INVALID', 'clerk_azp_not_authorized')
    }
    if ((claimNumber(claims.iat) ?? 0) < clientUat) {
      throw new TokenServiceError('SESSION_EXPIRED', 'clerk_token_older_than_client')
    }
    // As @clerk/backend does by default: a session with tasks left (`sts: "pending"`) is not signed in yet.
    if (claims.sts === 'pending' && !config.acceptPending) return { kind: 'anonymous', why: 'clerk_session_pending' }
    return { kind: 'visitor', claims }
  }
  return {
    kind: 'clerk',
    settings: config,
    // The suffixed cookies and the plain ones are copies of one session: each pair is read, and
    // the copies rule refuses pairs that name different visitors.
    async identify(context) {
      const session = await verifier(context.env, context.cacheScope)
      ownSuffix ??= clerkCookieSuffix(config.publishableKey)
      const copies: SessionCopy[] = []
      for (const suffix of [`_${await ownSuffix}`, '']) {
        const uats = context.cookies.copies(`__client_uat${suffix}`)
        if (uats.length === 0) continue
        if (uats.length > 1) throw new TokenServiceError('SESSION_AMBIGUOUS', 'clerk_client_uat_sent_twice')
        const [uat] = uats
        if ('refused' in uat) throw uat.refused
        if (!CLIENT_UAT.test(uat.value)) throw new TokenServiceError('SESSION_INVALID', 'clerk_client_uat_not_a_time')
        const sessions = context.cookies.copies(`__session${suffix}`)
        if (uat.value === '0' || sessions.length === 0) {
          const why = uat.value === '0' ? 'clerk_signed_out' : 'clerk_no_session'
          copies.push(async () => ({ kind: 'anonymous', why }))
          continue
        }
        copies.push(...eachCookie(sessions, (token) => identifyOne(token, Number(uat.value), session)))
      }
      return oneVisitor(copies, context, 'clerk_signed_out')
    },
  }
}
