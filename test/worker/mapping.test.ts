import { describe, expect, it } from 'vitest'
import { mapSessionToContact } from '../../src/attributes'
import { ConfigProblems } from '../../src/config/problems'
import { TokenServiceError } from '../../src/errors'
import { parseMapping } from '../../src/mapping'

function mapOne(rule: Record<string, unknown>, claims: Record<string, unknown>) {
  return mapSessionToContact(claims, parseMapping('CONTACT_MAPPING', [rule]))
}

/** The error `run` throws, which must be an instance of `kind`. */
function thrownBy<E extends Error>(kind: new (...args: never[]) => E, run: () => unknown): E {
  try {
    run()
  } catch (error) {
    if (error instanceof kind) return error
    throw error
  }
  throw new Error(`expected a ${kind.name}`)
}

function refusal(run: () => unknown): TokenServiceError {
  return thrownBy(TokenServiceError, run)
}

describe('parseMapping', () => {
  it('Should read targets, sources, defaults and flags', () => {
    const [rule] = parseMapping('M', [{ to: 'attributes.tier', claim: 'profile.tier', default: 'standard' }])
    expect(rule).toEqual({
      to: 'attributes.tier',
      target: { kind: 'attribute', name: 'tier' },
      source: { kind: 'claim', path: ['profile', 'tier'] },
      fallback: 'standard',
      required: false,
      serializeJson: false,
    })
  })

  it('Should read every kind of target', () => {
    const rules = parseMapping('M', [
      { to: 'customerId', claim: 'crm' },
      { to: 'relatedContactId', claim: 'last' },
      { to: 'segmentAttributes.connect:Subtype', value: 'connect:Guide' },
    ])
    expect(rules.map((rule) => rule.target)).toEqual([
      { kind: 'customerId' },
      { kind: 'relatedContactId' },
      { kind: 'segmentAttribute', name: 'connect:Subtype' },
    ])
  })

  it('Should take a claim path as a list, for claim names with dots', () => {
    const [rule] = parseMapping('M', [{ to: 'attributes.tier', claim: ['https://example.com/claims', 'tier'] }])
    expect(rule.source).toEqual({ kind: 'claim', path: ['https://example.com/claims', 'tier'] })
  })

  it('Should read a literal number or boolean as text', () => {
    const rules = parseMapping('M', [
      { to: 'attributes.version', value: 2 },
      { to: 'attributes.beta', value: true },
    ])
    expect(rules.map((rule) => rule.source)).toEqual([
      { kind: 'literal', value: '2' },
      { kind: 'literal', value: 'true' },
    ])
  })

  it.each([
    [
      [{ to: 'attributes.a', claim: 'a', requried: true }],
      'M[0].requried',
      /is not an option of M\[0\]; did you mean required\?/,
    ],
    [[{ claim: 'a' }], 'M[0].to', /required/],
    [[{ to: 'attributes.a' }], 'M[0]', /exactly one/],
    [[{ to: 'attributes.a', claim: 'a', value: 'b' }], 'M[0]', /exactly one/],
    [[{ to: 'attributes.first name', claim: 'a' }], 'M[0].to', /letters, digits/],
    [[{ to: 'attributes.', claim: 'a' }], 'M[0].to', /letters, digits/],
    [[{ to: 'name', claim: 'a' }], 'M[0].to', /not a widget token field/],
    [[{ to: 'segmentAttributes.', claim: 'a' }], 'M[0].to', /1–128/],
    [[{ to: 'attributes.a', claim: '' }], 'M[0].claim', /dot path/],
    [[{ to: 'attributes.a', claim: 'a..b' }], 'M[0].claim', /dot path/],
    [[{ to: 'attributes.a', value: 'x', default: 'y' }], 'M[0]', /only apply to a `claim`/],
    [[{ to: 'attributes.a', claim: 'a', serialize: 'yaml' }], 'M[0].serialize', /json/],
    [[{ to: 'attributes.a', claim: 'a', required: 'yes' }], 'M[0].required', /true or false/],
    [[{ to: 'attributes.a', value: { nested: 1 } }], 'M[0].value', /string, number or boolean/],
    [[{ to: 'customerId', value: '' }], 'M[0]', /length limits/],
    [[{ to: 'customerId', value: 'x'.repeat(129) }], 'M[0]', /length limits/],
    [
      [
        { to: 'attributes.a', claim: 'a' },
        { to: 'attributes.a', claim: 'b' },
      ],
      'M[1].to',
      /mapped twice/,
    ],
    [{ to: 'attributes.a' }, 'M', /list/],
    [['attributes.a'], 'M[0]', /table/],
  ])('Should refuse %j naming %s', (raw, key, problem) => {
    const problems = new ConfigProblems()
    problems.read(() => parseMapping('M', raw))
    expect(problems.found.map((error) => error.key)).toEqual([key])
    expect(problems.found[0].problem).toMatch(problem)
  })
})

