/**
 * How failures cross every boundary (worker -> host -> IPC -> renderer, and into CLI exit codes): a code from
 * a small fixed set, a sentence for the user, and the file it concerns when there is one.
 */
import { inputReason } from './i18n/reasons.js';

export const ERROR_CODES = [
  /** the caller cancelled; nothing was saved */
  'cancelled',
  /** input the user can fix: an unreadable image, a wrong folder, an out-of-range option, a malformed request */
  'bad-input',
  /** a model, file or folder that does not exist */
  'not-found',
  /** another writer holds the data folder, or the engine cannot take this request now */
  'busy',
  /** the engine was shut down while the call was pending */
  'stopped',
  /** the engine worker died; it has been restarted */
  'crashed',
  /** a bug or an unexpected environment failure */
  'internal',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

/** The plain-data form of an error, as it travels by structured clone or JSON. */
export interface Failure {
  code: ErrorCode;
  message: string;
  file?: string;
}

export class EngineError extends Error {
  readonly code: ErrorCode;
  readonly file: string | undefined;

  constructor(code: ErrorCode, message: string, file?: string) {
    super(message);
    this.name = 'EngineError';
    this.code = code;
    this.file = file;
  }

  static from(failure: Failure): EngineError {
    return new EngineError(failure.code, failure.message, failure.file);
  }
}

export function cancelled(message = 'cancelled'): EngineError {
  return new EngineError('cancelled', message);
}

export function isCancelled(err: unknown): boolean {
  return err instanceof EngineError ? err.code === 'cancelled' : isFailure(err) && err.code === 'cancelled';
}

export function isFailure(v: unknown): v is Failure {
  return (
    typeof v === 'object' && v !== null && typeof (v as Failure).message === 'string' && (ERROR_CODES as readonly string[]).includes((v as Failure).code)
  );
}

/** Any thrown value as a Failure; what is not an EngineError is an internal error with its message kept. */
export function toFailure(err: unknown): Failure {
  if (err instanceof EngineError || isFailure(err)) return { code: err.code, message: errorText(err), ...(err.file !== undefined && { file: err.file }) };
  return { code: 'internal', message: errorText(err) };
}

/**
 * What went wrong, in words, never an empty alert: an error's message; a thrown string as it is; for a bare
 * `new Error()` or a thrown non-error (undefined, an object), what it was (a Failure: its code); a thrown number
 * or boolean as it is.
 */
export function errorText(err: unknown): string {
  if (typeof err === 'number' || typeof err === 'boolean' || typeof err === 'bigint') return String(err);
  const message = typeof err === 'string' ? err : typeof (err as { message?: unknown } | null)?.message === 'string' ? (err as { message: string }).message : '';
  if (message.trim() !== '') return message;
  const name = err instanceof Error ? err.name || 'Error' : isFailure(err) ? err.code : err === null ? 'null' : typeof err === 'string' ? 'Error' : Array.isArray(err) ? 'array' : typeof err;
  return inputReason('reason.unexpected', { name });
}
