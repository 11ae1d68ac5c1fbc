/**
 * @module The development Worker (`npm run dev`): the production Worker plus `/dev/login`,
 * which hands out demo session cookies. `wrangler deploy` builds `src/index.ts`, so this
 * module and the route never reach a deployment.
 */
import { createWorker } from './app'
import { mountDevLogin } from './dev/login'

export default createWorker(mountDevLogin)
