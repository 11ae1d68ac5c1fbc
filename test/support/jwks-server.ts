/**
 * @module Vitest global setup: a real JWKS host on loopback for the session-key tests.
 *
 * Generates RS256, ES256 and EdDSA key pairs, serves the public halves at `/jwks.json`
 * (counting fetches, so tests can see the per-isolate cache), fails at `/down.json`, and
 * provides the private keys to the tests.
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

  let fetches = 0
  const server = createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://localhost').pathname
    if (path === '/jwks.json') {
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
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`

  project.provide('jwksUrl', `${base}/jwks.json`)
  project.provide('jwksDownUrl', `${base}/down.json`)
  project.provide('jwksFetchCountUrl', `${base}/fetch-count`)
  project.provide('signingKeys', signingKeys)
  project.provide('rsaPublicKeyPem', rsaPublicKeyPem)
  project.provide('strangerRsaKey', { ...(await exportJWK(stranger.privateKey)), kid: 'test-rs256', alg: 'RS256' })

  return () => new Promise<void>((resolve) => server.close(() => resolve()))
}