describe('mapSessionToContact', () => {
  it('Should pass strings and turn numbers and booleans into strings', () => {
    const rules = parseMapping('M', [
      { to: 'attributes.name', claim: 'name' },
      { to: 'attributes.age', claim: 'age' },
      { to: 'attributes.premium', claim: 'premium' },
    ])
    const { fields } = mapSessionToContact({ name: 'Jane', age: 45, premium: false }, rules)
    expect(fields.map((field) => field.value)).toEqual(['Jane', '45', 'false'])
  })

  it('Should follow dot paths into nested claims', () => {
    const { fields } = mapOne(
      { to: 'attributes.tier', claim: 'profile.plan.tier' },
      { profile: { plan: { tier: 'gold' } } },
    )
    expect(fields[0].value).toBe('gold')
  })

  it('Should use the default for an absent or null claim, but not for an empty string', () => {
    const rule = { to: 'attributes.tier', claim: 'tier', default: 'standard' }
    expect(mapOne(rule, {}).fields[0].value).toBe('standard')
    expect(mapOne(rule, { tier: null }).fields[0].value).toBe('standard')
    expect(mapOne(rule, { tier: '' }).fields[0].value).toBe('')
  })

  it('Should leave out an absent optional claim, naming it as absent', () => {
    expect(mapOne({ to: 'attributes.email', claim: 'email' }, {})).toEqual({
      fields: [],
      skipped: [],
      absent: ['attributes.email'],
    })
  })

  it('Should not read inherited properties as claims', () => {
    expect(mapOne({ to: 'attributes.x', claim: 'constructor' }, {}).fields).toEqual([])
    expect(mapOne({ to: 'attributes.x', claim: 'name.length' }, { name: 'Jane' }).fields).toEqual([])
  })

  it('Should serialise an object claim as JSON only when the rule says so', () => {
    const claims = { roles: ['agent', 'admin'] }
    expect(mapOne({ to: 'attributes.roles', claim: 'roles', serialize: 'json' }, claims).fields[0].value).toBe(
      '["agent","admin"]',
    )
    expect(mapOne({ to: 'attributes.roles', claim: 'roles' }, claims)).toEqual({
      fields: [],
      skipped: [{ to: 'attributes.roles', reason: 'not_a_scalar' }],
      absent: [],
    })
  })

  it('Should refuse a required claim that is absent, or not a scalar', () => {
    expect(refusal(() => mapOne({ to: 'attributes.id', claim: 'id', required: true }, {})).code).toBe(
      'SESSION_CLAIM_MISSING',
    )
    expect(refusal(() => mapOne({ to: 'attributes.id', claim: 'id', required: true }, { id: {} })).code).toBe(
      'SESSION_CLAIM_INVALID',
    )
    expect(refusal(() => mapOne({ to: 'attributes.id', claim: 'id', required: true }, { id: Number.NaN })).code).toBe(
      'SESSION_CLAIM_INVALID',
    )
  })

  it('Should hold customerId and relatedContactId to their length limits', () => {
    expect(mapOne({ to: 'customerId', claim: 'crm' }, { crm: 'x'.repeat(128) }).fields).toHaveLength(1)
    expect(mapOne({ to: 'customerId', claim: 'crm' }, { crm: 'x'.repeat(129) }).skipped).toEqual([
      { to: 'customerId', reason: 'out_of_range' },
    ])
    expect(mapOne({ to: 'customerId', claim: 'crm' }, { crm: '' }).skipped).toHaveLength(1)
    expect(mapOne({ to: 'relatedContactId', claim: 'c' }, { c: 'x'.repeat(256) }).fields).toHaveLength(1)
    expect(
      refusal(() => mapOne({ to: 'relatedContactId', claim: 'c', required: true }, { c: 'x'.repeat(257) })).code,
    ).toBe('SESSION_CLAIM_INVALID')
  })
})
