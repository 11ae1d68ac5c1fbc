/**
 * @module Collects configuration mistakes instead of stopping at the first, so that one run
 * of the check (or one failed start) shows every problem to fix.
 */
import { ConfigError, InvalidConfigError } from '../errors.ts'

export class ConfigProblems {
  readonly found: ConfigError[] = []

  /** Runs `read`; a configuration mistake it throws is recorded, and `undefined` returned. */
  read<T>(read: () => T): T | undefined {
    try {
      return read()
    } catch (error) {
      this.record(error)
      return undefined
    }
  }

  async readAsync<T>(read: () => Promise<T>): Promise<T | undefined> {
    try {
      return await read()
    } catch (error) {
      this.record(error)
      return undefined
    }
  }

  /**
   * Reads every field of an object, recording each mistake (not only the first): the object
   * when every field was read, else `undefined`.
   */
  fields<T extends object>(readers: { [K in keyof T]: () => T[K] }): T | undefined {
    const object = {} as T
    let complete = true
    for (const key of Object.keys(readers) as (keyof T)[]) {
      try {
        object[key] = readers[key]()
      } catch (error) {
        this.record(error)
        complete = false
      }
    }
    return complete ? object : undefined
  }

  add(key: string, problem: string): void {
    this.found.push(new ConfigError(key, problem))
  }

  /** Throws every recorded mistake at once, if there is any. */
  throwIfAny(): void {
    if (this.found.length > 0) throw new InvalidConfigError(this.found)
  }

  private record(error: unknown): void {
    if (error instanceof ConfigError) this.found.push(error)
    else if (error instanceof InvalidConfigError) this.found.push(...error.problems)
    else throw error
  }
}
