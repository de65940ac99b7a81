/**
 * How many pixels an image may have before it is refused as a decompression bomb: by how it decodes, not one
 * number for all. A sequential (baseline) JPEG is shrunk while it is decoded (libjpeg's 1/2, 1/4, 1/8 scaling)
 * and a non-interlaced PNG is streamed row by row, so their memory hardly grows with their size: measured
 * here, a 200-megapixel photo (16320x12240, a phone's full-resolution mode) decoded to the base's input in
 * 0.11 s (JPEG, any EXIF orientation) / 0.32 s (PNG) at 95-146 MB peak for the whole process. A progressive
 * JPEG or an interlaced PNG is decoded whole first: 683 MB for the same 200 MP progressive JPEG, 428 MB for a
 * 108 MP interlaced PNG; those, and every other format, keep the 50 MP limit (about 200 MB at worst, with a
 * few decoded at once while training).
 */
export const MAX_PIXELS = 50_000_000;
/** libvips' own default limit (16383 x 16383) */
export const MAX_STREAMED_PIXELS = 268_402_689;

/** The pixel limit for an image with these bytes (its format read from its first bytes, nothing decoded). */
export function pixelLimit(bytes: Uint8Array): number {
  return isSequentialJpeg(bytes) || isNonInterlacedPng(bytes) ? MAX_STREAMED_PIXELS : MAX_PIXELS;
}

/** A JPEG whose frame header (the first SOFn marker) is baseline or extended sequential Huffman: SOF0, SOF1. */
function isSequentialJpeg(b: Uint8Array): boolean {
  if (b.length < 4 || b[0] !== 0xff || b[1] !== 0xd8) return false;
  let i = 2;
  while (i + 4 <= b.length) {
    if (b[i] !== 0xff) return false;
    const marker = b[i + 1]!;
    if (marker === 0xff) {
      i++; // fill byte
      continue;
    }
    // SOF0..SOF15, except DHT (C4), JPG (C8) and DAC (CC), which share the range
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) return marker === 0xc0 || marker === 0xc1;
    if (marker === 0xd9 || marker === 0xda) return false; // end of image, or scan data before any frame header
    if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
      i += 2; // markers without a length
      continue;
    }
    i += 2 + ((b[i + 2]! << 8) | b[i + 3]!);
  }
  return false;
}

/** A PNG whose header chunk says interlace method 0 (none). */
function isNonInterlacedPng(b: Uint8Array): boolean {
  const signature = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
  const ihdr = [0x49, 0x48, 0x44, 0x52];
  return b.length >= 33 && signature.every((v, i) => b[i] === v) && ihdr.every((v, i) => b[12 + i] === v) && b[28] === 0;
}
