import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const FIXTURES = join(ROOT, 'test', 'fixtures');
export const FACES = join(FIXTURES, 'faces');
export const ASSETS = join(ROOT, 'assets');
export const SHARED_DATASETS = join(ROOT, '..', 'shared', 'datasets');

/** A fresh folder removed after the test file. */
export async function tempDir(prefix = 'happysad-'): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  after(() => rm(dir, { recursive: true, force: true }));
  return dir;
}
