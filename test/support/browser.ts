/**
 * @module Headless Chromium for the browser tests, driven by playwright-core (Playwright's
 * own browser download cannot run here; Debian's `chromium` package can).
 */
import { existsSync } from 'node:fs'
import { createServer } from 'node:http'
import { type Browser, chromium } from 'playwright-core'

const CANDIDATES = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'].filter(
  (path): path is string => Boolean(path),
)

/** The Chromium executable, if one is installed. */
export const chromiumPath: string | undefined = CANDIDATES.find((path) => existsSync(path))

/** `extraArgs`: more Chromium switches, such as `--host-resolver-rules` for a name that resolves to loopback. */
export function launchChromium(extraArgs: string[] = []): Promise<Browser> {
  if (!chromiumPath) throw new Error('Chromium is not installed: apt-get install chromium, or set CHROMIUM_PATH')
  return chromium.launch({
    executablePath: chromiumPath,
    // As root in a sandboxed machine with no network beyond loopback.
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      ...extraArgs,
    ],
  })
}

/** The README's `amazon_connect('authenticate', …)` snippets, in order: same origin, then cross origin. */
export function readmeSnippets(readme: string): string[] {
  return [...readme.matchAll(/```js\n([\s\S]*?)```/g)]
    .map((match) => match[1])
    .filter((code) => code.includes("amazon_connect('authenticate'"))
}

/**
 * A page embedding `snippet` the way a site does. Amazon's widget loader cannot be fetched
 * offline, so `amazon_connect` here does what the widget does before a chat: it calls the
 * `authenticate` handler with a callback, and keeps what the callback receives.
 */
export function widgetPage(snippet: string): string {
  return `<!doctype html><meta charset="utf-8"><title>widget page</title>
<script>
  window.callbackCalls = 0
  window.amazon_connect = function (command, handler) {
    if (command !== 'authenticate') return
    handler(function (token) { window.callbackCalls += 1; window.deliveredToken = token })
  }
</script>
<script>${snippet}</script>`
}

/**
 * Serves `html()` from a real loopback server at `http://localhost:PORT/`. A real server, not
 * an intercepted URL: Chromium judges a page's network address space by where it came from,
 * and a loopback page may call a loopback API without a Local Network Access prompt.
 */
export async function servePage(html: () => string): Promise<{ origin: string; close(): Promise<void> }> {
  const server = createServer((_, response) => {
    response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(html())
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as { port: number }
  return {
    origin: `http://localhost:${port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  }
}
