// Benchmark peer: the same job on the stack of Amazon's Node.js sample — Node.js, Express,
// cookie-parser and jsonwebtoken. Verifies the session cookie (algorithm, issuer, audience,
// expiry with 30 s tolerance), maps the same five attributes, signs the same widget token.
// Not product code: what a user would otherwise deploy, measured under the same load.
//
// Settings come from the environment: PORT, SESSION_ALGORITHM, SESSION_KEY (the HS256 secret or
// an RS256 public key PEM), SESSION_ISSUER, SESSION_AUDIENCE, WIDGET_ID, CONNECT_SECRET,
// TOKEN_TTL_SECONDS.
import cookieParser from 'cookie-parser'
import express from 'express'
import jwt from 'jsonwebtoken'

const env = process.env
const verifyOptions = {
  algorithms: [env.SESSION_ALGORITHM],
  issuer: env.SESSION_ISSUER,
  audience: env.SESSION_AUDIENCE,
  clockTolerance: 30,
}
const ttlSeconds = Number(env.TOKEN_TTL_SECONDS)

const app = express()
app.disable('x-powered-by')
app.disable('etag')
app.use(cookieParser())

app.get('/token', (request, response) => {
  const cookie = request.cookies.session
  if (!cookie) return response.status(401).json({ error: 'SESSION_MISSING' })
  let session
  try {
    session = jwt.verify(cookie, env.SESSION_KEY, verifyOptions)
  } catch {
    return response.status(401).json({ error: 'SESSION_INVALID' })
  }
  if (typeof session.sub !== 'string' || typeof session.name !== 'string') {
    return response.status(401).json({ error: 'SESSION_INVALID' })
  }
  const attributes = { memberId: session.sub, name: session.name }
  if (typeof session.email === 'string') attributes.email = session.email
  attributes.tier = typeof session.profile?.tier === 'string' ? session.profile.tier : 'standard'
  attributes.channel = 'web'
  const token = jwt.sign({ sub: env.WIDGET_ID, attributes }, env.CONNECT_SECRET, {
    algorithm: 'HS256',
    expiresIn: ttlSeconds,
  })
  response.set('Cache-Control', 'no-store').json({ data: token })
})

const server = app.listen(Number(env.PORT), '127.0.0.1')
process.on('SIGTERM', () => server.close(() => process.exit(0)))
