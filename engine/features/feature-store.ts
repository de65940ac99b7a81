/**
 * The feature store of one frozen base: the only way the engine turns samples into feature vectors. It hashes
 * each sample's bytes (a sample is its content hash), asks the base's embedding cache for every view it needs,
 * decodes and embeds only what is missing, and flushes what it computed to disk even when the call is cancelled
 * or fails half-way, so that the work is never done twice.
 */
import { dirname, join } from 'node:path';
import * as tf from '../tf.js';
import sharp from 'sharp';
import type { SkippedFile } from '../../common/engine-types.js';
import { paramsKey, type AugmentParams } from '../augment.js';
import type { BaseRecipe, FrozenBase, NetworkId } from '../bases/base.js';
import { tryWithDataLockSync, withDataLock } from '../data-lock.js';
import { cancelled, InputFileError, yieldToEventLoop } from '../errors.js';
import { decodeImage, readImageBytesQuick, refuseTinyImage, type RgbImage } from '../image-decode.js';
import { contentHash, isContentHash, sampleName, type SampleRef } from '../samples.js';
import { DetectionCache } from '../faces/detection-cache.js';
import { CROP_VERSION, cutFaces, findFaces, ImageFrames, judgedWhole, refuseThinWhole, wholeIfSmall, type Box, type Detection } from '../faces/face-crops.js';
import type { FaceDetector } from '../faces/face-detector.js';
import { defaultPoolSize, EmbedPool, localExecutor, type Executor, type Workers } from './embed-pool.js';
import { EmbeddingCache } from './embedding-cache.js';

/**
 * Bumped whenever decoding, resizing or what the base is given changes, so that cached vectors from the old
 * pipeline are not reused. p4: faces go in greyscale (greyscale.ts); and features cached before tiny images
 * were refused are no longer found for an image given by its hash alone (a library image), which skips that check.
 */
const PREPROCESS_VERSION = 'p4';
/** What a base's views are made from, in every cache key: a colour base's vectors are never a grey one's. */
const preprocessKey = (base: FrozenBase<NetworkId>) => (base.greyInput ? PREPROCESS_VERSION : `${PREPROCESS_VERSION}-rgb`);

/** The views wanted of one image, given its content hash (augmented views are seeded by it). */
export type ViewsOf = (contentHash: string) => readonly AugmentParams[];

export interface FeatureRequest {
  sample: SampleRef;
  views: ViewsOf;
  /**
   * with a face detector: the largest face only (training, evaluation; the default), every face found, or
   * these faces (indexes into the image's detection, largest first: a second look at the unsure ones only)
   */
  faces?: 'largest' | 'all' | readonly number[];
}

/** Where the time of one features() call went, in seconds. */
export interface FeatureTimings {
  /** wall time of the whole call */
  wall: number;
  /** busy time summed over the threads that did it (they overlap each other and the wall time) */
  read: number;
  hash: number;
  decode: number;
  augment: number;
  network: number;
  /** the threads whose network passes computed this call's vectors */
  threads: number;
}

interface FeatureOutcome {
  /** per request: one vector per view of the first face judged, or null when the sample failed */
  vectors: Array<Float32Array[] | null>;
  /** per request: the sample's content hash, or null when it failed */
  hashes: Array<string | null>;
  /** per request: the faces found (no face detector: none asked), or null when it failed */
  detections: Array<Detection | null>;
  /**
   * per request: one list of view vectors per face judged, at the face's index in the detection (`faces: 'all'`:
   * each; a list: those, the others left empty; else the largest only); the first of them as in `vectors`
   */
  faceVectors: Array<Float32Array[][] | null>;
  failures: SkippedFile[];
  /** views found in the cache, and views computed, in this call */
  cached: number;
  computed: number;
  timings: FeatureTimings;
}

export interface FeatureOptions {
  /**
   * Write what was computed to disk just after the call resolves, not before (a prediction's answer does not
   * wait about 1.4 ms for two appends under the data lock); the next call waits for it first. A process killed
   * in between only loses those vectors from the cache: they are computed again.
   */
  flushLater?: boolean;
  batchSize?: number;
  signal?: AbortSignal;
  onProgress?(done: number, total: number, cached: number): void;
}

