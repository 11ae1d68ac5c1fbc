/**
 * @module `wrangler check startup`: the production bundle's size and the CPU its evaluation
 * takes at startup, as wrangler reports them before a deploy, built as `npm run deploy` builds
 * the template (its one session source: `scripts/lib/built-source.ts`). Its profile holds a
 * handful of samples, so the check runs several times and the median is reported with the range.
 */
import { join } from 'node:path'
import { builtSourceFlags } from '../scripts/lib/built-source.ts'
import { runWrangler } from '../test/support/wrangler-process.ts'
import { type Spread, spread } from './stats.ts'

export interface StartupCheck {
  minifiedKiB: number
  gzipKiB: number
  startupCpuMs: Spread
}

export async function checkStartup(dir: string, runs: number, vars: Record<string, unknown>): Promise<StartupCheck> {
  const reports: { minifiedKiB: number; gzipKiB: number; activeMs: number }[] = []
  for (let run = 0; run < runs; run++) {
    // `--args=…` in one word: a value starting with `--` would be taken for a flag of `check startup`.
    const deployArgs = `--args=${builtSourceFlags(vars).join(' ')}`
    const output = await runWrangler([
      'check',
      'startup',
      deployArgs,
      '--outfile',
      join(dir, `startup-${run}.cpuprofile`),
    ])
    const size = /Bundle: ([\d.]+) KiB \/ gzip: ([\d.]+) KiB/.exec(output)
    const active = /Active: ([\d.]+) ms/.exec(output)
    if (!size || !active) throw new Error(`could not read wrangler check startup's report:\n${output}`)
    reports.push({ minifiedKiB: Number(size[1]), gzipKiB: Number(size[2]), activeMs: Number(active[1]) })
  }
  const { minifiedKiB, gzipKiB } = reports[0]
  return { minifiedKiB, gzipKiB, startupCpuMs: spread(reports.map((report) => report.activeMs)) }
}
