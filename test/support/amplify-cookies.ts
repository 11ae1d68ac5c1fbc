/**
 * @module Real Amplify JS v6 cookies, made by `aws-amplify` itself: Amplify signs in (the
 * Cognito API answered by a stub `fetch`, with tokens the caller signed) and writes its
 * tokens through its `CookieStorage` into a `document.cookie` stand-in. Run as a child
 * process (`node test/support/amplify-cookies.ts`, the users and their tokens as JSON on stdin)
 * so that the browser globals Amplify needs never touch the test runner; prints each user's
 * cookies, as one browser each would keep them, as JSON. One process signs every user in:
 * loading aws-amplify is most of its time.
 */
import { readFileSync } from 'node:fs'

interface User {
  username: string
  idToken: string
  accessToken: string
}

interface Input {
  userPoolId: string
  clientId: string
  users: User[]
}

const input = JSON.parse(readFileSync(0, 'utf8')) as Input
/** The user signing in now: the one the stub Cognito API answers for. */
let user: User = input.users[0]
const jar = new Map<string, string>()
const browser = globalThis as unknown as Record<string, unknown>
browser.document = {
  querySelector: () => null,
  querySelectorAll: () => [],
  get cookie() {
    return [...jar].map(([name, value]) => `${name}=${value}`).join('; ')
  },
  set cookie(text: string) {
    const [pair] = text.split(';')
    const equals = pair.indexOf('=')
    jar.set(pair.slice(0, equals), pair.slice(equals + 1))
  },
}
// The Cognito API as Amplify calls it for USER_PASSWORD_AUTH: one InitiateAuth.
browser.fetch = async (_url: unknown, init: { headers?: Record<string, string> }) => {
  const target = init?.headers?.['x-amz-target'] ?? ''
  const body = target.endsWith('InitiateAuth')
    ? {
        AuthenticationResult: {
          IdToken: user.idToken,
          AccessToken: user.accessToken,
          RefreshToken: 'refresh',
          ExpiresIn: 3600,
          TokenType: 'Bearer',
        },
        ChallengeParameters: {},
      }
    : {}
  return new Response(JSON.stringify(body), { headers: { 'content-type': 'application/x-amz-json-1.1' } })
}

const { Amplify } = await import('aws-amplify')
const { signIn } = await import('aws-amplify/auth')
const { cognitoUserPoolsTokenProvider } = await import('aws-amplify/auth/cognito')
const { CookieStorage } = await import('aws-amplify/utils')
Amplify.configure({ Auth: { Cognito: { userPoolId: input.userPoolId, userPoolClientId: input.clientId } } })
cognitoUserPoolsTokenProvider.setKeyValueStorage(new CookieStorage({ sameSite: 'lax' }))
const browsers: Record<string, string>[] = []
for (user of input.users) {
  // A browser of their own: nobody is signed in on it yet.
  jar.clear()
  const result = await signIn({
    username: user.username,
    password: 'not checked by the stub',
    options: { authFlowType: 'USER_PASSWORD_AUTH' },
  })
  if (!result.isSignedIn) throw new Error(`Amplify did not sign in: ${JSON.stringify(result.nextStep)}`)
  browsers.push(Object.fromEntries(jar))
}
process.stdout.write(JSON.stringify(browsers))
