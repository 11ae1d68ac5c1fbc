/**
 * @module The development Worker (`npm run dev`): the production Worker plus demo sessions
 * (`/dev/login`) and the demo page (`/dev`). `wrangler deploy` builds `src/index.ts`, so
 * this module and its routes never reach a deployment.
 */
import { createWorker } from './app'
import type { Config } from './config'
import { mountDemoPage } from './dev/demo-page'
import { createDemoSigner, type DemoSigner } from './dev/demo-signer'
import { mountDevLogin } from './dev/login'

const signers = new WeakMap<Config, DemoSigner>()

export default createWorker({
  async configure(config) {
    const { signer, config: trusting } = await createDemoSigner(config)
    signers.set(trusting, signer)
    return trusting
  },
  routes(app, config) {
    mountDevLogin(app, config, signers.get(config) as DemoSigner)
    mountDemoPage(app, config)
  },
})
