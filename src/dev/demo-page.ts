/**
 * @module The demo page (`/dev`), development entry only: sign in as a demo visitor, run the
 * README's snippets through a stand-in for `amazon_connect`, and see the token checked
 * against the widget's contract (`/dev/inspect`, the inspector's rules).
 *
 * The cross-origin half runs in a frame from another origin (http://localhost:8080, which the
 * demo configuration allows, unless `npm run dev -- --demo-port N` or a taken port moved it):
 * `npm run dev` serves it by passing its requests to `/dev/cross-origin` here.
 */
import type { App } from '../app'
import type { Config } from '../config'
import { isLoopbackHost, isRecord } from '../config/values'
import { MAX_TOKEN_CHARS } from '../constants'
import { inspectWidgetToken } from '../token-rules'
import frameHtml from './cross-origin-frame.html'
import pageHtml from './demo-page.html'
import { DEMO_CLAIMS } from './login'
import { CROSS_ORIGIN_SNIPPET, README_TOKEN_URL, SAME_ORIGIN_SNIPPET } from './snippets'

/**
 * Where `npm run dev` serves the cross-origin half of the demo: it says so in the
 * `DEV_CROSS_ORIGIN_DEMO` var (outside the Worker's configuration namespace), and without it,
 * under a plain `wrangler dev src/dev.ts`, the page assumes the default port.
 */
export const DEFAULT_CROSS_ORIGIN_DEMO = 'http://localhost:8080'

function crossOriginDemo(env: Record<string, unknown>): string {
  const given = env.DEV_CROSS_ORIGIN_DEMO
  if (typeof given !== 'string' || !URL.canParse(given)) return DEFAULT_CROSS_ORIGIN_DEMO
  const url = new URL(given)
  return isLoopbackHost(url.hostname) ? url.origin : DEFAULT_CROSS_ORIGIN_DEMO
}

export function mountDemoPage(app: App, config: Config): void {
  app.get('/dev', (c) => {
    const page = {
      summary: summary(config, c.env),
      demoClaims: DEMO_CLAIMS,
      snippets: { sameOrigin: SAME_ORIGIN_SNIPPET },
      crossOriginPage: `${crossOriginDemo(c.env)}/`,
    }
    c.header('Cache-Control', 'no-store')
    return c.html(fill(pageHtml, { CONFIG: scriptJson(page) }))
  })

  app.get('/dev/cross-origin', (c) => {
    const parent = c.req.query('parent') ?? ''
    if (!URL.canParse(parent) || !isLoopbackHost(new URL(parent).hostname)) {
      return c.json({ error: 'parent must be the demo page origin on localhost' }, 400)
    }
    const tokenUrl = new URL(config.widgets[0].tokenPath, c.req.url).href
    const snippet = CROSS_ORIGIN_SNIPPET.replace(README_TOKEN_URL, tokenUrl)
    return c.html(fill(frameHtml, { FRAME: scriptJson({ demoPage: new URL(parent).origin, snippet }) }))
  })

  app.post('/dev/inspect', async (c) => {
    const body: unknown = await c.req.json().catch(() => undefined)
    if (!isRecord(body) || typeof body.token !== 'string') return c.json({ error: 'send { "token": "…" }' }, 400)
    const secret = String(c.env.CONNECT_SECRET)
    const inspection = await inspectWidgetToken(body.token, {
      key: new TextEncoder().encode(secret),
      widgetId: config.widgets[0].token.widgetId,
    })
    c.header('Cache-Control', 'no-store')
    return c.json({ ...inspection, limit: MAX_TOKEN_CHARS })
  })
}

/** What the page shows of the configuration: the first widget's, where there are several. */
function summary(config: Config, env: Record<string, unknown>): Record<string, string> {
  const { session, source } = config
  const [widget, ...others] = config.widgets
  const keys = session?.keySource
  return {
    'widget id': widget.token.widgetId,
    'token path': widget.tokenPath,
    ...(others.length > 0 && { 'other widgets': others.map((other) => `${other.name} ${other.tokenPath}`).join(', ') }),
    'token lifetime': `${widget.token.ttlSeconds} s`,
    'session cookie': config.cookieName,
    'session source': source.kind === 'introspection' ? source.url.href : source.kind,
    ...(keys && {
      'session keys':
        keys.kind === 'jwks' ? keys.url.href : keys.kind === 'secret' ? 'SESSION_SECRET' : 'SESSION_PUBLIC_KEY',
      algorithms: session.algorithms.join(', '),
      issuer: session.issuer ?? '(not checked)',
      audience: session.audience?.join(', ') ?? '(not checked)',
    }),
    guests: widget.anonymous.policy === 'allow' ? 'allowed (literal attributes only)' : 'denied',
    'allowed origins': JSON.stringify(env.ALLOWED_ORIGINS ?? []),
    'mapped fields': widget.mapping.map((rule) => rule.to).join(', '),
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
