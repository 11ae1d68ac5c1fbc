/**
 * @module A loopback stand-in for Cloudflare's Workers Analytics Engine SQL API, for the tests
 * of `npm run stats` and of the README's ready SQL: `POST …/accounts/<id>/analytics_engine/sql`
 * with the SQL as the body and a bearer token, as the real API takes it.
 *
 * It checks every query it receives before it answers: parsed with a ClickHouse-dialect SQL
 * parser (datafusion-sqlparser-rs, `@guanmingchiu/sqlparser-ts`), one `SELECT` over the dataset
 * named, only the columns this Worker writes (`DATA_POINT_COLUMNS`) or the dataset's own, only
 * functions of the Analytics Engine SQL reference, counts and sums weighted by
 * `_sample_interval` (sampling would otherwise undercount), and a time bound on `timestamp`.
 * A query that breaks a rule is answered 400 with the problems, as the API answers a bad one.
 * Accepted queries are answered with the rows `answer` gives, in the API's JSON format.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { init, parse } from '@guanmingchiu/sqlparser-ts'
import { DATA_POINT_COLUMNS } from '../../src/metrics.ts'

export interface ReceivedQuery {
  sql: string
  /** The names the query's columns are selected as (`AS requests`), in order. */
  aliases: string[]
  problems: string[]
}

export interface AnalyticsSqlApi {
  /** The env that points `npm run stats` here, with test credentials. */
  env: Record<string, string>
  /** The API's base, as wrangler's `CLOUDFLARE_API_BASE_URL` names it. */
  baseUrl: string
  requests: ReceivedQuery[]
  /** Handles one request as the server would: for a proxy that brings requests from elsewhere. */
  handle(request: IncomingMessage, response: ServerResponse): void
  close(): Promise<void>
}

export const TEST_ACCOUNT = '0123456789abcdef0123456789abcdef'
export const TEST_API_TOKEN = 'test-analytics-read-token'

/** The functions of the Analytics Engine SQL reference this project's queries may use. */
const FUNCTIONS = new Set(
  [
    'sum',
    'sumIf',
    'quantileExactWeighted',
    'topKWeighted',
    'now',
    'toStartOfHour',
    'toStartOfFiveMinutes',
    'toStartOfDay',
    'toStartOfInterval',
    'intDiv',
    'toUInt32',
    'toDateTime',
    'round',
    'if',
  ].map((name) => name.toLowerCase()),
)

/** Aggregates that read rows without their weight, and what to use instead. */
const UNWEIGHTED: Record<string, string> = {
  count: 'SUM(_sample_interval)',
  avg: 'SUM(_sample_interval * x) / SUM(_sample_interval)',
  quantile: 'quantileExactWeighted(q)(x, _sample_interval)',
  countif: 'sumIf(_sample_interval, condition)',
}

const OWN_COLUMNS = ['timestamp', '_sample_interval', 'dataset']

export async function startAnalyticsSqlApi(
  dataset: string,
  answer: (query: ReceivedQuery) => Record<string, unknown>[] = () => [],
): Promise<AnalyticsSqlApi> {
  await init()
  const requests: ReceivedQuery[] = []
  const handle = (request: IncomingMessage, response: ServerResponse) => {
    let body = ''
    request.on('data', (chunk) => {
      body += chunk
    })
    request.on('end', () => {
      const path = new URL(request.url ?? '/', 'http://localhost').pathname
      if (request.method !== 'POST' || path !== `/client/v4/accounts/${TEST_ACCOUNT}/analytics_engine/sql`) {
        return response.writeHead(404).end('not found')
      }
      if (request.headers.authorization !== `Bearer ${TEST_API_TOKEN}`) {
        return response.writeHead(401).end('Authentication error')
      }
      const query = checkQuery(body, dataset)
      requests.push(query)
      if (query.problems.length > 0) return response.writeHead(400).end(query.problems.join('\n'))
      const data = answer(query)
      const meta = query.aliases.map((name) => ({ name, type: 'String' }))
      response
        .writeHead(200, { 'content-type': 'application/json' })
        .end(JSON.stringify({ meta, data, rows: data.length, rows_before_limit_at_least: data.length }))
    })
  }
  const server: Server = createServer(handle)
  await new Promise<void>((listening) => server.listen(0, '127.0.0.1', listening))
  const { port } = server.address() as AddressInfo
  const baseUrl = `http://127.0.0.1:${port}/client/v4`
  return {
    env: {
      CLOUDFLARE_API_BASE_URL: baseUrl,
      CLOUDFLARE_ACCOUNT_ID: TEST_ACCOUNT,
      CLOUDFLARE_API_TOKEN: TEST_API_TOKEN,
    },
    baseUrl,
    requests,
    handle,
    close: () => new Promise((closed) => server.close(() => closed())),
  }
}

