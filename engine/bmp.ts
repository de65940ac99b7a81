/**
 * BMP decoder: sharp's prebuilt libvips has no BMP loader, and users do drop BMPs.
 * Handles BITMAPINFOHEADER and later headers: 1/4/8-bit palettes, 16/24/32-bit, BI_RGB and BI_BITFIELDS,
 * bottom-up and top-down, and run-length encoded 8 and 4-bit ones (BI_RLE8, BI_RLE4: what Windows' own tools
 * save with compression). Embedded JPEG/PNG are refused with a reason.
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
  const rle = (compression === 1 && bpp === 8) || (compression === 2 && bpp === 4);
  // an OS/2 2.x header (64 bytes) gives 3 and 4 other meanings (Huffman 1D, 24-bit RLE): refused, not misread
  const os2 = headerSize === 64 && (compression === 3 || compression === 4);
  if ((compression !== 0 && compression !== 3 && compression !== 6 && !rle) || os2) {
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
  if (rle) return { width, height, data: colourRle(decodeRle(buf, pixelOffset, width, height, bpp as 4 | 8, topDown), palette!) };
  const out = new Uint8Array(width * height * 4);
  const stride = Math.ceil((width * bpp) / 32) * 4;
  if (pixelOffset + stride * height > buf.length) throw new Error(inputReason('reason.bmpPixelsTruncated'));

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

/**
 * A run-length encoded bitmap must draw at least this share of the pixels its header claims: a file of a few
 * bytes can claim 50 megapixels and end at once, and each such file would cost the engine a quarter of a
 * gigabyte and seconds of its thread (a decompression bomb).
 */
const RLE_MIN_DRAWN = 0.01;

/** RGBA of each palette index (a lookup instead of four writes a pixel: 50 MP in 0.2 s, not 1.9). */
function colourRle(indexes: Uint8Array, palette: Uint8Array): Uint8Array {
  const colours = palette.length >> 2;
  const lut = new Uint32Array(256);
  const rgba = new Uint8Array(lut.buffer);
  for (let i = 0; i < Math.min(256, colours); i++) rgba.set([palette[i * 4 + 2]!, palette[i * 4 + 1]!, palette[i * 4]!, 255], i * 4);
  const out = new Uint8Array(indexes.length * 4);
  const px = new Uint32Array(out.buffer);
  for (let i = 0; i < indexes.length; i++) {
    const idx = indexes[i]!;
    if (idx >= colours) throw new Error(inputReason('reason.bmpPaletteIndex'));
    px[i] = lut[idx]!;
  }
  return out;
}

/**
 * The palette index of each pixel of a BI_RLE8 or BI_RLE4 bitmap, top row first. Runs repeat one index (RLE4:
 * two, alternating); escapes end a line, end the bitmap, move ahead (pixels skipped keep index 0, as Windows
 * shows them) or give literal indexes, padded to whole 16-bit words. Runs past a row's end are cut there.
 */
function decodeRle(buf: Buffer, start: number, width: number, height: number, bpp: 4 | 8, topDown: boolean): Uint8Array {
  const idx = new Uint8Array(width * height);
  let drawn = 0;
  let at = start;
  let x = 0;
  let y = 0; // from the bottom row
  const byte = () => {
    if (at >= buf.length) throw new Error(inputReason('reason.bmpPixelsTruncated'));
    return buf[at++]!;
  };
  const put = (v: number) => {
    if (x < width && y < height) {
      idx[(topDown ? y : height - 1 - y) * width + x] = v;
      drawn++;
    }
    x++;
  };
  while (y < height) {
    const count = byte();
    const value = byte();
    if (count > 0) {
      // only what lands in the row is drawn: a crafted file of long runs past the edge costs no time
      const drawn = Math.min(count, Math.max(0, width - x));
      for (let i = 0; i < drawn; i++) put(bpp === 8 ? value : i % 2 === 0 ? value >> 4 : value & 0x0f);
      x += count - drawn;
    } else if (value === 0) {
      x = 0;
      y++;
    } else if (value === 1) {
      break;
    } else if (value === 2) {
      x += byte();
      y += byte();
    } else {
      const bytes = bpp === 8 ? value : Math.ceil(value / 2);
      for (let i = 0; i < value; i++) {
        if (bpp === 8) put(byte());
        else {
          const b = buf[at + (i >> 1)];
          if (b === undefined) throw new Error(inputReason('reason.bmpPixelsTruncated'));
          put(i % 2 === 0 ? b >> 4 : b & 0x0f);
        }
      }
      if (bpp === 4) at += bytes;
      if (bytes % 2 === 1) at++; // literal runs end on a 16-bit boundary
    }
  }
  if (drawn < RLE_MIN_DRAWN * width * height) throw new Error(inputReason('reason.bmpRleEmpty', { width, height }));
  return idx;
}
