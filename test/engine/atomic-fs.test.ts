import assert from 'node:assert/strict';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { writeNewFileAtomic } from '../../engine/atomic-fs.js';
import { tempDir } from '../helpers/tmp.js';

test('writeNewFileAtomic: the first free name gets the data; a taken name is never replaced; no temporary file is left', async () => {
  const dir = await tempDir();
  const names = ['a.html', 'a-2.html', 'a-3.html'].map((n) => join(dir, n));
  await writeFile(names[0]!, 'first');
  assert.equal(await writeNewFileAtomic(names, 'second'), names[1]);
  assert.equal(await readFile(names[0]!, 'utf8'), 'first', 'not replaced');
  assert.equal(await readFile(names[1]!, 'utf8'), 'second');
  assert.equal(await writeNewFileAtomic(names, 'third'), names[2]);
  assert.equal(await writeNewFileAtomic(names, 'fourth'), null, 'every name taken');
  assert.equal(await readFile(names[2]!, 'utf8'), 'third');
  assert.deepEqual((await readdir(dir)).sort(), ['a-2.html', 'a-3.html', 'a.html'], 'no temporary file left');
});

test('writeNewFileAtomic without hard links (FAT, some shares): copied under the first free name, still never replacing one', async () => {
  const dir = await tempDir();
  const names = ['a.html', 'a-2.html', 'a-3.html'].map((n) => join(dir, n));
  await writeFile(names[0]!, 'first');
  const noLinks = async () => {
    throw Object.assign(new Error('operation not permitted'), { code: 'EPERM' });
  };
  assert.equal(await writeNewFileAtomic(names, 'second', noLinks), names[1]);
  assert.equal(await readFile(names[0]!, 'utf8'), 'first', 'not replaced');
  assert.equal(await readFile(names[1]!, 'utf8'), 'second');
  assert.equal(await writeNewFileAtomic(names, 'third', noLinks), names[2]);
  assert.equal(await writeNewFileAtomic(names, 'fourth', noLinks), null, 'every name taken');
  assert.deepEqual((await readdir(dir)).sort(), ['a-2.html', 'a-3.html', 'a.html'], 'no temporary file left');
});
