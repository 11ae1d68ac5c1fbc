import { cloudflareTest } from '@cloudflare/vitest-plugin'
import { defineConfig } from 'vitest/config'

export default defineConfig({
  plugins: [
    cloudflareTest({
      wrangler: { configPath: './wrangler.jsonc' },
      miniflare: { bindings: { CONNECT_SECRET: 'TEST-ONLY-connect-widget-security-key-000000' } },
    }),
  ],
  test: { include: ['test/**/*.test.ts'] },
})
