/**
 * @module Running the project's own wrangler from the npm scripts that wrap it, with their
 * arguments passed through.
 */
import { spawn } from 'node:child_process'

/** The `--env NAME` (or `-e NAME`, `--env=NAME`) among wrangler arguments. */
export function environmentArg(args: readonly string[]): string | undefined {
  return optionArg(args, '--env', '-e')
}

/** The `--config PATH` (or `-c PATH`) among wrangler arguments, else `wrangler.toml`. */
export function configArg(args: readonly string[]): string {
  return optionArg(args, '--config', '-c') ?? 'wrangler.toml'
}

/** The value of `name VALUE`, `short VALUE` or `name=VALUE` among the arguments. */
export function optionArg(args: readonly string[], name: string, short: string): string | undefined {
  const flag = args.findIndex((arg) => arg === name || arg === short)
  if (flag >= 0) return args[flag + 1] || undefined
  return args.find((arg) => arg.startsWith(`${name}=`))?.slice(name.length + 1) || undefined
}

/** Runs `wrangler …args` in the foreground with this process's Node; its exit code becomes ours. */
export function runWrangler(args: readonly string[]): void {
  const wrangler = spawn(process.execPath, ['node_modules/wrangler/bin/wrangler.js', ...args], { stdio: 'inherit' })
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => wrangler.kill(signal))
  wrangler.on('exit', (code) => {
    process.exitCode = code ?? 1
  })
}
