/**
 * @module The production Worker: the token endpoint and nothing else.
 *
 * The runtime evaluates this module when it starts an isolate (on Cloudflare, while the
 * visitor's TLS handshake is still under way), so the configuration is read and checked, the
 * keys imported and the app built then, not on the first request.
 */
import { env } from 'cloudflare:workers'
import { createWorker } from './app.ts'
import type { Env } from './config/index.ts'

const worker = createWorker()
worker.prepare(env as Env)

export default worker
