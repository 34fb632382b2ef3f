/**
 * Strip what a picture says about where and when it was taken (EXIF: GPS, date, camera; XMP; IPTC;
 * comments) before it leaves the vault — a project published to a company, for instance. The vault keeps
 * the original: the person's own copy, whose date and place the importer read.
 *
 * Segment by segment, nothing decoded or re-encoded: JPEG loses its APP1 (EXIF, XMP), APP13 (IPTC) and COM
 * segments; PNG its eXIf, tEXt, zTXt, iTXt and tIME chunks; WebP its EXIF and XMP chunks (and their flags).
 * Pure module (browser-safe).
 */
import { concatBytes } from '@noble/hashes/utils.js'

function jpeg(b: Uint8Array): Uint8Array {
  const out: Uint8Array[] = [b.subarray(0, 2)]
  let i = 2
  while (i + 4 <= b.length && b[i] === 0xff) {
    const marker = b[i + 1]!
    // start of scan: the image data follows, to the end
    if (marker === 0xda) break
    const len = (b[i + 2]! << 8) | b[i + 3]!
    const end = i + 2 + len
    if (len < 2 || end > b.length) break
    const drop = marker === 0xe1 || marker === 0xed || marker === 0xfe
    if (!drop) out.push(b.subarray(i, end))
    i = end
  }
  out.push(b.subarray(i))
  return concatBytes(...out)
}

const PNG_DROP = new Set(['eXIf', 'tEXt', 'zTXt', 'iTXt', 'tIME'])

function png(b: Uint8Array): Uint8Array {
  const out: Uint8Array[] = [b.subarray(0, 8)]
  const view = new DataView(b.buffer, b.byteOffset, b.byteLength)
  let i = 8
  while (i + 12 <= b.length) {
    const len = view.getUint32(i)
    const type = String.fromCharCode(b[i + 4]!, b[i + 5]!, b[i + 6]!, b[i + 7]!)
    const end = i + 12 + len
    if (end > b.length) break
    if (!PNG_DROP.has(type)) out.push(b.subarray(i, end))
    i = end
  }
  if (i < b.length) out.push(b.subarray(i))
  return concatBytes(...out)
}

function webp(b: Uint8Array): Uint8Array {
  const out: Uint8Array[] = []
  let i = 12
  while (i + 8 <= b.length) {
    const type = String.fromCharCode(b[i]!, b[i + 1]!, b[i + 2]!, b[i + 3]!)
    const len = new DataView(b.buffer, b.byteOffset + i + 4, 4).getUint32(0, true)
    const end = i + 8 + len + (len % 2)
    if (end > b.length) {
      out.push(b.subarray(i))
      break
    }
    if (type === 'VP8X') {
      const chunk = b.slice(i, end)
      chunk[8] = chunk[8]! & ~0x0c // no EXIF (0x08) nor XMP (0x04) any more
      out.push(chunk)
    } else if (type !== 'EXIF' && type !== 'XMP ') out.push(b.subarray(i, end))
    i = end
  }
  const body = concatBytes(...out)
  const head = b.slice(0, 12)
  new DataView(head.buffer).setUint32(4, body.length + 4, true)
  return concatBytes(head, body)
}

/** The image without its metadata (the same bytes for a type we do not touch). */
export function stripImageMetadata(bytes: Uint8Array, mime: string): Uint8Array {
  switch (mime) {
    case 'image/jpeg':
      return jpeg(bytes)
    case 'image/png':
      return png(bytes)
    case 'image/webp':
      return webp(bytes)
    default:
      return bytes
  }
}
