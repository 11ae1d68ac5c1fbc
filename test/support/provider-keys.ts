/**
 * @module Vitest global setup: identity providers' sessions made by the providers' own
 * libraries (`./providers/*`), for the worker tests. Keys are generated here and their public
 * halves served on loopback — a JWKS, and Google's certificate form for Firebase — which the
 * tests name in `SESSION_JWKS_URL`.
 *
 * Sessions are minted when a test file asks (`GET /fixtures/NAME`), never here at setup: a
 * Clerk token lives 60 s, and a suite that reached its file minutes later would meet it expired.
 */
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { exportJWK, generateKeyPair } from 'jose'
import type { TestProject } from 'vitest/node'
import type { ProviderFixtures } from './provided-context'
import { authJsCookies } from './providers/authjs'
import { CLERK, clerkTokens } from './providers/clerk'
import { COGNITO, cognitoFixtures } from './providers/cognito'
import { FIREBASE, firebaseFixtures } from './providers/firebase'
import { SUPABASE, supabaseCookies } from './providers/supabase'

export default async function startProviderKeys(project: TestProject) {
  const { publicKey, privateKey } = await generateKeyPair('RS256', { extractable: true })
  const supabaseKeys = await generateKeyPair('ES256', { extractable: true })
  const clerkKeys = await generateKeyPair('RS256', { extractable: true })
  const jwks = {
    keys: [
      { ...(await exportJWK(publicKey)), kid: 'cognito-test', alg: 'RS256', use: 'sig' },
      { ...(await exportJWK(supabaseKeys.publicKey)), kid: 'supabase-test', alg: 'ES256', use: 'sig' },
      { ...(await exportJWK(clerkKeys.publicKey)), kid: 'clerk-test', alg: 'RS256', use: 'sig' },
    ],
  }
  // The certificate is made once (openssl); the cookies it verifies are minted per request.
  const firebase = await firebaseFixtures()
  let base = ''
  const mint: { [Name in keyof ProviderFixtures]: () => Promise<ProviderFixtures[Name]> } = {
    cognito: async () => ({ ...COGNITO, jwksUrl: `${base}/cognito/jwks.json`, ...(await cognitoFixtures(privateKey)) }),
    authjs: () => authJsCookies(),
    firebase: async () => ({ ...FIREBASE, keysUrl: `${base}/firebase/publicKeys`, ...(await firebase.cookies()) }),
    clerk: async () => ({ ...CLERK, jwksUrl: `${base}/clerk/jwks.json`, ...(await clerkTokens(clerkKeys.privateKey)) }),
    supabase: async () => ({
      ...SUPABASE,
      jwksUrl: `${base}/supabase/jwks.json`,
      ...(await supabaseCookies(supabaseKeys.privateKey)),
    }),
  }
  const server = createServer(async (request, response) => {
    const fixture = /^\/fixtures\/(\w+)$/.exec(request.url ?? '')?.[1]
    if (fixture !== undefined) {
      const make = Object.hasOwn(mint, fixture) ? mint[fixture as keyof ProviderFixtures] : undefined
      if (!make) return response.writeHead(404).end()
      try {
        const body = JSON.stringify(await make())
        return response.writeHead(200, { 'content-type': 'application/json' }).end(body)
      } catch (error) {
        return response.writeHead(500, { 'content-type': 'text/plain' }).end(String(error))
      }
    }
    if (request.url === '/firebase/publicKeys') {
      // Google's form: kid → X.509 certificate, with a max-age the Worker honours.
      response.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'public, max-age=3600' })
      response.end(JSON.stringify(firebase.certificates))
    } else {
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(jwks))
    }
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  project.provide('providerFixturesUrl', `${base}/fixtures`)
  return () => new Promise<void>((resolve) => server.close(() => resolve()))
}
