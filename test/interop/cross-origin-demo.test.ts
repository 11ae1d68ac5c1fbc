import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest'
import { type CrossOriginDemo, startCrossOriginDemo } from '../../scripts/lib/cross-origin-demo'
import { dotenvValue } from '../support/dotenv'
import { freePort } from '../support/local-servers'
import { startCommandLine, startNpmDev } from '../support/npm-scripts'

/**
 * The demo page's cross-origin half as `npm run dev` starts it (scripts/lib/cross-origin-demo.ts):
 * on the port `--demo-port` names, else 8080, and on a free port it prints when that one is
 * taken; it tells wrangler dev where it is, so the page never points at a port nobody serves.
 */
const started: { close(): Promise<void> }[] = []
afterEach(async () => {
  for (const server of started.splice(0)) await server.close()
  vi.restoreAllMocks()
})

async function start(args: string[], allows?: (origin: string) => boolean): Promise<CrossOriginDemo> {
  const demo = await startCrossOriginDemo(args, { allows })
  started.push(demo)
  return demo
}

function listening(server: Server, port: number): Promise<void> {
  return new Promise((resolve) => server.listen(port, 'localhost', resolve))
}

describe('startCrossOriginDemo', () => {
  it('Should serve on --demo-port, and pass wrangler the other arguments and where the page is', async () => {
    const port = await freePort()
    const demo = await start(['--env', 'production', '--demo-port', String(port), '--port', '8799'])
    expect(demo.origin).toBe(`http://localhost:${port}`)
    expect(demo.wranglerArgs).toEqual([
      '--env',
      'production',
      '--port',
      '8799',
      '--var',
      `DEV_CROSS_ORIGIN_DEMO:http://localhost:${port}`,
      '--infer-origin-from-routes=false',
    ])
  })

  it('Should take a free port and say which when the one asked for is taken', async () => {
    const taken = createServer()
    const port = await freePort()
    await listening(taken, port)
    started.push({ close: () => new Promise((resolve) => taken.close(() => resolve())) })
    const log = vi.spyOn(console, 'log').mockImplementation(() => {})
    const demo = await start([`--demo-port=${port}`])
    expect(demo.origin).not.toBe(`http://localhost:${port}`)
    expect(log).toHaveBeenCalledWith(expect.stringContaining(`Port ${port} is taken`))
    expect(log).toHaveBeenCalledWith(expect.stringContaining(demo.origin))
    expect(demo.wranglerArgs).toContain(`DEV_CROSS_ORIGIN_DEMO:${demo.origin}`)
  })

  it('Should report a --demo-port that is not a port instead of failing', async () => {
    const log = vi.spyOn(console, 'log').mockImplementation(() => {})
    const demo = await start(['--demo-port', 'eighty'])
    expect(log).toHaveBeenCalledWith(expect.stringContaining('"eighty" is not a port'))
    expect(demo.wranglerArgs).not.toContain('eighty')
  })

  it("Should leave wrangler's origin inference alone when the arguments set it", async () => {
    const demo = await start(['--demo-port', String(await freePort()), '--infer-origin-from-routes'])
    expect(demo.wranglerArgs.filter((arg) => arg.startsWith('--infer-origin-from-routes'))).toEqual([
      '--infer-origin-from-routes',
    ])
  })

  it('Should say how to allow its origin when the configuration allows only the default port, and nothing otherwise', async () => {
    const log = vi.spyOn(console, 'log').mockImplementation(() => {})
    const port = await freePort()
    const demoOnly = (origin: string) => origin === 'http://localhost:8080'
    await start(['--env', 'staging', '--demo-port', String(port)], demoOnly)
    const origin = `http://localhost:${port}`
    expect(log).toHaveBeenCalledWith(
      `⚠ ALLOWED_ORIGINS does not allow ${origin}: the demo page's cross-origin runs will be refused (403 ORIGIN_NOT_ALLOWED). To allow it for a run:\n` +
        `    npm run dev -- --env staging --demo-port ${port} --var ALLOWED_ORIGINS:'["${origin}"]'`,
    )
    log.mockClear()
    // Every origin allowed, or none (a same-origin configuration, whose page says so).
    await start(['--demo-port', String(await freePort())], () => true)
    await start(['--demo-port', String(await freePort())], () => false)
    expect(log).not.toHaveBeenCalled()
  })

  it("Should answer with the Worker's /dev/cross-origin page, query included", async () => {
    const worker = createServer((request, response) => response.end(`worker saw ${request.url}`))
    const workerPort = await freePort()
    await listening(worker, workerPort)
    started.push({ close: () => new Promise((resolve) => worker.close(() => resolve())) })
    const demo = await start(['--port', String(workerPort), '--demo-port', String(await freePort())])
    const page = await fetch(`${demo.origin}/?parent=http%3A%2F%2Flocalhost%3A8787&widget=sales`)
    expect(await page.text()).toBe('worker saw /dev/cross-origin?parent=http%3A%2F%2Flocalhost%3A8787&widget=sales')
    expect((await fetch(`${demo.origin}/elsewhere`)).status).toBe(404)
  })

  it("Should pass on the Worker's refusal labelled as the JSON it is", async () => {
    const refusal = JSON.stringify({ error: { code: 'DEV_REQUEST_INVALID', message: 'm' } })
    const worker = createServer((_, response) =>
      response.writeHead(400, { 'content-type': 'application/json' }).end(refusal),
    )
    const workerPort = await freePort()
    await listening(worker, workerPort)
    started.push({ close: () => new Promise((resolve) => worker.close(() => resolve())) })
    const demo = await start(['--port', String(workerPort), '--demo-port', String(await freePort())])
    const answer = await fetch(`${demo.origin}/`)
    expect([answer.status, answer.headers.get('content-type'), await answer.text()]).toEqual([
      400,
      'application/json',
      refusal,
    ])
  })
})