/** How a feature store embeds and caches; every field has a default that suits the machine. */
export interface FeatureStoreOptions {
  /** embedding workers (features/embed-pool.ts) on the wasm backend; 0: the engine thread only. Default: one per core */
  workers?: number;
  /** the embedding worker's script (bundled builds pass theirs) */
  workerEntry?: URL;
  /** bound of the embedding cache, in bytes (embedding-cache.ts) */
  cacheMaxBytes?: number;
  /** finds the faces in each image, whose crops are then embedded; without it each image is embedded whole */
  detector?: () => Promise<FaceDetector>;
  /**
   * workers another store lends (EmbedPool.lend), used instead of a pool of its own: those started already, or,
   * with `start`, the lender's started for a call with enough views (null: no store can lend; it starts its own)
   */
  borrowWorkers?: (start: boolean) => Workers | null;
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
  /** per face judged (one: the whole image, or the largest face, unless others were asked), with its index in the detection */
  crops: Array<{ face: number; keys: string[]; image: RgbImage | null }>;
  views: readonly AugmentParams[];
  detection: Detection | null;
  error: string | null;
}

/** A view to compute. */
interface Miss {
  index: number;
  face: number;
  view: number;
  key: string;
  image: RgbImage;
  params: AugmentParams;
}

/** The face detector of a store, and what it found in each image so far. */
interface FaceTools {
  detector: FaceDetector;
  detections: DetectionCache;
}

type CacheLock = Parameters<typeof EmbeddingCache.open>[4];

/** `dir`: the embeddings' folder (null: in memory); the detections live next to it, in faces/. */
async function openFaceTools(dir: string | null, options: FeatureStoreOptions, lock?: CacheLock): Promise<FaceTools | null> {
  if (!options.detector) return null;
  const detector = await options.detector();
  return { detector, detections: await DetectionCache.open(dir ? join(dirname(dir), 'faces') : null, `${detector.version}-${CROP_VERSION}`, lock) };
}

type Busy = Omit<FeatureTimings, 'wall' | 'threads'>;

/**
 * Views per network pass. Measured here: 16 costs the same CPU per image as 32 and holds half the activations
 * (a thread's wasm heap grows to the most a pass held, and never shrinks: 20,000 images peaked 20 % lower).
 */
const BATCH = 16;
/** Images read, hashed and decoded ahead, per step of the producer. */
const CHUNK = 16;
/** Views waiting for a thread, at most: the producer pauses above this (decoded images are 37 KB each). */
const QUEUE_HIGH = 512;
/** A call with this many views to compute starts the embedding workers (about half a second of work on one core). */
const POOL_MIN_VIEWS = 64;
/** Progress at most this often. */
const PROGRESS_MS = 100;
/** Images read and decoded at once: libuv's thread pool, which file reads and sharp run on (one libvips thread each when workers embed). */
const PREPARE_SLOTS = Math.max(1, Number(process.env.UV_THREADPOOL_SIZE) || 4);

export class FeatureStore {
  readonly stats: FeatureStats = { hits: 0, misses: 0, reads: 0, decoded: 0 };
  /** the workers in use: this store's own pool, or another store's lent to it */
  private pool: Workers | null = null;
  private ownPool: EmbedPool | null = null;
  private readonly local: Executor;
  private readonly slots = new Semaphore(PREPARE_SLOTS);

  private constructor(
    readonly base: FrozenBase<NetworkId>,
    private readonly cache: EmbeddingCache,
    private readonly options: FeatureStoreOptions,
    private readonly faces: FaceTools | null = null,
  ) {
    this.local = localExecutor(base);
  }

  /** `dir` null: features kept in memory only. `lock` wraps every write of the cache file. */
  static async open(
    dir: string | null,
    base: FrozenBase<NetworkId>,
    lock?: CacheLock,
    options: FeatureStoreOptions = {},
    /** the detector and detections of the engine's other stores, so that one network's crops are the other's without detecting again */
    shared?: Promise<FaceTools | null>,
  ): Promise<FeatureStore> {
    const cache = await EmbeddingCache.open(dir, base.id, base.fingerprint, base.dim, lock, {
      ...(options.cacheMaxBytes !== undefined && { maxBytes: options.cacheMaxBytes }),
    });
    const faces = shared ? await shared : await openFaceTools(dir, options, lock);
    return new FeatureStore(base, cache, options, faces);
  }

  /** How many embedding workers this store uses: none unless the backend is wasm and the base can be loaded elsewhere. */
  get poolSize(): number {
    if (!this.base.recipe || tf.getBackend() !== 'wasm') return 0;
    return Math.max(0, Math.floor(this.options.workers ?? defaultPoolSize()));
  }

