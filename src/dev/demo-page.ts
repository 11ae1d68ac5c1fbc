/**
 * @module The demo page (`/dev`), development entry only: sign in as a demo visitor, pick a
 * widget, run the README's snippets through a stand-in for `amazon_connect`, and see the token
 * checked against the widget's contract (`/dev/inspect`, the inspector's rules).
 *
 * The cross-origin half runs in a frame from another origin (http://localhost:8080, which the
 * demo configuration allows, unless `npm run dev -- --demo-port N` or a taken port moved it):
 * `npm run dev` serves it by passing its requests to `/dev/cross-origin` here.
 */
import type { Context } from 'hono'
import type { App } from '../app.ts'
import type { Config } from '../config/index.ts'
import { readSecret, secretName } from '../config/input.ts'
import { isLoopbackHost, isRecord } from '../config/values.ts'
import type { WidgetConfig } from '../config/widgets.ts'
import { MAX_TOKEN_CHARS } from '../constants.ts'
import { INTROSPECTION, type IntrospectionSettings } from '../session/introspection.ts'
import { JWT_COOKIE, type JwtCookieSettings } from '../session/jwt-cookie.ts'
import { KV_SESSIONS } from '../session/kv.ts'
import { inspectWidgetToken } from '../token-rules.ts'
import frameHtml from './cross-origin-frame.html'
import pageHtml from './demo-page.html'
import { DevRouteError } from './errors.ts'
import { DEMO_CLAIMS } from './login.ts'
import { CROSS_ORIGIN_SNIPPET, README_TOKEN_URL, SAME_ORIGIN_SNIPPET } from './snippets.ts'

/**
 * Where `npm run dev` serves the cross-origin half of the demo: it says so in the
 * `DEV_CROSS_ORIGIN_DEMO` var (outside the Worker's configuration namespace), and without it,
 * under a plain `wrangler dev src/dev.ts`, the page assumes the default port.
 */
export const DEFAULT_CROSS_ORIGIN_DEMO = 'http://localhost:8080'

/** The path the README's same-origin snippet fetches; the demo swaps in each widget's. */
const README_TOKEN_PATH = "'/token'"

export interface DemoPageOptions {
  /** Whether `/dev/login` can make sessions here: not when only the site can (a provider, an opaque cookie). */
  demoSignIn: boolean
}

export function mountDemoPage(app: App, config: Config, { demoSignIn }: DemoPageOptions): void {
  app.get('/dev', (c) => {
    const crossOrigin = crossOriginDemo(c.env)
    const page = {
      widgets: config.widgets.map((widget) => ({
        name: widget.name,
        widgetId: widget.widgetId,
        tokenPath: widget.tokenPath,
        summary: widgetSummary(widget),
        sameOriginSnippet: SAME_ORIGIN_SNIPPET.replace(README_TOKEN_PATH, `'${widget.tokenPath}'`),
        crossOriginAllowed: widget.origins.allows(crossOrigin),
      })),
      session: sessionSummary(config),
      signIn: demoSignIn ? { cookie: sessionCookieOf(config) } : { atTheSite: siteSignIn(config) },
      demoClaims: DEMO_CLAIMS,
      crossOriginPage: `${crossOrigin}/`,
    }
    c.header('Cache-Control', 'no-store')
    return c.html(fill(pageHtml, { CONFIG: scriptJson(page) }))
  })

  app.get('/dev/cross-origin', (c) => {
    const parent = c.req.query('parent') ?? ''
    if (!URL.canParse(parent) || !isLoopbackHost(new URL(parent).hostname)) {
      throw new DevRouteError('DEV_REQUEST_INVALID', 'parent_not_a_loopback_origin')
    }
    // The Worker as the demo page's browser reaches it: the cookie it holds is for that host.
    const demoPage = new URL(parent).origin
    const tokenUrl = new URL(chosenWidget(config, c.req.query('widget')).tokenPath, demoPage).href
    const snippet = CROSS_ORIGIN_SNIPPET.replace(README_TOKEN_URL, tokenUrl)
    return c.html(fill(frameHtml, { FRAME: scriptJson({ demoPage, tokenUrl, snippet }) }))
  })

  app.post('/dev/inspect', async (c) => {
    const body: unknown = await c.req.json().catch(() => undefined)
    if (!isRecord(body) || typeof body.token !== 'string') {
      throw new DevRouteError('DEV_REQUEST_INVALID', 'inspect_without_a_token')
    }
    const widget = chosenWidget(config, body.widget)
    const secret = widgetSecret(c, widget)
    const inspection = await inspectWidgetToken(body.token, {
      key: secret === undefined ? undefined : new TextEncoder().encode(secret),
      widgetId: widget.widgetId,
    })
    c.header('Cache-Control', 'no-store')
    return c.json({ ...inspection, limit: MAX_TOKEN_CHARS })
  })
}

