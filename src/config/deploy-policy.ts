/**
 * @module What a deployment refuses that the Worker itself accepts: the placeholders of the
 * shipped template and of the README's examples, which run locally (they are the demo) but
 * would deploy a Worker that answers nobody: routes on example names, sample widget ids and
 * provider ids, URLs and a Clerk key's frontend API on example or loopback hosts.
 *
 * `npm run deploy` refuses them (`--allow-placeholders` overrides); `npm run dry-run` and
 * `npm run check-config` print them as warnings; `npm run dev` runs them. Only the tools use
 * this module: the Worker never imports it.
 */
import { frontendApiOf } from '../session/providers/clerk.ts'
import { isLoopbackHost, isRecord, stringList } from './values.ts'
import { widgetEntryList } from './widgets.ts'

/** A var whose sample values this repository ships: what it holds, and what to put there instead. */
export interface SampleSetting {
  what: string
  yours: string
  /** Each sample value, and where it is written. */
  values: Readonly<Record<string, string>>
}

/**
 * The sample values of the shipped template and of the README's examples, by the var that
 * holds them: each runs locally (the README's blocks are run as written) and answers nobody
 * when deployed. URLs and hosts are held to the reserved-name rule below instead.
 */
export const SAMPLE_VALUES: Readonly<Record<string, SampleSetting>> = {
  WIDGET_ID: {
    what: 'widget id',
    yours: 'the id from your Connect snippet',
    values: {
      'demo-widget-id': 'wrangler.toml, the demo at the top level',
      'staging-support-widget': 'wrangler.toml [env.staging]',
      'production-support-widget': 'wrangler.toml [env.production]',
      'support-chat-widget': "README.md's provider and Express examples",
      'support-widget-id': "README.md's two-widget example",
      'sales-widget-id': "README.md's two-widget example",
    },
  },
  COGNITO_USER_POOL_ID: {
    what: 'user pool id',
    yours: "your pool's id, from the Cognito console",
    values: { 'eu-west-1_AbCdEf123': "README.md's Cognito example" },
  },
  COGNITO_CLIENT_ID: {
    what: 'app client id',
    yours: "your app client's id, from the Cognito console",
    values: { '1example23456789': "README.md's Cognito example" },
  },
  SUPABASE_PROJECT_REF: {
    what: 'project ref',
    yours: "your project's ref, of https://<ref>.supabase.co",
    values: { abcdefghijklmnopqrst: "README.md's Supabase example" },
  },
  FIREBASE_PROJECT_ID: {
    what: 'project id',
    yours: "your Firebase project's id",
    values: { 'my-app-1234': "README.md's Firebase example" },
  },
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
    for (const [name, { what, yours, values: samples }] of Object.entries(SAMPLE_VALUES)) {
      const value = values[name]
      if (typeof value === 'string' && Object.hasOwn(samples, value)) {
        problems.push({
          key: `${prefix}${name}`,
          problem: `"${value}" is a sample ${what} (${samples[value]}): use ${yours}`,
        })
      }
    }
    // A Clerk publishable key is the frontend API's host, in base64: held to the same rule as a URL's.
    const clerkHost = typeof values.CLERK_PUBLISHABLE_KEY === 'string' && frontendApiOf(values.CLERK_PUBLISHABLE_KEY)
    const clerkProblem = clerkHost && reservedHostProblem(clerkHost)
    if (clerkProblem) {
      problems.push({
        key: `${prefix}CLERK_PUBLISHABLE_KEY`,
        problem: `names a reserved frontend API: ${clerkProblem}: use your Clerk app's publishable key`,
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
