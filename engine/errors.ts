import { EngineError, cancelled } from '../common/errors.js';
import { inputReason } from '../common/i18n/reasons.js';
import { lstat } from 'node:fs/promises';

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
export function fsReason(err: unknown, enoent = inputReason('reason.noSuchFileOrFolder')): string {
  switch ((err as NodeJS.ErrnoException).code) {
    case 'EACCES':
    case 'EPERM':
      return inputReason('reason.permissionDenied');
    case 'EROFS':
      return inputReason('reason.diskReadOnly');
    case 'ENOSPC':
      return inputReason('reason.diskFull');
    case 'EDQUOT':
      return inputReason('reason.diskQuota');
    case 'ENOTDIR':
      return inputReason('reason.pathNotFolder');
    case 'ENOENT':
      return enoent;
    case 'ENAMETOOLONG':
      return inputReason('reason.pathTooLong');
    case 'ELOOP':
      return inputReason('reason.linkLoop');
    default:
      return (err as Error).message;
  }
}

/**
 * Why `path` could not be read, for a path a user named: fsReason's words, and for a path that is not there,
 * "a link to nothing" when it is a symbolic link whose target is gone, else `missing`.
 */
export async function pathReason(path: string, err: unknown, missing: string): Promise<string> {
  if ((err as NodeJS.ErrnoException).code !== 'ENOENT') return fsReason(err);
  return (await lstat(path).catch(() => null))?.isSymbolicLink() ? inputReason('reason.brokenLink') : missing;
}
