/**
 * @module The development entry's own error codes: its routes and its loopback guard refuse
 * with them. They live here, not in `src/errors.ts`, so that no deployment and no app that
 * imports the library carries their messages; the README's error table lists them with the rest.
 */
import { TokenServiceError } from '../errors.ts'

export const DEV_ERROR_CODES = {
  /** `src/dev/loopback-only.ts`. */
  DEV_HOST_NOT_ALLOWED: {
    status: 403,
    message: 'This development server answers only on localhost, 127.0.0.1 and [::1].',
  },
  /** `/dev/login`, `/dev/inspect` and `/dev/cross-origin`. */
  DEV_REQUEST_INVALID: {
    status: 400,
    message: 'This development route cannot use the request: see the README, "Try it".',
  },
  /** `/dev/login` and `/dev/logout` when only the site makes sessions (`login.ts`). */
  DEV_LOGIN_UNAVAILABLE: {
    status: 409,
    message:
      'Sessions here come from the site (an identity provider, introspection or KV): no demo session can be made. Sign in at the site: see the README, "Try it".',
  },
  /** `/dev/login` (`login.ts`). */
  DEV_SESSION_TOO_LARGE: {
    status: 422,
    message: 'This demo session would not fit in a cookie (4,096 bytes of name and value): shorten the claims.',
  },
} as const satisfies Record<string, { status: number; message: string }>

export type DevErrorCode = keyof typeof DEV_ERROR_CODES

/** A development route's refusal: answered and logged as every coded error is, with its own table. */
export class DevRouteError extends TokenServiceError {
  override name = 'DevRouteError'
  declare readonly code: DevErrorCode

  constructor(code: DevErrorCode, reason: string, options: { log?: Record<string, unknown> } = {}) {
    // The base class takes the product's codes only (so no product module throws one of these).
    super(code as never, reason, options)
  }

  override get status() {
    return DEV_ERROR_CODES[this.code].status
  }

  override get publicMessage(): string {
    return DEV_ERROR_CODES[this.code].message
  }
}
