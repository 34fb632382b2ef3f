import { ed25519 } from '@noble/curves/ed25519.js'
import { describe, expect, it } from 'vitest'
import { didKeyFromPublicKey } from '../../credentials/did-key.ts'
import {
  CompanyError,
  companyLink,
  issueMembership,
  keySigner,
  parseCompanyLink,
  pseudonymFor,
  signAnnouncement,
  signCompany,
  verifyAnnouncement,
  verifyCompany
} from './company.ts'
import { openMail, recipientOf, sealMail, signConnect, verifyConnect } from './mail.ts'
import type { AnnouncementBody, CompanyBody } from './schema.ts'

const creatorSecret = ed25519.utils.randomSecretKey()
const creator = didKeyFromPublicKey(ed25519.getPublicKey(creatorSecret))
const memberSecret = ed25519.utils.randomSecretKey()
const memberKey = ed25519.getPublicKey(memberSecret)

const body = (mode: 'open' | 'invite'): CompanyBody => ({
  v: 1,
  name: 'Compagnie des ateliers',
  tags: ['atelier'],
  mode,
  creator,
  created: '2026-11-01T10:00:00.000Z'
})

function code(fn: () => unknown): string {
  try {
    fn()
  } catch (err) {
    if (err instanceof CompanyError) return err.code
    throw err
  }
  return 'OK'
}

describe('companies', () => {
  it('round-trips a signed company through a link and refuses a changed one', async () => {
    const { id, signed } = await signCompany(body('open'), keySigner(creatorSecret))
    expect(id).toMatch(/^c[a-z2-7]{52}$/)
    const link = companyLink(signed, ['/ip4/127.0.0.1/tcp/7374/p2p/12D3KooW'])
    const parsed = parseCompanyLink(link)
    expect(parsed.id).toBe(id)
    expect(parsed.addrs).toEqual(['/ip4/127.0.0.1/tcp/7374/p2p/12D3KooW'])
    expect(code(() => verifyCompany({ ...signed, body: { ...signed.body, name: 'Autre' } }))).toBe(
      'BAD_SIGNATURE'
    )
    expect(code(() => parseCompanyLink('musette:company?c=!!!'))).toBe('MALFORMED')
    expect(code(() => parseCompanyLink('https://exemple.fr'))).toBe('MALFORMED')
  })

  it('derives one stable pseudonym per person and company', () => {
    const seed = new Uint8Array(32).fill(9)
    const a = pseudonymFor(seed, 'c' + 'a'.repeat(52))
    expect(pseudonymFor(seed, 'c' + 'a'.repeat(52)).key).toEqual(a.key)
    expect(pseudonymFor(seed, 'c' + 'b'.repeat(52)).key).not.toEqual(a.key)
    expect(ed25519.getPublicKey(a.secret)).toEqual(a.key)
  })

  it('checks memberships and announcements in an invite-only company', async () => {
    const company = await signCompany(body('invite'), keySigner(creatorSecret))
    const c = { id: company.id, body: company.signed.body }
    const membership = await issueMembership(company.id, memberKey, keySigner(creatorSecret), {
      expires: new Date('2027-01-01T00:00:00Z')
    })
    const announcement = (over: Partial<AnnouncementBody> = {}): AnnouncementBody => ({
      v: 1,
      company: company.id,
      project: crypto.randomUUID(),
      version: 1,
      author: memberKey,
      published: '2026-11-02T10:00:00.000Z',
      content: { title: 'Jardin partagé' },
      membership,
      ...over
    })
    const ok = await signAnnouncement(announcement(), keySigner(memberSecret))
    const now = new Date('2026-11-03T00:00:00Z')
    expect(verifyAnnouncement(ok, c, now).body.content?.title).toBe('Jardin partagé')
    // expired membership
    expect(code(() => verifyAnnouncement(ok, c, new Date('2027-02-01T00:00:00Z')))).toBe('NOT_A_MEMBER')
    // no membership
    const none = await signAnnouncement(announcement({ membership: undefined }), keySigner(memberSecret))
    expect(code(() => verifyAnnouncement(none, c, now))).toBe('NOT_A_MEMBER')
    // a membership issued by someone else than the creator
    const other = ed25519.utils.randomSecretKey()
    const fake = await issueMembership(company.id, memberKey, keySigner(other))
    const faked = await signAnnouncement(announcement({ membership: fake }), keySigner(memberSecret))
    expect(code(() => verifyAnnouncement(faked, c, now))).toBe('NOT_A_MEMBER')
    // another company
    expect(code(() => verifyAnnouncement(ok, { ...c, id: 'c' + 'z'.repeat(52) }, now))).toBe('WRONG_COMPANY')
    // a pseudonymous announcement cannot carry a name; content and withdrawn are exclusive
    await expect(signAnnouncement(announcement({ name: 'Moi' }), keySigner(memberSecret))).rejects.toThrow(
      /name/
    )
    await expect(
      signAnnouncement(announcement({ withdrawn: true }), keySigner(memberSecret))
    ).rejects.toThrow(/withdrawn/)
    // oversized images are refused by the schema
    const big = { mime: 'image/png' as const, data: new Uint8Array(60 * 1024) }
    await expect(
      signAnnouncement(announcement({ content: { title: 'x', images: [big] } }), keySigner(memberSecret))
    ).rejects.toThrow(CompanyError)
  })
})

describe('company mail', () => {
  it('only the recipient key opens a mail; a connect request proves its sender', async () => {
    const company = 'c' + 'm'.repeat(52)
    const author = ed25519.utils.randomSecretKey()
    const authorKey = ed25519.getPublicKey(author)
    const sender = ed25519.utils.randomSecretKey()
    const senderDid = didKeyFromPublicKey(ed25519.getPublicKey(sender))
    const request = await signConnect(
      {
        type: 'connect',
        company,
        slot: `${company}/x/y`,
        from: senderDid,
        name: 'Karim',
        message: 'Nous avons monté le même atelier !',
        addrs: [],
        at: new Date().toISOString()
      },
      keySigner(sender)
    )
    const sealed = sealMail(company, authorKey, request)
    expect(recipientOf(sealed)).toEqual(authorKey)
    expect(new TextDecoder('utf-8', { fatal: false }).decode(sealed)).not.toContain('Karim')
    const opened = openMail(company, author, sealed)
    expect(opened.type).toBe('connect')
    if (opened.type === 'connect') {
      expect(opened.body.message).toBe('Nous avons monté le même atelier !')
      expect(verifyConnect(opened)).toBe(true)
      expect(verifyConnect({ ...opened, body: { ...opened.body, name: 'Autre' } })).toBe(false)
    }
    expect(() => openMail(company, ed25519.utils.randomSecretKey(), sealed)).toThrow(CompanyError)
    expect(() => openMail('c' + 'n'.repeat(52), author, sealed)).toThrow(CompanyError)
    expect(recipientOf(new Uint8Array([1, 2, 3]))).toBeNull()
  })
})
