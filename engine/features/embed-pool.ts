/**
 * Where batches of views are embedded: on the engine thread itself, or by a pool of embedding workers (one
 * per core, each with its own copy of the frozen base on its own wasm instance) so that a dataset or a batch
 * of predictions uses every core. The head, the cache and the files stay with the engine thread.
 *
 * Only on the wasm backend: a native backend (tfjs-node) already uses every core, and cannot be loaded in a
 * second worker thread anyway (BRIEF §4); and a vector must not depend on the thread that computed it, so
 * the pool runs the same backend, the same code (embed-views.ts) and the same weights as the engine thread.
 */
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { BaseRecipe, FrozenBase, NetworkId } from '../bases/base.js';
import { yieldToEventLoop } from '../errors.js';
import type { RgbImage } from '../image-decode.js';
import { embedViews, type BatchResult, type ViewJob } from './embed-views.js';

export type { BatchResult, ViewJob };

/** Something that embeds one batch at a time. */
export interface Executor {
  readonly name: string;
  /** batches it may hold at once: more than one lets a worker start the next batch without waiting for the engine thread */
  readonly depth: number;
  /** set once a worker is lost: its batches can run elsewhere */
  readonly dead?: Error | null;
  run(images: readonly RgbImage[], jobs: readonly ViewJob[]): Promise<BatchResult>;
}

/** The engine thread: runs a batch synchronously, after letting pending events (a cancel, finished decodes) through. */
export function localExecutor(base: FrozenBase<NetworkId>): Executor {
  return {
    name: 'engine thread',
    depth: 1,
    async run(images, jobs) {
      await yieldToEventLoop();
      return embedViews(base, images, jobs);
    },
  };
}

/** Messages with an embedding worker. */
export interface EmbedWorkerData {
  recipe: BaseRecipe;
}
export interface ToEmbedWorker {
  id: number;
  size: number;
  images: Uint8Array[];
  jobs: ViewJob[];
  /** embed with this base instead of the worker's own (loaded on first use, then kept): a pool lent to another store */
  recipe?: BaseRecipe;
}
export type FromEmbedWorker =
  | { type: 'ready' }
  | { type: 'fatal'; message: string }
  | ({ type: 'done'; id: number } & BatchResult)
  | { type: 'failed'; id: number; message: string };

/** How many embedding workers by default: one per core, none on a single core. */
export function defaultPoolSize(): number {
  const cores = availableParallelism();
  return cores > 1 ? Math.min(cores, 8) : 0;
}

/**
 * The embedding worker's script. The engine worker's entry passes the one next to itself (so that bundled
 * builds find it); otherwise the compiled one next to this folder, or in a source checkout its tsx shim.
 */
export function defaultEmbedWorkerEntry(): URL {
  const js = new URL('../embed-worker.js', import.meta.url);
  return existsSync(js) ? js : new URL('../embed-worker-tsx.mjs', import.meta.url);
}

class RemoteExecutor implements Executor {
  readonly depth = 2;
  private nextId = 1;
  private readonly pending = new Map<number, { resolve(r: BatchResult): void; reject(e: Error): void }>();
  dead: Error | null = null;

  constructor(
    readonly name: string,
    private readonly worker: Worker,
  ) {}

  run(images: readonly RgbImage[], jobs: readonly ViewJob[], recipe?: BaseRecipe): Promise<BatchResult> {
    if (this.dead) return Promise.reject(this.dead);
    const id = this.nextId++;
    return new Promise<BatchResult>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      if (this.pending.size === 1) this.worker.ref(); // a pending batch keeps the process alive; an idle pool does not
      const msg: ToEmbedWorker = { id, size: images[0]?.size ?? 0, images: images.map((i) => i.data), jobs: [...jobs], ...(recipe && { recipe }) };
      this.worker.postMessage(msg);
    });
  }

  settle(id: number, outcome: { ok: true; result: BatchResult } | { ok: false; error: Error }): void {
    const p = this.pending.get(id);
    if (!p) return;
    this.pending.delete(id);
    if (this.pending.size === 0) this.worker.unref();
    if (outcome.ok) p.resolve(outcome.result);
    else p.reject(outcome.error);
  }

  /** lets the process end while no batch is pending (a batch, or a wait for the start, holds it) */
  unrefIfIdle(): void {
    if (this.pending.size === 0) this.worker.unref();
  }

  fail(error: Error): void {
    this.dead = error;
    for (const id of [...this.pending.keys()]) this.settle(id, { ok: false, error });
  }
}

