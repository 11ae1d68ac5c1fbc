/**
 * @module A widget's metrics: the Workers Analytics Engine dataset binding its token requests
 * are counted in (`[[analytics_engine_datasets]]`), and whether a token issued still gets a
 * log line of its own once the data point holds it.
 */
import { ConfigError } from '../errors.ts'
import { isMetrics, type Metrics, readMetricsVar } from '../metrics.ts'
import { fromVars, readSpec, type SettingsInput } from './input.ts'
import { optionalBoolean } from './values.ts'

/** The metrics options, and their vars. */
export const METRICS_VARS = {
  metrics: 'METRICS_BINDING',
  logTokensIssued: 'LOG_TOKENS_ISSUED',
} as const

type Name = keyof typeof METRICS_VARS

/** The dataset: options, an `analyticsEngine(name)` spec; vars, the one `METRICS_BINDING` names (`read`). */
export function readMetrics(
  input: SettingsInput<Name>,
  read?: (input: SettingsInput<'metrics'>) => Metrics | undefined,
): Metrics | undefined {
  const write = "analyticsEngine('NAME'), NAME an [[analytics_engine_datasets]] binding"
  return readSpec(input, 'metrics', { is: isMetrics, write }, read)
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
    const metrics = readMetrics(fromVars(env, METRICS_VARS, { secretsGiven: true }), readMetricsVar)
    return metrics === undefined ? undefined : { name: '', source: '', metrics, logTokensIssued: true }
  } catch {
    return undefined
  }
}
