import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type DevServer, startWranglerDev } from '../support/wrangler-process'

/**
 * The development server as a DNS-rebinding page reaches it, with curl as in the issue: a
 * request for another host name is refused with a code and sets no session, while the
 * README's own curl commands on localhost and 127.0.0.1 keep working.
 */
async function curl(args: string[]): Promise<{ status: number; headers: string; body: string }> {
  const { stdout } = await promisify(execFile)('curl', ['-s', '-i', ...args])
  const [head, ...rest] = stdout.split('\r\n\r\n')
  return { status: Number(head.split(' ')[1]), headers: head, body: rest.join('\r\n\r\n') }
}

describe('wrangler dev src/dev.ts, asked for another host name', () => {
  let dev: DevServer
  beforeAll(async () => {
    dev = await startWranglerDev()
  })
  afterAll(async () => {
    await dev?.stop()
  })

  it('Should refuse /dev/login?sub=victim with 403 DEV_HOST_NOT_ALLOWED and no session', async () => {
    const host = `rebind.attacker.example:${dev.port}`
    const answer = await curl(['-H', `Host: ${host}`, `${dev.url}/dev/login?sub=victim`])
    expect(answer.status).toBe(403)
    expect(answer.headers.toLowerCase()).not.toContain('set-cookie')
    expect(JSON.parse(answer.body)).toEqual({ error: { code: 'DEV_HOST_NOT_ALLOWED', message: expect.any(String) } })
  })

  it('Should refuse /token for that name even with a session from localhost', async () => {
    const login = await curl([`http://localhost:${dev.port}/dev/login?sub=victim`])
    const cookie = /set-cookie: (session=[^;]+)/i.exec(login.headers)?.[1] ?? ''
    expect(cookie).toMatch(/^session=ey/)
    const refused = await curl(['-H', `Host: rebind.attacker.example:${dev.port}`, '-b', cookie, `${dev.url}/token`])
    expect(refused.status).toBe(403)
    expect(refused.body).not.toContain('"data"')
  })

  it.each(['localhost', '127.0.0.1'])('Should answer the README curl flow on %s', async (name) => {
    const base = `http://${name}:${dev.port}`
    const login = await curl([`${base}/dev/login?name=Jane%20Doe`])
    expect(login.status).toBe(200)
    const cookie = /set-cookie: (session=[^;]+)/i.exec(login.headers)?.[1] ?? ''
    const token = await curl(['-b', cookie, `${base}/token`])
    expect(token.status).toBe(200)
    expect(JSON.parse(token.body).data).toMatch(/^eyJ/)
  })
})
