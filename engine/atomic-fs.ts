import { randomBytes } from 'node:crypto';
import { link, mkdir, rename, rm, stat, writeFile } from 'node:fs/promises';
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
 * As writeFileAtomic, but never replaces a file: resolves false, writing nothing, when `file` exists.
 * The temporary file is hard-linked into place (which fails if the name is taken, even in a race); where the
 * file system has no hard links (FAT, some network shares) it is renamed after checking the name is free.
 */
export async function writeNewFileAtomic(file: string, data: string | Uint8Array): Promise<boolean> {
  await mkdir(dirname(file), { recursive: true });
  const tmp = join(dirname(file), `.${basename(file)}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    await writeFile(tmp, data, { flush: true });
    try {
      await link(tmp, file);
      return true;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
      if (await stat(file).catch(() => null)) return false;
      await rename(tmp, file);
      return true;
    }
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
