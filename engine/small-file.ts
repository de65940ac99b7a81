/**
 * Reading a small file whole (a model's meta.json or samples.json, an imported model's files) when it is not
 * the app alone that puts files there: a named pipe of that name would block the engine's thread for good on a
 * plain read, and a huge file would fill its memory. The file is opened without waiting on a pipe, checked on
 * the open handle (a regular file, no larger than asked), and read from that same handle, never past the limit.
 */
import { constants } from 'node:fs';
import { lstat, open, type FileHandle } from 'node:fs/promises';

/** Why a file was not read; the message completes "<name> ...": "is not a regular file". */
export class SmallFileRefused extends Error {
  override name = 'SmallFileRefused';
}

export interface SmallFileOptions {
  /** refuse a symbolic link instead of reading what it points at (an import would copy that file in) */
  noFollow?: boolean;
  /** the end of the "more than ..." message: what a file of this kind can be at most (else "<max> bytes") */
  what?: string;
}

/**
 * The bytes of `file`, or null when there is none. Throws SmallFileRefused when it is a link (with noFollow),
 * not a regular file, or larger than `max` bytes; other errors (no permission) as the file system gives them.
 */
export async function readSmallFile(file: string, max: number, { noFollow = false, what }: SmallFileOptions = {}): Promise<Buffer | null> {
  // Windows has no O_NOFOLLOW: the link is seen before opening, and the file opened must be the one looked at
  const seen = noFollow && process.platform === 'win32' ? await lstat(file).catch(() => null) : null;
  if (seen?.isSymbolicLink()) throw new SmallFileRefused('is a link, not a file');
  let handle: FileHandle;
  try {
    handle = await open(file, constants.O_RDONLY | (noFollow ? (constants.O_NOFOLLOW ?? 0) : 0) | (constants.O_NONBLOCK ?? 0));
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return null;
    if (noFollow && (code === 'ELOOP' || code === 'EMLINK')) throw new SmallFileRefused('is a link, not a file');
    throw err;
  }
  try {
    const st = await handle.stat();
    if (!st.isFile()) throw new SmallFileRefused('is not a regular file');
    if (seen && (seen.dev !== st.dev || seen.ino !== st.ino)) throw new SmallFileRefused('changed while it was opened');
    if (st.size > max) throw new SmallFileRefused(`is ${st.size} bytes, more than ${what ?? `${max} bytes`}`);
    // read up to one byte past the limit, whatever the size said (a file still being written, a share that
    // reports 0): never more than `max` in memory
    let buffer = Buffer.alloc(st.size + 1);
    let length = 0;
    for (;;) {
      if (length === buffer.length) buffer = Buffer.concat([buffer, Buffer.alloc(Math.min(buffer.length, max + 1 - buffer.length))]);
      const { bytesRead } = await handle.read(buffer, length, buffer.length - length, length);
      if (bytesRead === 0) break;
      length += bytesRead;
      if (length > max) throw new SmallFileRefused(`is more than ${max} bytes${what ? `, more than ${what}` : ''}`);
    }
    return buffer.subarray(0, length);
  } finally {
    // a failure to close (a share gone away) must not hide why the read failed; nothing was written
    await handle.close().catch(() => undefined);
  }
}
