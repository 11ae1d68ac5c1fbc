/**
 * @module The standalone Worker as `npm run deploy` builds it: with the one session source its
 * configuration chooses (`SESSION_PROVIDER`, else `SESSION_SOURCE`, else `jwt`), through the
 * define `src/config/sources.ts` reads, so the bundle leaves out every other source's module.
 */

/** The `--define` flags for wrangler that build for the source these vars choose. */
export function builtSourceFlags(vars: Record<string, unknown>): string[] {
  const name = vars.SESSION_PROVIDER ?? vars.SESSION_SOURCE ?? 'jwt'
  return typeof name === 'string' ? ['--define', `__SESSION_SOURCE__:${JSON.stringify(name)}`] : []
}
