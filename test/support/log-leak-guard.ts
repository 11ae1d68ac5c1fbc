/**
 * @module Vitest setup for the worker tests: records every line the code under test logs
 * (console.log/info/warn/error/debug), and after each test file asserts that none holds a
 * secret, 16 or more characters of one, or anything shaped like a JWT (a session cookie or
 * a widget token). Tests that spy on console still pass through this recorder.
 */
import { afterAll, expect, inject } from 'vitest'
import { TEST_CONNECT_SECRET, TEST_SESSION_SECRET } from './secrets'

const lines: string[] = []
for (const level of ['log', 'info', 'warn', 'error', 'debug'] as const) {
  const original = console[level].bind(console)
  console[level] = (...args: unknown[]) => {
    lines.push(args.map((arg) => (typeof arg === 'string' ? arg : JSON.stringify(arg))).join(' '))
    original(...args)
  }
}

/** Any 16 characters of a secret are enough to call it leaked. */
const WINDOW = 16
const JWT_SHAPE = /eyJ[\w-]{8,}\.[\w-]{8,}\./

function secretWindows(): string[] {
  const privateKeys = Object.values(inject('signingKeys')).map((jwk) => String(jwk.d))
  const secrets = [TEST_CONNECT_SECRET, TEST_SESSION_SECRET, ...privateKeys]
  return secrets.flatMap((secret) =>
    Array.from({ length: Math.max(1, secret.length - WINDOW + 1) }, (_, start) => secret.slice(start, start + WINDOW)),
  )
}

afterAll(() => {
  const windows = secretWindows()
  const leaks = lines.filter((line) => JWT_SHAPE.test(line) || windows.some((window) => line.includes(window)))
  expect(leaks, 'log lines holding a secret, a cookie or a token').toEqual([])
})
