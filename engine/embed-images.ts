import { createHash } from 'node:crypto';
import * as tf from '@tensorflow/tfjs';
import { applyAugment, paramsKey, type AugmentParams } from './augment.js';
import type { FrozenBase } from './bases/base.js';
import type { SkippedFile } from './dataset.js';
import { EmbeddingCache } from './embedding-cache.js';
import { cancelled, InputFileError, throwIfAborted, yieldToEventLoop } from './errors.js';
import { decodeImage, readImageBytes, type RgbImage } from './image-decode.js';

/** Bumped whenever decoding or resizing changes, so that cached vectors from the old pipeline are not reused. */
export const PREPROCESS_VERSION = 'p1';

export interface EmbedRequest {
  file: string;
  /** views to embed; index 0 is usually the original */
  views: AugmentParams[];
}

export interface EmbedOutcome {
  /** per request: one vector per view, or null when the file failed */
  vectors: Array<Float32Array[] | null>;
  failures: SkippedFile[];
  cached: number;
  computed: number;
}

export interface EmbedOptions {
  batchSize?: number;
  signal?: AbortSignal;
  onProgress?(done: number, total: number, cached: number): void;
}

interface Prepared {
  index: number;
  keys: string[];
  image: RgbImage | null;
  error: string | null;
}

const CHUNK = 16;

/**
 * Embeds files through the frozen base, view by view, reusing cached vectors. Images are decoded only when
 * one of their views is missing; decoding of the next chunk (sharp's thread pool) overlaps embedding of
 * this one. A file that fails is reported and skipped; the others go on.
 */
export async function embedFiles(base: FrozenBase, cache: EmbeddingCache, requests: EmbedRequest[], opts: EmbedOptions = {}): Promise<EmbedOutcome> {
  const batchSize = opts.batchSize ?? 32;
  const vectors: Array<Float32Array[] | null> = requests.map((r) => new Array<Float32Array>(r.views.length));
  const failures: SkippedFile[] = [];
  let cached = 0;
  let computed = 0;
  let done = 0;
  const pending: Array<{ index: number; view: number; key: string; pixels: Uint8Array }> = [];

  const prepare = async (index: number): Promise<Prepared> => {
    const req = requests[index]!;
    try {
      const bytes = await readImageBytes(req.file);
      const hash = createHash('sha256').update(bytes).digest('hex');
      const keys = req.views.map((v) => EmbeddingCache.key(hash, `${PREPROCESS_VERSION}|${base.inputSize}|${paramsKey(v)}`));
      const image = keys.every((k) => cache.has(k)) ? null : await decodeImage(bytes, req.file, { size: base.inputSize });
      return { index, keys, image, error: null };
    } catch (err) {
      return { index, keys: [], image: null, error: err instanceof InputFileError ? err.reason : (err as Error).message };
    }
  };
  const prepareChunk = (start: number) => Promise.all(requests.slice(start, start + CHUNK).map((_, i) => prepare(start + i)));

  const runBatch = (batch: typeof pending) => {
    const s = base.inputSize;
    const pixels = new Int32Array(batch.length * s * s * 3);
    batch.forEach((b, i) => pixels.set(b.pixels, i * s * s * 3));
    const out = tf.tidy(() => base.embed(tf.tensor4d(pixels, [batch.length, s, s, 3], 'int32')));
    const data = out.dataSync() as Float32Array;
    out.dispose();
    batch.forEach((b, i) => {
      const v = data.slice(i * base.dim, (i + 1) * base.dim);
      cache.set(b.key, v);
      const row = vectors[b.index];
      if (row) row[b.view] = v;
    });
    computed += batch.length;
  };

  let next: Promise<Prepared[]> | null = requests.length ? prepareChunk(0) : null;
  for (let start = 0; next; start += CHUNK) {
    const chunk: Prepared[] = await next;
    next = start + CHUNK < requests.length ? prepareChunk(start + CHUNK) : null;
    try {
      throwIfAborted(opts.signal);
    } catch (err) {
      await next?.catch(() => undefined);
      throw err;
    }
    for (const p of chunk) {
      const req = requests[p.index]!;
      if (p.error !== null) {
        vectors[p.index] = null;
        failures.push({ file: req.file, reason: p.error });
        continue;
      }
      p.keys.forEach((key, view) => {
        const hit = cache.get(key);
        if (hit) {
          vectors[p.index]![view] = hit;
          cached++;
        } else {
          pending.push({ index: p.index, view, key, pixels: applyAugment(p.image!, req.views[view]!).data });
        }
      });
      done++;
    }
    while (pending.length >= batchSize) runBatch(pending.splice(0, batchSize));
    opts.onProgress?.(done, requests.length, cached);
    await yieldToEventLoop();
  }
  if (opts.signal?.aborted) throw cancelled();
  if (pending.length) runBatch(pending.splice(0));
  return { vectors, failures, cached, computed };
}
