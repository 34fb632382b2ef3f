/** An outbox's pending messages as sealed vault records of one internal type (`outbox`, `recoveryout`). */
import type { OutboxStore, Pending } from '../protocols/outbox.ts'
import type { StoredDataMap } from './model/records.ts'
import type { AnyRecord, Vault } from './vault/vault.ts'

export function vaultOutboxStore<M>(
  vault: Vault,
  type: 'outbox' | 'recoveryout',
  now: () => Date
): OutboxStore<M> {
  const find = async (id: string): Promise<AnyRecord | undefined> =>
    (await vault.list(type)).find((r) => (r.data as StoredDataMap['outbox']).messageId === id)
  return {
    list: async () => (await vault.list(type)).map((r) => toPending<M>(r)),
    async put(p) {
      const existing = await find(p.id)
      const data = {
        messageId: p.id,
        to: p.toDid,
        message: p.message as unknown as Record<string, unknown>,
        attempts: p.attempts,
        createdAt: p.createdAt,
        nextAttemptAt: p.nextAttemptAt,
        ...(p.lastError
          ? {
              lastError: { name: p.lastError.name.slice(0, 100), message: p.lastError.message.slice(0, 500) }
            }
          : {})
      }
      if (existing) await vault.update(existing.id, data)
      else await vault.put({ type, data, source: { kind: 'manual', at: now().toISOString() } })
    },
    async delete(id) {
      const existing = await find(id)
      if (existing) await vault.delete(existing.id)
    }
  }
}

function toPending<M>(r: AnyRecord): Pending<M> {
  const d = r.data as StoredDataMap['outbox']
  return {
    id: d.messageId,
    toDid: d.to,
    message: d.message as unknown as M,
    attempts: d.attempts,
    createdAt: d.createdAt,
    nextAttemptAt: d.nextAttemptAt,
    ...(d.lastError ? { lastError: d.lastError } : {})
  }
}
