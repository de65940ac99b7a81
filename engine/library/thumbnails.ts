/**
 * Thumbnails of library images: made once with sharp (EXIF rotation applied, fitted inside size x size) and
 * cached under <home>/cache/thumbnails/<size>/<content hash>.jpg. An image's id is its content hash, so a
 * cached thumbnail never goes stale, whatever happens to the file's name or folder.
 */
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import type { ThumbnailResult } from '../../common/library-types.js';
import { writeFileAtomic } from '../atomic-fs.js';
import { inputReason } from '../../common/i18n/reasons.js';
import { InputFileError } from '../errors.js';
import { decodeImage, readImageBytes } from '../image-decode.js';
import { openImage } from '../open-image.js';

/** Where the thumbnails live: a folder per size, a file per image id. */
export const thumbnailsRoot = (home: string) => join(home, 'cache', 'thumbnails');

export function thumbnailPath(home: string, id: string, size: number): string {
  return join(thumbnailsRoot(home), String(size), `${id}.jpg`);
}

/**
 * The cached thumbnail of image `id` (stored at `file`), made now if it is not there yet. Where it cannot be
 * cached (`cache` false: a read-only data folder; or the write fails: a full disk) it comes back in the answer
 * itself: the library still shows its photos, made again each time they are shown.
 */
export async function thumbnail(home: string, id: string, file: string, size: number, { cache = true }: { cache?: boolean } = {}): Promise<ThumbnailResult> {
  const path = thumbnailPath(home, id, size);
  if (await stat(path).catch(() => null)) {
    const meta = await sharp(path).metadata();
    return { path, width: meta.width ?? size, height: meta.height ?? size };
  }
  const bytes = await readImageBytes(file); // a file gone or unreadable: says so, naming it
  let made: { data: Buffer; info: import('sharp').OutputInfo };
  try {
    made = await openImage(bytes)
      .input.rotate()
      .resize({ width: size, height: size, fit: 'inside', withoutEnlargement: true })
      .flatten({ background: '#000000' })
      .jpeg({ quality: 82, mozjpeg: true })
      .toBuffer({ resolveWithObject: true });
  } catch {
    // decodeImage says why, in deterministic words (libvips' own text may be another thread's: image-decode.ts)
    await decodeImage(bytes, file, { size: 1 });
    throw new InputFileError(file, inputReason('reason.cannotDecode'));
  }
  const inMemory = { path: null, data: made.data.toString('base64'), width: made.info.width, height: made.info.height };
  if (!cache) return inMemory;
  try {
    await writeFileAtomic(path, made.data);
  } catch {
    // the cache is a convenience: the thumbnail is made, whatever kept it from the disk
    return inMemory;
  }
  return { path, width: made.info.width, height: made.info.height };
}
