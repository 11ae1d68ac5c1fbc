/**
 * @module Vitest global setup: identity providers' sessions made by the providers' own
 * libraries (`./providers/*`), for the worker tests. Keys are generated here and their public
 * halves served on loopback — a JWKS, and Google's certificate form for Firebase — which the
 * tests name in `SESSION_JWKS_URL`.
 */
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { exportJWK, generateKeyPair } from 'jose'
import type { TestProject } from 'vitest/node'
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
  const firebase = await firebaseFixtures()
  const server = createServer((request, response) => {
    if (request.url === '/firebase/publicKeys') {
      // Google's form: kid → X.509 certificate, with a max-age the Worker honours.
      response.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'public, max-age=3600' })
      response.end(JSON.stringify(firebase.certificates))
    } else {
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(jwks))
    }
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`

  const { amplifyCookies, tokens } = await cognitoFixtures(privateKey)

  project.provide('cognito', { ...COGNITO, jwksUrl: `${base}/cognito/jwks.json`, amplifyCookies, tokens })
  project.provide('authjs', await authJsCookies())
  project.provide('firebase', { ...FIREBASE, keysUrl: `${base}/firebase/publicKeys`, ...firebase.cookies })
  project.provide('clerk', {
    ...CLERK,
    jwksUrl: `${base}/clerk/jwks.json`,
    ...(await clerkTokens(clerkKeys.privateKey)),
  })
  project.provide('supabase', {
    ...SUPABASE,
    jwksUrl: `${base}/supabase/jwks.json`,
    ...(await supabaseCookies(supabaseKeys.privateKey)),
  })
  return () => new Promise<void>((resolve) => server.close(() => resolve()))
}