  /**
   * Starts the embedding workers now (a long-lived engine does, so that its first prediction already uses
   * them); resolves with how many are ready once they all started or failed.
   */
  async warm(): Promise<number> {
    return this.poolSize > 0 ? this.startPool().settled() : 0;
  }

  private startPool(): EmbedPool {
    if (!this.ownPool) {
      // the workers take the cores for the network; sharp decodes each image on one thread so that they do not fight
      sharp.concurrency(1);
      this.ownPool = new EmbedPool(this.base.recipe!, this.poolSize, this.options.workerEntry);
    }
    this.pool = this.ownPool;
    return this.ownPool;
  }

  /** This store's workers for another base's batches (EmbedPool.lend): those started, or with `start` started now; null when it has none to lend. */
  lendWorkers(recipe: BaseRecipe, start: boolean): Workers | null {
    if (!this.ownPool && (!start || this.poolSize === 0)) return null;
    return (this.ownPool ?? this.startPool()).lend(recipe);
  }

  /** Stops the embedding workers (they are started again when needed). */
  async close(): Promise<void> {
    await this.flushing;
    const pool = this.ownPool;
    this.pool = null;
    this.ownPool = null;
    await pool?.dispose();
  }

  /**
   * Feature vectors for each request, view by view. Images are decoded only when one of their views is
   * missing; reading, hashing and decoding run ahead of the network (on libuv's threads), and the missing
   * views are embedded in batches by the engine thread or, for larger calls on the wasm backend, by the
   * embedding workers (one per core). A sample that fails is reported and skipped; the others go on. What
   * was computed is flushed to disk in any case, cancelled or not.
   */
  async features(requests: readonly FeatureRequest[], opts: FeatureOptions = {}): Promise<FeatureOutcome> {
    await this.flushing; // the last call's deferred flush: writes never overlap
    try {
      return await this.compute(requests, opts);
    } finally {
      if (opts.flushLater) this.flushing = new Promise<void>((resolve) => setImmediate(resolve)).then(() => this.flush()).catch(() => undefined);
      else await this.flush();
    }
  }

  private flushing: Promise<void> = Promise.resolve();

  private async flush(): Promise<void> {
    await this.cache.flush();
    await this.faces?.detections.flush();
  }

  /**
   * A view of a face's crop: the whole image keeps the key it had before faces were detected. A face is keyed
   * by its box (rounded), not its place in the list: a detection made again (a damaged line, another process)
   * may list the same faces in another order, and a vector must never answer for another face.
   */
  private key(hash: string, view: AugmentParams, face: Box | null = null): string {
    const crop = face === null ? '' : `|${this.faces!.detector.version}|${CROP_VERSION}|box${Math.round(face.x)},${Math.round(face.y)},${Math.round(face.width)},${Math.round(face.height)}`;
    return EmbeddingCache.key(hash, `${preprocessKey(this.base)}${crop}|${this.base.inputSize}|${paramsKey(view)}`);
  }

  /** The faces judged of a detection: the whole image (null), or the largest face, all of them or those asked (each once, largest first). */
  private facesOf(d: Detection | null, request: FeatureRequest): Array<number | null> {
    if (!d || judgedWhole(d)) return [null];
    const { faces } = request;
    if (faces === 'all') return d.faces.map((_, i) => i);
    if (Array.isArray(faces)) {
      const asked = d.faces.flatMap((_, i) => (faces.includes(i) ? [i] : []));
      if (asked.length) return asked;
    }
    return [0];
  }

