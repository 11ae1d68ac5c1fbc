// Benchmark baseline: the least work a token endpoint can do, by hand on WebCrypto. Verifies
// an HS256 session cookie (RS256 when SESSION_PUBLIC_KEY holds an SPKI PEM), copies three
// claims, signs an HS256 token; no framework, no configuration, no checks beyond signature
// and exp. Not product code: a yardstick.
const encoder = new TextEncoder()
const decoder = new TextDecoder()
let keys

function base64url(bytes) {
  let text = ''
  for (const byte of bytes) text += String.fromCharCode(byte)
  return btoa(text).replaceAll('+', '-').replaceAll('/', '_').replace(/=+$/, '')
}

function fromBase64url(text) {
  return Uint8Array.from(atob(text.replaceAll('-', '+').replaceAll('_', '/')), (c) => c.charCodeAt(0))
}

async function importKeys(env) {
  const hmac = (secret, usage) =>
    crypto.subtle.importKey('raw', encoder.encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, [usage])
  const rsa = (pem) =>
    crypto.subtle.importKey(
      'spki',
      Uint8Array.from(atob(pem.replace(/-----[^-]+-----|\s/g, '')), (c) => c.charCodeAt(0)),
      { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' },
      false,
      ['verify'],
    )
  return {
    session: env.SESSION_PUBLIC_KEY ? await rsa(env.SESSION_PUBLIC_KEY) : await hmac(env.SESSION_SECRET, 'verify'),
    widget: await hmac(env.CONNECT_SECRET, 'sign'),
  }
}

export default {
  async fetch(request, env) {
    keys ??= await importKeys(env)
    const cookie = /(?:^|;\s*)session=([^;]+)/.exec(request.headers.get('Cookie') ?? '')?.[1]
    const [header, payload, signature] = (cookie ?? '').split('.')
    const valid =
      signature &&
      (await crypto.subtle.verify(
        keys.session.algorithm.name,
        keys.session,
        fromBase64url(signature),
        encoder.encode(`${header}.${payload}`),
      ))
    if (!valid) return new Response('{"error":"session"}', { status: 401 })
    const session = JSON.parse(decoder.decode(fromBase64url(payload)))
    const now = Math.floor(Date.now() / 1000)
    if (session.exp < now) return new Response('{"error":"expired"}', { status: 401 })
    const claims = {
      sub: 'demo-widget-id',
      iat: now,
      exp: now + 300,
      attributes: { memberId: session.sub, name: session.name, email: session.email },
    }
    const signingInput = `${base64url(encoder.encode('{"alg":"HS256","typ":"JWT"}'))}.${base64url(encoder.encode(JSON.stringify(claims)))}`
    const mac = new Uint8Array(await crypto.subtle.sign('HMAC', keys.widget, encoder.encode(signingInput)))
    return Response.json({ data: `${signingInput}.${base64url(mac)}` }, { headers: { 'Cache-Control': 'no-store' } })
  },
}
