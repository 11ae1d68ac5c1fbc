import { getPublicSuffix } from 'tldts'
import { describe, expect, it } from 'vitest'
import { isPublicSuffix, MULTI_LABEL_PUBLIC_SUFFIXES } from '../../src/public-suffixes'

/**
 * The suffixes refused for wildcard origins, held to the Public Suffix List (tldts bundles it):
 * a name under `domain` has `domain` as its public suffix, or a name under it (`*.sch.uk`).
 */
const inList = (domain: string) => {
  const suffix = getPublicSuffix(`x.${domain}`, { allowPrivateDomains: true }) ?? ''
  return suffix === domain || suffix.endsWith(`.${domain}`)
}

describe('The public suffixes refused for wildcard origins', () => {
  it.each([...MULTI_LABEL_PUBLIC_SUFFIXES])('Should list %s as the Public Suffix List does', (suffix) => {
    expect(inList(suffix)).toBe(true)
  })

  it.each([
    's3.eu-west-1.amazonaws.com',
    's3-website.us-east-1.amazonaws.com',
    'execute-api.ap-southeast-2.amazonaws.com',
    'eu-west-1.compute.amazonaws.com',
    'lambda-url.us-east-1.on.aws',
    'us-east-1.elasticbeanstalk.com',
  ])("Should refuse Amazon's shared %s, a suffix in the list", (suffix) => {
    expect(inList(suffix)).toBe(true)
    expect(isPublicSuffix(suffix)).toBe(true)
  })

  it.each(['example.com', 'shop.example.co.uk', 'team.github.io'])('Should leave %s to its owner', (domain) => {
    expect(isPublicSuffix(domain)).toBe(false)
  })
})
