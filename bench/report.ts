/**
 * @module The benchmark's figures as text: the console report, the Markdown tables that
 * BENCHMARKS.md and the README carry, and the SVG chart. Ratios are computed here, from
 * medians measured in the same run.
 */
import type { ColdRow } from './cold.ts'
import type { HotRow } from './hot.ts'
import type { StartupCheck } from './startup.ts'
import { plusMinus, type Spread } from './stats.ts'

export interface BenchResult {
  hot: HotRow[]
  cold: ColdRow[]
  bundle?: StartupCheck
  handWritten: string
  /** The peer a row is compared with when it names none. */
  defaultPeer: string
  upstreamDelayMs: number
  /** A short run (`--quick`): figures too rough to record. */
  quick: boolean
  /** How the figures were measured, and when (YYYY-MM-DD). */
  command: string
  date: string
  machine: string
}

const ms = (micros: number) => (micros / 1000).toFixed(2)
const ratio = (value: number) => `${value.toFixed(2)}×`

function hotCells(result: BenchResult, row: HotRow) {
  const by = (name: string) => result.hot.find((each) => each.name === name) as HotRow
  const handWritten = by(row.handWritten ?? result.handWritten)
  const peer = by(row.peer ?? result.defaultPeer)
  return {
    perSecond: `${Math.round(row.perSecond.median)} ${plusMinus(row.perSecond)}`,
    p50: ms(row.p50Micros.median),
    p99: ms(row.p99Micros.median),
    cpu: `${row.cpuMicros.median.toFixed(0)} ${plusMinus(row.cpuMicros)}`,
    vsHandWritten: ratio(row.perSecond.median / handWritten.perSecond.median),
    vsPeer: ratio(row.perSecond.median / peer.perSecond.median),
  }
}

function coldCells(result: BenchResult, row: ColdRow) {
  const handWritten = result.cold.find((each) => each.name === result.handWritten) as ColdRow
  return {
    first: `${row.firstMs.median.toFixed(1)} (${row.firstMs.min.toFixed(1)}–${row.firstMs.max.toFixed(1)})`,
    firstCpu: row.firstCpuMs.median.toFixed(1),
    second: row.secondMs.median.toFixed(1),
    vsHandWritten: ratio(row.firstMs.median / handWritten.firstMs.median),
    upstream: row.upstreamRequests === undefined ? '–' : String(row.upstreamRequests),
  }
}

export function consoleReport(result: BenchResult): string {
  const lines = ['', 'Warm: throughput, latency and CPU per request (medians of the rounds, ± half their range)']
  const hotHeader = ['variant', 'req/s', 'p50 ms', 'p99 ms', 'CPU µs/req', '× hand-written', '× Express']
  const hot = contenders(result).map((row) => {
    const cells = hotCells(result, row)
    return [row.name, cells.perSecond, cells.p50, cells.p99, cells.cpu, cells.vsHandWritten, cells.vsPeer]
  })
  lines.push(...columns([hotHeader, ...hot]))
  lines.push(footnote(result))
  if (variants(result).length > 0) {
    lines.push('', 'Settings: each variant against the default it changes, in the same rounds')
    const variantHeader = ['variant', 'req/s', 'p50 ms', 'p99 ms', 'CPU µs/req', '× default req/s', 'CPU µs vs default']
    const rows = variants(result).map((row) => {
      const cells = variantCells(result, row)
      return [row.name, cells.perSecond, cells.p50, cells.p99, cells.cpu, cells.vsDefault, cells.cpuDelta]
    })
    lines.push(...columns([variantHeader, ...rows]))
  }
  lines.push(
    '',
    `Cold: a fresh workerd process per trial; the login service answers after ${result.upstreamDelayMs} ms`,
  )
  const coldHeader = [
    'variant',
    '1st request ms (range)',
    '1st CPU ms',
    '2nd request ms',
    '1st × hand-written',
    'JWKS fetches',
  ]
  const cold = result.cold.map((row) => {
    const cells = coldCells(result, row)
    return [row.name, cells.first, cells.firstCpu, cells.second, cells.vsHandWritten, cells.upstream]
  })
  lines.push(...columns([coldHeader, ...cold]))
  if (result.bundle) {
    const { minifiedKiB, gzipKiB, startupCpuMs } = result.bundle
    lines.push(
      '',
      `Bundle: ${minifiedKiB.toFixed(1)} KiB minified, ${gzipKiB.toFixed(1)} KiB gzip (budget 35 KiB, as npm run deploy builds it); wrangler check startup: ${startupCpuMs.median.toFixed(1)} ms active CPU (${startupCpuMs.min.toFixed(1)}–${startupCpuMs.max.toFixed(1)})`,
    )
  }
  return lines.join('\n')
}

function footnote(result: BenchResult): string {
  return `Ratios: throughput against throughput, above 1 is faster; RS256 rows against the RS256 hand-written version and Express peer, the others against ${result.handWritten} and ${result.defaultPeer}.`
}

function columns(rows: string[][]): string[] {
  const widths = rows[0].map((_, column) => Math.max(...rows.map((row) => row[column].length)))
  return rows.map((row) =>
    row.map((cell, column) => (column === 0 ? cell.padEnd(widths[0]) : cell.padStart(widths[column] + 2))).join(''),
  )
}

