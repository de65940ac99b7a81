/**
 * Writes the evaluation report (eval-report.ts) into a folder: report.html, written to a temporary file and
 * renamed, with small JPEG thumbnails of the wrong images inlined as data: URIs (made with sharp, EXIF
 * rotation applied). An image whose thumbnail cannot be made is shown by name only.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import type { EvalResult } from '../../common/engine-types.js';
import { writeFileAtomic } from '../atomic-fs.js';
import { decodeBmp, isBmp } from '../bmp.js';
import { badInput } from '../errors.js';
import { APP_VERSION } from '../version.js';
import { evalReportHtml, mostConfidentlyWrong } from './eval-report.js';

export const REPORT_FILE = 'report.html';
const THUMB = 160;

async function thumbnailUri(file: string): Promise<string | null> {
  try {
    const bytes = await readFile(file);
    const input = isBmp(bytes)
      ? (() => {
          const bmp = decodeBmp(bytes, 50_000_000);
          return sharp(bmp.data, { raw: { width: bmp.width, height: bmp.height, channels: 4 } });
        })()
      : sharp(bytes, { limitInputPixels: 50_000_000, pages: 1 }).rotate();
    const jpeg = await input.resize({ width: THUMB, height: THUMB, fit: 'cover' }).flatten({ background: '#000000' }).jpeg({ quality: 70, mozjpeg: true }).toBuffer();
    return `data:image/jpeg;base64,${jpeg.toString('base64')}`;
  } catch {
    return null;
  }
}

/** Writes DIR/report.html and resolves with its path. */
export async function writeEvalReport(dir: string, result: EvalResult, now: Date = new Date()): Promise<string> {
  const thumbnails: Record<string, string> = {};
  for (const image of mostConfidentlyWrong(result.images)) {
    const uri = await thumbnailUri(image.file);
    if (uri) thumbnails[image.file] = uri;
  }
  const file = join(dir, REPORT_FILE);
  try {
    await writeFileAtomic(file, evalReportHtml(result, { generatedAt: now.toISOString(), appVersion: APP_VERSION, thumbnails }));
  } catch (err) {
    throw badInput(`cannot write the report ${file}: ${(err as Error).message}`);
  }
  return file;
}