describe('npm run dev -- --demo-port N, a port the demo configuration does not allow', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cwt-demo-port-'))
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  it('Should print the command that allows it, and that command, run as printed, lets the page in', async () => {
    const config = join(dir, 'wrangler.toml')
    writeFileSync(
      config,
      `name = "demo-port"\nmain = ${JSON.stringify(resolve('src/index.ts'))}\ncompatibility_date = "2026-11-01"\n` +
        `[vars]\nWIDGET_ID = "w"\nSESSION_ALGORITHMS = ["HS256"]\nALLOWED_ORIGINS = ["http://localhost:8080"]\n`,
    )
    const secrets = ['CONNECT_SECRET', 'SESSION_SECRET'].map(
      (name) => `${name}="${dotenvValue('.dev.vars.example', name)}"`,
    )
    writeFileSync(join(dir, '.dev.vars'), `${secrets.join('\n')}\n`)
    const port = await freePort()
    const origin = `http://localhost:${port}`
    const first = await startNpmDev(['--config', config, '--demo-port', String(port)])
    await first.stop()
    expect(first.output()).toContain(`⚠ ALLOWED_ORIGINS does not allow ${origin}`)
    const command = /^ {4}(npm run dev -- .*)$/m.exec(first.output())?.[1] ?? ''
    expect(command).toContain(`--var ALLOWED_ORIGINS:'["${origin}"]'`)

    const second = await startCommandLine(command, first.url)
    try {
      expect(second.output()).not.toContain('does not allow')
      const login = await fetch(`${second.url}/dev/login`)
      const cookie = (login.headers.get('Set-Cookie') ?? '').split(';')[0]
      const token = await fetch(`${second.url}/token`, { headers: { Origin: origin, Cookie: cookie } })
      expect(token.status, second.output()).toBe(200)
      expect(token.headers.get('Access-Control-Allow-Origin')).toBe(origin)
    } finally {
      await second.stop()
    }
  })
})
