// What test/support/jwks-server.ts provides to the worker tests through `inject()`.
import type { JWK } from 'jose'

declare module 'vitest' {
  export interface ProvidedContext {
    jwksUrl: string
    jwksDownUrl: string
    jwksFetchCountUrl: string
    signingKeys: Record<'RS256' | 'ES256' | 'EdDSA', JWK>
    rsaPublicKeyPem: string
    /** An RSA key pair the JWKS does not hold. */
    strangerRsaKey: JWK
  }
}
