/**
 * The data folder is shared by the app and the CLI, which may run at the same time: every writer of a
 * resource (the models, one embedding cache file, the library) holds that resource's lock while it writes.
 * Readers of models and caches take no lock: every write is a rename of a finished file or an append of whole
 * records, so a reader never sees half a write (the library's reads do: they reconcile its index with its
 * folders, and may write it). A lock left by a killed process goes stale and is taken over (proper-lockfile
 * refreshes the lock's mtime while it is held).
 */
import { mkdirSync, rmdirSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import lockfile from 'proper-lockfile';
import { EngineError, errorText } from '../common/errors.js';
import { inputReason } from '../common/i18n/reasons.js';

type LockedResource = 'models' | 'library' | `cache-${string}`;

interface LockOptions {
  /** how long to wait for another process to finish, in ms */
  waitMs?: number;
  /** a lock not refreshed for this long belongs to a dead process */
  staleMs?: number;
}

export function lockPath(home: string, resource: LockedResource): string {
  return join(home, 'locks', `${resource}.lock`);
}

export async function withDataLock<T>(home: string, resource: LockedResource, fn: () => Promise<T>, opts: LockOptions = {}): Promise<T> {
  const waitMs = opts.waitMs ?? 30_000;
  const staleMs = opts.staleMs ?? 10_000;
  await mkdir(join(home, 'locks'), { recursive: true });
  let compromised: Error | null = null;
  let release: () => Promise<void>;
  try {
    // one locked path per resource: proper-lockfile keeps its locks by that path, and two resources locked at
    // once under one (the locks folder, as before) overwrote each other's entry: releasing one released the
    // other's bookkeeping, and the other's refresh timer then threw (a TypeError that killed the process)
    release = await lockfile.lock(join(home, 'locks', resource), {
      lockfilePath: lockPath(home, resource),
      realpath: false,
      stale: staleMs,
      retries: { retries: Math.max(1, Math.ceil(waitMs / 250)), factor: 1, minTimeout: 250, maxTimeout: 250 },
      // the default throws from a timer, which would kill the engine: note it and fail the write instead
      onCompromised: (err) => {
        compromised = err;
      },
    });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ELOCKED') {
      throw new EngineError('busy', inputReason('reason.busy', { resource, home }));
    }
    throw err;
  }
  try {
    const value = await fn();
    if (compromised) throw new EngineError('busy', inputReason('reason.lockLost', { resource, home, error: errorText(compromised) }));
    return value;
  } finally {
    await release().catch(() => undefined);
  }
}

/**
 * The same lock for a short synchronous write (a few records appended to a cache file): taken and released on
 * this thread, one mkdir and one rmdir of the lock folder that proper-lockfile also uses, instead of its
 * asynchronous round trips (about 1 to 3 ms, on the way of every single prediction). Returns false, having done
 * nothing, when the lock is held (here or by another process): the caller then waits with withDataLock.
 */
export function tryWithDataLockSync(home: string, resource: LockedResource, fn: () => void): boolean {
  const path = lockPath(home, resource);
  try {
    mkdirSync(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return false;
    if (code !== 'ENOENT') throw err;
    mkdirSync(join(home, 'locks'), { recursive: true });
    try {
      mkdirSync(path);
    } catch {
      return false;
    }
  }
  try {
    fn();
  } finally {
    try {
      rmdirSync(path);
    } catch {
      // gone already: nothing to release
    }
  }
  return true;
}
