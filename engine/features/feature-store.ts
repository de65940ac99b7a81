/**
 * The feature store of one frozen base: the only way the engine turns samples into feature vectors. It hashes
 * each sample's bytes (a sample is its content hash), asks the base's embedding cache for every view it needs,
 * decodes and embeds only what is missing, and flushes what it computed to disk even when the call is cancelled
 * or fails half-way, so that the work is never done twice.
 */
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import type { SkippedFile } from '../../common/engine-types.js';
import { applyAugment, paramsKey, type AugmentParams } from '../augment.js';
import type { FrozenBase } from '../bases/base.js';
import { withDataLock } from '../data-lock.js';
import { cancelled, InputFileError, throwIfAborted, yieldToEventLoop } from '../errors.js';
import { decodeImage, readImageBytes, type RgbImage } from '../image-decode.js';
import { contentHash, isContentHash, sampleName, type SampleRef } from '../samples.js';
import { EmbeddingCache } from './embedding-cache.js';

/** Bumped whenever decoding or resizing changes, so that cached vectors from the old pipeline are not reused. */
const PREPROCESS_VERSION = 'p1';

/** The views wanted of one image, given its content hash (augmented views are seeded by it). */
export type ViewsOf = (contentHash: string) => readonly AugmentParams[];

interface FeatureRequest {
  sample: SampleRef;
  views: ViewsOf;
}

interface FeatureOutcome {
  /** per request: one vector per view, or null when the sample failed */
  vectors: Array<Float32Array[] | null>;
  /** per request: the sample's content hash, or null when it failed */
  hashes: Array<string | null>;
  failures: SkippedFile[];
  /** views found in the cache, and views computed, in this call */
  cached: number;
  computed: number;
}

export interface FeatureOptions {
  batchSize?: number;
  signal?: AbortSignal;
  onProgress?(done: number, total: number, cached: number): void;
}

/** Totals since the store was opened. */
interface FeatureStats {
  /** views found in the cache */
  hits: number;
  /** views that were not, so were computed (unless the call was cancelled first) */
  misses: number;
  /** files read (to hash them, or to decode them) */
  reads: number;
  /** images decoded */
  decoded: number;
}

interface Prepared {
  index: number;
  hash: string | null;
  keys: string[];
  views: readonly AugmentParams[];
  image: RgbImage | null;
  error: string | null;
}

const CHUNK = 16;

export class FeatureStore {
  readonly stats: FeatureStats = { hits: 0, misses: 0, reads: 0, decoded: 0 };

  private constructor(
    readonly base: FrozenBase,
    private readonly cache: EmbeddingCache,
  ) {}

  /** `dir` null: features kept in memory only. `lock` wraps every write of the cache file. */
  static async open(dir: string | null, base: FrozenBase, lock?: <T>(fn: () => Promise<T>) => Promise<T>): Promise<FeatureStore> {
    return new FeatureStore(base, await EmbeddingCache.open(dir, base.id, base.fingerprint, base.dim, lock));
  }

  /**
   * Feature vectors for each request, view by view. Images are decoded only when one of their views is
   * missing; decoding of the next chunk (sharp's thread pool) overlaps embedding of this one. A sample that
   * fails is reported and skipped; the others go on. What was computed is flushed to disk in any case.
   */
  async features(requests: readonly FeatureRequest[], opts: FeatureOptions = {}): Promise<FeatureOutcome> {
    try {
      return await this.compute(requests, opts);
    } finally {
      await this.cache.flush();
    }
  }

  private key(hash: string, view: AugmentParams): string {
    return EmbeddingCache.key(hash, `${PREPROCESS_VERSION}|${this.base.inputSize}|${paramsKey(view)}`);
  }

  private async prepare(index: number, request: FeatureRequest): Promise<Prepared> {
    const { sample } = request;
    const name = sampleName(sample);
    try {
      let bytes: Buffer | null = null;
      let hash = sample.hash;
      if (hash === undefined) {
        bytes = await this.read(sample.file!);
        hash = contentHash(bytes);
      } else if (!isContentHash(hash)) {
        throw new InputFileError(name, 'not a sha256 content hash');
      }
      const views = request.views(hash);
      const keys = views.map((v) => this.key(hash, v));
      if (keys.every((k) => this.cache.has(k))) return { index, hash, keys, views, image: null, error: null };
      if (!bytes) {
        if (sample.file === undefined) throw new InputFileError(name, 'its features are not cached, and no file was given to compute them from');
        bytes = await this.read(sample.file);
        if (contentHash(bytes) !== hash) throw new InputFileError(sample.file, 'the file has changed since it was added (other content)');
      }
      const image = await decodeImage(bytes, name, { size: this.base.inputSize });
      this.stats.decoded++;
      return { index, hash, keys, views, image, error: null };
    } catch (err) {
      return { index, hash: null, keys: [], views: [], image: null, error: err instanceof InputFileError ? err.reason : (err as Error).message };
    }
  }

  private async read(file: string): Promise<Buffer> {
    const bytes = await readImageBytes(file);
    this.stats.reads++;
    return bytes;
  }

  private async compute(requests: readonly FeatureRequest[], opts: FeatureOptions): Promise<FeatureOutcome> {
    const { base, cache } = this;
    const batchSize = opts.batchSize ?? 32;
    const vectors: Array<Float32Array[] | null> = requests.map(() => []);
    const hashes: Array<string | null> = requests.map(() => null);
    const failures: SkippedFile[] = [];
    let cached = 0;
    let computed = 0;
    let done = 0;
    const pending: Array<{ index: number; view: number; key: string; pixels: Uint8Array }> = [];

    const prepareChunk = (start: number) => Promise.all(requests.slice(start, start + CHUNK).map((r, i) => this.prepare(start + i, r)));

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
        if (p.error !== null) {
          vectors[p.index] = null;
          failures.push({ file: sampleName(requests[p.index]!.sample), reason: p.error });
          continue;
        }
        hashes[p.index] = p.hash;
        p.keys.forEach((key, view) => {
          const hit = cache.get(key);
          if (hit) {
            vectors[p.index]![view] = hit;
            cached++;
            this.stats.hits++;
          } else {
            this.stats.misses++;
            pending.push({ index: p.index, view, key, pixels: applyAugment(p.image!, p.views[view]!).data });
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
    return { vectors, hashes, failures, cached, computed };
  }
}

/** One feature store per base (and fingerprint) for an engine's life, its cache file under <home>/cache/embeddings. */
export class FeatureStores {
  private readonly stores = new Map<string, Promise<FeatureStore>>();

  /** readOnly: the data folder cannot be written; features live in memory only */
  constructor(
    private readonly home: string,
    private readonly readOnly = false,
  ) {}

  forBase(base: FrozenBase): Promise<FeatureStore> {
    const key = `${base.id}-${base.fingerprint}`;
    let store = this.stores.get(key);
    if (!store) {
      const home = this.home;
      store = FeatureStore.open(this.readOnly ? null : join(home, 'cache', 'embeddings'), base, (fn) => withDataLock(home, `cache-${key}`, fn));
      this.stores.set(key, store);
      store.catch(() => this.stores.delete(key));
    }
    return store;
  }
}