/** The widget a demo request names, else the first (the only one, without `WIDGETS`). */
function chosenWidget(config: Config, name: unknown): WidgetConfig {
  return config.widgets.find((widget) => widget.name === name) ?? config.widgets[0]
}

/** The key that signs a widget's tokens, to check their signatures: its secret, as the route reads it. */
function widgetSecret(c: Context, widget: WidgetConfig): string | undefined {
  const secret = readSecret(widget.secret, c.env)
  return typeof secret === 'string' ? secret : undefined
}

function crossOriginDemo(env: Record<string, unknown>): string {
  const given = env.DEV_CROSS_ORIGIN_DEMO
  if (typeof given !== 'string' || !URL.canParse(given)) return DEFAULT_CROSS_ORIGIN_DEMO
  const url = new URL(given)
  return isLoopbackHost(url.hostname) ? url.origin : DEFAULT_CROSS_ORIGIN_DEMO
}

/**
 * Where sessions come from when only the site can make them. The browser sends a site's
 * cookies for localhost whatever its port, so a site running on localhost signs visitors
 * in for this Worker too.
 */
function siteSignIn(config: Config): string {
  const { recipe, settings } = config.source
  const whose =
    recipe === INTROSPECTION
      ? `Sessions here are the site's own cookies, which ${(settings as IntrospectionSettings).url.href} answers for`
      : recipe === KV_SESSIONS
        ? "Sessions here are records the site writes to Workers KV, named by the site's cookie"
        : `Sessions here are ${recipe.name}'s own cookies`
  return `${whose}: /dev/login cannot make one. Sign in at your site, in this browser, with the site on localhost (a browser sends localhost's cookies whatever the port). "Same origin" then sends the cookies this browser has for localhost, and shows the token they get or the code that refuses them.`
}

/** One widget's own settings, as the page lists them. */
function widgetSummary(widget: WidgetConfig): Record<string, string> {
  const origins = widget.origins.patterns
  return {
    'widget id': widget.widgetId,
    'token path': widget.tokenPath,
    'token lifetime': `${widget.ttlSeconds} s`,
    'allowed origins': origins.length > 0 ? JSON.stringify(origins) : 'none (same origin only)',
    guests: widget.anonymous.policy === 'allow' ? 'allowed (literal attributes only)' : 'denied',
    'mapped fields':
      typeof widget.mapping === 'function' ? 'a function' : widget.mapping.map((rule) => rule.to).join(', ') || 'none',
  }
}

/** The cookie the source reads, when it reads one by a name of the site's choosing. */
function sessionCookieOf(config: Config): string | undefined {
  const { cookie } = (config.source.settings ?? {}) as { cookie?: unknown }
  return typeof cookie === 'string' ? cookie : undefined
}

/** The session settings every widget shares. */
function sessionSummary(config: Config): Record<string, string> {
  const { recipe, named, settings } = config.source
  const cookie = sessionCookieOf(config)
  const jwt = recipe === JWT_COOKIE ? (settings as JwtCookieSettings) : undefined
  return {
    ...(cookie && { 'session cookie': cookie }),
    'session source': recipe === INTROSPECTION ? (settings as IntrospectionSettings).url.href : named,
    ...(jwt && {
      'session keys':
        jwt.keys.kind === 'secret' ? secretName(jwt.keys.ref) : (jwt.keys.spec.url?.href ?? jwt.keys.name),
      algorithms: jwt.algorithms.join(', '),
      issuer: jwt.issuer ?? '(not checked)',
      audience: jwt.audience?.join(', ') ?? '(not checked)',
    }),
  }
}

/** Replaces the `"__NAME__"` placeholders (valid JSON, so the templates stay lintable). */
function fill(template: string, values: Record<string, string>): string {
  return template.replace(/"__(\w+)__"/g, (_, name: string) => values[name] ?? 'null')
}

/** JSON that is safe inside a `<script>` element. */
function scriptJson(value: unknown): string {
  return JSON.stringify(value).replaceAll('<', '\\u003c')
}
