/** Small, fast-loading Node helpers of the vault: native scrypt, atomic files, the keyring file. */
import { randomBytes as nodeRandomBytes, scrypt } from 'node:crypto'
import { mkdir, open, readFile, rename, unlink } from 'node:fs/promises'
import { dirname } from 'node:path'
import type { Kdf } from './crypto.ts'
import type { KeyringStore } from './vault.ts'

/** scrypt from node:crypto (OpenSSL): the same function as @noble/hashes' scrypt, ~3× faster. */
export const nodeScrypt: Kdf = (passphrase, params) =>
  new Promise((resolve, reject) => {
    scrypt(
      passphrase.normalize('NFKC'),
      params.salt,
      32,
      { N: params.N, r: params.r, p: params.p, maxmem: 256 * params.N * params.r + 16 * 1024 * 1024 },
      (err, key) => (err ? reject(err) : resolve(new Uint8Array(key)))
    )
  })

/** Write a file so that a crash leaves either the old or the new content: temp file, fsync, rename. */
export async function writeFileAtomic(path: string, bytes: Uint8Array, mode = 0o600): Promise<void> {
  await mkdir(dirname(path), { recursive: true, mode: 0o700 })
  const tmp = `${path}.${nodeRandomBytes(6).toString('hex')}.tmp`
  const fh = await open(tmp, 'w', mode)
  try {
    await fh.writeFile(bytes)
    await fh.sync()
  } finally {
    await fh.close()
  }
  try {
    await rename(tmp, path)
  } catch (err) {
    await unlink(tmp).catch(() => undefined)
    throw err
  }
  const dir = await open(dirname(path), 'r')
  try {
    await dir.sync()
  } finally {
    await dir.close()
  }
}

export function fileKeyring(path: string): KeyringStore {
  return {
    async read() {
      try {
        return new Uint8Array(await readFile(path))
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined
        throw err
      }
    },
    write: (bytes) => writeFileAtomic(path, bytes)
  }
}
