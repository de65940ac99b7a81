/**
 * Thumbnails of library images: made once with sharp (EXIF rotation applied, fitted inside size x size) and
 * cached under <home>/cache/thumbnails/<size>/<content hash>.jpg. An image's id is its content hash, so a
 * cached thumbnail never goes stale, whatever happens to the file's name or folder.
 */
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import sharp, { type Sharp } from 'sharp';
import type { ThumbnailResult } from '../../common/library-types.js';
import { writeFileAtomic } from '../atomic-fs.js';
import { decodeBmp, isBmp } from '../bmp.js';
import { InputFileError } from '../errors.js';
import { pixelLimit } from '../pixel-limit.js';

export function thumbnailPath(home: string, id: string, size: number): string {
  return join(home, 'cache', 'thumbnails', String(size), `${id}.jpg`);
}

/** The cached thumbnail of image `id` (stored at `file`), made now if it is not there yet. */
export async function thumbnail(home: string, id: string, file: string, size: number): Promise<ThumbnailResult> {
  const path = thumbnailPath(home, id, size);
  if (await stat(path).catch(() => null)) {
    const meta = await sharp(path).metadata();
    return { path, width: meta.width ?? size, height: meta.height ?? size };
  }
  const bytes = await readFile(file);
  try {
    let input: Sharp;
    if (isBmp(bytes)) {
      const bmp = decodeBmp(bytes, pixelLimit(bytes));
      input = sharp(bmp.data, { raw: { width: bmp.width, height: bmp.height, channels: 4 } });
    } else {
      input = sharp(bytes, { limitInputPixels: pixelLimit(bytes), pages: 1 }).rotate();
    }
    const { data, info } = await input
      .resize({ width: size, height: size, fit: 'inside', withoutEnlargement: true })
      .flatten({ background: '#000000' })
      .jpeg({ quality: 82, mozjpeg: true })
      .toBuffer({ resolveWithObject: true });
    await writeFileAtomic(path, data);
    return { path, width: info.width, height: info.height };
  } catch (err) {
    throw new InputFileError(file, `cannot make a thumbnail (${(err as Error).message.split('\n')[0]})`);
  }
}
