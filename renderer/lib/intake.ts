/**
 * Turns what the user drops or pastes into paths the engine can read: a File from disk has a path (through
 * the preload's webUtils); an image with no file behind it (a screenshot in the clipboard, a picture dragged
 * out of a web page) is first kept in the data folder by main.
 */
import type { HappySadApi } from '../../common/api.js';
import { PASTED_IMAGE_MAX_BYTES, PASTED_IMAGE_TYPES } from '../../common/ipc.js';

export interface Intake {
  paths: string[];
  /** files that could not be taken, with why (not an image, too large...) */
  refused: Array<{ name: string; reason: 'not-image' | 'too-large' | 'failed'; detail?: string }>;
}

export async function pathsForFiles(api: HappySadApi['files'], files: readonly File[]): Promise<Intake> {
  const out: Intake = { paths: [], refused: [] };
  for (const file of files) {
    let path = '';
    try {
      path = api.pathForFile(file);
    } catch {
      path = '';
    }
    if (path) {
      out.paths.push(path);
      continue;
    }
    if (!(PASTED_IMAGE_TYPES as readonly string[]).includes(file.type)) {
      out.refused.push({ name: file.name, reason: 'not-image' });
      continue;
    }
    if (file.size > PASTED_IMAGE_MAX_BYTES) {
      out.refused.push({ name: file.name, reason: 'too-large' });
      continue;
    }
    try {
      out.paths.push(await api.savePastedImage(await file.arrayBuffer(), file.type));
    } catch (err) {
      out.refused.push({ name: file.name, reason: 'failed', detail: err instanceof Error ? err.message : String(err) });
    }
  }
  return out;
}

/** The files in a clipboard or drag payload, images and folders alike. */
export function filesOf(data: DataTransfer | null): File[] {
  if (!data) return [];
  const files = [...data.files];
  if (files.length > 0) return files;
  // some sources only fill items
  return [...data.items].filter((i) => i.kind === 'file').map((i) => i.getAsFile()).filter((f): f is File => f !== null);
}

/** Whether a drag carries files (and not text or a link), so that the drop overlay only shows for those. */
export function carriesFiles(data: DataTransfer | null): boolean {
  return !!data && [...data.types].includes('Files');
}
