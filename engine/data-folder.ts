/**
 * The data folder is checked once, before any work: usable, or one sentence naming it and what is wrong.
 * Without this, a bad folder failed after minutes of work (the result thrown away) with raw errno text, and a
 * path under /proc made Node's recursive mkdir loop forever (ENOENT on the child, EEXIST on the parent).
 */
import { randomBytes } from 'node:crypto';
import { rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { EngineError } from '../common/errors.js';
import { makeDir } from './atomic-fs.js';
import { fsReason } from './errors.js';

export interface DataFolderState {
  /** false: models cannot be saved and features are not cached, but judging still works */
  writable: boolean;
  /** why it is not writable, in plain words */
  reason?: string;
}

/** The folders the engine (and the app: pasted/) keeps in the data folder. */
const OWN_FOLDERS = ['models', 'library', 'cache', 'locks', 'base-models', 'pasted'];

/** ENOENT here: a folder on the way is missing, so the data folder cannot be made */
const plain = (err: unknown) => fsReason(err, 'a folder cannot be created there');

function unusable(home: string, why: string): EngineError {
  return new EngineError('bad-input', `the data folder ${home} cannot be used: ${why}`, home);
}

/**
 * Creates the folder if needed (one level at a time, never a recursive mkdir) and probes that a file can be
 * written and removed there. Throws a 'bad-input' EngineError when the folder cannot exist; returns
 * writable: false when it exists but cannot be written.
 */
export async function checkDataFolder(home: string): Promise<DataFolderState> {
  const target = resolve(home);
  let missing = false;
  let existing = target;
  for (;;) {
    const st = await stat(existing).catch((err: NodeJS.ErrnoException) => (err.code === 'ENOENT' ? null : err));
    if (st instanceof Error) throw unusable(target, plain(st));
    if (st) {
      if (!st.isDirectory()) throw unusable(target, existing === target ? 'it is a file, not a folder' : `${existing} is a file, not a folder`);
      break;
    }
    missing = true;
    const parent = dirname(existing);
    if (parent === existing) throw unusable(target, 'no part of the path exists');
    existing = parent;
  }
  if (missing) {
    try {
      await makeDir(target);
    } catch (err) {
      throw unusable(target, plain(err));
    }
  }
  // named as the atomic writes' temporaries are, so that one left by a killed process is swept with them
  const probe = join(target, `.write-test.${randomBytes(6).toString('hex')}.tmp`);
  try {
    await writeFile(probe, 'ok');
    await rm(probe, { force: true });
  } catch (err) {
    await rm(probe, { force: true }).catch(() => undefined);
    const code = (err as NodeJS.ErrnoException).code;
    return { writable: false, reason: code === 'ENOENT' || code === 'EINVAL' ? 'files cannot be created there' : plain(err) };
  }
  // a file where the engine keeps a folder it writes into: said now, not as raw errno text once a training's
  // work is done
  for (const name of OWN_FOLDERS) {
    const st = await stat(join(target, name)).catch(() => null);
    if (st && !st.isDirectory()) throw unusable(target, `${join(target, name)} is a file, not a folder`);
  }
  return { writable: true };
}
