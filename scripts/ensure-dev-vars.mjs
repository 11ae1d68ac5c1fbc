// Runs before `npm run dev`: gives a fresh checkout the demo secrets from .dev.vars.example,
// and leaves an existing .dev.vars (the developer's own) alone.
import { copyFileSync, existsSync } from 'node:fs'

if (!existsSync('.dev.vars')) {
  copyFileSync('.dev.vars.example', '.dev.vars')
  console.log('Created .dev.vars from .dev.vars.example (demo secrets; edit it for your own).')
}
