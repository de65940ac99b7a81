/**
 * Writes the evaluation report (eval-report.ts) into a folder: report-<model>.html, or report-<model>-2.html
 * and so on when that name is taken (a report already there is never replaced), written to a temporary file
 * and moved into place, with small JPEG thumbnails of the wrong images inlined as data: URIs (made with sharp, EXIF
 * rotation applied). An image whose thumbnail cannot be made is shown by name only.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { EvalResult } from '../../common/engine-types.js';
import { writeNewFileAtomic } from '../atomic-fs.js';
import { inputReason } from '../../common/i18n/reasons.js';
import { badInput, fsReason } from '../errors.js';
import { openImage } from '../open-image.js';
import { APP_VERSION } from '../version.js';
import { evalReportHtml, mostConfidentlyWrong } from './eval-report.js';

const THUMB = 160;
/** report-<model>-<n>.html up to this n; past it the folder is refused rather than searched further */
const MAX_NUMBERED = 999;

/** The name of the n-th report of a model in one folder (1: no number); the model id keeps only file-safe characters. */
export function reportFileName(modelId: string, n: number): string {
  const id = modelId.replace(/[^A-Za-z0-9._-]+/g, '_').replace(/^\.+/, '') || 'model';
  return n === 1 ? `report-${id}.html` : `report-${id}-${n}.html`;
}

async function thumbnailUri(file: string): Promise<string | null> {
  try {
    const bytes = await readFile(file);
    const jpeg = await openImage(bytes)
      .input.rotate()
      .resize({ width: THUMB, height: THUMB, fit: 'cover' }).flatten({ background: '#000000' }).jpeg({ quality: 70, mozjpeg: true }).toBuffer();
    return `data:image/jpeg;base64,${jpeg.toString('base64')}`;
  } catch {
    return null;
  }
}

/** Writes DIR/report-<model>.html (numbered when taken; nothing is overwritten) and resolves with its path. */
export async function writeEvalReport(dir: string, result: EvalResult, now: Date = new Date()): Promise<string> {
  const thumbnails: Record<string, string> = {};
  for (const image of mostConfidentlyWrong(result.images)) {
    const uri = await thumbnailUri(image.file);
    if (uri) thumbnails[image.file] = uri;
  }
  const html = evalReportHtml(result, { generatedAt: now.toISOString(), appVersion: APP_VERSION, thumbnails });
  const names = Array.from({ length: MAX_NUMBERED }, (_, i) => join(dir, reportFileName(result.modelId, i + 1)));
  let written: string | null;
  try {
    written = await writeNewFileAtomic(names, html);
  } catch (err) {
    throw badInput(inputReason('reason.reportFailed', { path: names[0]!, error: fsReason(err) }));
  }
  if (written) return written;
  throw badInput(inputReason('reason.reportAllExist', { path: dir, first: reportFileName(result.modelId, 1), last: reportFileName(result.modelId, MAX_NUMBERED) }));
}
