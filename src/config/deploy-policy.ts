/**
 * @module What a deployment refuses that the Worker itself accepts: the placeholders of the
 * shipped template and of the README's examples, which run locally (they are the demo) but
 * would deploy a Worker that answers nobody: routes on example names, sample widget ids,
 * URLs on example or loopback hosts.
 *
 * `npm run deploy` refuses them (`--allow-placeholders` overrides); `npm run dry-run` and
 * `npm run check-config` print them as warnings; `npm run dev` runs them. Only the tools use
 * this module: the Worker never imports it.
 */
import { isLoopbackHost, isRecord, stringList } from './values.ts'
import { widgetEntryList } from './widgets.ts'

/** The sample widget ids this repository ships, and where each one is written. */
export const SAMPLE_WIDGET_IDS: Readonly<Record<string, string>> = {
  'demo-widget-id': 'wrangler.toml, the demo at the top level',
  'staging-support-widget': 'wrangler.toml [env.staging]',
  'production-support-widget': 'wrangler.toml [env.production]',
  'support-chat-widget': "README.md's provider and Express examples",
  'support-widget-id': "README.md's two-widget example",
  'sales-widget-id': "README.md's two-widget example",
}

/** Second-level names reserved for documentation (RFC 2606 §3), and their subdomains. */
const EXAMPLE_DOMAINS = ['example.com', 'example.net', 'example.org']
/** Top-level names reserved for examples, tests, invalid and loopback names (RFC 2606 §2, RFC 6761 §6). */
const RESERVED_TLDS = ['example', 'test', 'invalid', 'localhost']

/** The vars holding a URL the deployed Worker calls or trusts, and those holding a list of them. */
const URL_VARS = ['SESSION_JWKS_URL', 'SESSION_INTROSPECTION_URL', 'SESSION_ISSUER', 'TURNSTILE_VERIFY_URL']
const URL_LIST_VARS = ['ALLOWED_ORIGINS', 'CLERK_AUTHORIZED_PARTIES']

export interface PlaceholderProblem {
  key: string
  problem: string
}

/** Why `host` cannot be a deployment's, or `undefined` when it can. */
export function reservedHostProblem(host: string): string | undefined {
  const name = host
    .toLowerCase()
    .replace(/^\*\.?/, '')
    .replace(/\.$/, '')
  if (isLoopbackHost(name) || name.endsWith('.localhost')) return `"${host}" is a loopback address`
  const example = EXAMPLE_DOMAINS.find((domain) => name === domain || name.endsWith(`.${domain}`))
  if (example) return `"${host}" is under ${example}, a name reserved for examples`
  const tld = RESERVED_TLDS.find((reserved) => name === reserved || name.endsWith(`.${reserved}`))
  return tld ? `"${host}" is under .${tld}, a name reserved for examples and tests` : undefined
}

/** Every placeholder in these vars and routes (config `routes`, `--route`, `--domain`). */
export function placeholderProblems(vars: Record<string, unknown>, routes: unknown[]): PlaceholderProblem[] {
  const problems: PlaceholderProblem[] = []
  for (const [index, route] of routes.entries()) {
    const problem = routeHosts(route).map(reservedHostProblem).find(Boolean)
    if (problem) problems.push({ key: `routes[${index}]`, problem: `${problem}: route the Worker on your own zone` })
  }
  const widgets = widgetEntryList(vars.WIDGETS)
  const scopes = widgets
    ? [{ prefix: '', values: vars }, ...widgets.map((entry) => ({ prefix: `WIDGETS[${entry.NAME}].`, values: entry }))]
    : [{ prefix: '', values: vars }]
  for (const { prefix, values } of scopes) {
    const id = values.WIDGET_ID
    if (typeof id === 'string' && Object.hasOwn(SAMPLE_WIDGET_IDS, id)) {
      problems.push({
        key: `${prefix}WIDGET_ID`,
        problem: `"${id}" is a sample widget id (${SAMPLE_WIDGET_IDS[id]}): use the id from your Connect snippet`,
      })
    }
    for (const name of [...URL_VARS, ...URL_LIST_VARS]) {
      const urls = URL_LIST_VARS.includes(name) ? listOf(name, values[name]) : [values[name]]
      for (const [index, text] of urls.entries()) {
        const host = typeof text === 'string' && URL.canParse(text) ? new URL(text).hostname : undefined
        const problem = host && reservedHostProblem(host)
        const key = URL_LIST_VARS.includes(name) ? `${prefix}${name}[${index}]` : `${prefix}${name}`
        if (problem) problems.push({ key, problem: `${problem}: a deployed Worker needs your own` })
      }
    }
  }
  return problems
}

/** A route's hosts: `pattern` (a `zone/path*` pattern, or a custom domain) and `zone_name`. */
function routeHosts(route: unknown): string[] {
  const entry = isRecord(route) ? route : { pattern: route }
  const hosts = [entry.pattern, entry.zone_name].filter((value): value is string => typeof value === 'string')
  return hosts.map((host) => host.replace(/^[a-z]+:\/\//i, '').split('/')[0])
}

/** A var as its items, read as the validator reads lists; a var it refuses is its problem, not this one's. */
function listOf(name: string, value: unknown): string[] {
  try {
    return stringList(name, value)
  } catch {
    return []
  }
}
