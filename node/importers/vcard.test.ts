import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { DATA_SCHEMAS, type VaultRecord } from '../model/records.ts'
import { ImportFormatError } from './linkedin.ts'
import { planVcard } from './vcard.ts'

const DIR = new URL('../../tests/fixtures/import/vcard/', import.meta.url)
const file = (name: string) => readFileSync(new URL(name, DIR))
const enc = (s: string) => new TextEncoder().encode(s)

function thrown(f: () => unknown): ImportFormatError {
  try {
    f()
  } catch (e) {
    expect(e).toBeInstanceOf(ImportFormatError)
    return e as ImportFormatError
  }
  throw new Error('did not throw')
}

describe('planVcard', () => {
  it('reads Apple Contacts 3.0 (grouped items, pref types, folded photo, escaped note)', () => {
    const { items, warnings } = planVcard(file('apple-contacts.vcf'), [], { file: 'apple.vcf' })
    expect(warnings).toEqual([])
    expect(items.map((i) => i.key)).toEqual(['card.1', 'card.20'])
    for (const i of items) expect(DATA_SCHEMAS.contact.safeParse(i.data).success).toBe(true)
    const karim = items[0]!.data
    expect(karim).toMatchObject({
      name: 'Karim Benali',
      organisation: 'Studio Écume',
      role: 'Directeur artistique',
      email: 'karim@ecume.fr',
      phone: '+33 6 12 34 56 78',
      circles: []
    })
    expect(karim.notes).toContain('Rencontré au Repair Café, atelier du samedi.\nAime le design sobre.')
    expect(karim.notes).toContain('Email: karim.benali@example.org')
    expect(karim.notes).toContain('Address: 12 rue de la Verrerie, Nantes, 44000, France')
    expect(karim.notes).toContain('Web: https://ecume.studio')
    expect(karim.notes).toContain('Birthday: 1985-04-12')
    expect(karim.notes).not.toContain('9j/4AAQ')
    expect(items[1]!.data).toMatchObject({ name: 'Zoé Lefèvre', phone: '02 40 00 00 00' })
  })

  it('reads Google 3.0 and 4.0 cards (tel: URIs, PREF=1, escaped commas)', () => {
    const { items } = planVcard(file('google-contacts.vcf'))
    expect(items[0]!.data).toMatchObject({
      name: 'Sophie Martin',
      organisation: 'Coopérative Ouest, SCOP',
      email: 'sophie.martin@coop-ouest.fr',
      phone: '+33 7 98 76 54 32'
    })
    expect(items[1]!.data).toMatchObject({
      name: 'Inès Durand',
      email: 'ines.durand@example.com',
      phone: '+33-6-11-22-33-44',
      role: 'Maîtresse de conférences'
    })
    expect(items[1]!.data.notes).toContain('Jury du mémoire; très exigeante.')
  })

  it('suggests a merge for a contact already in the vault (same email or name)', () => {
    const existing = [
      {
        id: 'a'.repeat(26),
        type: 'contact',
        data: { name: 'S. Martin', email: 'Sophie.Martin@coop-ouest.fr', circles: [] }
      },
      { id: 'b'.repeat(26), type: 'contact', data: { name: 'ines durand', circles: [] } }
    ] as unknown as VaultRecord[]
    const { items } = planVcard(file('google-contacts.vcf'), existing)
    expect(items.map((i) => i.duplicateOf)).toEqual(['a'.repeat(26), 'b'.repeat(26)])
  })

  it('names the file and line of a truncated or malformed card, and of a file of another kind', () => {
    const apple = file('apple-contacts.vcf').toString()
    const truncated = apple.slice(0, apple.lastIndexOf('END:VCARD'))
    expect(thrown(() => planVcard(enc(truncated), [], { file: 'a.vcf' })).message).toBe(
      'a.vcf, line 20: the card is not closed (truncated file?)'
    )
    const noVersion = 'BEGIN:VCARD\nFN:X\nEND:VCARD\n'
    expect(thrown(() => planVcard(enc(noVersion), [], { file: 'b.vcf' })).message).toBe(
      'b.vcf, line 1: VERSION: expected 3.0 or 4.0, found none'
    )
    const broken = 'BEGIN:VCARD\nVERSION:3.0\nFN:X\nthis line has no colon\nEND:VCARD\n'
    expect(thrown(() => planVcard(enc(broken), [], { file: 'c.vcf' })).message).toMatch(
      /^c\.vcf, line 1: malformed vCard/
    )
    const csv = thrown(() => planVcard(enc('Name,Email\nX,x@y.z\n'), [], { file: 'd.vcf' }))
    expect(csv.code).toBe('NOT_THIS_KIND')
    expect(csv.message).toBe('d.vcf, line 1: not a vCard (text outside BEGIN:VCARD … END:VCARD)')
  })
})
