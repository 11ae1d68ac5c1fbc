// Tells `cloudflare:workers` `exports` which module is the Worker under test, so `exports.default.fetch` is typed.
declare namespace Cloudflare {
  interface GlobalProps {
    mainModule: typeof import('../src/index')
  }
}
