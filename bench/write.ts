/**
 * @module `npm run bench -- --write`: the run's figures into BENCHMARKS.md, its chart and the
 * README, each between `<!-- bench:NAME -->` and `<!-- /bench:NAME -->`, so the prose around
 * them stays as written and no figure is typed by hand. `--write variants` (or any list of
 * section names, comma-separated) writes those sections only, leaving the others as recorded.
 */
import { readFileSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { cpus, totalmem } from 'node:os'
import { type BenchResult, chartSvg, coldTable, hotTable, variantsTable } from './report.ts'

export function writeBenchmarks(result: BenchResult, only?: string[]) {
  const sections: Record<string, string> = {
    machine: `Run on ${result.date} with \`${result.command}\`.\n${result.machine}`,
    hot: hotTable(result),
    cold: coldTable(result),
    bundle: bundleLine(result),
    variants: variantsTable(result),
  }
  const unknown = only?.filter((name) => !(name in sections)) ?? []
  if (unknown.length > 0)
    throw new Error(`--write: no section ${unknown.join(', ')}; the sections: ${Object.keys(sections).join(', ')}`)
  const pick = (names: string[]) =>
    Object.fromEntries(names.filter((name) => !only || only.includes(name)).map((name) => [name, sections[name]]))
  rewrite('BENCHMARKS.md', (text) => replaceSections(text, pick(Object.keys(sections))))
  rewrite('README.md', (text) => replaceSections(text, pick(['hot', 'bundle', 'variants'])))
  if (!only || only.includes('hot')) writeFileSync('docs/benchmarks.svg', chartSvg(result))
  console.log(
    `\nWrote ${only ? `the sections ${only.join(', ')} of` : 'the chart and every section of'} BENCHMARKS.md and the README.`,
  )
}

/** The machine and the versions measured, for the record. */
export function describeMachine(): string {
  const require = createRequire(import.meta.url)
  const version = (name: string) => (require(`${name}/package.json`) as { version: string }).version
  const workerd = createRequire(require.resolve('wrangler/package.json'))('workerd/package.json').version
  return [
    `Machine: ${cpus()[0]?.model ?? 'unknown CPU'}, ${cpus().length} cores, ${Math.round(totalmem() / 2 ** 30)} GiB;`,
    `Node.js ${process.versions.node}, workerd ${workerd} (through Miniflare ${version('miniflare')}),`,
    `Express ${version('express')}, jsonwebtoken ${version('jsonwebtoken')}, cookie-parser ${version('cookie-parser')}.`,
  ].join('\n')
}

function bundleLine({ bundle }: BenchResult): string {
  if (!bundle) return 'Bundle: not measured in this run.'
  return `Bundle (\`wrangler check startup\`): ${bundle.minifiedKiB.toFixed(1)} KiB minified, **${bundle.gzipKiB.toFixed(1)} KiB gzip** against the 35 KiB budget (built as \`npm run deploy\` builds the template: its one session source); ${bundle.startupCpuMs.median.toFixed(1)} ms of active CPU at startup (median of 5 checks, ${bundle.startupCpuMs.min.toFixed(1)}–${bundle.startupCpuMs.max.toFixed(1)}).`
}

function rewrite(file: string, change: (text: string) => string) {
  try {
    writeFileSync(file, change(readFileSync(file, 'utf8')))
  } catch (error) {
    throw new Error(`${file}: ${(error as Error).message}`)
  }
}

/** `text` with each named section's body replaced; every section must be there. */
export function replaceSections(text: string, sections: Record<string, string>): string {
  let result = text
  for (const [name, body] of Object.entries(sections)) {
    const pattern = new RegExp(`(<!-- bench:${name} -->\\n)[\\s\\S]*?(<!-- /bench:${name} -->)`)
    if (!pattern.test(result)) throw new Error(`no <!-- bench:${name} --> … <!-- /bench:${name} --> section`)
    result = result.replace(pattern, (_, start: string, end: string) => `${start}${body}\n${end}`)
  }
  return result
}
