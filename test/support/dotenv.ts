/**
 * @module Reads a value from a dotenv file such as `.dev.vars.example`.
 */
import { readFileSync } from 'node:fs'

export function dotenvValue(file: string, name: string): string {
  const line = readFileSync(file, 'utf8')
    .split('\n')
    .find((entry) => entry.startsWith(`${name}=`))
  if (!line) throw new Error(`${name} is not set in ${file}`)
  return line.slice(name.length + 1).replace(/^"(.*)"$/, '$1')
}
