/**
 * @module The development Worker (`npm run dev`): the production Worker plus demo sessions
 * (`/dev/login`) and the demo page (`/dev`). `wrangler deploy` builds `src/index.ts`, so
 * this module and its routes never reach a deployment.
 */
import { createWorker } from './app'
import type { Config } from './config'
import { mountDemoPage } from './dev/demo-page'
import { createDemoSigner, type DemoSigner } from './dev/demo-signer'
import { exposeSkippedFields } from './dev/left-out-fields'
import { mountDevLogin } from './dev/login'
import { loopbackOnly } from './dev/loopback-only'
import { logEvent } from './log'

const signers = new WeakMap<Config, DemoSigner>()

// A page on another name that resolves to this machine (DNS rebinding) is refused first.
export default loopbackOnly(
  createWorker({
    async configure(config, env) {
      const { signer, config: trusting } = await createDemoSigner(config, env)
      if (signer) signers.set(trusting, signer)
      else
        logEvent('warn', 'dev_login_unavailable', {
          why: `sessions come from ${config.source.named}: sign in at the site`,
        })
      return trusting
    },
    middleware: exposeSkippedFields,
    routes(app, config) {
      const signer = signers.get(config)
      if (signer) mountDevLogin(app, config, signer)
      mountDemoPage(app, config, { demoSignIn: signer !== undefined })
    },
  }),
)
