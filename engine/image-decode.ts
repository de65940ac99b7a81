import { readFile, stat } from 'node:fs/promises';
import sharp from 'sharp';
import { decodeBmp, isBmp } from './bmp.js';
import { InputFileError } from './errors.js';

/** Square RGB image, 8 bits per channel, row-major: what every base model takes before its own scaling. */
export interface RgbImage {
  size: number;
  data: Uint8Array; // size * size * 3
}

interface DecodeOptions {
  /** side of the square output */
  size: number;
  /** decompression-bomb guard: refuse images with more pixels than this */
  maxPixels?: number;
  /** refuse files larger than this many bytes before reading them */
  maxBytes?: number;
}

const DEFAULT_MAX_PIXELS = 50_000_000;
const DEFAULT_MAX_BYTES = 200 * 1024 * 1024;
const RASTER_FORMATS = new Set(['jpeg', 'png', 'webp', 'gif', 'tiff', 'heif', 'avif']);
export const IMAGE_EXTENSIONS = new Set(['.jpg', '.jpeg', '.jpe', '.jfif', '.png', '.webp', '.gif', '.tif', '.tiff', '.bmp', '.dib', '.avif', '.heic', '.heif']);

/**
 * Decodes any supported image into a centred, black-padded square of `size` pixels (face-api's own
 * preprocessing): EXIF orientation applied, alpha flattened onto black, greyscale/CMYK/16-bit turned into
 * 8-bit sRGB, GIF/TIFF first frame only. Throws InputFileError naming `file` and the reason.
 */
export async function decodeImage(bytes: Buffer, file: string, opts: DecodeOptions): Promise<RgbImage> {
  const maxPixels = opts.maxPixels ?? DEFAULT_MAX_PIXELS;
  if (bytes.length === 0) throw new InputFileError(file, 'the file is empty');
  let input: import('sharp').Sharp;
  try {
    if (isBmp(bytes)) {
      const bmp = decodeBmp(bytes, maxPixels);
      input = sharp(bmp.data, { raw: { width: bmp.width, height: bmp.height, channels: 4 } });
    } else {
      input = sharp(bytes, { limitInputPixels: maxPixels, failOn: 'error', pages: 1, page: 0 });
      const meta = await input.metadata();
      if (!meta.format || !RASTER_FORMATS.has(meta.format)) {
        throw new Error(`unsupported image format${meta.format ? ` "${meta.format}"` : ''}`);
      }
      if (!meta.width || !meta.height) throw new Error('the image has no size');
      if (meta.width * meta.height > maxPixels) {
        throw new Error(`image is ${meta.width}x${meta.height}, above the ${maxPixels}-pixel limit`);
      }
    }
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
    if (err instanceof InputFileError) throw err;
    throw new InputFileError(file, describeDecodeError(err));
  }
}

/** Reads a file for decoding, refusing what is not a regular file or is too large; errors name the file. */
export async function readImageBytes(file: string, maxBytes: number = DEFAULT_MAX_BYTES): Promise<Buffer> {
  try {
    const st = await stat(file);
    if (!st.isFile()) throw new InputFileError(file, 'not a regular file');
    if (st.size > maxBytes) throw new InputFileError(file, `the file is ${st.size} bytes, above the ${maxBytes}-byte limit`);
    return await readFile(file);
  } catch (err) {
    if (err instanceof InputFileError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    const reason = code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : (err as Error).message;
    throw new InputFileError(file, reason);
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

function describeDecodeError(err: unknown): string {
  const msg = err instanceof Error ? err.message : String(err);
  if (/pixel limit|above the .*-pixel limit/i.test(msg)) return msg.startsWith('image is') ? msg : 'the image has too many pixels (decompression bomb guard)';
  if (/unsupported image format|Input buffer contains unsupported/i.test(msg)) return msg.includes('"') ? msg : 'not a supported image format';
  if (/premature end|truncated|corrupt|bad|invalid|EOF|read error|unexpected end/i.test(msg)) return `corrupt or truncated image (${firstLine(msg)})`;
  return `cannot decode the image (${firstLine(msg)})`;
}

function firstLine(s: string): string {
  return s.split('\n')[0]!.trim();
}
