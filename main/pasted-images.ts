/**
 * Images pasted into the app are saved in the data folder's pasted/ so that the engine can judge them and the
 * Predict view show them. They are needed only while the window that pasted them shows their cards (a saved
 * prediction keeps its own copy in the library), so old ones are removed when the app starts: otherwise every
 * screenshot ever pasted stayed on disk.
 */
import { removeFilesOlderThan } from '../engine/atomic-fs.js';

/** Older than this (not pasted again since: pasting the same image rewrites its file) is forgotten. */
export const PASTED_KEPT_MS = 7 * 24 * 3600_000;

/** Removes pasted images untouched for `olderThanMs`; best effort. Resolves with the names removed. */
export function forgetOldPastedImages(dir: string, { olderThanMs = PASTED_KEPT_MS, now = Date.now() } = {}): Promise<string[]> {
  return removeFilesOlderThan(dir, olderThanMs, { now });
}
