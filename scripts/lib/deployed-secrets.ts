/**
 * @module The names of a Worker's deployed secrets, as `wrangler secret list` gives them (the
 * values never leave Cloudflare), so that a deployment can stop before it ships a Worker whose
 * first visitor would get `500 CONFIG_INVALID`.
 *
 * wrangler runs without a terminal: it uses CLOUDFLARE_API_TOKEN or a `wrangler login`, and
 * never prompts. Without credentials, or when the API cannot answer, the result says so and why.
 */
import { stripVTControlCharacters } from 'node:util'
import { captureWrangler } from './wrangler-cli.ts'

export type DeployedSecrets =
  | { checked: true; names: string[]; workerExists: boolean }
  | { checked: false; why: string; noCredentials?: true }

/** The deployed secret names of the Worker that `wrangler deploy` with these flags would update. */
export async function deployedSecretNames(
  configPath: string,
  environment: string | undefined,
  name: string | undefined,
): Promise<DeployedSecrets> {
  const { code, stdout, stderr } = await captureWrangler([
    'secret',
    'list',
    '--format',
    'json',
    '--config',
    configPath,
    ...(environment ? ['--env', environment] : []),
    ...(name ? ['--name', name] : []),
  ])
  if (code === 0) {
    try {
      const secrets = JSON.parse(stdout) as { name: string }[]
      return { checked: true, names: secrets.map((secret) => secret.name), workerExists: true }
    } catch {
      return { checked: false, why: '`wrangler secret list` answered something other than JSON' }
    }
  }
  const output = stripVTControlCharacters(`${stdout}\n${stderr}`)
  // wrangler's words for a Worker not deployed yet: then no secret is deployed either.
  if (/not found\.\s+If this is a new Worker/.test(output)) return { checked: true, names: [], workerExists: false }
  if (/non-interactive environment, it's necessary to set a CLOUDFLARE_API_TOKEN/.test(output)) {
    return {
      checked: false,
      why: 'wrangler has no credentials (CLOUDFLARE_API_TOKEN, or `npx wrangler login`)',
      noCredentials: true,
    }
  }
  const reason = output.split('\n').find((line) => line.includes('[ERROR]') || line.startsWith('✘'))
  return {
    checked: false,
    why: `\`wrangler secret list\` failed: ${reason?.replace(/^✘\s*\[ERROR\]\s*/, '') ?? `exit ${code}`}`,
  }
}
