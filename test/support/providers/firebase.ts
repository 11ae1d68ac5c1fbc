/**
 * @module Firebase-shaped test session cookies and their X.509 certificate.
 */
import { execFile } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { importPKCS8, SignJWT } from 'jose'

export const FIREBASE = { projectId: 'my-app-1234' }

/**
 * Firebase-shaped session cookies: Google mints them server-side, so no library can make one
 * offline; they are signed with a key whose self-signed X.509 certificate (made by openssl)
 * is served in Google's `kid` → certificate form.
 */
export async function firebaseFixtures() {
  const dir = mkdtempSync(join(tmpdir(), 'cwt-firebase-'))
  await promisify(execFile)('openssl', [
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-days',
    '2',
    '-subj',
    '/CN=securetoken.test',
    '-keyout',
    join(dir, 'key.pem'),
    '-out',
    join(dir, 'cert.pem'),
  ])
  const privateKey = await importPKCS8(readFileSync(join(dir, 'key.pem'), 'utf8'), 'RS256')
  const certificate = readFileSync(join(dir, 'cert.pem'), 'utf8')
  rmSync(dir, { recursive: true, force: true })
  return { certificates: { 'firebase-test': certificate }, cookies: () => firebaseCookies(privateKey) }
}

/** Session cookies signed with the certificate's key, minted now. */
async function firebaseCookies(privateKey: CryptoKey) {
  const now = Math.floor(Date.now() / 1000)
  const cookie = (claims: Record<string, unknown> = {}, project = FIREBASE.projectId, expires = now + 3600) =>
    new SignJWT({
      sub: 'firebase-uid-1',
      email: 'fay@example.com',
      auth_time: now - 100,
      firebase: { sign_in_provider: 'password' },
      ...claims,
    })
      .setProtectedHeader({ alg: 'RS256', kid: 'firebase-test' })
      .setIssuer(`https://session.firebase.google.com/${project}`)
      .setAudience(project)
      .setIssuedAt(now - 100)
      .setExpirationTime(expires)
      .sign(privateKey)
  return {
    valid: await cookie(),
    otherProject: await cookie({}, 'another-project'),
    expired: await cookie({}, FIREBASE.projectId, now - 600),
    futureAuthTime: await cookie({ auth_time: now + 3600 }),
    mallory: await cookie({ sub: 'firebase-uid-2', email: 'mallory@example.com' }),
  }
}
