import type { ProgressEvent } from '../common/engine-types.js';

/** What every engine call gets besides its params: a signal that cancels it and a sink for its progress. */
export interface CallContext {
  signal?: AbortSignal;
  progress?(event: ProgressEvent): void;
}
