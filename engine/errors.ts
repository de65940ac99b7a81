import { EngineError, cancelled } from '../common/errors.js';

export { EngineError, cancelled };

/** Failure tied to one input file; `reason` is plain words for the user. */
export class InputFileError extends EngineError {
  constructor(
    file: string,
    readonly reason: string,
  ) {
    super('bad-input', `${file}: ${reason}`, file);
  }
}

/** Bad request or configuration that the user can fix (wrong folder, unknown option...). */
export function badInput(message: string, file?: string): EngineError {
  return new EngineError('bad-input', message, file);
}

export function notFound(message: string, file?: string): EngineError {
  return new EngineError('not-found', message, file);
}

export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw cancelled();
}

/** Lets queued messages (such as a cancel) reach a long-running loop. */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
