/**
 * Images onto the time-line (issue 7, item 1): one image file at a time into a preview batch, its type from
 * its bytes (PNG, JPEG, WebP, GIF), refused whole when truncated, its date (EXIF DateTimeOriginal, else
 * CreateDate) and place (EXIF GPS, as "latitude, longitude": no reverse geocoding, nothing leaves the
 * machine) read with exifr. A picture the vault already holds (same SHA-256 of its bytes) is flagged
 * `duplicateOf`. See docs/IMPORT.md.
 */
import { sha256 } from '@noble/hashes/sha2.js'
import { bytesToHex } from '@noble/hashes/utils.js'
import exifr from 'exifr'
import { MAX_MEDIA_BYTES, MEDIA_TYPES, type RecordDataMap } from '../model/records.ts'
import { ImportFormatError } from './linkedin.ts'

/** Images in one preview batch, and their total size. */
export const MAX_IMAGES = 200
export const MAX_BATCH_BYTES = 200 * 1024 * 1024

type Mime = (typeof MEDIA_TYPES)[number]

export interface ImageItem {
  key: string
  type: 'media'
  data: Omit<RecordDataMap['media'], 'blob' | 'size'> & { size: number }
  label: string
  duplicateOf?: string
  /** The image itself (kept by the node until the import; never sent back in the preview). */
  bytes: Uint8Array
  sha256: string
}

export const sha256Hex = (b: Uint8Array): string => bytesToHex(sha256(b))

/** The image type its first bytes say, if it is one we keep. */
export function imageType(b: Uint8Array): Mime | undefined {
  const starts = (...sig: number[]) => sig.every((v, i) => b[i] === v)
  if (starts(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a)) return 'image/png'
  if (starts(0xff, 0xd8, 0xff)) return 'image/jpeg'
  if (starts(0x47, 0x49, 0x46, 0x38)) return 'image/gif'
  if (starts(0x52, 0x49, 0x46, 0x46) && b[8] === 0x57 && b[9] === 0x45 && b[10] === 0x42 && b[11] === 0x50)
    return 'image/webp'
  return undefined
}

/** What a file that is not one of ours probably is, to say so. */
function otherKind(b: Uint8Array): string {
  const ascii = new TextDecoder('latin1').decode(b.subarray(0, 12))
  if (ascii.slice(4, 12).startsWith('ftypheic') || ascii.slice(4, 12).startsWith('ftypmif1'))
    return 'a HEIC image (export it as JPEG first)'
  if (ascii.startsWith('%PDF')) return 'a PDF'
  if (b[0] === 0x49 && b[1] === 0x49) return 'a TIFF image'
  return 'not a PNG, JPEG, WebP or GIF image'
}

/** Whether the file ends as its format says it must (a cut download does not). */
function complete(b: Uint8Array, mime: Mime): boolean {
  const n = b.length
  switch (mime) {
    case 'image/jpeg': {
      // EOI (FF D9), allowing a little padding after it
      for (let i = n - 2; i >= Math.max(0, n - 1024); i--) if (b[i] === 0xff && b[i + 1] === 0xd9) return true
      return false
    }
    case 'image/png': {
      // the IEND chunk: length 0, "IEND", CRC AE 42 60 82
      const tail = [0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82]
      return n >= 12 && tail.every((v, i) => b[n - 8 + i] === v)
    }
    case 'image/gif':
      return b[n - 1] === 0x3b
    case 'image/webp':
      // RIFF size + 8 bytes of header = the file
      return n >= 12 && new DataView(b.buffer, b.byteOffset, n).getUint32(4, true) + 8 === n
  }
}

const pad = (n: number) => String(n).padStart(2, '0')

/** A date as EXIF gives it (a Date in the camera's local time, or a string) → YYYY-MM-DD. */
function exifDate(v: unknown): string | undefined {
  if (v instanceof Date && !Number.isNaN(v.getTime())) {
    const y = v.getFullYear()
    if (y < 1900 || y > 2100) return undefined
    return `${y}-${pad(v.getMonth() + 1)}-${pad(v.getDate())}`
  }
  if (typeof v === 'string') {
    const m = /^(\d{4})[:-](\d{2})[:-](\d{2})/.exec(v)
    if (m && m[2] !== '00' && m[3] !== '00') return `${m[1]}-${m[2]}-${m[3]}`
  }
  return undefined
}

/** Read one image of a batch: its type, completeness, EXIF date and place. */
export async function planImage(
  bytes: Uint8Array,
  file: string,
  key: string,
  existing: ReadonlyMap<string, string>
): Promise<ImageItem> {
  if (bytes.length === 0) throw new ImportFormatError(file, 'the file is empty')
  if (bytes.length > MAX_MEDIA_BYTES)
    throw new ImportFormatError(
      file,
      `${bytes.length} bytes, over ${MAX_MEDIA_BYTES} for an image`,
      'TOO_LARGE'
    )
  const mime = imageType(bytes)
  if (!mime) throw new ImportFormatError(file, otherKind(bytes), 'NOT_THIS_KIND')
  if (!complete(bytes, mime)) throw new ImportFormatError(file, `the ${mime} image is cut short (truncated)`)
  let exif: Record<string, unknown> | undefined
  try {
    exif = (await exifr.parse(bytes, {
      pick: [
        'DateTimeOriginal',
        'CreateDate',
        'ImageDescription',
        'GPSLatitude',
        'GPSLongitude',
        'GPSLatitudeRef',
        'GPSLongitudeRef'
      ],
      gps: true
    })) as Record<string, unknown> | undefined
  } catch (err) {
    throw new ImportFormatError(file, `its EXIF metadata cannot be read (${(err as Error).message})`)
  }
  const date = exifDate(exif?.DateTimeOriginal) ?? exifDate(exif?.CreateDate)
  const lat = exif?.latitude
  const lon = exif?.longitude
  const place =
    typeof lat === 'number' && typeof lon === 'number' && Math.abs(lat) <= 90 && Math.abs(lon) <= 180
      ? `${lat.toFixed(5)}, ${lon.toFixed(5)}`
      : undefined
  const description = typeof exif?.ImageDescription === 'string' ? exif.ImageDescription.trim() : ''
  const name = file.replace(/^.*[\\/]/, '').slice(0, 200) || 'image'
  const sha256 = sha256Hex(bytes)
  return {
    key,
    type: 'media',
    data: {
      name,
      mime,
      size: bytes.length,
      ...(date ? { date } : {}),
      ...(place ? { place } : {}),
      ...(description ? { caption: description.slice(0, 2000) } : {})
    },
    label: [name, date, place].filter(Boolean).join(' · '),
    ...(existing.has(sha256) ? { duplicateOf: existing.get(sha256) } : {}),
    bytes,
    sha256
  }
}
