import { describe, expect, it } from 'vitest'
import { ImportFormatError } from './linkedin.ts'
import { imageType, planImage, sha256Hex } from './images.ts'
import { PLAIN_JPEG, PNG, photoWithExif } from '../../tests/fixtures/import/images.ts'

function thrown(p: Promise<unknown>): Promise<ImportFormatError> {
  return p.then(
    () => {
      throw new Error('did not throw')
    },
    (e: unknown) => {
      expect(e).toBeInstanceOf(ImportFormatError)
      return e as ImportFormatError
    }
  )
}

describe('images with their EXIF date and place', () => {
  it('reads the date, the place and the description of a camera JPEG', async () => {
    const item = await planImage(photoWithExif(), 'DCIM/IMG_2041.JPG', 'image.0', new Map())
    expect(item.data).toEqual({
      name: 'IMG_2041.JPG',
      mime: 'image/jpeg',
      size: photoWithExif().length,
      date: '2019-06-14',
      place: '47.21817, -1.55400',
      caption: 'Repair café, Nantes'
    })
    expect(item.label).toBe('IMG_2041.JPG · 2019-06-14 · 47.21817, -1.55400')
    expect(item.duplicateOf).toBeUndefined()
  })

  it('takes images without metadata as they are, and flags one the vault already holds', async () => {
    const png = await planImage(PNG, 'pixel.png', 'image.1', new Map())
    expect(png.data).toEqual({ name: 'pixel.png', mime: 'image/png', size: PNG.length })
    const again = await planImage(
      PLAIN_JPEG,
      'copy.jpg',
      'image.2',
      new Map([[sha256Hex(PLAIN_JPEG), 'abc']])
    )
    expect(again.duplicateOf).toBe('abc')
  })

  it('refuses a truncated image, a renamed text file, a HEIC and an empty file, naming the file', async () => {
    const cut = await thrown(planImage(photoWithExif().subarray(0, 300), 'cut.jpg', 'k', new Map()))
    expect(cut.message).toBe('cut.jpg: the image/jpeg image is cut short (truncated)')
    expect((await thrown(planImage(PNG.subarray(0, PNG.length - 4), 'cut.png', 'k', new Map()))).where).toBe(
      'cut.png'
    )
    const text = await thrown(planImage(Buffer.from('BEGIN:VCARD\r\n'), 'photo.jpg', 'k', new Map()))
    expect(text.code).toBe('NOT_THIS_KIND')
    expect(text.message).toBe('photo.jpg: not a PNG, JPEG, WebP or GIF image')
    const heic = Buffer.concat([Buffer.from([0, 0, 0, 0x18]), Buffer.from('ftypheic'), Buffer.alloc(32)])
    expect((await thrown(planImage(heic, 'IMG_1.HEIC', 'k', new Map()))).message).toMatch(/HEIC/)
    expect((await thrown(planImage(Buffer.alloc(0), 'empty.jpg', 'k', new Map()))).message).toMatch(/empty/)
    expect(imageType(PNG)).toBe('image/png')
  })
})
