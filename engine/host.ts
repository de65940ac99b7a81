/**
 * Main-side client of the engine worker (used by the Electron main process and by the CLI). Sends typed
 * requests, streams their progress, cancels them, and turns a crashed worker into an error for every
 * pending request, then starts a fresh worker for the next ones.
 */
import { EventEmitter } from 'node:events';
import { existsSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import type { BackendInfo } from './backend.js';
import type { EngineMethod, EngineMethods, ProgressEvent, SerializedError, WorkerConfig, WorkerToHost } from './protocol.js';

export class EngineError extends Error {
  readonly file: string | undefined;
  constructor(err: SerializedError) {
    super(err.message);
    this.name = err.name;
    this.file = err.file;
  }
}

export class EngineCrashedError extends Error {
  constructor(detail: string) {
    super(`the engine stopped unexpectedly (${detail}); it has been restarted, please try again`);
    this.name = 'EngineCrashedError';
  }
}

export interface CallOptions {
  onProgress?(event: ProgressEvent): void;
  signal?: AbortSignal;
}

interface Pending {
  resolve(v: unknown): void;
  reject(e: Error): void;
  onProgress: ((e: ProgressEvent) => void) | undefined;
  cleanup(): void;
}

/** The compiled worker sits next to this file; in development (tsx) the .ts source does. */
function workerEntry(): URL {
  const js = new URL('./worker.js', import.meta.url);
  return existsSync(js) ? js : new URL('./worker-tsx.mjs', import.meta.url);
}

export class EngineHost extends EventEmitter {
  private worker: Worker | null = null;
  /** the worker that reached 'ready'; only such a worker is restarted when it dies */
  private readyWorker: Worker | null = null;
  private ready: Promise<BackendInfo> | null = null;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private disposed = false;
  restarts = 0;

  constructor(private readonly config: WorkerConfig) {
    super();
  }

  /** Starts the worker (if needed) and resolves with the backend it chose. */
  start(): Promise<BackendInfo> {
    if (this.disposed) return Promise.reject(new Error('the engine host was disposed'));
    if (this.ready) return this.ready;
    const worker = new Worker(workerEntry(), { workerData: this.config });
    this.worker = worker;
    this.ready = new Promise<BackendInfo>((resolve, reject) => {
      worker.on('message', (msg: WorkerToHost) => {
        if (msg.kind === 'ready') {
          this.readyWorker = worker;
          resolve(msg.backend);
          this.emit('ready', msg.backend);
        } else if (msg.kind === 'fatal') {
          reject(new EngineError(msg.error));
        } else this.onMessage(msg);
      });
      worker.on('error', (err) => {
        reject(err);
        this.onCrash(worker, err.message);
      });
      worker.on('exit', (code) => {
        reject(new EngineCrashedError(`exit code ${code}`));
        this.onCrash(worker, `exit code ${code}`);
      });
    });
    this.ready.catch(() => undefined);
    return this.ready;
  }

  async call<M extends EngineMethod>(method: M, params: EngineMethods[M][0], opts: CallOptions = {}): Promise<EngineMethods[M][1]> {
    if (opts.signal?.aborted) throw Object.assign(new Error('cancelled'), { name: 'CancelledError' });
    await this.start();
    const worker = this.worker!;
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const onAbort = () => worker.postMessage({ kind: 'cancel', id });
      opts.signal?.addEventListener('abort', onAbort, { once: true });
      this.pending.set(id, {
        resolve: resolve as (v: unknown) => void,
        reject,
        onProgress: opts.onProgress,
        cleanup: () => opts.signal?.removeEventListener('abort', onAbort),
      });
      worker.postMessage({ kind: 'request', id, method, params });
    });
  }

  cancel(id: number): void {
    this.worker?.postMessage({ kind: 'cancel', id });
  }

  async dispose(): Promise<void> {
    this.disposed = true;
    const w = this.worker;
    this.worker = null;
    this.ready = null;
    if (w) {
      w.removeAllListeners('exit');
      await w.terminate();
    }
    this.failAll('the engine was shut down');
  }

  private onMessage(msg: Exclude<WorkerToHost, { kind: 'ready' } | { kind: 'fatal' }>): void {
    const p = this.pending.get(msg.id);
    if (!p) return;
    if (msg.kind === 'progress') {
      p.onProgress?.(msg.event);
      return;
    }
    this.pending.delete(msg.id);
    p.cleanup();
    if (msg.ok) p.resolve(msg.value);
    else p.reject(new EngineError(msg.error));
  }

  private onCrash(worker: Worker, detail: string): void {
    if (worker !== this.worker) return; // already handled
    this.worker = null;
    this.ready = null;
    if (this.disposed) return;
    this.failAll(detail);
    // A worker that never became ready (no backend could start...) would fail the same way again: no
    // restart loop; the next call tries afresh.
    if (this.readyWorker !== worker) return;
    this.readyWorker = null;
    this.restarts++;
    this.emit('crash', detail);
    // A fresh worker right away, so that the app shows a working backend again; tfjs-node cannot load twice
    // in one process, so the new worker may fall back to wasm, and says so in its attempts.
    this.start().catch((err) => this.emit('error', err));
  }

  private failAll(detail: string): void {
    const pending = [...this.pending.values()];
    this.pending.clear();
    for (const p of pending) {
      p.cleanup();
      p.reject(new EngineCrashedError(detail));
    }
  }
}