type Node = Record<string, unknown>

/** Every rule of the module's comment, over the query's syntax tree. */
export function checkQuery(sql: string, dataset: string): ReceivedQuery {
  const problems: string[] = []
  let statements: Node[]
  try {
    statements = parse(sql, 'clickhouse') as unknown as Node[]
  } catch (error) {
    return { sql, aliases: [], problems: [`does not parse: ${(error as Error).message}`] }
  }
  const select = (statements[0]?.Query as Node | undefined)?.body as Node | undefined
  if (statements.length !== 1 || !select?.Select) {
    return { sql, aliases: [], problems: ['is not one SELECT statement'] }
  }
  const body = select.Select as Node
  const projection = body.projection as Node[]
  const aliases = projection.map((item) => {
    const named = item.ExprWithAlias as { alias?: { value: string } } | undefined
    return named?.alias?.value ?? ''
  })
  if (aliases.includes('')) problems.push('names every selected column (AS …), so that a reader of the answer can')
  const tables = (body.from as Node[]).map((from) => identifierNames((from.relation as Node).Table as Node))
  if (tables.length !== 1 || tables[0] !== dataset)
    problems.push(`reads ${tables.join(', ') || 'no table'}, not ${dataset}`)
  const known = new Set([...OWN_COLUMNS, ...DATA_POINT_COLUMNS.map(({ column }) => column), ...aliases])
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) {
      for (const each of node) walk(each)
      return
    }
    if (typeof node !== 'object' || node === null) return
    const object = node as Node
    if (object.Identifier && typeof (object.Identifier as Node).value === 'string') {
      const name = (object.Identifier as { value: string }).value
      if (!known.has(name)) problems.push(`reads ${name}, which is no column this Worker writes`)
    } else if (object.Function) {
      checkFunction(object.Function as Node, walk, problems)
    } else {
      for (const [key, value] of Object.entries(object)) {
        if (key !== 'alias' && key !== 'relation' && key !== 'span') walk(value)
      }
    }
  }
  walk(projection)
  walk(body.selection)
  walk(body.group_by)
  walk((statements[0].Query as Node).order_by)
  if (!JSON.stringify(body.selection ?? null).includes('{"Identifier":{"value":"timestamp"')) {
    problems.push('has no time bound on timestamp: it would read the whole retention (3 months)')
  }
  return { sql, aliases, problems }
}

function checkFunction(fn: Node, walk: (node: unknown) => void, problems: string[]) {
  const name = identifierNames(fn)
  const lower = name.toLowerCase()
  const args = ((fn.args as Node)?.List as { args?: unknown[] } | undefined)?.args ?? []
  if (UNWEIGHTED[lower]) problems.push(`uses ${name}(), which ignores sampling: use ${UNWEIGHTED[lower]}`)
  else if (!FUNCTIONS.has(lower)) problems.push(`uses ${name}(), which is not in the Analytics Engine SQL reference`)
  const weighted = (arg: unknown) => JSON.stringify(arg).includes('"_sample_interval"')
  if (lower === 'sum' && !weighted(args[0]))
    problems.push('sums without _sample_interval, which undercounts a sampled dataset')
  if (
    (lower === 'quantileexactweighted' || lower === 'topkweighted' || lower === 'sumif') &&
    !weighted(args.at(lower === 'sumif' ? 0 : -1))
  ) {
    problems.push(`weighs ${name}() by something else than _sample_interval`)
  }
  walk(fn.args)
  walk(fn.parameters)
}

function identifierNames(node: Node): string {
  return (node.name as { Identifier: { value: string } }[]).map((part) => part.Identifier.value).join('.')
}
