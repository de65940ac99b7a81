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

/** A file-system failure in plain words (the codes a user can act on), else its own message. */
export function fsReason(err: unknown, enoent = 'no such file or folder'): string {
  switch ((err as NodeJS.ErrnoException).code) {
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EROFS':
      return 'the disk is read-only';
    case 'ENOSPC':
      return 'the disk is full';
    case 'EDQUOT':
      return 'the disk quota is used up';
    case 'ENOTDIR':
      return 'part of the path is a file, not a folder';
    case 'ENOENT':
      return enoent;
    case 'ENAMETOOLONG':
      return 'the path is too long';
    default:
      return (err as Error).message;
  }
}
