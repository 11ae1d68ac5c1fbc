/**
 * @module The README's widget snippets, verbatim (a test keeps them equal), for the demo
 * page to run exactly what a site would paste.
 */

/** Same origin: the page and the token route on one host. */
export const SAME_ORIGIN_SNIPPET = `amazon_connect('authenticate', function (callback) {
  window
    .fetch('/token')
    .then(function (res) {
      return res.json().then(function (body) {
        if (!res.ok) throw new Error(res.status + ' ' + body.error.code)
        callback(body.data)
      })
    })
    .catch(function (error) {
      console.error('No chat token:', error.message) // e.g. "401 SESSION_MISSING"
    })
})
`

/** Cross origin: the token host in `ALLOWED_ORIGINS`; the demo swaps in its own URL. */
export const CROSS_ORIGIN_SNIPPET = `amazon_connect('authenticate', function (callback) {
  window
    .fetch('https://chat-token.example.com/token', { credentials: 'include' })
    .then(function (res) {
      return res.json().then(function (body) {
        if (!res.ok) throw new Error(res.status + ' ' + body.error.code)
        callback(body.data)
      })
    })
    .catch(function (error) {
      console.error('No chat token:', error.message) // e.g. "401 SESSION_MISSING"
    })
})
`

/** The token URL the README's cross-origin snippet names. */
export const README_TOKEN_URL = 'https://chat-token.example.com/token'
