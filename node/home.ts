/**
 * The profile directory ("home"): where one person's node keeps its data.
 *
 *   <home>/musette.json   settings (ports, listen host, mDNS) — nothing personal
 *   <home>/api-token      the local API's bearer token (0600)
 *   <home>/run.json       the running node's pid and API URL (removed on stop)
 *   <home>/vault/         keyring.json (wrapped key), blocks/ (LevelDB, ciphertext), index/ (LevelDB, ciphertext)
 */
import { randomBytes } from 'node:crypto'
import { chmod, mkdir, readFile, rm } from 'node:fs/promises'
import { homedir } from 'node:os'
import { join, resolve } from 'node:path'
import { z } from 'zod'
import { writeFileAtomic } from './vault/node-files.ts'

export const DEFAULT_API_PORT = 7373
export const DEFAULT_P2P_PORT = 7374

export const Config = z
  .object({
    version: z.literal(1).default(1),
    apiPort: z.number().int().min(1).max(65535).default(DEFAULT_API_PORT),
    p2pHost: z.string().min(1).max(100).default('127.0.0.1'),
    p2pPort: z.number().int().min(0).max(65534).default(DEFAULT_P2P_PORT),
    mdns: z.boolean().default(false),
    /** Web origins of other local tools allowed to call the VC-API endpoints (with the token). */
    vcApiOrigins: z.array(z.url().max(200)).max(20).default([]),
    /** Who may ask this person for attestations, and how often. */
    attestations: z
      .object({
        policy: z.enum(['contacts', 'anyone']).default('contacts'),
        perHour: z.number().int().min(1).max(100).default(10)
      })
      .strict()
      .default({ policy: 'contacts', perHour: 10 }),
    /**
     * Anonymous questionnaires: how often a relay publishes the answers it holds (a shuffled batch every
     * `batchSeconds`, ±25 % jitter, and a last one before the closing date). Lower only for tests and demos.
     */
    questionnaires: z
      .object({ batchSeconds: z.number().int().min(1).max(86_400).default(600) })
      .strict()
      .default({ batchSeconds: 600 }),
    /** Automatic encrypted backups (node/backup.ts) into a folder of the person's choosing; off without one. */
    backup: z
      .object({
        folder: z.string().min(1).max(1000).optional(),
        everyHours: z
          .number()
          .int()
          .min(1)
          .max(24 * 30)
          .default(24),
        keep: z.number().int().min(1).max(100).default(7)
      })
      .strict()
      .default({ everyHours: 24, keep: 7 })
  })
  .strict()
export type Config = z.infer<typeof Config>

export const RunInfo = z.object({ pid: z.number().int(), apiUrl: z.string().url(), startedAt: z.string() })
export type RunInfo = z.infer<typeof RunInfo>

export class HomeError extends Error {
  constructor(
    readonly code: 'BAD_CONFIG' | 'BAD_HOME',
    message: string,
    options?: { cause?: unknown }
  ) {
    super(message, options)
    this.name = 'HomeError'
  }
}

/** `--home`, else `MUSETTE_HOME`, else `~/.musette`. */
export function resolveHome(flag?: string, env: NodeJS.ProcessEnv = process.env): string {
  return resolve(flag ?? env.MUSETTE_HOME ?? join(homedir(), '.musette'))
}

export const paths = (home: string) => ({
  home,
  config: join(home, 'musette.json'),
  token: join(home, 'api-token'),
  run: join(home, 'run.json'),
  vault: join(home, 'vault')
})

async function readText(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8')
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw err
  }
}

/** Create the home if needed (0700), with its token and default settings; returns both. */
export async function prepareHome(home: string): Promise<{ config: Config; token: string }> {
  const p = paths(home)
  try {
    await mkdir(home, { recursive: true, mode: 0o700 })
  } catch (err) {
    throw new HomeError('BAD_HOME', `cannot create the profile directory ${home}`, { cause: err })
  }
  let token = (await readText(p.token))?.trim()
  if (!token || !/^[A-Za-z0-9_-]{43}$/.test(token)) {
    token = randomBytes(32).toString('base64url')
    await writeFileAtomic(p.token, new TextEncoder().encode(token + '\n'), 0o600)
  }
  await chmod(p.token, 0o600)
  const raw = await readText(p.config)
  let config: Config
  if (raw === undefined) {
    config = Config.parse({})
    await writeFileAtomic(p.config, new TextEncoder().encode(JSON.stringify(config, null, 2) + '\n'), 0o644)
  } else {
    let json: unknown
    try {
      json = JSON.parse(raw)
    } catch (err) {
      throw new HomeError('BAD_CONFIG', `${p.config} is not valid JSON`, { cause: err })
    }
    const parsed = Config.safeParse(json)
    if (!parsed.success) {
      const issue = parsed.error.issues[0]
      throw new HomeError('BAD_CONFIG', `${p.config}: ${issue?.path.join('.') ?? ''} ${issue?.message ?? ''}`)
    }
    config = parsed.data
  }
  return { config, token }
}

/** Replace the settings file (atomically). */
export async function writeConfig(home: string, config: Config): Promise<void> {
  await writeFileAtomic(
    paths(home).config,
    new TextEncoder().encode(JSON.stringify(config, null, 2) + '\n'),
    0o644
  )
}

export async function readToken(home: string): Promise<string | undefined> {
  return (await readText(paths(home).token))?.trim()
}

export async function readRunInfo(home: string): Promise<RunInfo | undefined> {
  const raw = await readText(paths(home).run)
  if (raw === undefined) return undefined
  try {
    return RunInfo.parse(JSON.parse(raw))
  } catch {
    return undefined
  }
}

export async function writeRunInfo(home: string, info: RunInfo): Promise<void> {
  await writeFileAtomic(paths(home).run, new TextEncoder().encode(JSON.stringify(info) + '\n'), 0o600)
}

export async function removeRunInfo(home: string): Promise<void> {
  await rm(paths(home).run, { force: true })
}

/** Read a passphrase file (`-` for standard input); only a trailing newline is dropped. */
export async function readPassphraseFile(file: string): Promise<string> {
  let text: string
  if (file === '-') {
    const chunks: Buffer[] = []
    for await (const c of process.stdin) chunks.push(c as Buffer)
    text = Buffer.concat(chunks).toString('utf8')
  } else {
    text = await readFile(file, 'utf8')
  }
  return text.replace(/\r?\n$/, '')
}
