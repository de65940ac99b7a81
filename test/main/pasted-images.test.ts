import assert from 'node:assert/strict';
import { mkdir, readdir, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { forgetOldPastedImages } from '../../main/pasted-images.js';
import { tempDir } from '../helpers/tmp.js';

test('pasted images untouched for a week are forgotten when the app starts; recent ones and folders stay', async () => {
  const dir = join(await tempDir(), 'pasted');
  await mkdir(join(dir, 'a-folder'), { recursive: true });
  const day = 24 * 3600_000;
  const now = Date.now();
  for (const [name, age] of [['old.png', 8], ['recent.jpg', 6], ['today.webp', 0]] as const) {
    await writeFile(join(dir, name), 'image');
    await utimes(join(dir, name), new Date(now - age * day), new Date(now - age * day));
  }
  assert.deepEqual(await forgetOldPastedImages(dir, { now }), ['old.png']);
  assert.deepEqual((await readdir(dir)).sort(), ['a-folder', 'recent.jpg', 'today.webp']);
  assert.deepEqual(await forgetOldPastedImages(join(dir, 'missing')), [], 'no pasted/ yet: nothing to do');
});