/** The embedding workers a feature store sends its batches to: its own pool, or one lent by another store. */
export interface Workers {
  /** the workers that can take work now */
  readonly ready: readonly Executor[];
  /** how many there are meant to be */
  readonly size: number;
  /** called whenever a worker becomes ready or is lost; returns the unsubscribe */
  onChange(fn: () => void): () => void;
}

/**
 * Embedding workers for one frozen base. They start in the background (a second or so each: TensorFlow.js,
 * the wasm module, the weights); `ready` lists those that can take work. A worker that fails to start or
 * dies is left out; its batches fail and the feature store runs them elsewhere.
 */
export class EmbedPool implements Workers {
  readonly ready: Executor[] = [];
  private readonly workers: Worker[] = [];
  private readonly executors: RemoteExecutor[] = [];
  private readonly listeners = new Set<() => void>();
  /** why workers were lost, for diagnostics */
  readonly failures: string[] = [];
  private disposed = false;

  constructor(
    recipe: BaseRecipe,
    readonly size: number,
    entry: URL = defaultEmbedWorkerEntry(),
  ) {
    for (let i = 0; i < size; i++) {
      const worker = new Worker(entry, { workerData: { recipe } satisfies EmbedWorkerData, name: `embed-${i + 1}` });
      const executor = new RemoteExecutor(`embedding worker ${i + 1}`, worker);
      const lose = (why: string) => {
        if (executor.dead) return;
        executor.fail(new Error(why));
        const at = this.ready.indexOf(executor);
        if (at >= 0) this.ready.splice(at, 1);
        if (!this.disposed) this.failures.push(`${executor.name}: ${why}`);
        this.changed();
      };
      worker.on('message', (msg: FromEmbedWorker) => {
        if (msg.type === 'ready') {
          if (!executor.dead && !this.disposed) this.ready.push(executor);
          this.changed();
        } else if (msg.type === 'fatal') {
          lose(`could not start (${msg.message})`);
          void worker.terminate();
        } else if (msg.type === 'done') {
          executor.settle(msg.id, { ok: true, result: { vectors: msg.vectors, augmentMs: msg.augmentMs, networkMs: msg.networkMs } });
        } else {
          executor.settle(msg.id, { ok: false, error: new Error(msg.message) });
        }
      });
      worker.on('error', (err) => lose(err.message));
      worker.on('exit', (code) => lose(`stopped (exit code ${code})`));
      // after the listeners: adding a 'message' listener refs the worker again, so that a pool whose workers
      // never got a batch kept the process from ending
      worker.unref();
      this.workers.push(worker);
      this.executors.push(executor);
    }
  }

  /** Workers still starting or running. */
  get alive(): number {
    return this.workers.length - this.failures.length;
  }

  /** Resolves when every worker is ready or lost, with the number ready. */
  settled(): Promise<number> {
    // someone waits for the workers to start: until they have, they hold the process (an idle pool does not)
    for (const w of this.workers) w.ref();
    return new Promise((resolve) => {
      const check = () => {
        // disposed: no worker will start any more (dispose empties `ready`, and lost ones are not counted then)
        if (this.disposed || this.ready.length >= this.alive) {
          off();
          for (const e of this.executors) e.unrefIfIdle();
          resolve(this.ready.length);
        }
      };
      const off = this.onChange(check);
      check();
    });
  }

  /**
   * The same workers for another base's batches (each worker loads it on its first batch and keeps it): a
   * second network that judges a few faces now and then (a model's second look) runs beside the first on
   * workers already started, instead of starting threads of its own. The pool's owner still disposes them.
   */
  lend(recipe: BaseRecipe): Workers {
    const lent = new Map<Executor, Executor>();
    const as = (e: RemoteExecutor): Executor => {
      let x = lent.get(e);
      if (!x) {
        x = { name: e.name, depth: e.depth, get dead() { return e.dead; }, run: (images, jobs) => e.run(images, jobs, recipe) };
        lent.set(e, x);
      }
      return x;
    };
    const pool = this;
    return {
      get ready() {
        return pool.ready.map((e) => as(e as RemoteExecutor));
      },
      size: this.size,
      onChange: (fn) => this.onChange(fn),
    };
  }

  /** Called whenever a worker becomes ready or is lost; returns the unsubscribe. */
  onChange(fn: () => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  private changed(): void {
    for (const fn of [...this.listeners]) fn();
  }

  async dispose(): Promise<void> {
    this.disposed = true;
    this.ready.length = 0;
    this.changed(); // whoever waits for the start is answered: none ready
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}
