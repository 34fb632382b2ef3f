import { api, ApiError } from './api'

export type Phase = 'loading' | 'no-token' | 'offline' | 'first' | 'locked' | 'ready'

const TOKEN_KEY = 'musette.token'
const TOKEN_RE = /^[A-Za-z0-9_-]{20,200}$/

/** Takes the token from `#token=…` (then removes it from the address bar) or from localStorage. */
function readToken(): string | null {
  const hash = location.hash.startsWith('#') ? location.hash.slice(1) : ''
  const fromHash = new URLSearchParams(hash).get('token')
  if (fromHash && TOKEN_RE.test(fromHash)) {
    try {
      localStorage.setItem(TOKEN_KEY, fromHash)
    } catch {
      // kept in memory only
    }
    history.replaceState(history.state, '', location.pathname + location.search)
    return fromHash
  }
  try {
    const saved = localStorage.getItem(TOKEN_KEY)
    return saved && TOKEN_RE.test(saved) ? saved : null
  } catch {
    return null
  }
}

/** Where the user stands: which gate to show, and who they are once the vault is open. */
class SessionState {
  phase = $state<Phase>('loading')
  /** True when a saved token was refused (so the no-token page can say why). */
  tokenRejected = $state(false)
  name = $state<string | undefined>(undefined)
  did = $state<string | undefined>(undefined)
  peerId = $state<string | undefined>(undefined)

  constructor() {
    api.onAuthError = (e) => this.onAuthError(e)
  }

  private onAuthError(e: ApiError): void {
    if (e.code === 'UNAUTHORIZED') {
      this.forgetToken()
      this.tokenRejected = true
      this.phase = 'no-token'
    } else if (e.code === 'LOCKED' && this.phase === 'ready') {
      this.phase = 'locked'
    }
  }

  forgetToken(): void {
    api.token = null
    try {
      localStorage.removeItem(TOKEN_KEY)
    } catch {
      // nothing stored
    }
  }

  async init(): Promise<void> {
    const token = readToken()
    if (!token) {
      this.phase = 'no-token'
      return
    }
    api.token = token
    await this.refresh()
  }

  /** Asks the node where we stand. */
  async refresh(): Promise<void> {
    try {
      const s = await api.session()
      this.name = s.name
      this.did = s.did
      this.peerId = s.peerId
      this.phase = !s.initialized ? 'first' : s.locked ? 'locked' : 'ready'
    } catch (e) {
      if (e instanceof ApiError && e.code === 'UNAUTHORIZED') return // handled by the hook
      this.phase = 'offline'
    }
  }

  async create(name: string, passphrase: string): Promise<void> {
    const r = await api.createIdentity(name, passphrase)
    this.name = name
    this.did = r.did
    this.peerId = r.peerId
    this.phase = 'ready'
  }

  async unlock(passphrase: string): Promise<void> {
    const r = await api.unlock(passphrase)
    this.name = r.name
    this.did = r.did
    this.peerId = r.peerId
    this.phase = 'ready'
  }

  async lock(): Promise<void> {
    try {
      await api.lock()
    } catch (e) {
      if (!(e instanceof ApiError) || e.code !== 'LOCKED') throw e
    }
    this.phase = 'locked'
  }

  /** The node says it was locked (from another tab, the CLI…). */
  lockedElsewhere(): void {
    if (this.phase === 'ready') this.phase = 'locked'
  }
}

export const session = new SessionState()
