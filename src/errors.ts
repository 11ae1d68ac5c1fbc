/**
 * @module Coded errors: the stable codes callers see, and the one mapping from code to HTTP.
 *
 * Domain modules throw `TokenServiceError` with a code and, for the log only, a `reason`.
 * The public message for a code never says which check failed; the reason does, in the log.
 */

export const ERROR_CODES = {
  // True whether no cookie came, or the site, KV or a provider's cookies say nobody is signed in.
  SESSION_MISSING: { status: 401, message: 'Nobody is signed in. Sign in first.' },
  SESSION_INVALID: { status: 401, message: 'The session cookie is not valid. Sign in again.' },
  SESSION_EXPIRED: { status: 401, message: 'The session has expired. Sign in again.' },
  SESSION_AMBIGUOUS: {
    status: 401,
    message: 'Several sessions of different visitors were sent. Sign out, then sign in again.',
  },
  SESSION_CLAIM_MISSING: {
    status: 403,
    message: 'The session lacks information this chat requires.',
  },
  SESSION_CLAIM_INVALID: {
    status: 403,
    message: 'The session holds information this chat cannot use.',
  },
  ORIGIN_NOT_ALLOWED: { status: 403, message: 'This origin may not request chat tokens.' },
  TURNSTILE_FAILED: { status: 403, message: 'The challenge was not passed. Try again.' },
  NOT_FOUND: { status: 404, message: 'No such endpoint.' },
  METHOD_NOT_ALLOWED: { status: 405, message: 'Method not allowed.' },
  TOKEN_TOO_LARGE: {
    status: 422,
    message: 'The required contact attributes do not fit in a widget token.',
  },
  RATE_LIMITED: { status: 429, message: 'Too many chat tokens were requested. Try again shortly.' },
  CONFIG_INVALID: { status: 500, message: 'The token service is misconfigured.' },
  INTERNAL_ERROR: { status: 500, message: 'The token service failed unexpectedly.' },
  SESSION_UNAVAILABLE: {
    status: 503,
    message: 'The session cannot be checked right now. Try again shortly.',
  },
  TURNSTILE_UNAVAILABLE: {
    status: 503,
    message: 'The challenge cannot be checked right now. Try again shortly.',
  },
  SESSION_KEYS_UNAVAILABLE: {
    status: 503,
    message: 'The keys that verify sessions cannot be fetched right now. Try again shortly.',
  },
} as const satisfies Record<string, { status: number; message: string }>

export type ErrorCode = keyof typeof ERROR_CODES

/** Every code a response can carry: the product's, and the development entry's own (`src/dev/errors.ts`). */
export type ResponseCode = ErrorCode | `DEV_${string}`

/** The JSON body of every error response. */
export interface ErrorBody {
  error: { code: ResponseCode; message: string }
}

/** A failure with a stable public `code`; `reason` names the failed check, for logs only. */
export class TokenServiceError extends Error {
  override name = 'TokenServiceError'

  /** More for the log line: names and codes, never a cookie, token or secret. */
  readonly logFields: Readonly<Record<string, unknown>>
  /** For `Retry-After`, when trying again later can succeed. */
  readonly retryAfterSeconds?: number

  readonly code: ResponseCode

  /** The product's codes only: the development entry's are `DevRouteError`'s, with their own table. */
  constructor(
    code: ErrorCode,
    readonly reason: string = code.toLowerCase(),
    options: { log?: Record<string, unknown>; retryAfterSeconds?: number } = {},
  ) {
    super(`${code}: ${reason}`)
    this.code = code
    this.logFields = options.log ?? {}
    this.retryAfterSeconds = options.retryAfterSeconds
  }

  get status(): number {
    return ERROR_CODES[this.code as ErrorCode].status
  }

  /** The code's message, which never says which check failed. */
  get publicMessage(): string {
    return ERROR_CODES[this.code as ErrorCode].message
  }

  toBody(): ErrorBody {
    return { error: { code: this.code, message: this.publicMessage } }
  }
}

/** The session's source (the site, KV) cannot answer now; trying again shortly can help. */
export function sessionUnavailable(reason: string): TokenServiceError {
  return new TokenServiceError('SESSION_UNAVAILABLE', reason, { retryAfterSeconds: 5 })
}

/** A configuration mistake: names the offending key so the operator can fix it. */
export class ConfigError extends TypeError {
  override name = 'ConfigError'

  constructor(
    readonly key: string,
    readonly problem: string,
  ) {
    super(`${key}: ${problem}`)
  }
}

/** Every mistake found in one configuration, so that all of them can be fixed at once. */
export class InvalidConfigError extends TypeError {
  override name = 'InvalidConfigError'

  /** `where`: what was configured, such as `jwtCookie()` for a library user's options. */
  constructor(
    readonly problems: readonly ConfigError[],
    where?: string,
  ) {
    const list = problems.map((problem) => problem.message).join('; ')
    super(where ? `${where}: ${problems.length} problem${problems.length === 1 ? '' : 's'}: ${list}` : list)
  }

  /** The offending keys, for log lines. */
  get keys(): string[] {
    return this.problems.map((problem) => problem.key)
  }
}

/** A request refused because the configuration is wrong: the keys and problems go to the log. */
export function configInvalid(problems: readonly ConfigError[]): TokenServiceError {
  return new TokenServiceError('CONFIG_INVALID', 'config_invalid', {
    log: { keys: problems.map(({ key }) => key), problems: problems.map(({ key, problem }) => ({ key, problem })) },
  })
}
