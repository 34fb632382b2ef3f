/**
 * The printable CV of a composition: its items as the preview shows them (blurred ones blurred, hidden ones
 * absent), grouped for a one-page résumé, each with its origin. A peer attestation whose claim names an
 * experience or a skill of the CV is told on that line ("attestée par 2 personnes"); the others, and
 * credentials from organisations, get lines of their own.
 */
import type { CompositionPreview, PreviewEntry, PrintedCv } from '$lib/api'
import { normName } from '$lib/attest'
import { credentialName, fileSlug, issuerOf } from './present'

export interface CvAttester {
  did: string
  name?: string
}

export interface CvLine {
  item: PreviewEntry
  /** experiences and skills: the people whose attestations in the CV name this claim */
  attesters: CvAttester[]
}

export interface CvCredentialLine {
  item: PreviewEntry
  name: string
  issuer: CvAttester
}

export interface CvSections {
  experiences: CvLine[]
  skills: CvLine[]
  /** credentials that name no experience or skill of the CV, and those from organisations */
  credentials: CvCredentialLine[]
  /** about how many full-width lines of print it takes: the layout tightens as they grow */
  lines: number
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined)

function claimName(item: PreviewEntry): string {
  if (item.type === 'experience') return str(item.view.title) ?? item.label
  if (item.type === 'skill') return str(item.view.name) ?? item.label
  return credentialName(item.view)
}

export function cvSections(preview: CompositionPreview): CvSections {
  const claims = new Set(
    preview.items.filter((i) => i.type !== 'credential').map((i) => normName(claimName(i)))
  )
  const byClaim = new Map<string, CvAttester[]>()
  const credentials: CvCredentialLine[] = []
  for (const item of preview.items) {
    if (item.type !== 'credential') continue
    const iss = issuerOf(item.view)
    const issuer: CvAttester = { did: iss.id, ...(iss.name ? { name: iss.name } : {}) }
    const name = credentialName(item.view)
    const key = normName(name)
    if (item.origin === 'peer-attested' && claims.has(key)) {
      const list = byClaim.get(key) ?? []
      if (!list.some((a) => a.did === issuer.did)) list.push(issuer)
      byClaim.set(key, list)
    } else {
      credentials.push({ item, name, issuer })
    }
  }
  const line = (item: PreviewEntry): CvLine => ({
    item,
    attesters: byClaim.get(normName(claimName(item))) ?? []
  })
  const experiences = preview.items.filter((i) => i.type === 'experience').map(line)
  const skills = preview.items.filter((i) => i.type === 'skill').map(line)
  // an experience: its title and its organisation lines, then its description (~130 characters a line);
  // a skill: half a line (two columns), then its description at half the width
  const desc = (l: CvLine, width: number) => Math.ceil((str(l.item.view.description)?.length ?? 0) / width)
  const lines =
    experiences.reduce((n, l) => n + 2 + desc(l, 130), 0) +
    skills.reduce((n, l) => n + 0.5 + desc(l, 65), 0) +
    credentials.length
  return { experiences, skills, credentials, lines }
}

/** What one A4 page holds at each density (measured on Chromium's print of the demo profiles). */
export const CV_PAGE_LINES = { roomy: 30, dense: 40, denser: 50 } as const

/** How tight the printed page must be for this many lines to fit on one A4 sheet. */
export function cvDensity(lines: number): 'roomy' | 'dense' | 'denser' {
  if (lines > CV_PAGE_LINES.dense) return 'denser'
  if (lines > CV_PAGE_LINES.roomy) return 'dense'
  return 'roomy'
}

/** The file name of the signed presentation that goes with the printed CV. */
export function cvFileName(name: string): string {
  return `cv-${fileSlug(name)}.json`
}

/**
 * A CV signed in this tab is kept for this tab only (sessionStorage), so that reloading the page does not
 * sign, and log, another presentation. It is dropped when the composition changed or the share was withdrawn.
 */
const CACHE_PREFIX = 'musette.cv.'

export function cachedCv(id: string, version: number): PrintedCv | null {
  try {
    const raw = sessionStorage.getItem(CACHE_PREFIX + id)
    if (!raw) return null
    const saved = JSON.parse(raw) as { version?: unknown; cv?: PrintedCv }
    return saved.version === version && saved.cv ? saved.cv : null
  } catch {
    return null
  }
}

export function keepCv(id: string, version: number, cv: PrintedCv | null): void {
  try {
    if (cv) sessionStorage.setItem(CACHE_PREFIX + id, JSON.stringify({ version, cv }))
    else sessionStorage.removeItem(CACHE_PREFIX + id)
  } catch {
    // not kept: a reload signs a new one
  }
}
