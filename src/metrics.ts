/**
 * @module One Workers Analytics Engine data point per token request: what happened (the
 * outcome code, the check that refused it, the HTTP status), to which widget, through which
 * session source, for a guest or a signed-in visitor, where (Cloudflare's country and colo)
 * and at what cost (duration, token size, fields left out). Never who: no identity, claim,
 * cookie, token or IP is a column, so none can be written.
 *
 * The columns are named once, here: the README's table, `npm run stats` and the demo page
 * read them from `DATA_POINT_COLUMNS`. `writeDataPoint` returns at once (the runtime sends the
 * point after the answer), and a binding that throws never changes an answer: it is logged once.
 */
import { boundName, didYouMean, type SettingsInput } from './config/input.ts'
import { bindingName, checkedArgument, isSpec } from './config/values.ts'
import { ConfigError } from './errors.ts'
import { outcomeOf, type RequestNotes } from './http/request-log.ts'
import { describeUnexpected, logEvent } from './log.ts'

/** What a request is known to have been, for its data point. */
export interface RequestFacts {
  /** The widget's name (`NAME`, or its id), or `""` when the configuration is invalid. */
  widget: string
  /** `TOKEN_ISSUED`, an error code, or the status of any other answer. */
  outcome: string
  /** The failed check (the log line's `reason`), or `""`. */
  reason: string
  /** The session source or provider: `jwt`, `introspection`, `kv`, `cognito`, … */
  source: string
  visitor: Visitor
  /** The visitor's country as Cloudflare sees it (`request.cf.country`). */
  country: string
  /** The Cloudflare location that answered (`request.cf.colo`). */
  colo: string
  status: number
  /** Wall time as the Workers runtime counts it: it advances only during I/O. */
  ms: number
  /** The token's length in characters, 0 when none was issued. */
  tokenChars: number
  /** Optional fields dropped to fit the widget's 3,072 characters. */
  dropped: number
  /** Optional fields skipped because their claim was unusable. */
  skipped: number
}

/** `unknown`: refused before the session said (a refused origin, a forged cookie). */
export type Visitor = 'signed-in' | 'guest' | 'unknown'

type Column = `blob${number}` | `double${number}` | 'index1'

/**
 * Every column of the dataset, in the order written: the one definition of its layout (what each
 * field means is `RequestFacts`'s, and the README's table, which a test holds to this list).
 * The widget is the index, Analytics Engine's sampling key, so that counts per widget stay exact.
 */
export const DATA_POINT_COLUMNS = [
  { column: 'index1', field: 'widget' },
  { column: 'blob1', field: 'outcome' },
  { column: 'blob2', field: 'widget' },
  { column: 'blob3', field: 'source' },
  { column: 'blob4', field: 'visitor' },
  { column: 'blob5', field: 'country' },
  { column: 'blob6', field: 'colo' },
  { column: 'blob7', field: 'reason' },
  { column: 'double1', field: 'status' },
  { column: 'double2', field: 'ms' },
  { column: 'double3', field: 'tokenChars' },
  { column: 'double4', field: 'dropped' },
  { column: 'double5', field: 'skipped' },
] as const satisfies readonly { column: Column; field: keyof RequestFacts }[]

/** A data point as `writeDataPoint` takes it. */
export interface DataPoint {
  indexes: string[]
  blobs: string[]
  doubles: number[]
}

/** Analytics Engine's limit on an index, in bytes. */
const MAX_INDEX_BYTES = 96

export function dataPoint(facts: RequestFacts): DataPoint {
  const point: DataPoint = { indexes: [indexOf(facts.widget)], blobs: [], doubles: [] }
  for (const { column, field } of DATA_POINT_COLUMNS) {
    if (column.startsWith('blob')) point.blobs.push(String(facts[field]))
    else if (column.startsWith('double')) point.doubles.push(Number(facts[field]))
  }
  return point
}

/**
 * Where a widget's data points go: `metrics: analyticsEngine('TOKEN_METRICS')` in your own app,
 * `METRICS_BINDING` for the standalone Worker. A spec, as `jwks(url)` is one: an app without
 * metrics bundles none of this.
 */
export interface Metrics {
  readonly kind: 'analyticsEngine'
  /** The dataset binding's name, looked up in the request's env. */
  readonly binding: string
  /** Writes the request's data point without waiting; never throws (a failing binding is logged once). */
  write(
    env: Record<string, unknown> | undefined,
    request: Request,
    status: number,
    ms: number,
    notes: RequestNotes,
  ): void
}

