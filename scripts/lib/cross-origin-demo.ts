/**
 * @module The cross-origin half of the demo page, served by `npm run dev` beside `wrangler dev`:
 * a page on another origin (http://localhost:8080 unless `--demo-port N` says otherwise) that
 * passes its requests to the Worker's `/dev/cross-origin`, as a site on another origin would.
 *
 * `startCrossOriginDemo` takes its own flag out of the arguments and returns what `wrangler dev`
 * needs for the demo page: where this page is (the `DEV_CROSS_ORIGIN_DEMO` var, a name outside
 * the Worker's configuration namespace) and the browser's own origin.
 */
import { createServer, type Server } from 'node:http'
import { parseWranglerArgs } from './wrangler-args.ts'

export const DEFAULT_DEMO_PORT = 8080

/** How the development Worker learns the page's origin (`src/dev/demo-page.ts` reads it). */
export const DEMO_ORIGIN_VAR = 'DEV_CROSS_ORIGIN_DEMO'

const DEMO_PORT_FLAG = '--demo-port'

/**
 * With `routes`, `wrangler dev` shows the Worker every request as the route's host by default,
 * which hides the host the browser asked for: the development entry refuses such requests
 * (it answers only loopback hosts), and the demo page would send the frame to that host.
 */
const REAL_ORIGIN_FLAG = '--infer-origin-from-routes'

export interface CrossOriginDemo {
  /** Where the page is served: `http://localhost:PORT`. */
  origin: string
  /** The arguments for `wrangler dev`: the given ones without `--demo-port`, and what the demo needs. */
  wranglerArgs: string[]
  close(): Promise<void>
}

export interface CrossOriginDemoOptions {
  /**
   * Whether the configuration lets a page on `origin` ask for tokens. When it allows the
   * default port's page but not the one served (`--demo-port`, or 8080 taken), the terminal
   * says how to allow it; a configuration that allows neither is the page's to explain.
   */
  allows?(origin: string): boolean
}

export async function startCrossOriginDemo(
  args: readonly string[],
  { allows }: CrossOriginDemoOptions = {},
): Promise<CrossOriginDemo> {
  const { requested, rest } = takeDemoPort(args)
  // The Worker's port, read from the arguments as `wrangler dev` reads them.
  const workerPort = Number(parseWranglerArgs('dev', rest).values.port ?? 8787)
  const server = createServer(async (request, response) => {
    const url = new URL(request.url ?? '/', 'http://localhost')
    if (url.pathname !== '/') return response.writeHead(404).end()
    try {
      const page = await fetch(`http://localhost:${workerPort}/dev/cross-origin${url.search}`)
      // As the Worker labels it: its page is HTML, a refusal is coded JSON.
      const type = page.headers.get('content-type') ?? 'text/html; charset=utf-8'
      response.writeHead(page.status, { 'content-type': type }).end(await page.text())
    } catch {
      response.writeHead(502).end(`wrangler dev is not answering on localhost:${workerPort} yet`)
    }
  })
  const port = await listen(server, requested).catch(() => listen(server, 0))
  server.unref()
  const origin = `http://localhost:${port}`
  if (port !== requested) {
    console.log(
      `Port ${requested} is taken: the demo page's cross-origin half is on ${origin} (or choose: ${DEMO_PORT_FLAG} N).`,
    )
  }
  // A configuration that lets the default page in (the demo's) but not this one: the port broke it.
  if (allows?.(`http://localhost:${DEFAULT_DEMO_PORT}`) && !allows(origin)) console.log(allowHint(origin, port, rest))
  const realOrigin = rest.some((arg) => arg.startsWith(REAL_ORIGIN_FLAG)) ? [] : [`${REAL_ORIGIN_FLAG}=false`]
  return {
    origin,
    wranglerArgs: [...rest, '--var', `${DEMO_ORIGIN_VAR}:${origin}`, ...realOrigin],
    close: () => new Promise((resolve) => server.close(() => resolve())),
  }
}

/**
 * The page shows a refusal the browser reports as a failed fetch: the terminal says why, and
 * the command that allows the origin for a run (`--var` on the top level's ALLOWED_ORIGINS,
 * the port pinned, since a taken 8080 may give another free port next time).
 */
function allowHint(origin: string, port: number, rest: readonly string[]): string {
  // The origin is http://localhost:PORT: nothing in it needs quoting beyond the JSON's.
  const command = ['npm run dev --', ...rest.map(shellWord), DEMO_PORT_FLAG, String(port)]
  return [
    `⚠ ALLOWED_ORIGINS does not allow ${origin}: the demo page's cross-origin runs will be refused (403 ORIGIN_NOT_ALLOWED). To allow it for a run:`,
    `    ${command.join(' ')} --var ALLOWED_ORIGINS:'${JSON.stringify([origin])}'`,
  ].join('\n')
}

/** An argument as a POSIX shell reads it back: as it is when it can be, else single-quoted. */
function shellWord(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replaceAll("'", "'\\''")}'`
}

/** `--demo-port N` or `--demo-port=N`, removed from the arguments; a value that is no port is reported and ignored. */
function takeDemoPort(args: readonly string[]): { requested: number; rest: string[] } {
  const rest: string[] = []
  let given: string | undefined
  for (let index = 0; index < args.length; index++) {
    const arg = args[index]
    if (arg === DEMO_PORT_FLAG) given = args[++index] ?? ''
    else if (arg.startsWith(`${DEMO_PORT_FLAG}=`)) given = arg.slice(DEMO_PORT_FLAG.length + 1)
    else rest.push(arg)
  }
  if (given === undefined) return { requested: DEFAULT_DEMO_PORT, rest }
  const port = /^\d{1,5}$/.test(given) ? Number(given) : Number.NaN
  if (port >= 1 && port <= 65_535) return { requested: port, rest }
  console.log(`${DEMO_PORT_FLAG} ${JSON.stringify(given)} is not a port (1–65535): using ${DEFAULT_DEMO_PORT}.`)
  return { requested: DEFAULT_DEMO_PORT, rest }
}

/** Listens on localhost, as the demo page expects; rejects when the port is taken. */
function listen(server: Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, 'localhost', () => {
      server.off('error', reject)
      resolve((server.address() as { port: number }).port)
    })
  })
}