  private async prepare(index: number, request: FeatureRequest, busy: Busy): Promise<Prepared> {
    const { sample } = request;
    const name = sampleName(sample);
    try {
      let bytes: Buffer | null = null;
      let hash = sample.hash;
      if (hash === undefined) {
        bytes = await this.read(sample.file!, busy);
        // before the cache is asked: features cached before tiny images were refused must not let one through
        refuseTinyImage(bytes, name);
        hash = this.hash(bytes, busy);
      } else if (!isContentHash(hash)) {
        throw new InputFileError(name, 'not a sha256 content hash');
      }
      const views = request.views(hash);
      let detection = this.faces?.detections.get(hash) ?? null;
      if (detection) refuseThinWhole(detection, name);
      const known = !this.faces || detection !== null;
      const keysOf = (d: Detection | null) => this.facesOf(d, request).map((face) => views.map((v) => this.key(hash, v, face === null ? null : d!.faces[face]!)));
      if (known) {
        const keys = keysOf(detection);
        const faces = this.facesOf(detection, request);
        if (keys.every((k) => k.every((key) => this.cache.has(key)))) return { index, hash, crops: keys.map((k, i) => ({ face: faces[i] ?? 0, keys: k, image: null })), views, detection, error: null };
      }
      if (!bytes) {
        if (sample.file === undefined) throw new InputFileError(name, 'its features are not cached, and no file was given to compute them from');
        bytes = await this.read(sample.file, busy);
        if (this.hash(bytes, busy) !== hash) throw new InputFileError(sample.file, 'the file has changed since it was added (other content)');
      }
      const t0 = performance.now();
      let crops: Prepared['crops'];
      try {
        if (!this.faces) {
          crops = [{ face: 0, keys: keysOf(null)[0]!, image: await decodeImage(bytes, name, { size: this.base.inputSize }) }];
        } else {
          const small = detection ? null : await wholeIfSmall(bytes);
          if (small) detection = small;
          if (detection && judgedWhole(detection)) {
            // a face crop already, or no face: decoded as before faces were detected
            crops = [{ face: 0, keys: keysOf(detection)[0]!, image: await decodeImage(bytes, name, { size: this.base.inputSize }) }];
            // kept only once the image decoded: a corrupt file must not leave a detection behind
            if (small) this.faces.detections.set(hash, small);
          } else {
            const frames = new ImageFrames(bytes, name);
            if (!detection) {
              detection = await findFaces(this.faces.detector, frames);
              this.faces.detections.set(hash, detection);
              refuseThinWhole(detection, name);
            }
            const d = detection;
            const faces = this.facesOf(d, request);
            const keys = keysOf(d);
            const images = await cutFaces(frames, bytes, name, d, faces, this.base.inputSize);
            crops = faces.map((face, i) => ({ face: face ?? 0, keys: keys[i]!, image: images[i]! }));
          }
        }
      } finally {
        busy.decode += (performance.now() - t0) / 1000;
      }
      this.stats.decoded++;
      return { index, hash, crops, views, detection, error: null };
    } catch (err) {
      return { index, hash: null, crops: [], views: [], detection: null, error: err instanceof InputFileError ? err.reason : (err as Error).message };
    }
  }

  private async read(file: string, busy: Busy): Promise<Buffer> {
    const t0 = performance.now();
    const bytes = await readImageBytesQuick(file);
    busy.read += (performance.now() - t0) / 1000;
    this.stats.reads++;
    return bytes;
  }

  private hash(bytes: Buffer, busy: Busy): string {
    const t0 = performance.now();
    const h = contentHash(bytes);
    busy.hash += (performance.now() - t0) / 1000;
    return h;
  }

