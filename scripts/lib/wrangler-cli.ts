/**
 * @module Running the project's own wrangler from the npm scripts that wrap it: in the
 * foreground with the user's terminal, or quietly with its output kept for the script to read.
 */
import { spawn } from 'node:child_process'
import { resolve } from 'node:path'
import { PROJECT_ROOT } from './import-worker-module.ts'

const WRANGLER = resolve(PROJECT_ROOT, 'node_modules/wrangler/bin/wrangler.js')

/** Runs `wrangler …args` in the foreground with this process's Node; resolves to its exit code. */
export function runWrangler(args: readonly string[], { input }: { input?: string } = {}): Promise<number> {
  const wrangler = spawn(process.execPath, [WRANGLER, ...args], {
    stdio: [input === undefined ? 'inherit' : 'pipe', 'inherit', 'inherit'],
  })
  wrangler.stdin?.end(input)
  const forward = (signal: NodeJS.Signals) => wrangler.kill(signal)
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, forward)
  return new Promise((done) => {
    wrangler.on('exit', (code) => {
      for (const signal of ['SIGINT', 'SIGTERM'] as const) process.off(signal, forward)
      done(code ?? 1)
    })
  })
}

/**
 * Runs `wrangler …args` with no terminal (so it never prompts or opens a browser to log in),
 * keeping what it prints.
 */
export function captureWrangler(args: readonly string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const wrangler = spawn(process.execPath, [WRANGLER, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' },
  })
  let stdout = ''
  let stderr = ''
  wrangler.stdout.on('data', (chunk) => {
    stdout += chunk
  })
  wrangler.stderr.on('data', (chunk) => {
    stderr += chunk
  })
  return new Promise((done) => wrangler.on('close', (code) => done({ code: code ?? 1, stdout, stderr })))
}
