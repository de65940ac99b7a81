import { rmSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const FIXTURES = join(ROOT, 'test', 'fixtures');
export const FACES = join(FIXTURES, 'faces');
export const ASSETS = join(ROOT, 'assets');
export const SHARED_DATASETS = join(ROOT, '..', 'shared', 'datasets');

const made: string[] = [];
// removed when the test file's process ends, so a folder made in a before() hook outlives that hook
process.on('exit', () => made.forEach((d) => rmSync(d, { recursive: true, force: true })));

export async function tempDir(prefix = 'happysad-'): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  made.push(dir);
  return dir;
}
