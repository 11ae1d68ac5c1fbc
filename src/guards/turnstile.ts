/**
 * @module Cloudflare Turnstile for anonymous tokens: the page sends the widget's response in
 * the `CF-Turnstile-Response` header, and it is checked with siteverify (`secret`,
 * `response`, `remoteip`) before a guest gets a token.
 */
import {
  checkOptions,
  fromOptions,
  requireSecret,
  type SecretRef,
  type SettingsInput,
  secretRef,
  withSettings,
} from '../config/input.ts'
import { ConfigProblems } from '../config/problems.ts'
import { isSpec, optionalString, secureUrl } from '../config/values.ts'
import { ConfigError, InvalidConfigError, TokenServiceError } from '../errors.ts'
import { fetchWithin } from '../outbound.ts'

/**
 * Guests must pass Turnstile: `guests: { turnstile: turnstile({ secret }) }` in your own app,
 * `TURNSTILE_SECRET` for the standalone Worker. A spec, as `jwks(url)` is one: an app whose
 * guests are not challenged bundles none of this.
 */
export interface Turnstile {
  readonly kind: 'turnstile'
  /** The Turnstile widget's secret key, read from the request's env. */
  readonly secret: SecretRef
  readonly verifyUrl: URL
  /** Resolves when the request carries a response siteverify accepts; throws a coded error otherwise. */
  require(request: Request, env: Record<string, unknown>): Promise<void>
}

export interface TurnstileOptions {
  /** The binding that holds the Turnstile widget's secret key, or a function of the env. */
  secret: SecretRef
  /** siteverify's URL (default Cloudflare's). */
  verifyUrl?: string
}

export function isTurnstile(value: unknown): value is Turnstile {
  return isSpec<Turnstile>(value, 'turnstile', 'require')
}

/** Turnstile for guests, checked now: every mistake at once. */
export function turnstile(options: TurnstileOptions): Turnstile {
  const problems = new ConfigProblems()
  if (checkOptions(options, ['secret', 'verifyUrl'], problems, { call: 'turnstile()' })) {
    const aliases = { turnstileSecret: 'secret', turnstileVerifyUrl: 'verifyUrl' }
    const guard = problems.read(() => readTurnstile(withSettings(fromOptions(options), { aliases })))
    if (guard) return guard
    if (options.secret === undefined)
      problems.add('secret', 'is required: the binding that holds the secret, or (env) => value')
  }
  throw new InvalidConfigError(problems.found, 'turnstile()')
}

/**
 * Turnstile's settings (vars: `TURNSTILE_SECRET`, `TURNSTILE_VERIFY_URL`): a guard when the
 * secret is set (vars: with the secrets at hand, or before a deployment, whenever named).
 */
export function readTurnstile(input: SettingsInput<'turnstileSecret' | 'turnstileVerifyUrl'>): Turnstile | undefined {
  const secret = secretRef(input, 'turnstileSecret', { required: false })
  const key = input.key('turnstileVerifyUrl')
  const given = optionalString(key, input.value('turnstileVerifyUrl'))
  const verifyUrl = secureUrl(key, given ?? DEFAULT_TURNSTILE_VERIFY_URL)
  // A verify URL says Turnstile was meant: without its secret, guests would pass unchallenged.
  const secretsKnown = input.form === 'options' || input.env !== undefined
  if (given !== undefined && secret === undefined && secretsKnown) {
    throw new ConfigError(
      key,
      `applies only with ${input.key('turnstileSecret')} set: without it, guests are not challenged`,
    )
  }
  if (secret === undefined) return undefined
  const guard: Turnstile = {
    kind: 'turnstile',
    secret,
    // A copy to read: the one that siteverify's calls go to is the route's own.
    verifyUrl: new URL(verifyUrl),
    require: (request, env) => requireTurnstile(request, { secret, verifyUrl }, env),
  }
  // Frozen: what the route was created with is what it challenges with.
  return Object.freeze(guard)
}

export const TURNSTILE_HEADER = 'CF-Turnstile-Response'

export const DEFAULT_TURNSTILE_VERIFY_URL = 'https://challenges.cloudflare.com/turnstile/v0/siteverify'

const TIMEOUT_MS = 3_000

async function requireTurnstile(
  request: Request,
  config: { secret: SecretRef; verifyUrl: URL },
  env: Record<string, unknown>,
): Promise<void> {
  // The secret first: a missing one is the operator's to fix, on every guest's request.
  const secret = requireSecret(config.secret, env)
  const response = request.headers.get(TURNSTILE_HEADER)
  if (!response) throw new TokenServiceError('TURNSTILE_FAILED', 'turnstile_response_missing')
  const form = new URLSearchParams()
  form.set('secret', secret)
  form.set('response', response.slice(0, 2048))
  const ip = request.headers.get('CF-Connecting-IP')
  if (ip) form.set('remoteip', ip)
  let outcome: { success?: unknown; 'error-codes'?: unknown }
  try {
    const answer = await fetchWithin(config.verifyUrl, { method: 'POST', body: form }, TIMEOUT_MS)
    if (!answer.ok) throw new Error(`http_${answer.status}`)
    outcome = await answer.json()
  } catch (error) {
    throw new TokenServiceError('TURNSTILE_UNAVAILABLE', `siteverify: ${(error as Error).message.slice(0, 80)}`, {
      retryAfterSeconds: 5,
    })
  }
  if (outcome.success !== true) {
    throw new TokenServiceError('TURNSTILE_FAILED', 'turnstile_refused', {
      log: { turnstile_errors: Array.isArray(outcome['error-codes']) ? outcome['error-codes'].slice(0, 5) : [] },
    })
  }
}
