/**
 * @module Helpers for the servers the tests and the benchmark start on loopback: a free port,
 * waiting until a child process serves, and stopping it.
 */
import type { ChildProcess } from 'node:child_process'
import { createServer } from 'node:net'

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number }
      server.close(() => resolve(port))
    })
  })
}

/**
 * Polls `url` until `child` answers HTTP on it; fails fast if the child exits. With `readyLine`,
 * only once the child has printed it too: a free port can be taken between the test's pick and
 * the child's bind, and an answer from another test's server on it is not the child's.
 */
export async function waitUntilServing(
  url: string,
  child: ChildProcess,
  {
    name,
    timeoutMs,
    output = () => '',
    readyLine,
  }: { name: string; timeoutMs: number; output?: () => string; readyLine?: string },
): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${name} exited early (${child.exitCode}):\n${output()}`)
    try {
      if (readyLine !== undefined && !output().includes(readyLine)) throw new Error('not ready')
      await fetch(url)
      return
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 100))
    }
  }
  child.kill('SIGKILL')
  throw new Error(`${name} did not serve ${url} within ${timeoutMs / 1000} s:\n${output()}`)
}

/** SIGTERM, then SIGKILL if the child lingers; resolves when it has exited. */
export function stopProcess(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) return resolve()
    child.once('exit', () => resolve())
    child.kill('SIGTERM')
    setTimeout(() => child.kill('SIGKILL'), 5_000).unref()
  })
}

/** What `wrangler dev` prints once it serves `url` (`[wrangler:info] Ready on http://127.0.0.1:8787`). */
export function wranglerReadyLine(url: string): string {
  return `Ready on ${url}`
}
