/**
 * @module Vars and secret → how widget tokens are made: the widget id, the lifetime and the
 * security key, imported once into a WebCrypto `CryptoKey`.
 */
import { CONNECT_SECRET_LENGTH, DEFAULT_TOKEN_TTL_SECONDS, MAX_TOKEN_TTL_SECONDS } from '../constants'
import { ConfigError } from '../errors'
import type { WidgetTokenConfig } from '../token'
import type { ConfigProblems } from './problems'
import { integerInRange, requiredString } from './values'

/** Reads every widget setting, recording each mistake; the key only when the secret is given. */
export async function readWidgetConfig(
  env: Record<string, unknown>,
  problems: ConfigProblems,
  secretsGiven: boolean,
): Promise<WidgetTokenConfig | undefined> {
  const widgetId = problems.read(() => requiredString('WIDGET_ID', env.WIDGET_ID))
  const ttlSeconds = problems.read(() =>
    integerInRange('TOKEN_TTL_SECONDS', env.TOKEN_TTL_SECONDS, {
      min: 1,
      max: MAX_TOKEN_TTL_SECONDS,
      fallback: DEFAULT_TOKEN_TTL_SECONDS,
    }),
  )
  const key = secretsGiven ? await problems.readAsync(() => importConnectSecret(env.CONNECT_SECRET)) : undefined
  if (widgetId === undefined || ttlSeconds === undefined || key === undefined) return undefined
  return { widgetId, ttlSeconds, key }
}

async function importConnectSecret(value: unknown): Promise<CryptoKey> {
  const secret = checkConnectSecret('CONNECT_SECRET', value)
  // The key is the string's UTF-8 bytes, as in Amazon's samples: it is not base64-decoded.
  return crypto.subtle.importKey('raw', new TextEncoder().encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, [
    'sign',
  ])
}

/** A widget's security key as the console gives it; `npm run secret` checks one before uploading it. */
export function checkConnectSecret(key: string, value: unknown): string {
  const secret = requiredString(key, value)
  if (secret.length !== CONNECT_SECRET_LENGTH) {
    throw new ConfigError(
      key,
      `must be the widget's ${CONNECT_SECRET_LENGTH}-character security key from the Amazon Connect console, got ${secret.length} characters`,
    )
  }
  return secret
}
