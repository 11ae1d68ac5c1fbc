/**
 * @module The development Worker (`npm run dev`): the production Worker plus demo sessions
 * (`/dev/login`) and the demo page (`/dev`). `wrangler deploy` builds `src/index.ts`, so
 * this module and its routes never reach a deployment.
 */
import { createWorker } from './app.ts'
import type { Config } from './config/index.ts'
import { exposeDataPoint } from './dev/data-point.ts'
import { mountDemoPage } from './dev/demo-page.ts'
import { createDemoSigner, type DemoSigner } from './dev/demo-signer.ts'
import { exposeSkippedFields } from './dev/left-out-fields.ts'
import { mountDevLogin, mountSiteSignInOnly } from './dev/login.ts'
import { loopbackOnly } from './dev/loopback-only.ts'
import { logEvent } from './log.ts'

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
    middleware(app) {
      exposeDataPoint(app)
      exposeSkippedFields(app)
    },
    routes(app, config) {
      const signer = signers.get(config)
      if (signer) mountDevLogin(app, config, signer)
      else mountSiteSignInOnly(app, config)
      mountDemoPage(app, config, { demoSignIn: signer !== undefined })
    },
  }),
)
