/**
 * @module An HTTPS proxy on loopback that plays one real host, so that a README command naming
 * that host (`curl "https://api.cloudflare.com/…"`) runs as written against a stand-in: curl
 * reaches it through `https_proxy`, asks to `CONNECT` to the host, and this proxy answers the
 * TLS itself, with a certificate for that name made now by openssl, which `CURL_CA_BUNDLE`
 * tells curl to trust. Any other host is refused.
 */
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import { createServer as createHttpsServer } from 'node:https'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

export interface HttpsProxy {
  /** The env that sends curl here and has it trust the certificate. */
  env: Record<string, string>
  close(): Promise<void>
}

export async function startHttpsProxy(
  host: string,
  handle: (request: IncomingMessage, response: ServerResponse) => void,
): Promise<HttpsProxy> {
  const dir = mkdtempSync(join(tmpdir(), 'cwt-proxy-'))
  const [key, cert] = [join(dir, 'key.pem'), join(dir, 'cert.pem')]
  execFileSync(
    'openssl',
    [
      ...['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-days', '2'],
      ...['-keyout', key, '-out', cert, '-subj', `/CN=${host}`, '-addext', `subjectAltName=DNS:${host}`],
    ],
    { stdio: 'ignore' },
  )
  const tls = createHttpsServer({ key: readFileSync(key), cert: readFileSync(cert) }, handle)
  const proxy = createServer((_, response) => response.writeHead(405).end())
  proxy.on('connect', (request, socket) => {
    if (request.url !== `${host}:443`) return socket.end('HTTP/1.1 403 Forbidden\r\n\r\n')
    socket.write('HTTP/1.1 200 Connection Established\r\n\r\n')
    tls.emit('connection', socket)
  })
  await new Promise<void>((listening) => proxy.listen(0, '127.0.0.1', listening))
  const { port } = proxy.address() as AddressInfo
  const url = `http://127.0.0.1:${port}`
  return {
    env: { https_proxy: url, HTTPS_PROXY: url, CURL_CA_BUNDLE: cert, no_proxy: '', NO_PROXY: '' },
    close: async () => {
      proxy.closeAllConnections()
      await new Promise((closed) => proxy.close(closed))
      rmSync(dir, { recursive: true, force: true })
    },
  }
}