/** The rows compared with the other contenders; a setting's variants are reported apart. */
function contenders(result: BenchResult): HotRow[] {
  return result.hot.filter((row) => row.variantOf === undefined)
}

function variants(result: BenchResult): HotRow[] {
  return result.hot.filter((row) => row.variantOf !== undefined)
}

function variantCells(result: BenchResult, row: HotRow) {
  const base = result.hot.find((each) => each.name === row.variantOf) as HotRow
  const cpuDelta = row.cpuMicros.median - base.cpuMicros.median
  return {
    ...hotCells(result, { ...row, handWritten: base.name, peer: base.name }),
    vsDefault: ratio(row.perSecond.median / base.perSecond.median),
    cpuDelta: `${cpuDelta >= 0 ? '+' : '−'}${Math.abs(cpuDelta).toFixed(0)} (${((cpuDelta / base.cpuMicros.median) * 100).toFixed(0)}%)`,
  }
}

/** The settings' variants against the default each changes: the same run, the same rounds. */
export function variantsTable(result: BenchResult): string {
  const rows = variants(result).map((row) => {
    const cells = variantCells(result, row)
    return `| ${row.name} | ${row.variantOf} | ${cells.perSecond} | ${cells.p50} | ${cells.p99} | ${cells.cpu} | ${cells.vsDefault} | ${cells.cpuDelta} |`
  })
  return [
    '| variant | of | requests/s | p50 ms | p99 ms | CPU µs/request | × default requests/s | CPU µs/request against the default |',
    '|---|---|--:|--:|--:|--:|--:|--:|',
    ...rows,
    '',
    `Measured on ${result.date} with \`${result.command}\`, each variant and its default in the same interleaved rounds.`,
  ].join('\n')
}

export function hotTable(result: BenchResult): string {
  const rows = contenders(result).map((row) => {
    const cells = hotCells(result, row)
    return `| ${row.name} | ${cells.perSecond} | ${cells.p50} | ${cells.p99} | ${cells.cpu} | ${cells.vsHandWritten} | ${cells.vsPeer} |`
  })
  return [
    '| variant | requests/s | p50 ms | p99 ms | CPU µs/request | × hand-written | × Express |',
    '|---|--:|--:|--:|--:|--:|--:|',
    ...rows,
    '',
    footnote(result),
  ].join('\n')
}

export function coldTable(result: BenchResult): string {
  const rows = result.cold.map((row) => {
    const cells = coldCells(result, row)
    return `| ${row.name} | ${cells.first} | ${cells.firstCpu} | ${cells.second} | ${cells.vsHandWritten} | ${cells.upstream} |`
  })
  return [
    '| variant | 1st request ms (range) | 1st request CPU ms | 2nd request ms | 1st × hand-written | JWKS fetches |',
    '|---|--:|--:|--:|--:|--:|',
    ...rows,
  ].join('\n')
}

/** Two panels of horizontal bars with whiskers from the rounds' range: warm req/s, cold first request ms. */
export function chartSvg(result: BenchResult): string {
  const width = 760
  const label = 300
  const barHeight = 22
  const panels = [
    {
      title: 'Warm: requests per second (higher is better)',
      bars: contenders(result).map((row) => ({
        name: row.name,
        value: row.perSecond,
        text: Math.round(row.perSecond.median),
      })),
    },
    {
      title: `Cold: first request of a fresh process, ms (lower is better; login service ${result.upstreamDelayMs} ms away)`,
      bars: result.cold.map((row) => ({ name: row.name, value: row.firstMs, text: row.firstMs.median.toFixed(1) })),
    },
  ]
  const parts: string[] = []
  let y = 10
  for (const panel of panels) {
    parts.push(`<text x="10" y="${y + 14}" font-weight="bold">${escapeXml(panel.title)}</text>`)
    y += 26
    const scale = (width - label - 70) / Math.max(...panel.bars.map((bar) => bar.value.max))
    for (const bar of panel.bars) {
      const length = bar.value.median * scale
      const whisker = (value: Spread) => `M${label + value.min * scale} ${y + 11}H${label + value.max * scale}`
      parts.push(
        `<text x="${label - 8}" y="${y + 15}" text-anchor="end">${escapeXml(bar.name)}</text>`,
        `<rect x="${label}" y="${y + 3}" width="${length.toFixed(1)}" height="${barHeight - 6}" fill="${colour(bar.name)}"/>`,
        `<path d="${whisker(bar.value)}" stroke="#333" stroke-width="1.5"/>`,
        `<text x="${label + bar.value.max * scale + 6}" y="${y + 15}">${bar.text}</text>`,
      )
      y += barHeight
    }
    y += 16
  }
  return `<svg xmlns="http://www.w3.org/2000/svg" role="img" width="${width}" height="${y}" viewBox="0 0 ${width} ${y}" font-family="system-ui, sans-serif" font-size="13">
<title>${escapeXml(`${panels[0].title}; ${panels[1].title}`)}</title>
<rect width="100%" height="100%" fill="#fff"/>
${parts.join('\n')}
</svg>
`
}

function colour(name: string): string {
  if (name.startsWith('this Worker')) return '#f38020'
  if (name.startsWith('Express')) return '#6b8fb3'
  return '#b8b8b8'
}

function escapeXml(text: string): string {
  return text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;')
}