export function isMetrics(value: unknown): value is Metrics {
  return isSpec<Metrics>(value, 'analyticsEngine', 'write')
}

/** The Workers Analytics Engine dataset bound as `binding` (an `[[analytics_engine_datasets]]` entry's `binding`). */
export function analyticsEngine(binding: string): Metrics {
  checkedArgument('analyticsEngine()', () => bindingName('binding', binding))
  const metrics: Metrics = {
    kind: 'analyticsEngine',
    binding,
    write: (env, request, status, ms, notes) =>
      writeMetrics(env, binding, () => dataPoint(requestFacts(request, status, ms, notes))),
  }
  // Frozen: what the route was created with is where it writes.
  return Object.freeze(metrics)
}

/**
 * `METRICS_BINDING`, for the standalone Worker: the dataset its var names; with the env at
 * hand, it must be bound.
 */
export function readMetricsVar(input: SettingsInput<'metrics'>): Metrics | undefined {
  const binding = boundName(input, 'metrics', isDataset, unboundDataset)
  return binding === undefined ? undefined : analyticsEngine(binding)
}

/** The mistake of naming a binding that holds no dataset, with the env's closest name. */
function unboundDataset(key: string, binding: string, env: Record<string, unknown>): ConfigError {
  return new ConfigError(
    key,
    `no Analytics Engine dataset is bound as "${binding}"${didYouMean(binding, env)} ([[analytics_engine_datasets]] in the wrangler configuration)`,
  )
}

function isDataset(value: unknown): value is MetricsDataset {
  return typeof (value as Partial<MetricsDataset> | undefined)?.writeDataPoint === 'function'
}

/** What the request's data point says: codes, counts and Cloudflare's location, never who. */
export function requestFacts(request: Request, status: number, ms: number, notes: RequestNotes): RequestFacts {
  const { failure, widget } = notes
  // `cf` is the Workers runtime's own (its type is not `Request`'s in the tools that read these columns).
  const cf = (request as { cf?: { country?: unknown; colo?: unknown } }).cf
  const left = notes.notes as { dropped?: unknown[]; skipped?: unknown[] } | undefined
  return {
    widget: widget?.name ?? '',
    outcome: outcomeOf(status, notes),
    reason: failure?.reason.slice(0, 100) ?? '',
    source: widget?.source ?? '',
    visitor: notes.visitor ?? 'unknown',
    country: typeof cf?.country === 'string' ? cf.country.slice(0, 8) : '',
    colo: typeof cf?.colo === 'string' ? cf.colo.slice(0, 8) : '',
    status,
    ms,
    tokenChars: notes.issued ?? 0,
    dropped: left?.dropped?.length ?? 0,
    skipped: left?.skipped?.length ?? 0,
  }
}

/** The part of a dataset binding this Worker uses. */
export interface MetricsDataset {
  writeDataPoint(point: DataPoint): void
}

/** Bindings already reported as failing, by name: one warning per isolate, not one per request. */
const warned = new Set<string>()

/**
 * Writes the point `makePoint` makes to the binding named `binding` in `env`, without waiting
 * for anything. A point that cannot be made, or a binding that is missing or throws, leaves the
 * answer as it is, and is logged once per isolate as a warning naming the binding and the
 * error, never the point.
 */
function writeMetrics(env: Record<string, unknown> | undefined, binding: string, makePoint: () => DataPoint): void {
  try {
    const point = makePoint()
    const dataset = env?.[binding]
    if (!isDataset(dataset)) {
      throw new TypeError(`no Analytics Engine dataset is bound${env ? didYouMean(binding, env) : ''}`)
    }
    dataset.writeDataPoint(point)
  } catch (error) {
    if (warned.has(binding)) return
    warned.add(binding)
    logEvent('warn', 'metrics_write_failed', { binding, error: describeUnexpected(error) })
  }
}

function indexOf(widget: string): string {
  const bytes = new TextEncoder().encode(widget)
  if (bytes.length <= MAX_INDEX_BYTES) return widget
  // Cut on a character boundary: a broken UTF-8 sequence would decode to U+FFFD.
  return new TextDecoder().decode(bytes.slice(0, MAX_INDEX_BYTES)).replace(/\uFFFD$/, '')
}
