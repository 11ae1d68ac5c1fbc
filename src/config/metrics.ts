/**
 * @module A widget's metrics: the Workers Analytics Engine dataset binding its token requests
 * are counted in (`[[analytics_engine_datasets]]`), and whether a token issued still gets a
 * log line of its own once the data point holds it.
 */
import { ConfigError } from '../errors.ts'
import { analyticsEngine, isMetrics, type Metrics } from '../metrics.ts'
import { fromVars, type SettingsInput } from './input.ts'
import { optionalBoolean, optionalString } from './values.ts'

/** The metrics options, and their vars. */
export const METRICS_VARS = {
  metrics: 'METRICS_BINDING',
  logTokensIssued: 'LOG_TOKENS_ISSUED',
} as const

type Name = keyof typeof METRICS_VARS

/**
 * The dataset: options, an `analyticsEngine(name)` spec; vars, one made from the binding's name
 * by `make` (the standalone Worker's). With the env at hand (the standalone Worker), it must be bound.
 */
export function readMetrics(input: SettingsInput<Name>, make?: (binding: string) => Metrics): Metrics | undefined {
  const key = input.key('metrics')
  let metrics: Metrics | undefined
  if (input.form === 'options') {
    const given = input.value('metrics')
    if (given !== undefined && !isMetrics(given)) {
      throw new ConfigError(key, "must be analyticsEngine('NAME'), NAME an [[analytics_engine_datasets]] binding")
    }
    metrics = given
  } else {
    const binding = optionalString(key, input.value('metrics'))
    metrics = binding === undefined ? undefined : make?.(binding)
  }
  if (!metrics) return undefined
  const dataset = input.env?.[metrics.binding] as { writeDataPoint?: unknown } | undefined
  if (input.env && typeof dataset?.writeDataPoint !== 'function') {
    throw new ConfigError(
      key,
      `no Analytics Engine dataset is bound as "${metrics.binding}" ([[analytics_engine_datasets]] in the wrangler configuration)`,
    )
  }
  return metrics
}

/** Success lines may be left out only where the data point counts them. */
export function readLogTokensIssued(input: SettingsInput<Name>): boolean {
  const key = input.key('logTokensIssued')
  const log = optionalBoolean(key, input.value('logTokensIssued'), true)
  if (!log && input.value('metrics') === undefined) {
    throw new ConfigError(
      key,
      `= false needs ${input.key('metrics')}: without a data point, a token issued would leave no trace`,
    )
  }
  return log
}

/**
 * Where an invalid configuration's refusals are counted: the metrics binding, when that setting
 * alone reads cleanly (a widget key not deployed is the usual cause, and worth a count).
 */
export function metricsOfInvalidConfig(env: Record<string, unknown>) {
  try {
    const metrics = readMetrics(fromVars(env, METRICS_VARS, { secretsGiven: true }), analyticsEngine)
    return metrics === undefined ? undefined : { name: '', source: '', metrics, logTokensIssued: true }
  } catch {
    return undefined
  }
}
