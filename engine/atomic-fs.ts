import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { copyFile, link, mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join, basename } from 'node:path';

/** Writes a file so that readers see either the old content or the new one, never a half-written file. */
export async function writeFileAtomic(file: string, data: string | Uint8Array): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  const tmp = join(dirname(file), `.${basename(file)}.${randomBytes(6).toString('hex')}.tmp`);
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
  await mkdir(dir, { recursive: true });
  const tmp = join(dir, `.${basename(names[0]!)}.${randomBytes(6).toString('hex')}.tmp`);
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
  await mkdir(dirname(dir), { recursive: true });
  const tmp = join(dirname(dir), `.${basename(dir)}.${randomBytes(6).toString('hex')}.tmp`);
  await mkdir(tmp);
  try {
    await fill(tmp);
    await rename(tmp, dir);
  } catch (err) {
    await rm(tmp, { recursive: true, force: true });
    throw err;
  }
}
