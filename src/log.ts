/**
 * @module Structured log lines for Workers Logs: one JSON object a line, an event name and
 * fields. Callers pass codes, reasons and names only: never a cookie, token or secret.
 */

type Level = 'info' | 'warn' | 'error'

export function logEvent(level: Level, event: string, fields: Record<string, unknown> = {}): void {
  console[level](JSON.stringify({ level, event, ...fields }))
}

const JWT_LIKE = /eyJ[\w-]*\.[\w-]*(\.[\w-]*)?/g

/** An unexpected error's name and message, with anything shaped like a JWT cut out. */
export function describeUnexpected(error: unknown): { name: string; message: string } {
  if (!(error instanceof Error)) return { name: typeof error, message: '' }
  return { name: error.name, message: error.message.replace(JWT_LIKE, '[redacted]').slice(0, 200) }
}
