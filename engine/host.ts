/**
 * The engine worker's host, used from the thread that owns it (the Electron main process or the CLI). Sends
 * typed requests, delivers their progress to whoever asked, cancels by id, and turns a crashed worker into a
 * 'crashed' error for every pending request before starting a fresh worker for the next ones.
 */
import { existsSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import type { EngineMethod, EngineParams, EngineResult, HostToWorker, WorkerToHost } from '../common/engine-contract.js';
import type { BackendInfo, ProgressEvent } from '../common/engine-types.js';
import { EngineError, cancelled, errorText, toFailure, type Failure } from '../common/errors.js';
import { inputReason } from '../common/i18n/reasons.js';

export interface WorkerConfig {
  home: string;
  assetsDir: string;
  /** force a backend: a candidate id or kind ('wasm', 'cpu'...) */
  backend?: string;
  /** the data folder cannot be written: judge without caching features; refuse to save models */
  readOnly?: boolean;
  /** embedding workers on the wasm backend (features/embed-pool.ts); 0: none. Default: one per core */
  embedWorkers?: number;
  /** start the embedding workers as soon as the engine is ready (a long-lived engine, such as the app's); otherwise on the first large call */
  warmEmbedWorkers?: boolean;
  /** bound of each embedding cache file, in bytes (default 256 MiB) */
  cacheMaxBytes?: number;
  /**
   * Tests only (the E2E bridge): an Int32Array's buffer whose element 0 is the epoch after which a training
   * waits (negative: no limit). See epoch-gate.ts. The app and the CLI never set it.
   */
  epochGate?: SharedArrayBuffer;
}

/** What the host tells its owner about the worker's life. */
export type HostStatus =
  | { state: 'ready'; backend: BackendInfo }
  | { state: 'crashed'; detail: string }
  | { state: 'restart-failed'; error: Failure };

export interface HostOptions {
  /** entry script of the worker; the default is the engine's own (compiled next to this file, or its tsx shim) */
  workerUrl?: URL;
  onStatus?(status: HostStatus): void;
}

export interface CallOptions {
  onProgress?(event: ProgressEvent): void;
  signal?: AbortSignal;
}

export interface PendingCall<M extends EngineMethod> {
  /** pass to cancel() from anywhere, e.g. a Stop button in another window */
  id: string;
  result: Promise<EngineResult<M>>;
}

interface Pending {
  resolve(v: unknown): void;
  reject(e: Error): void;
  onProgress: ((e: ProgressEvent) => void) | undefined;
  cleanup(): void;
}

/** Sent first when the host was given its configuration as a promise: the worker loads its modules meanwhile. */
export interface ConfigureMessage {
  kind: 'configure';
  config: WorkerConfig;
}

/** The compiled worker sits next to this file; in development (tsx) the .ts source does, through a shim. */
function defaultWorkerEntry(): URL {
  const js = new URL('./worker.js', import.meta.url);
  return existsSync(js) ? js : new URL('./worker-tsx.mjs', import.meta.url);
}

/** How long a stopping engine may take to finish its deferred writes (a stale lock is taken over after 10 s). */
export const CLOSE_MS = 15_000;

export class EngineHost {
  private worker: Worker | null = null;
  /** the worker that reached 'ready'; only such a worker is restarted when it dies */
  private readyWorker: Worker | null = null;
  private ready: Promise<BackendInfo> | null = null;
  private readonly pending = new Map<string, Pending>();
  private nextId = 1;
  private disposed = false;
  restarts = 0;
  private config: WorkerConfig | null;
  private readonly pendingConfig: Promise<WorkerConfig> | null;

  /**
   * `config` may be a promise: the worker then starts at once and loads TensorFlow.js and the engine while the
   * caller is still working out the configuration (the CLI checks the data folder meanwhile); it gets the
   * configuration when the promise settles. A rejected promise fails start() with that error.
   */
  constructor(
    config: WorkerConfig | Promise<WorkerConfig>,
    private readonly options: HostOptions = {},
  ) {
    this.config = config instanceof Promise ? null : config;
    this.pendingConfig = config instanceof Promise ? config : null;
    if (this.pendingConfig) {
      this.pendingConfig.then(
        (c) => (this.config = c),
        () => undefined,
      );
    }
  }

  /** Starts the worker (if needed) and resolves with the backend it chose. */
  start(): Promise<BackendInfo> {
    if (this.disposed) return Promise.reject(new EngineError('stopped', inputReason('reason.engineStopped')));
    if (this.ready) return this.ready;
    const worker = new Worker(this.options.workerUrl ?? defaultWorkerEntry(), { workerData: this.config });
    this.worker = worker;
    let rejectStart: (err: Error) => void = () => undefined;
    if (!this.config && this.pendingConfig) {
      this.pendingConfig.then(
        (config) => {
          if (this.worker === worker) worker.postMessage({ kind: 'configure', config } satisfies ConfigureMessage);
        },
        (err: unknown) => {
          if (this.worker !== worker) return;
          this.worker = null;
          this.ready = null;
          worker.removeAllListeners('exit');
          void worker.terminate();
          rejectStart(err instanceof Error ? err : new Error(String(err)));
        },
      );
    }
    this.ready = new Promise<BackendInfo>((resolve, reject) => {
      rejectStart = reject;
      worker.on('message', (msg: WorkerToHost) => {
        if (msg.kind === 'ready') {
          this.readyWorker = worker;
          resolve(msg.backend);
          this.options.onStatus?.({ state: 'ready', backend: msg.backend });
        } else if (msg.kind === 'fatal') {
          reject(EngineError.from(msg.error));
        } else if (msg.kind !== 'closed') this.onMessage(msg);
      });
      worker.on('error', (err) => {
        reject(new EngineError('internal', inputReason('reason.engineStartFailed', { error: errorText(err) })));
        this.onCrash(worker, errorText(err));
      });
      worker.on('exit', (code) => {
        reject(new EngineError('crashed', inputReason('reason.engineExitedStarting', { code })));
        this.onCrash(worker, inputReason('reason.exitCode', { code }));
      });
    });
    this.ready.catch(() => undefined);
    return this.ready;
  }

  /** Sends a request; the id can cancel it from anywhere until it settles. */
  request<M extends EngineMethod>(method: M, params: EngineParams<M>, opts: CallOptions = {}): PendingCall<M> {
    const id = `c${this.nextId++}`;
    const result = new Promise<EngineResult<M>>((resolve, reject) => {
      if (opts.signal?.aborted) return reject(cancelled());
      const onAbort = () => this.cancel(id);
      opts.signal?.addEventListener('abort', onAbort, { once: true });
      this.pending.set(id, {
        resolve: resolve as (v: unknown) => void,
        reject,
        onProgress: opts.onProgress,
        cleanup: () => opts.signal?.removeEventListener('abort', onAbort),
      });
      this.start().then(
        () => {
          if (this.pending.has(id)) this.post({ kind: 'request', id, method, params });
        },
        (err: unknown) => this.settle(id, { ok: false, error: toFailure(err) }),
      );
    });
    return { id, result };
  }

  call<M extends EngineMethod>(method: M, params: EngineParams<M>, opts: CallOptions = {}): Promise<EngineResult<M>> {
    return this.request(method, params, opts).result;
  }

  /** Asks the worker to cancel a pending call; returns false when no such call is pending. */
  cancel(id: string): boolean {
    if (!this.pending.has(id)) return false;
    this.post({ kind: 'cancel', id });
    return true;
  }

  /**
   * Stops the worker; pending calls fail with 'stopped'. A worker that was serving is first asked to close:
   * to write what its last calls left for after their answers (a prediction's cache), for up to `closeMs`,
   * then it is stopped whatever it is doing. Terminated at once, a CLI run lost every prediction's cache
   * writes, and one cut inside a write left its lock behind.
   */
  async dispose(closeMs = CLOSE_MS): Promise<void> {
    this.disposed = true;
    const w = this.worker;
    const serving = w !== null && w === this.readyWorker;
    this.worker = null;
    this.ready = null;
    this.failAll(new EngineError('stopped', inputReason('reason.engineStopped')));
    if (!w) return;
    w.removeAllListeners('exit');
    if (serving) {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        new Promise<void>((resolve) => {
          w.on('message', (msg: WorkerToHost) => msg.kind === 'closed' && resolve());
          w.once('exit', () => resolve());
          w.postMessage({ kind: 'close' } satisfies HostToWorker);
        }),
        new Promise<void>((resolve) => (timer = setTimeout(resolve, closeMs))),
      ]);
      clearTimeout(timer);
    }
    await w.terminate();
  }

  private post(msg: HostToWorker): void {
    this.worker?.postMessage(msg);
  }

  private onMessage(msg: Exclude<WorkerToHost, { kind: 'ready' } | { kind: 'fatal' } | { kind: 'closed' }>): void {
    if (msg.kind === 'progress') {
      this.pending.get(msg.id)?.onProgress?.(msg.event);
      return;
    }
    this.settle(msg.id, msg);
  }

  private settle(id: string, outcome: { ok: true; value: unknown } | { ok: false; error: Failure }): void {
    const p = this.pending.get(id);
    if (!p) return;
    this.pending.delete(id);
    p.cleanup();
    if (outcome.ok) p.resolve(outcome.value);
    else p.reject(EngineError.from(outcome.error));
  }

  private onCrash(worker: Worker, detail: string): void {
    if (worker !== this.worker) return; // already handled
    this.worker = null;
    this.ready = null;
    if (this.disposed) return;
    this.failAll(new EngineError('crashed', inputReason('reason.engineCrashed', { detail })));
    // A worker that never became ready (no backend could start...) would fail the same way again: no
    // restart loop; the next call tries afresh.
    if (this.readyWorker !== worker) return;
    this.readyWorker = null;
    this.restarts++;
    this.options.onStatus?.({ state: 'crashed', detail });
    // A fresh worker right away, so that the app shows a working backend again; tfjs-node cannot load twice
    // in one process, so the new worker may fall back to wasm, and says so in its attempts.
    this.start().catch((err: unknown) => this.options.onStatus?.({ state: 'restart-failed', error: toFailure(err) }));
  }

  private failAll(error: EngineError): void {
    const pending = [...this.pending.values()];
    this.pending.clear();
    for (const p of pending) {
      p.cleanup();
      p.reject(error);
    }
  }
}
