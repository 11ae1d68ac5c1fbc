/**
 * @module Vitest global setup: a real JWKS host on loopback for the session-key tests.
 *
 * Generates RS256, ES256 and EdDSA key pairs, serves the public halves at `/jwks.json`
 * (counting fetches, so tests can see the per-isolate cache), fails at `/down.json`, and
 * provides the private keys to the tests.
 *
 * `/sets/NAME/jwks.json` is a key set whose behaviour a test switches (`PUT
 * /sets/NAME/mode/MODE`) and whose fetches it counts (`GET /sets/NAME/count`), one NAME
 * per test: `ok`, `down` (503), `error` (500), `garbage` (not JSON), `invalid` (JSON, not a
 * key set), `slow` (answers after 5 s), `reset` (drops the
 * connection), `max-age` (the set with `Cache-Control: max-age=3600`), `rotated` (the set plus a new key, `rotatedRsaKey`),
 * `no-kid` (two RS256 keys without `kid`, the test key among them), `one-kidless` and
 * `two-kidless` (the test key without `kid`; then with the rotated key, also without, beside it),
 * `huge` (a valid set padded to 2 MiB), `stall` (headers and half a body, then silence).
 */
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { exportJWK, exportSPKI, generateKeyPair, type JWK } from 'jose'
import type { TestProject } from 'vitest/node'

export default async function startJwksServer(project: TestProject) {
  const algorithms = ['RS256', 'ES256', 'EdDSA'] as const
  const publicKeys: JWK[] = []
  const signingKeys = {} as Record<(typeof algorithms)[number], JWK>
  let rsaPublicKeyPem = ''
  for (const alg of algorithms) {
    const pair = await generateKeyPair(alg, { extractable: true })
    const kid = `test-${alg.toLowerCase()}`
    publicKeys.push({ ...(await exportJWK(pair.publicKey)), kid, alg, use: 'sig' })
    signingKeys[alg] = { ...(await exportJWK(pair.privateKey)), kid, alg }
    if (alg === 'RS256') rsaPublicKeyPem = await exportSPKI(pair.publicKey)
  }
  const stranger = await generateKeyPair('RS256', { extractable: true })

  const rotated = await generateKeyPair('RS256', { extractable: true })
  const rotatedPublic = { ...(await exportJWK(rotated.publicKey)), kid: 'rotated-rs256', alg: 'RS256', use: 'sig' }
  const withoutKid = ({ kid: _kid, ...key }: JWK): JWK => key
  const sets = new Map<string, { mode: string; count: number }>()
  const setBody = (mode: string): string | undefined => {
    if (mode === 'ok') return JSON.stringify({ keys: publicKeys })
    if (mode === 'rotated') return JSON.stringify({ keys: [...publicKeys, rotatedPublic] })
    if (mode === 'no-kid') {
      const rsa = publicKeys.find((key) => key.alg === 'RS256') as JWK
      return JSON.stringify({ keys: [withoutKid(rotatedPublic), withoutKid(rsa)] })
    }
    if (mode === 'invalid') return JSON.stringify({ keys: 'none' })
    // A kid-less rotation: one key without kid, then the new one added beside it.
    const rsa = publicKeys.find((key) => key.alg === 'RS256') as JWK
    if (mode === 'one-kidless') return JSON.stringify({ keys: [withoutKid(rsa)] })
    if (mode === 'two-kidless') return JSON.stringify({ keys: [withoutKid(rsa), withoutKid(rotatedPublic)] })
    // A valid key set padded to 2 MiB: the Worker must not parse it.
    if (mode === 'huge') return JSON.stringify({ keys: publicKeys, padding: 'x'.repeat(2 * 1024 * 1024) })
    return undefined
  }

  let fetches = 0
  const server = createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://localhost').pathname
    const set = /^\/sets\/([\w-]+)\/(jwks\.json|count|mode\/([\w-]+))$/.exec(path)
    if (set) {
      const state = sets.get(set[1]) ?? { mode: 'ok', count: 0 }
      sets.set(set[1], state)
      if (set[3]) {
        state.mode = set[3]
        response.writeHead(204).end()
      } else if (set[2] === 'count') {
        response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ fetches: state.count }))
      } else {
        state.count += 1
        serveSet(state.mode, response)
      }
    } else if (path === '/jwks.json') {
      fetches += 1
      response.writeHead(200, { 'content-type': 'application/json' })
      response.end(JSON.stringify({ keys: publicKeys }))
    } else if (path === '/fetch-count') {
      response.writeHead(200, { 'content-type': 'application/json' })
      response.end(JSON.stringify({ fetches }))
    } else {
      response.writeHead(503).end('down for the test')
    }
  })
  const serveSet = (mode: string, response: import('node:http').ServerResponse) => {
    if (mode === 'max-age') {
      const headers = { 'content-type': 'application/json', 'cache-control': 'public, max-age=3600' }
      return response.writeHead(200, headers).end(setBody('ok'))
    }
    const body = setBody(mode)
    if (body) return response.writeHead(200, { 'content-type': 'application/json' }).end(body)
    if (mode === 'reset') return response.socket?.destroy()
    if (mode === 'garbage') return response.writeHead(200, { 'content-type': 'application/json' }).end('<html>')
    if (mode === 'stall') {
      // Headers and half a body, then nothing until the client gives up.
      response.writeHead(200, { 'content-type': 'application/json' })
      response.write('{"keys":[')
      const timer = setTimeout(() => response.end(']}'), 5_000)
      response.on('close', () => clearTimeout(timer))
      return
    }
    if (mode === 'slow') {
      const timer = setTimeout(() => response.writeHead(200).end(setBody('ok')), 5_000)
      response.on('close', () => clearTimeout(timer))
      return
    }
    response.writeHead(mode === 'error' ? 500 : 503).end('down for the test')
  }
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`

  project.provide('jwksUrl', `${base}/jwks.json`)
  project.provide('jwksBase', base)
  project.provide('rotatedRsaKey', { ...(await exportJWK(rotated.privateKey)), kid: 'rotated-rs256', alg: 'RS256' })
  project.provide('jwksDownUrl', `${base}/down.json`)
  project.provide('jwksFetchCountUrl', `${base}/fetch-count`)
  project.provide('signingKeys', signingKeys)
  project.provide('rsaPublicKeyPem', rsaPublicKeyPem)
  project.provide('strangerRsaKey', { ...(await exportJWK(stranger.privateKey)), kid: 'test-rs256', alg: 'RS256' })

  return () => new Promise<void>((resolve) => server.close(() => resolve()))
}
