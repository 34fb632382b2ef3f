/** The vault's stores on a Node.js disk: LevelDB blockstore and datastore, and the keyring file. */
import { mkdir } from 'node:fs/promises'
import { join } from 'node:path'
import { LevelBlockstore } from 'blockstore-level'
import { LevelDatastore } from 'datastore-level'
import { fileKeyring } from './node-files.ts'
import type { VaultStores } from './vault.ts'

export interface OpenStores extends VaultStores {
  close(): Promise<void>
}

/** Open the vault's stores under `dir` (`blocks/`, `index/`, `keyring.json`). */
export async function openNodeStores(dir: string): Promise<OpenStores> {
  await mkdir(dir, { recursive: true, mode: 0o700 })
  const blocks = new LevelBlockstore(join(dir, 'blocks'))
  const index = new LevelDatastore(join(dir, 'index'))
  await blocks.open()
  try {
    await index.open()
  } catch (err) {
    await blocks.close()
    throw err
  }
  return {
    blocks,
    index,
    keyring: fileKeyring(join(dir, 'keyring.json')),
    async close() {
      await Promise.allSettled([blocks.close(), index.close()])
    }
  }
}
