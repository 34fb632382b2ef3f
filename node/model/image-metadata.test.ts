import exifr from 'exifr'
import { describe, expect, it } from 'vitest'
import { PLAIN_JPEG, PNG, photoWithExif } from '../../tests/fixtures/import/images.ts'
import { planImage } from '../importers/images.ts'
import { stripImageMetadata } from './image-metadata.ts'

/** A PNG with a tEXt chunk ("Location: 47.2, -1.5") inserted before IEND. */
function pngWithText(): Uint8Array {
  const text = new TextEncoder().encode('Location\0' + '47.2, -1.5')
  const chunk = new Uint8Array(12 + text.length)
  const view = new DataView(chunk.buffer)
  view.setUint32(0, text.length)
  chunk.set(new TextEncoder().encode('tEXt'), 4)
  chunk.set(text, 8)
  // the CRC is not checked by the stripper; a real encoder would write it
  const iend = PNG.length - 12
  return new Uint8Array([...PNG.subarray(0, iend), ...chunk, ...PNG.subarray(iend)])
}

describe('stripping metadata from images that leave the vault', () => {
  it('removes the EXIF segment of a JPEG and keeps the picture', async () => {
    const photo = photoWithExif()
    expect(await exifr.gps(photo)).toMatchObject({ latitude: expect.any(Number) })
    const clean = stripImageMetadata(photo, 'image/jpeg')
    expect(Buffer.from(clean).equals(PLAIN_JPEG)).toBe(true)
    expect(await exifr.parse(clean)).toBeUndefined()
    expect((await planImage(clean, 'clean.jpg', 'k', new Map())).data.place).toBeUndefined()
  })

  it('removes text chunks of a PNG', () => {
    const withText = pngWithText()
    expect(new TextDecoder('latin1').decode(withText)).toContain('Location')
    const clean = stripImageMetadata(withText, 'image/png')
    expect(Buffer.from(clean).equals(PNG)).toBe(true)
  })

  it('leaves an image without metadata as it is', () => {
    expect(Buffer.from(stripImageMetadata(PLAIN_JPEG, 'image/jpeg')).equals(PLAIN_JPEG)).toBe(true)
    expect(Buffer.from(stripImageMetadata(PNG, 'image/png')).equals(PNG)).toBe(true)
  })
})
