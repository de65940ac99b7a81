import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { copyFile, link, lstat, mkdir, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join, basename } from 'node:path';

/** The temporary name a write goes to before its rename: hidden, next to its target, never a name we read. */
function tempPath(target: string): string {
  return join(dirname(target), `.${basename(target)}.${randomBytes(6).toString('hex')}.tmp`);
}

/** What a killed write (tempPath) or a killed removal (removeDirAtomic) leaves behind. */
const LEFTOVER_NAME = /^\..+\.(?:[0-9a-f]{12}\.tmp|deleting-[0-9a-f]{6})$/;

/**
 * mkdir -p, one level at a time. Node's own recursive mkdir never returns where a folder's parent exists but
 * refuses children with ENOENT (Linux's /proc: `--report /proc/x` spun at 100 % CPU); this one fails there.
 */
export async function makeDir(dir: string): Promise<void> {
  const made = async () => {
    try {
      await mkdir(dir);
      return true;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EEXIST' && (await stat(dir)).isDirectory()) return true;
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT' || dirname(dir) === dir) throw err;
      return false;
    }
  };
  if (await made()) return;
  await makeDir(dirname(dir));
  if (!(await made())) throw Object.assign(new Error(`ENOENT: no such file or directory, mkdir '${dir}'`), { code: 'ENOENT', path: dir });
}

/** Writes a file so that readers see either the old content or the new one, never a half-written file. */
export async function writeFileAtomic(file: string, data: string | Uint8Array): Promise<void> {
  await makeDir(dirname(file));
  const tmp = tempPath(file);
  try {
    await writeFile(tmp, data, { flush: true });
    await rename(tmp, file);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
}

/**
 * As writeFileAtomic, but never replaces a file: writes `data` under the first of `names` (all in one folder)
 * that is free, and resolves with it, or with null when every one is taken. The data is written once, to a
 * temporary file, which is hard-linked to each name in turn (a link fails if the name is taken, even in a
 * race); where the file system has no hard links (FAT, some network shares) it is copied with the same
 * refusal (COPYFILE_EXCL). `fsLink` is for tests, to be such a file system.
 */
export async function writeNewFileAtomic(names: readonly string[], data: string | Uint8Array, fsLink: typeof link = link): Promise<string | null> {
  if (names.length === 0) return null;
  const dir = dirname(names[0]!);
  await makeDir(dir);
  const tmp = tempPath(names[0]!);
  try {
    await writeFile(tmp, data, { flush: true });
    for (const file of names) {
      try {
        await fsLink(tmp, file);
        return file;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'EEXIST') continue;
      }
      try {
        await copyFile(tmp, file, constants.COPYFILE_EXCL);
        return file;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      }
    }
    return null;
  } finally {
    await rm(tmp, { force: true });
  }
}

/**
 * Fills a fresh temporary folder next to `dir`, then renames it into place: a crash mid-way leaves only a
 * `.tmp` folder that nothing reads. `dir` must not exist yet.
 */
export async function writeDirAtomic(dir: string, fill: (tmpDir: string) => Promise<void>): Promise<void> {
  await makeDir(dirname(dir));
  const tmp = tempPath(dir);
  await mkdir(tmp);
  try {
    await fill(tmp);
    await rename(tmp, dir);
  } catch (err) {
    await rm(tmp, { recursive: true, force: true });
    throw err;
  }
}

/**
 * Removes a folder so that no reader ever sees part of it: renamed away first (atomic), then removed. A
 * process killed halfway through leaves a hidden `.<name>.deleting-<hex>` folder that is nothing, never a
 * folder with half its files (sweepStaleTemps removes it later).
 */
export async function removeDirAtomic(dir: string): Promise<void> {
  const doomed = join(dirname(dir), `.${basename(dir)}.deleting-${randomBytes(3).toString('hex')}`);
  await rename(dir, doomed);
  await rm(doomed, { recursive: true, force: true });
}

/**
 * Removes what the writes above leave when their process is killed mid-way (a model folder, a cache file
 * being compacted: up to tens of MB each) and removals leave half done, anywhere in `root` down to `depth`
 * folders. Only names of our own patterns, and only those untouched for `olderThanMs`: a write in progress in another process
 * (the app and the CLI share the data folder) renews its temporary's time as it writes, and none takes an
 * hour. Best effort: what cannot be read or removed is left for the next time. Resolves with the paths removed.
 */
export async function sweepStaleTemps(root: string, { olderThanMs = 60 * 60_000, depth = 3, now = Date.now() } = {}): Promise<string[]> {
  const removed: string[] = [];
  const visit = async (dir: string, level: number): Promise<void> => {
    let entries: import('node:fs').Dirent[];
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      const path = join(dir, e.name);
      if (LEFTOVER_NAME.test(e.name) && (e.isFile() || e.isDirectory())) {
        try {
          if (now - (await lstat(path)).mtimeMs < olderThanMs) continue;
          await rm(path, { recursive: true, force: true });
          removed.push(path);
        } catch {
          // in use (Windows), gone already, or not ours to remove: next time
        }
      } else if (e.isDirectory() && level < depth) {
        await visit(path, level + 1);
      }
    }
  };
  await visit(root, 0);
  return removed;
}

/**
 * Removes the plain files directly in `dir` that `which` picks and nothing has written to for `olderThanMs`
 * (folders and other entries are left); best effort: what cannot be read or removed stays for next time.
 * Resolves with the names removed.
 */
export async function removeFilesOlderThan(dir: string, olderThanMs: number, { now = Date.now(), which }: { now?: number; which?: (name: string) => boolean } = {}): Promise<string[]> {
  const removed: string[] = [];
  for (const name of await readdir(dir).catch(() => [] as string[])) {
    if (which && !which(name)) continue;
    try {
      const s = await stat(join(dir, name));
      if (!s.isFile() || now - s.mtimeMs < olderThanMs) continue;
      await rm(join(dir, name), { force: true });
      removed.push(name);
    } catch {
      // gone already, or in use (Windows): next time
    }
  }
  return removed;
}