  private async compute(requests: readonly FeatureRequest[], opts: FeatureOptions): Promise<FeatureOutcome> {
    const t0 = performance.now();
    const { base, cache } = this;
    // without workers of its own, the ones lent now (another store's, started since the last call, or none any more)
    if (!this.ownPool && this.poolSize > 0) this.pool = this.options.borrowWorkers?.(false) ?? null;
    const maxBatch = Math.max(1, opts.batchSize ?? BATCH);
    const slots: Array<Float32Array[][] | null> = requests.map(() => []);
    const hashes: Array<string | null> = requests.map(() => null);
    const detections: Array<Detection | null> = requests.map(() => null);
    const failures: SkippedFile[] = [];
    const busy: Busy = { read: 0, hash: 0, decode: 0, augment: 0, network: 0 };
    const threads = new Set<string>();
    const left = new Int32Array(requests.length); // views of each request still to compute
    const queue: Miss[] = [];
    const inflight = new Map<Executor, number>();
    let cached = 0;
    let computed = 0;
    let misses = 0;
    let done = 0;
    let producing = true;
    let running = 0;
    let failure: Error | null = null;
    let lastProgress = -Infinity;
    const stopped = () => failure !== null || opts.signal?.aborted === true;

    let waiters: Array<() => void> = [];
    const changed = () => {
      const w = waiters;
      waiters = [];
      w.forEach((fn) => fn());
    };
    const wait = () => new Promise<void>((resolve) => waiters.push(resolve));
    let reported = 0;
    let reportedCached = 0;
    let reportedAny = false;
    // when more images are done, at most every PROGRESS_MS, and at the end unless that very count was the last said
    const progress = (final = false) => {
      const now = performance.now();
      const same = done === reported && cached === reportedCached;
      if (final ? same && reportedAny : same || now - lastProgress < PROGRESS_MS) return;
      lastProgress = now;
      reported = done;
      reportedCached = cached;
      reportedAny = true;
      opts.onProgress?.(done, requests.length, cached);
    };

    // The engine thread embeds while the workers are not all up (or when there are none), and takes a share of
    // the last views of a call, when there is nothing left to read: a single image's two views then go one to
    // it and one to a worker, side by side, with one message fewer on the way. Otherwise it only feeds them.
    const executors = (): Executor[] => {
      const ready = this.pool?.ready ?? [];
      if (!this.pool || ready.length < this.pool.size) return [...ready, this.local];
      return !producing && queue.length <= ready.length + 1 ? [this.local, ...ready] : [...ready];
    };

    const dispatch = (ex: Executor, batch: Miss[]) => {
      const images: RgbImage[] = [];
      const at = new Map<RgbImage, number>();
      const jobs = batch.map((m) => {
        let i = at.get(m.image);
        if (i === undefined) {
          i = images.push(m.image) - 1;
          at.set(m.image, i);
        }
        return { image: i, view: m.params };
      });
      running++;
      inflight.set(ex, (inflight.get(ex) ?? 0) + 1);
      ex.run(images, jobs)
        .then(
          ({ vectors: out, augmentMs, networkMs }) => {
            busy.augment += augmentMs / 1000;
            busy.network += networkMs / 1000;
            threads.add(ex.name);
            batch.forEach((m, i) => {
              const v = out.subarray(i * base.dim, (i + 1) * base.dim);
              cache.set(m.key, v);
              slots[m.index]![m.face]![m.view] = v;
              if ((left[m.index] = left[m.index]! - 1) === 0) done++;
            });
            computed += batch.length;
          },
          (err: Error) => {
            // a worker that died: its batch goes back for the others; any other failure ends the call
            if (ex.dead) queue.unshift(...batch);
            else failure ??= err;
          },
        )
        .finally(() => {
          running--;
          inflight.set(ex, inflight.get(ex)! - 1);
          progress();
          pump();
          changed();
        });
    };

    // Round by round, so that the last views are spread evenly: each executor one batch, then a second one to
    // those that can queue it.
    const pump = () => {
      if (stopped()) return;
      const list = executors();
      for (let round = 0; round < 2; round++) {
        for (const ex of list) {
          if (queue.length === 0) return;
          if ((inflight.get(ex) ?? 0) > round || round >= ex.depth) continue;
          // while reading goes on, full batches; then what is left, shared out evenly (a single image's two views
          // run side by side on two threads: measured here, faster than one pass over both)
          const n = producing ? (queue.length >= maxBatch ? maxBatch : 0) : Math.min(maxBatch, Math.ceil(queue.length / list.length));
          if (n === 0) return;
          dispatch(ex, queue.splice(0, n));
        }
      }
    };

    const watching: { off: (() => void) | null } = { off: null };
    const watchPool = () => {
      if (this.pool && !watching.off) watching.off = this.pool.onChange(() => (pump(), changed()));
    };
    watchPool();

    // each image is read, hashed and decoded in one of a few slots (libuv's threads), so that its times are its own
    const prepareChunk = (start: number) => Promise.all(requests.slice(start, start + CHUNK).map((r, i) => this.slots.run(() => this.prepare(start + i, r, busy))));
    try {
      let next: Promise<Prepared[]> | null = requests.length ? prepareChunk(0) : null;
      for (let start = 0; next && !stopped(); start += CHUNK) {
        const chunk: Prepared[] = await next;
        next = start + CHUNK < requests.length && !stopped() ? prepareChunk(start + CHUNK) : null;
        for (const p of chunk) {
          if (p.error !== null) {
            slots[p.index] = null;
            failures.push({ file: sampleName(requests[p.index]!.sample), reason: p.error });
            continue;
          }
          hashes[p.index] = p.hash;
          detections[p.index] = p.detection;
          p.crops.forEach(({ face, keys, image }) => {
            const views: Float32Array[] = (slots[p.index]![face] = []);
            keys.forEach((key, view) => {
              const hit = cache.get(key);
              if (hit) {
                views[view] = hit;
                cached++;
                this.stats.hits++;
              } else {
                this.stats.misses++;
                misses++;
                left[p.index] = left[p.index]! + 1;
                queue.push({ index: p.index, face, view, key, image: image!, params: p.views[view]! });
              }
            });
          });
          if (left[p.index] === 0) done++;
        }
        if (!this.pool && misses >= POOL_MIN_VIEWS && this.poolSize > 0) {
          this.pool = this.options.borrowWorkers?.(true) ?? this.startPool();
          watchPool();
        }
        pump();
        progress();
        await yieldToEventLoop();
        while (queue.length >= QUEUE_HIGH && !stopped()) await wait();
      }
      await next?.catch(() => undefined);
      producing = false;
      pump();
      while (running > 0 || (queue.length > 0 && !stopped())) await wait();
    } finally {
      watching.off?.();
    }
    if (failure) throw failure;
    if (opts.signal?.aborted) throw cancelled();
    progress(true);
    const timings: FeatureTimings = { wall: (performance.now() - t0) / 1000, ...busy, threads: threads.size };
    const vectors = slots.map((s) => (s ? s.find((face) => face !== undefined)! : null));
    return { vectors, hashes, detections, faceVectors: slots, failures, cached, computed, timings };
  }
}

