/**
 * @module Every number the Amazon Connect widget imposes, in one place, with its source.
 *
 * Sources are the sections of `docs/CONNECT-WIDGET-CONTRACT.md` (the project's specification),
 * which cite Amazon's documentation.
 */

/** The widget rejects tokens whose encoded form exceeds 6,144 bytes. Contract: "The token" → Size. */
export const MAX_TOKEN_BYTES = 6_144

/**
 * The widget counts the token as a JavaScript (UTF-16) string, 2 bytes a character, so
 * the encoded token must stay at or under 3,072 characters. Contract: "The token" → Size.
 */
export const MAX_TOKEN_CHARS = MAX_TOKEN_BYTES / 2

/** `exp` may be at most 10 minutes after `iat`. Contract: "The token" → Claims. */
export const MAX_TOKEN_TTL_SECONDS = 600

/** Amazon's samples use 500 s; five minutes leaves room for clock skew under the 10-minute cap. */
export const DEFAULT_TOKEN_TTL_SECONDS = 300

/** The only algorithm the widget documents. Contract: "The token" → JOSE header. */
export const WIDGET_TOKEN_ALGORITHM = 'HS256'

/** Attribute keys: letters, digits, `-` and `_`, at least one. Contract: attribute constraints. */
export const ATTRIBUTE_KEY_PATTERN = /^[A-Za-z0-9_-]+$/

/** Attribute key length 1–32,767. Contract: attribute constraints (StartChatContact). */
export const MAX_ATTRIBUTE_KEY_LENGTH = 32_767

/** Attribute value length 0–32,767. Contract: attribute constraints (StartChatContact). */
export const MAX_ATTRIBUTE_VALUE_LENGTH = 32_767

/** All attribute keys and values together: at most 32,768 UTF-8 bytes. Contract: attribute constraints. */
export const MAX_ATTRIBUTES_TOTAL_BYTES = 32_768

/** `customerId`: 1–128 characters. Contract: "The token" → Claims (StartChatContact). */
export const MAX_CUSTOMER_ID_LENGTH = 128

/** `relatedContactId`: 1–256 characters. Contract: "The token" → Claims (StartChatContact). */
export const MAX_RELATED_CONTACT_ID_LENGTH = 256

/** Segment attribute names: 1–128 characters (StartChatContact `SegmentAttributes`). */
export const MAX_SEGMENT_ATTRIBUTE_NAME_LENGTH = 128

/**
 * Browsers keep a cookie's name and value within 4,096 bytes (RFC 6265 §6.1's minimum, which
 * every major browser uses as its limit), so a longer cookie did not come from one.
 */
export const MAX_COOKIE_BYTES = 4_096

/**
 * Chunks of one session at most (`name.0` … `name.9`). Supabase's `@supabase/ssr` splits at
 * 3,180 characters, Auth.js at 3,936: ten chunks hold ~31–39 KB, more than a request's Cookie
 * header carries in practice (Cloudflare limits one header to 16 KB, and browsers a domain's
 * cookies to a few dozen KB).
 */
export const MAX_COOKIE_CHUNKS = 10

/**
 * The longest session value accepted once its chunks are joined (or a token inside it, such as
 * Supabase's `access_token`): ten of Supabase's chunks, rounded up to 32 KiB.
 */
export const MAX_SESSION_CHARS = 32_768

/** Allowed clock skew when checking the session's `exp`/`nbf`, unless configured. */
export const DEFAULT_CLOCK_TOLERANCE_SECONDS = 30

/** The largest clock tolerance accepted in configuration: more would defeat `exp`. */
export const MAX_CLOCK_TOLERANCE_SECONDS = 300

/**
 * The console's widget security key is exactly 44 characters: any other length is a
 * truncated or padded copy, and the widget would refuse every token. Contract: "The token" → Key.
 */
export const CONNECT_SECRET_LENGTH = 44

/**
 * The last second of the year 9999: a larger `exp`, `iat` or `nbf` is not a real time (and
 * `1e400` parses as Infinity, which would never expire).
 */
export const MAX_NUMERIC_DATE = 253_402_300_799

/**
 * Copies of the session cookie considered in one request. Browsers send two when a sibling
 * subdomain planted one; more is an attack or a broken site, and is refused.
 */
export const MAX_SESSION_COOKIES = 4

/**
 * Copies a source that asks another host (the site's introspection URL) looks up in one request:
 * each miss is a call, so a request cannot turn into more than two.
 */
export const MAX_LOOKED_UP_COOKIES = 2

/** The longest `SESSION_MAX_AGE_SECONDS` accepted: a year. */
export const MAX_SESSION_MAX_AGE_SECONDS = 31_536_000

/**
 * How long the last good JWKS keeps verifying sessions while its host fails, by default: a
 * day covers an outage of the login service; key rotations publish new keys long before.
 */
export const DEFAULT_JWKS_MAX_STALE_SECONDS = 86_400

/** The longest stale-key period accepted: a week. */
export const MAX_JWKS_MAX_STALE_SECONDS = 604_800
