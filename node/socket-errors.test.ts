import { describe, expect, it } from 'vitest'
import { isPeerSocketError } from './socket-errors.ts'

describe('isPeerSocketError', () => {
  it('tolerates a refused or dropped connection to a peer, nothing else', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:4001'), {
      code: 'ECONNREFUSED',
      syscall: 'connect'
    })
    expect(isPeerSocketError(refused)).toBe(true)
    expect(isPeerSocketError(Object.assign(new Error('x'), { code: 'ECONNRESET', syscall: 'read' }))).toBe(
      true
    )
    expect(isPeerSocketError(new TypeError('undefined is not a function'))).toBe(false)
    expect(isPeerSocketError(Object.assign(new Error('x'), { code: 'EACCES', syscall: 'listen' }))).toBe(
      false
    )
    expect(isPeerSocketError(Object.assign(new Error('x'), { code: 'ECONNREFUSED' }))).toBe(false)
    expect(isPeerSocketError(null)).toBe(false)
  })
})
