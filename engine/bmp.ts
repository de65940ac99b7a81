/**
 * BMP decoder: sharp's prebuilt libvips has no BMP loader, and users do drop BMPs.
 * Handles BITMAPINFOHEADER and later headers: 1/4/8-bit palettes, 16/24/32-bit, BI_RGB and BI_BITFIELDS,
 * bottom-up and top-down. RLE and embedded JPEG/PNG are refused with a reason.
 */
import { inputReason } from '../common/i18n/reasons.js';

interface RgbaImage {
  width: number;
  height: number;
  data: Uint8Array; // RGBA, row-major, top row first
}

export function isBmp(buf: Uint8Array): boolean {
  return buf.length >= 2 && buf[0] === 0x42 && buf[1] === 0x4d;
}

export function decodeBmp(buf: Buffer, maxPixels: number): RgbaImage {
  if (buf.length < 26) throw new Error(inputReason('reason.bmpHeaderTruncated'));
  const pixelOffset = buf.readUInt32LE(10);
  const headerSize = buf.readUInt32LE(14);
  if (headerSize < 40) throw new Error(inputReason('reason.bmpHeaderUnsupported', { size: headerSize }));
  if (buf.length < 14 + headerSize) throw new Error(inputReason('reason.bmpHeaderTruncated'));
  const width = buf.readInt32LE(18);
  const rawHeight = buf.readInt32LE(22);
  const bpp = buf.readUInt16LE(28);
  const compression = buf.readUInt32LE(30);
  const topDown = rawHeight < 0;
  const height = Math.abs(rawHeight);
  if (width <= 0 || height === 0) throw new Error(inputReason('reason.bmpSize', { width, height: rawHeight }));
  if (width * height > maxPixels) throw new Error(inputReason('reason.tooManyPixels', { width, height, limit: maxPixels }));
  if (compression !== 0 && compression !== 3 && compression !== 6) {
    throw new Error(inputReason('reason.bmpCompressed', { compression }));
  }
  let masks: [number, number, number, number] | null = null;
  if (compression === 3 || compression === 6) {
    // masks follow a 40-byte header, or sit inside a V4/V5 header
    if (buf.length < 70) throw new Error(inputReason('reason.bmpHeaderTruncated'));
    const m = (i: number) => buf.readUInt32LE(54 + 4 * i);
    masks = [m(0), m(1), m(2), compression === 6 || headerSize >= 56 ? m(3) : 0];
  } else if (bpp === 16) {
    masks = [0x7c00, 0x03e0, 0x001f, 0];
  }
  // 2 bits: Windows CE's palettes, read as the others
  if (![1, 2, 4, 8, 16, 24, 32].includes(bpp)) throw new Error(inputReason('reason.bmpDepth', { depth: bpp }));
  let palette: Uint8Array | null = null;
  if (bpp <= 8) {
    const colours = buf.readUInt32LE(46) || 1 << bpp;
    const start = 14 + headerSize;
    if (start + colours * 4 > buf.length) throw new Error(inputReason('reason.bmpPaletteTruncated'));
    palette = buf.subarray(start, start + colours * 4);
  }
  const stride = Math.ceil((width * bpp) / 32) * 4;
  if (pixelOffset + stride * height > buf.length) throw new Error(inputReason('reason.bmpPixelsTruncated'));

  const out = new Uint8Array(width * height * 4);
  const channel = (v: number, mask: number) => {
    if (!mask) return 255;
    const shift = Math.log2(mask & -mask);
    const max = mask >>> shift;
    return Math.round((((v & mask) >>> shift) / max) * 255);
  };
  for (let y = 0; y < height; y++) {
    const row = pixelOffset + (topDown ? y : height - 1 - y) * stride;
    for (let x = 0; x < width; x++) {
      const o = (y * width + x) * 4;
      if (palette) {
        const bitPos = x * bpp;
        const byte = buf[row + (bitPos >> 3)]!;
        const idx = (byte >> (8 - bpp - (bitPos & 7))) & ((1 << bpp) - 1);
        if (idx * 4 + 2 >= palette.length) throw new Error(inputReason('reason.bmpPaletteIndex'));
        out[o] = palette[idx * 4 + 2]!;
        out[o + 1] = palette[idx * 4 + 1]!;
        out[o + 2] = palette[idx * 4]!;
        out[o + 3] = 255;
      } else if (bpp === 24 || (bpp === 32 && !masks)) {
        const p = row + x * (bpp / 8);
        out[o] = buf[p + 2]!;
        out[o + 1] = buf[p + 1]!;
        out[o + 2] = buf[p]!;
        out[o + 3] = 255; // BI_RGB 32-bit: the fourth byte is unused padding, not alpha
      } else {
        const v = bpp === 16 ? buf.readUInt16LE(row + x * 2) : buf.readUInt32LE(row + x * 4);
        const [r, g, b, a] = masks!;
        out[o] = channel(v, r);
        out[o + 1] = channel(v, g);
        out[o + 2] = channel(v, b);
        out[o + 3] = channel(v, a);
      }
    }
  }
  return { width, height, data: out };
}
