import { readFileSync, statSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { imageSize } from 'image-size';
import { isBmp } from './bmp.js';
import { inputReason } from '../common/i18n/reasons.js';
import { InputFileError, pathReason } from './errors.js';
import { openImage, type OpenedImage } from './open-image.js';
import { pixelLimit } from './pixel-limit.js';
import { containBilinear } from './image-resize.js';
import { decodeSmallJpeg } from './small-jpeg.js';

/** Square RGB image, 8 bits per channel, row-major: what every base model takes before its own scaling. */
export interface RgbImage {
  size: number;
  data: Uint8Array; // size * size * 3
}

interface DecodeOptions {
  /** side of the square output */
  size: number;
  /** decompression-bomb guard: refuse images with more pixels than this (default: pixelLimit's, by format) */
  maxPixels?: number;
  /** refuse files larger than this many bytes before reading them */
  maxBytes?: number;
}

const DEFAULT_MAX_BYTES = 200 * 1024 * 1024;
/** Below this many pixels on a side nothing in an image can be judged (FER2013's crops are 48): refused, not judged. */
export const MIN_SIDE = 8;
const RASTER_FORMATS = new Set(['jpeg', 'png', 'webp', 'gif', 'tiff', 'heif', 'avif']);
/** formats told by their first bytes (sniffFormat) that go to the pixels without reading the header first */
const SNIFFED_RASTER = new Set(['jpeg', 'png', 'webp', 'gif', 'tiff']);
export const IMAGE_EXTENSIONS = new Set(['.jpg', '.jpeg', '.jpe', '.jfif', '.png', '.webp', '.gif', '.tif', '.tiff', '.bmp', '.dib', '.avif', '.heic', '.heif']);

/**
 * Decodes any supported image into a centred, black-padded square of `size` pixels (face-api's own
 * preprocessing): EXIF orientation applied, alpha flattened onto black, greyscale/CMYK/16-bit turned into
 * 8-bit sRGB, GIF/TIFF first frame only. Throws InputFileError naming `file` and the reason.
 *
 * The reason never quotes libvips' own error text: libvips keeps one error buffer for the whole process, so
 * when several images are decoded at once (as the feature store does) a failing decode may read another
 * thread's message, a half-cleared one, or none ("Unknown error"). Measured: a JPEG truncated at any length,
 * decoded 20 times concurrently, gave 2 to 7 "cannot decode the image (Unknown error)" among "premature end
 * of JPEG image" answers. So the reason is made from what is deterministic: the file's format (its magic
 * bytes) and the step that failed (reading the header, or decoding the pixels).
 */
export async function decodeImage(bytes: Buffer, file: string, opts: DecodeOptions): Promise<RgbImage> {
  // read from the header only when sharp or the BMP decoder needs it: the face-crop fast path below does not
  let limit: number | undefined;
  const maxPixels = () => (limit ??= opts.maxPixels ?? pixelLimit(bytes));
  if (bytes.length === 0) throw new InputFileError(file, inputReason('reason.empty'));
  if (isHevcHeif(bytes)) throw new InputFileError(file, inputReason('reason.heic'));
  let input: import('sharp').Sharp;
  const header = !isBmp(bytes) && SNIFFED_RASTER.has(sniffFormat(bytes) ?? '') ? readHeader(bytes) : null;
  if (isBmp(bytes)) {
    let opened: OpenedImage;
    try {
      opened = openImage(bytes, maxPixels()); // our own decoder: its messages are plain and deterministic
    } catch (err) {
      throw new InputFileError(file, (err as Error).message);
    }
    refuseTiny(file, opened.bmpSize!);
    input = opened.input;
  } else if (header) {
    // a raster format by its magic bytes, its header read in JavaScript: straight to the pixels (sharp still
    // refuses more than maxPixels when it reads the header); saves a round trip through the thread pool per
    // image. A header image-size cannot read (legal fill bytes before a marker, say) goes the way below.
    refuseTiny(file, header);
    const small = header.width <= opts.size && header.height <= opts.size ? header : null;
    // an image to enlarge (a face crop): decoded as it is (a plain JPEG without sharp) and enlarged in
    // JavaScript (image-resize.ts)
    const pixels = small?.type === 'jpg' ? decodeSmallJpeg(bytes, opts.size, small.orientation) : null;
    if (pixels) return containBilinear(pixels, opts.size);
    // decoded without a resize when small: no more pixels than its header said, or libvips read another
    // header than ours (a crafted file can show image-size a 16x16 frame and libvips a 12000x12000 one)
    input = openImage(bytes, small ? Math.min(maxPixels(), opts.size * opts.size) : maxPixels()).input;
    if (small) {
      try {
        const { data, info } = await input
          .rotate()
          .flatten({ background: { r: 0, g: 0, b: 0 } })
          .toColourspace('srgb')
          .removeAlpha()
          .raw({ depth: 'uchar' })
          .toBuffer({ resolveWithObject: true });
        return containBilinear({ width: info.width, height: info.height, channels: info.channels, data }, opts.size);
      } catch (err) {
        // more pixels than the header it was judged small by: its size cannot be trusted to be said
        if (/exceeds pixel limit/i.test(err instanceof Error ? err.message : String(err))) throw new InputFileError(file, inputReason('reason.bomb'));
        throw new InputFileError(file, pixelFailure(bytes, err, maxPixels()));
      }
    }
  } else {
    input = openImage(bytes, maxPixels()).input;
    let meta: import('sharp').Metadata;
    try {
      meta = await input.metadata();
    } catch (err) {
      throw new InputFileError(file, headerFailure(bytes, err, maxPixels()));
    }
    if (!meta.format || !RASTER_FORMATS.has(meta.format)) {
      throw new InputFileError(file, meta.format ? inputReason('reason.unsupportedFormat', { format: meta.format }) : inputReason('reason.unsupportedFormatUnnamed'));
    }
    if (!meta.width || !meta.height) throw new InputFileError(file, meta.format ? inputReason('reason.noSize', { format: formatName(meta.format) }) : inputReason('reason.noSizeUnnamed'));
    refuseTiny(file, { width: meta.width, height: meta.height });
    if (meta.width * meta.height > maxPixels()) {
      throw new InputFileError(file, inputReason('reason.tooManyPixels', { width: meta.width, height: meta.height, limit: maxPixels() }));
    }
  }
  try {
    const { data, info } = await input
      .rotate() // EXIF orientation
      .flatten({ background: { r: 0, g: 0, b: 0 } })
      .toColourspace('srgb')
      .resize(opts.size, opts.size, { fit: 'contain', background: { r: 0, g: 0, b: 0 } })
      .removeAlpha()
      .raw({ depth: 'uchar' })
      .toBuffer({ resolveWithObject: true });
    return { size: opts.size, data: toRgb(data, info.channels, opts.size) };
  } catch (err) {
    throw new InputFileError(file, pixelFailure(bytes, err, maxPixels()));
  }
}

/** A 1x1 pixel (a tracking pixel, an icon) judged as a face would be a confident answer about nothing. */
function refuseTiny(file: string, { width, height }: { width: number; height: number }): void {
  if (width < MIN_SIDE || height < MIN_SIDE) throw new InputFileError(file, inputReason('reason.tooSmall', { width, height, min: MIN_SIDE }));
}

/**
 * Refuses an image under MIN_SIDE pixels on a side by its header, read in JavaScript (microseconds), before any
 * work on it (features looked up, faces detected); a header it cannot read is left to decodeImage to judge.
 */
export function refuseTinyImage(bytes: Buffer, file: string): void {
  const header = isBmp(bytes) ? bmpHeaderSize(bytes) : readHeader(bytes);
  if (header) refuseTiny(file, header);
}

/** A BMP's size from its header (height negative for top-down rows), or null when it is too short to say. */
function bmpHeaderSize(b: Buffer): { width: number; height: number } | null {
  if (b.length < 26 || b.readUInt32LE(14) < 12) return null;
  return b.readUInt32LE(14) === 12 ? { width: b.readUInt16LE(18), height: b.readUInt16LE(20) } : { width: Math.abs(b.readInt32LE(18)), height: Math.abs(b.readInt32LE(22)) };
}

/**
 * An image's size, format and EXIF orientation from its header, or null. Read in JavaScript, in microseconds; a
 * header it cannot read says null, and sharp reads it (and says why).
 */
function readHeader(bytes: Buffer): { type: string | undefined; orientation: number; width: number; height: number } | null {
  try {
    const { width, height, type, orientation } = imageSize(bytes);
    return width > 0 && height > 0 ? { type, orientation: orientation ?? 1, width, height } : null;
  } catch {
    return null;
  }
}

/** Formats by their magic bytes, to name them in messages without trusting libvips' error text. */
/** Whether `b` holds the bytes `sig` at `offset`. */
function bytesAt(b: Buffer, offset: number, sig: readonly number[]): boolean {
  return sig.every((v, i) => b[offset + i] === v);
}

function sniffFormat(b: Buffer): string | null {
  const at = (offset: number, sig: number[]) => bytesAt(b, offset, sig);
  if (at(0, [0xff, 0xd8])) return 'jpeg';
  if (at(0, [0x89, 0x50, 0x4e, 0x47])) return 'png';
  if (at(0, [0x47, 0x49, 0x46, 0x38])) return 'gif';
  if (at(0, [0x52, 0x49, 0x46, 0x46]) && at(8, [0x57, 0x45, 0x42, 0x50])) return 'webp';
  if (at(0, [0x49, 0x49, 0x2a, 0x00]) || at(0, [0x4d, 0x4d, 0x00, 0x2a])) return 'tiff';
  if (at(4, [0x66, 0x74, 0x79, 0x70])) {
    const brand = b.subarray(8, 12).toString('latin1');
    return /^avi[fs]$/.test(brand) ? 'avif' : 'heif';
  }
  return null;
}

function formatName(format: string | null | undefined): string {
  return format ? ({ jpeg: 'JPEG', png: 'PNG', gif: 'GIF', webp: 'WebP', tiff: 'TIFF', avif: 'AVIF', heif: 'HEIF' } as Record<string, string>)[format] ?? format.toUpperCase() : '';
}

/** The reason when the header cannot be read. sharp's own texts (not libvips') are stable and are matched. */
function headerFailure(bytes: Buffer, err: unknown, maxPixels: number): string {
  const msg = err instanceof Error ? err.message : String(err);
  if (/exceeds pixel limit/i.test(msg)) return tooManyPixels(bytes, maxPixels);
  const format = sniffFormat(bytes);
  if (/unsupported image format/i.test(msg) && !format) {
    const other = otherFormat(bytes);
    return other ? inputReason('reason.unsupportedFormat', { format: other }) : inputReason('reason.unknownFormat');
  }
  return corrupt(format);
}

/**
 * Formats people save pictures in that the app does not read, told by their first bytes, so that the reason
 * names them ("unsupported image format "ICO"") rather than saying the file is no image at all.
 */
function otherFormat(b: Buffer): string | null {
  const at = (offset: number, sig: number[]) => bytesAt(b, offset, sig);
  // ICO and CUR: a count of images and a first entry whose data lies after the directory (a TGA starts 00 00 02 00 too)
  const iconDir = () => {
    if (b.length < 22) return false;
    const count = b.readUInt16LE(4);
    const offset = b.readUInt32LE(18);
    return count >= 1 && b[9] === 0 && offset >= 6 + 16 * count && offset < b.length;
  };
  if (at(0, [0, 0, 1, 0]) && iconDir()) return 'ICO';
  if (at(0, [0, 0, 2, 0]) && iconDir()) return 'CUR';
  if (at(0, [0x38, 0x42, 0x50, 0x53])) return 'PSD';
  if (at(0, [0, 0, 0, 0x0c, 0x6a, 0x50, 0x20, 0x20]) || at(0, [0xff, 0x4f, 0xff, 0x51])) return 'JPEG 2000';
  if (b[0] === 0x50 && b[1]! >= 0x31 && b[1]! <= 0x37 && (b[2] === 0x0a || b[2] === 0x0d || b[2] === 0x20 || b[2] === 0x09)) return 'Netpbm';
  if (at(0, [0x25, 0x50, 0x44, 0x46])) return 'PDF';
  return null;
}

/** The reason when the header was read but the pixels could not be decoded. */
function pixelFailure(bytes: Buffer, err: unknown, maxPixels: number): string {
  const msg = err instanceof Error ? err.message : String(err);
  if (/exceeds pixel limit/i.test(msg)) return tooManyPixels(bytes, maxPixels);
  return corrupt(sniffFormat(bytes));
}

/**
 * A HEIF file whose brands say HEVC (an iPhone's HEIC photo) and not AV1: sharp's prebuilt libvips decodes
 * AVIF only (no HEVC decoder, for patent reasons), and would call the file corrupt.
 */
function isHevcHeif(b: Buffer): boolean {
  if (b.length < 16 || b.toString('latin1', 4, 8) !== 'ftyp') return false;
  // the box's size bounds its brands (a real one holds a handful); 0 (to the end of the file), 1 (a 64-bit
  // size) or an absurd size: the major brand alone, so that a crafted file costs no scan of its 200 MB
  const size = b.readUInt32BE(0);
  const end = size >= 16 && size <= 4096 ? Math.min(size, b.length) : 12;
  let hevc = false;
  for (let i = 8; i + 4 <= end; i += 4) {
    if (i === 12) continue; // the minor version, not a brand
    const brand = b.toString('latin1', i, i + 4);
    if (brand === 'avif' || brand === 'avis') return false;
    hevc ||= HEVC_BRANDS.has(brand);
  }
  return hevc;
}

const HEVC_BRANDS = new Set(['heic', 'heix', 'heim', 'heis', 'hevc', 'hevx', 'hevm', 'hevs']);

/** The image's size and the limit when its header can be read in JavaScript; else the bare reason. */
function tooManyPixels(bytes: Buffer, maxPixels: number): string {
  try {
    const { width, height } = imageSize(bytes);
    if (width > 0 && height > 0) return inputReason('reason.tooManyPixels', { width, height, limit: maxPixels });
  } catch {
    // a header image-size cannot read: libvips could, and refused it
  }
  return inputReason('reason.bomb');
}

function corrupt(format: string | null): string {
  return format ? inputReason('reason.corrupt', { format: formatName(format) }) : inputReason('reason.corruptUnnamed');
}

/** Reads a file for decoding, refusing what is not a regular file or is too large; errors name the file. */
export async function readImageBytes(file: string, maxBytes: number = DEFAULT_MAX_BYTES): Promise<Buffer> {
  try {
    const st = await stat(file);
    if (!st.isFile()) throw new InputFileError(file, inputReason('reason.notFile'));
    if (st.size > maxBytes) throw new InputFileError(file, inputReason('reason.fileTooLarge', { size: st.size, limit: maxBytes }));
    return await readFile(file);
  } catch (err) {
    if (err instanceof InputFileError) throw err;
    throw new InputFileError(file, await pathReason(file, err, inputReason('reason.noSuchFile')));
  }
}

/**
 * The same, read at once on the calling thread: for the many small files of a dataset a blocking read takes
 * microseconds, less than a round trip through libuv's thread pool, and its time is its own. Files above
 * `syncBelow` bytes are read asynchronously.
 */
export async function readImageBytesQuick(file: string, syncBelow = 1 << 20, maxBytes: number = DEFAULT_MAX_BYTES): Promise<Buffer> {
  let size: number;
  try {
    const st = statSync(file);
    if (!st.isFile()) throw new InputFileError(file, inputReason('reason.notFile'));
    size = st.size;
  } catch {
    return readImageBytes(file, maxBytes); // says why, in the same words
  }
  if (size > syncBelow) return readImageBytes(file, maxBytes);
  try {
    return readFileSync(file);
  } catch {
    return readImageBytes(file, maxBytes);
  }
}

export async function readImageFile(file: string, opts: DecodeOptions): Promise<{ image: RgbImage; bytes: Buffer }> {
  const bytes = await readImageBytes(file, opts.maxBytes);
  return { image: await decodeImage(bytes, file, opts), bytes };
}

function toRgb(data: Buffer, channels: number, size: number): Uint8Array {
  if (channels === 3) return new Uint8Array(data.buffer, data.byteOffset, data.length);
  const out = new Uint8Array(size * size * 3);
  for (let i = 0; i < size * size; i++) {
    for (let c = 0; c < 3; c++) out[i * 3 + c] = data[i * channels + (channels < 3 ? 0 : c)]!;
  }
  return out;
}
