/**
 * Opens image bytes for sharp the one way every path decodes them (prediction, training, face frames, library
 * and report thumbnails), so that an image the app judged is also one it can show:
 * - BMP by our own decoder (sharp's prebuilt libvips has no BMP loader);
 * - anything else by libvips with the bomb limit by format (pixel-limit.ts), the first page only, refusing
 *   pixel data that is corrupt (a truncated file) but not what libjpeg only warns about (a damaged run of
 *   bytes mid-scan, which it decodes with a smudge). sharp's default, failing on warnings too, made the
 *   library show a broken thumbnail for a photo that had been judged and saved.
 */
import sharp, { type Sharp } from 'sharp';
import { decodeBmp, isBmp } from './bmp.js';
import { pixelLimit } from './pixel-limit.js';

export interface OpenedImage {
  input: Sharp;
  /** the decoded size of a BMP (known before libvips sees it); null for the formats libvips reads itself */
  bmpSize: { width: number; height: number } | null;
}

/**
 * `maxPixels` defaults to pixelLimit's for these bytes. A BMP over it, or one the decoder refuses, throws an
 * Error whose message is the reason (plain, deterministic words); libvips' own refusals come when the
 * pipeline runs. EXIF orientation is the caller's to apply (`.rotate()`): a BMP has none.
 */
export function openImage(bytes: Buffer, maxPixels: number = pixelLimit(bytes)): OpenedImage {
  if (isBmp(bytes)) {
    const bmp = decodeBmp(bytes, maxPixels);
    return { input: sharp(bmp.data, { raw: { width: bmp.width, height: bmp.height, channels: 4 } }), bmpSize: { width: bmp.width, height: bmp.height } };
  }
  return { input: sharp(bytes, { limitInputPixels: maxPixels, failOn: 'error', pages: 1, page: 0 }), bmpSize: null };
}
