import type { ProgressEvent } from '../common/engine-types.js';

/** What every engine call gets besides its params: a signal that cancels it and a sink for its progress. */
export interface CallContext {
  signal?: AbortSignal;
  progress?(event: ProgressEvent): void;
  /**
   * Awaited by a training after each epoch. Only the E2E bridge sets it (through WorkerConfig.epochGate), to
   * look at the app while a training is between epochs without timing anything; the app never does.
   */
  afterEpoch?(epoch: number): Promise<void>;
}
