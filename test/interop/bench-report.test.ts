import { describe, expect, it } from 'vitest'
import type { HotRow } from '../../bench/hot.ts'
import type { BenchResult } from '../../bench/report.ts'
import { hotTable, variantsTable } from '../../bench/report.ts'
import { spread } from '../../bench/stats.ts'
import { replaceSections } from '../../bench/write.ts'

const flat = (value: number) => ({ median: value, min: value, max: value })

function row(name: string, perSecond: number, compare: Partial<HotRow> = {}): HotRow {
  const micros = 1e6 / perSecond
  return {
    name,
    perSecond: flat(perSecond),
    p50Micros: flat(micros),
    p99Micros: flat(micros * 2),
    cpuMicros: flat(micros),
    ...compare,
  }
}

const result: BenchResult = {
  hot: [
    row('hand HS256', 4000),
    row('hand RS256', 2000, { handWritten: 'hand RS256', peer: 'Express RS256' }),
    row('Express HS256', 1000),
    row('Express RS256', 500, { handWritten: 'hand RS256', peer: 'Express RS256' }),
    row('Worker HS256', 3000),
    row('Worker RS256', 1800, { handWritten: 'hand RS256', peer: 'Express RS256' }),
  ],
  cold: [],
  handWritten: 'hand HS256',
  defaultPeer: 'Express HS256',
  upstreamDelayMs: 100,
  quick: false,
  command: 'npm run bench',
  date: '2026-11-25',
  machine: 'a machine',
}

describe('The benchmark report', () => {
  it('Should take medians and ranges over the rounds', () => {
    expect(spread([5, 1, 4, 2, 3])).toEqual({ median: 3, min: 1, max: 5 })
  })

  it('Should compare each row with the hand-written version and Express peer of its own algorithm', () => {
    const lines = hotTable(result).split('\n')
    expect(lines.find((line) => line.startsWith('| Worker HS256 '))).toMatch(/\| 0\.75× \| 3\.00× \|$/)
    expect(lines.find((line) => line.startsWith('| Worker RS256 '))).toMatch(/\| 0\.90× \| 3\.60× \|$/)
  })

  it('Should report a setting against the default it varies, and keep it out of the contenders', () => {
    const withVariant = {
      ...result,
      hot: [...result.hot, row('Worker HS256, lines off', 3600, { variantOf: 'Worker HS256' })],
    }
    expect(hotTable(withVariant)).not.toContain('lines off')
    const line = variantsTable(withVariant)
      .split('\n')
      .find((each) => each.startsWith('| Worker HS256, lines off '))
    // 3600 against 3000 req/s; CPU 278 µs against 333 µs a request.
    expect(line).toMatch(/\| Worker HS256 \| 3600 ±0% \|.*\| 1\.20× \| −56 \(-17%\) \|$/)
  })

  it("Should replace only what lies between a section's markers, and refuse a file without them", () => {
    const text = 'before\n<!-- bench:hot -->\nold\n<!-- /bench:hot -->\nafter\n'
    const once = replaceSections(text, { hot: 'new table' })
    expect(once).toBe('before\n<!-- bench:hot -->\nnew table\n<!-- /bench:hot -->\nafter\n')
    expect(replaceSections(once, { hot: 'new table' })).toBe(once)
    expect(() => replaceSections('no markers', { hot: 'x' })).toThrow('no <!-- bench:hot -->')
  })
})
