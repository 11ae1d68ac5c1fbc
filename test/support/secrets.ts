/**
 * @module Fake secrets for the test runs: never used outside tests.
 */

/** 44 characters, the length of a real widget security key. */
export const TEST_CONNECT_SECRET = 'TEST-ONLY-connect-widget-security-key-000000'

export const TEST_SESSION_SECRET = 'TEST-ONLY-session-signing-secret-0123456789'
