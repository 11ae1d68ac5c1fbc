import { describe, expect, it } from 'vitest'
import { placeholderProblems, reservedHostProblem, SAMPLE_VALUES } from '../../src/config/deploy-policy'

describe('The placeholders a deployment refuses', () => {
  it.each([
    'example.com',
    'www.example.com',
    'chat-token.staging.example.org',
    'EXAMPLE.NET',
    '*.example.com',
    'shop.example',
    'site.test',
    'nowhere.invalid',
    'localhost',
    'app.localhost',
    '127.0.0.1',
  ])('Should refuse %s, a name reserved for examples, tests or loopback', (host) => {
    expect(reservedHostProblem(host)).toBeDefined()
  })

  it.each(['www.acme.com', 'example-shop.com', 'myexample.com', 'examples.org', 'test.acme.io'])(
    'Should accept %s, someone’s own name',
    (host) => {
      expect(reservedHostProblem(host)).toBeUndefined()
    },
  )

  it('Should name each route, sample widget id and example URL, per widget too', () => {
    const problems = placeholderProblems(
      {
        SESSION_JWKS_URL: 'https://login.example.com/jwks.json',
        ALLOWED_ORIGINS: '["https://www.acme.com", "http://localhost:8080"]',
        WIDGETS: [
          { NAME: 'support', WIDGET_ID: 'support-widget-id', ALLOWED_ORIGINS: ['https://shop.example'] },
          { NAME: 'sales', WIDGET_ID: 'a1b2-acme-sales' },
        ],
      },
      [{ pattern: 'www.example.com/token', zone_name: 'example.com' }, 'chat.acme.com/token*', 'www.example.org/*'],
    )
    expect(problems.map((problem) => problem.key)).toEqual([
      'routes[0]',
      'routes[2]',
      'SESSION_JWKS_URL',
      'ALLOWED_ORIGINS[1]',
      'WIDGETS[support].WIDGET_ID',
      'WIDGETS[support].ALLOWED_ORIGINS[0]',
    ])
  })

  it('Should know every sample value the repository ships, with where it comes from', () => {
    for (const [name, { values }] of Object.entries(SAMPLE_VALUES)) {
      for (const [value, where] of Object.entries(values)) {
        expect(placeholderProblems({ [name]: value }, [])[0].problem, `${name} = ${value}`).toContain(where)
      }
    }
  })

  it("Should hold a Clerk publishable key's frontend API to the reserved-name rule", () => {
    // pk_live_ and the base64 of "clerk.example.com$"; then of "clerk.acme.com$".
    expect(placeholderProblems({ CLERK_PUBLISHABLE_KEY: 'pk_live_Y2xlcmsuZXhhbXBsZS5jb20k' }, [])).toEqual([
      {
        key: 'CLERK_PUBLISHABLE_KEY',
        problem:
          'names a reserved frontend API: "clerk.example.com" is under example.com, a name reserved for examples: use your Clerk app\'s publishable key',
      },
    ])
    expect(placeholderProblems({ CLERK_PUBLISHABLE_KEY: `pk_live_${btoa('clerk.acme.com$')}` }, [])).toEqual([])
  })
})
