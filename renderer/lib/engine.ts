/**
 * A small typed client over window.api.engine: it makes the call ids, routes each call's progress events to
 * its caller, cancels, and turns a failed outcome back into an EngineError (errors do not cross
 * contextBridge with their fields, so the preload resolves with an outcome instead of rejecting).
 */
import type { HappySadApi } from '../../common/api.js';
import type { EngineParams, EngineResult } from '../../common/engine-contract.js';
import type { ProgressEvent } from '../../common/engine-types.js';
import { EngineError, errorText, isFailure } from '../../common/errors.js';
import type { RendererEngineMethod } from '../../common/ipc.js';

export interface CallOptions {
  onProgress?(event: ProgressEvent): void;
  signal?: AbortSignal;
}

export interface RunningCall<M extends RendererEngineMethod> {
  id: string;
  result: Promise<EngineResult<M>>;
  cancel(): void;
}

let counter = 0;
/** Unique within this page's life and within CALL_ID_PATTERN ([A-Za-z0-9_-]{1,64}). */
export function newCallId(): string {
  counter += 1;
  const random = Math.floor(Math.random() * 0x1000000).toString(36);
  return `r${Date.now().toString(36)}-${counter.toString(36)}-${random}`;
}

export class EngineClient {
  private readonly listeners = new Map<string, (event: ProgressEvent) => void>();

  constructor(private readonly api: HappySadApi['engine']) {
    api.onProgress((callId, event) => this.listeners.get(callId)?.(event));
  }

  /** Starts a call; its id can cancel it until it settles. */
  start<M extends RendererEngineMethod>(method: M, params: EngineParams<M>, options: CallOptions = {}): RunningCall<M> {
    const id = newCallId();
    const cancel = () => this.api.cancel(id);
    if (options.onProgress) this.listeners.set(id, options.onProgress);
    const onAbort = () => cancel();
    options.signal?.addEventListener('abort', onAbort, { once: true });
    const result = (async () => {
      try {
        if (options.signal?.aborted) throw new EngineError('cancelled', 'cancelled');
        let outcome: Awaited<ReturnType<HappySadApi['engine']['call']>>;
        try {
          outcome = await this.api.call(id, method, params);
        } catch (err) {
          // the bridge itself failed (never an engine error): keep the message
          throw new EngineError('internal', errorText(err));
        }
        if (outcome.ok) return outcome.value as EngineResult<M>;
        throw isFailure(outcome.error) ? EngineError.from({ ...outcome.error, message: errorText(outcome.error) }) : new EngineError('internal', errorText(outcome.error));
      } finally {
        this.listeners.delete(id);
        options.signal?.removeEventListener('abort', onAbort);
      }
    })();
    return { id, result, cancel };
  }

  call<M extends RendererEngineMethod>(method: M, params: EngineParams<M>, options: CallOptions = {}): Promise<EngineResult<M>> {
    return this.start(method, params, options).result;
  }
}
