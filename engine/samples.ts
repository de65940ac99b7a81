/**
 * Samples: what the engine trains on and judges. A sample is identified by the content hash of its file (the
 * sha256 of its bytes), not by where the file lies, so that a dataset moved or copied elsewhere, or a photo
 * copied into the library, is still the same sample with the same cached features and augmented views.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { throwIfAborted } from './errors.js';
import type { DatasetSummary } from '../common/engine-types.js';
import type { Label } from '../common/labels.js';

/** A file to read, a content hash whose features may already be cached, or both. */
export type SampleRef = { file: string; hash?: string } | { file?: string; hash: string };

export type Split = 'train' | 'validation';

export type LabelledSample = SampleRef & { label: Label; split: Split };

/**
 * What training takes: labelled samples, and a summary of where they came from, recorded with the model. A
 * dataset folder is one source of these (dataset.ts); the saved-prediction library will be another.
 */
export interface TrainingSet {
  samples: LabelledSample[];
  summary: DatasetSummary;
}

export function contentHash(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

export function isContentHash(s: string): boolean {
  return /^[0-9a-f]{64}$/.test(s);
}

/** How a sample is named in reports: its file, else its hash. */
export function sampleName(s: SampleRef): string {
  return s.file ?? `sha256:${s.hash}`;
}

/** Reads files' content hashes, a few at a time; null for a file that cannot be read (what reads it next says why). */
export async function hashFiles(files: readonly string[], signal?: AbortSignal): Promise<Array<string | null>> {
  const out: Array<string | null> = new Array(files.length).fill(null);
  let next = 0;
  const worker = async () => {
    while (next < files.length) {
      throwIfAborted(signal);
      const i = next++;
      out[i] = await readFile(files[i]!).then(contentHash, () => null);
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
  return out;
}
