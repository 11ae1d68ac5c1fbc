import { mkdirSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { cloudflareTest } from '@cloudflare/vitest-plugin'
import { defineConfig } from 'vitest/config'
import { experimental_readRawConfig } from 'wrangler'
import { TEST_CONNECT_SECRET, TEST_SESSION_SECRET } from './test/support/secrets.ts'

/**
 * The Worker's own wrangler.toml, copied where no `.dev.vars` lies beside it: wrangler loads the
 * local secrets file next to the configuration, and the tests' secrets must be the test secrets
 * alone, never the ones a developer's `npm run dev` wrote (a demo AUTH_SECRET, a widget's key).
 */
function configWithoutLocalSecrets(): string {
  const { rawConfig } = experimental_readRawConfig({ config: 'wrangler.toml' })
  const dir = resolve('node_modules/.cache/connect-widget-token/worker-tests')
  mkdirSync(dir, { recursive: true })
  const path = join(dir, 'wrangler.json')
  writeFileSync(path, JSON.stringify({ ...rawConfig, main: resolve(String(rawConfig.main)) }, null, 2))
  return path
}

export default defineConfig({
  test: {
    // Refusals log by design; show the logs of failing tests only.
    silent: 'passed-only',
    projects: [
      {
        // Unit and integration tests, inside workerd with the Worker's own wrangler.toml.
        plugins: [
          cloudflareTest({
            wrangler: { configPath: configWithoutLocalSecrets() },
            miniflare: {
              bindings: { CONNECT_SECRET: TEST_CONNECT_SECRET, SESSION_SECRET: TEST_SESSION_SECRET },
              // Bindings that only the tests which name them use (SESSION_KV_BINDING, RATE_LIMIT_BINDING, METRICS_BINDING).
              kvNamespaces: ['TEST_SESSIONS'],
              ratelimits: { TEST_RATE_LIMITER: { namespace_id: '1001', simple: { limit: 3, period: 60 } } },
              // A real local Analytics Engine binding (METRICS_BINDING); its writes cannot be read back.
              analyticsEngineDatasets: { TEST_METRICS_DATASET: { dataset: 'connect_widget_token_test' } },
            },
          }),
        ],
        test: {
          name: 'worker',
          include: ['test/worker/**/*.test.ts'],
          globalSetup: ['test/support/jwks-server.ts', 'test/support/site-server.ts', 'test/support/provider-keys.ts'],
          setupFiles: ['test/support/log-leak-guard.ts'],
        },
      },
      {
        // Real clients from outside: `wrangler dev` and `wrangler deploy --dry-run` as a
        // user runs them, checked with an independent JWT implementation.
        test: {
          name: 'interop',
          include: ['test/interop/**/*.test.ts'],
          environment: 'node',
          testTimeout: 60_000,
          hookTimeout: 60_000,
          // A browser or a child process on a loaded 2-core machine can take seconds to show a change.
          expect: { poll: { timeout: 20_000, interval: 100 } },
        },
      },
    ],
  },
})
