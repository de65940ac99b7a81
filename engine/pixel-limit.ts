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
import { jpegFrame } from './small-jpeg.js';

export const MAX_PIXELS = 50_000_000;
/** libvips' own default limit (16383 x 16383) */
export const MAX_STREAMED_PIXELS = 268_402_689;

/** The pixel limit for an image with these bytes (its format read from its first bytes, nothing decoded). */
export function pixelLimit(bytes: Uint8Array): number {
  return isSequentialJpeg(bytes) || isNonInterlacedPng(bytes) ? MAX_STREAMED_PIXELS : MAX_PIXELS;
}

/**
 * A JPEG that libjpeg decodes in one pass, scaled as it goes: sequential (SOF0, SOF1) with every component in
 * its first scan. A sequential file whose scans each hold fewer components (jpegtran -scans makes them) is
 * buffered whole like a progressive one: measured by review, 1.56 GB for 16000x16000.
 */
function isSequentialJpeg(b: Uint8Array): boolean {
  const frame = jpegFrame(b);
  return frame !== null && !frame.progressive && frame.firstScanComponents === frame.components;
}

/** A PNG whose header chunk says interlace method 0 (none). */
function isNonInterlacedPng(b: Uint8Array): boolean {
  const signature = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
  const ihdr = [0x49, 0x48, 0x44, 0x52];
  return b.length >= 33 && signature.every((v, i) => b[i] === v) && ihdr.every((v, i) => b[12 + i] === v) && b[28] === 0;
}