/** At most `slots` tasks at once; the others wait their turn, in order. */
class Semaphore {
  private queue: Array<() => void> = [];
  private active = 0;

  constructor(private readonly slots: number) {}

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.active >= this.slots) await new Promise<void>((resolve) => this.queue.push(resolve));
    this.active++;
    try {
      return await task();
    } finally {
      this.active--;
      this.queue.shift()?.();
    }
  }
}

/** One feature store per base (and fingerprint) for an engine's life, its cache file under <home>/cache/embeddings. */
export class FeatureStores {
  private readonly stores = new Map<string, Promise<FeatureStore>>();

  /** readOnly: the data folder cannot be written; features live in memory only */
  constructor(
    private readonly home: string,
    private readonly readOnly = false,
    private readonly options: FeatureStoreOptions = {},
  ) {}

  forBase(base: FrozenBase<NetworkId>): Promise<FeatureStore> {
    const key = `${base.id}-${base.fingerprint}`;
    let store = this.stores.get(key);
    if (!store) {
      // the emotion network of a second look judges a few faces now and then: on the workers another store started, not threads of its own
      const borrow = base.id === 'emotion' && base.recipe ? { borrowWorkers: (start: boolean) => this.lender(base.recipe!, start) } : {};
      store = FeatureStore.open(this.embeddingsDir(), base, this.lock(`cache-${key}`), { ...this.options, ...borrow }, this.faceTools());
      void store.then((s) => this.opened.push(s), () => undefined);
      this.stores.set(key, store);
      store.catch(() => this.stores.delete(key));
    }
    return store;
  }

  private embeddingsDir(): string | null {
    return this.readOnly ? null : join(this.home, 'cache', 'embeddings');
  }

  private lock(name: `cache-${string}`): CacheLock {
    const home = this.home;
    return Object.assign(<T>(fn: () => Promise<T>) => withDataLock(home, name, fn), { now: (fn: () => void) => tryWithDataLockSync(home, name, fn) });
  }

  /** One detection cache for every store: a face found for one network is the face the next one is shown. */
  private faceTools(): Promise<FaceTools | null> {
    if (!this.faces) {
      const faces = openFaceTools(this.embeddingsDir(), this.options, this.lock('cache-faces'));
      this.faces = faces;
      faces.catch(() => {
        if (this.faces === faces) this.faces = null;
      });
    }
    return this.faces;
  }

  private faces: Promise<FaceTools | null> | null = null;
  private readonly opened: FeatureStore[] = [];

  /** Workers of another store, lent for `recipe`'s batches: one that has them running, else (with `start`) the first that can start them. */
  private lender(recipe: BaseRecipe, start: boolean): Workers | null {
    const others = this.opened.filter((s) => s.base.recipe && s.base.recipe.kind !== recipe.kind);
    for (const s of others) {
      const lent = s.lendWorkers(recipe, false);
      if (lent) return lent;
    }
    for (const s of start ? others : []) {
      const lent = s.lendWorkers(recipe, true);
      if (lent) return lent;
    }
    return null;
  }

  /** Stops every store's embedding workers. */
  async close(): Promise<void> {
    const stores = await Promise.allSettled(this.stores.values());
    await Promise.all(stores.map((s) => (s.status === 'fulfilled' ? s.value.close() : undefined)));
  }
}
