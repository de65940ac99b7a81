import assert from 'node:assert/strict';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { DetectionCache } from '../../../engine/faces/detection-cache.js';
import { tempDir } from '../../helpers/tmp.js';

const H1 = 'a'.repeat(64);
const H2 = 'b'.repeat(64);
const two = { width: 800, height: 600, faces: [{ x: 10.5, y: -4, width: 200, height: 200 }, { x: 400, y: 300, width: 90.2, height: 90.2 }] };
const none = { width: 640, height: 480, faces: [] };

test('detections survive a restart, and two writers merge rather than overwrite each other', async () => {
  const dir = await tempDir();
  const a = await DetectionCache.open(dir, 'v1');
  const b = await DetectionCache.open(dir, 'v1');
  a.set(H1, two);
  b.set(H2, none);
  await a.flush();
  await b.flush();
  const c = await DetectionCache.open(dir, 'v1');
  assert.deepEqual(c.get(H1), two);
  assert.deepEqual(c.get(H2), none);
  assert.equal((await DetectionCache.open(dir, 'v2')).get(H1), undefined, 'another detector version starts empty');
  assert.deepEqual((await readdir(dir)).filter((f) => f.endsWith('.tmp')), [], 'no temporary file left');
});

test('a damaged file or damaged entries are ignored (detected again), and rewritten whole at the next flush', async () => {
  const dir = await tempDir();
  await writeFile(join(dir, 'v1.json'), '{"not json');
  const a = await DetectionCache.open(dir, 'v1');
  assert.equal(a.get(H1), undefined);
  a.set(H1, two);
  await a.flush();
  assert.deepEqual(JSON.parse(await readFile(join(dir, 'v1.json'), 'utf8'))[H1], [800, 600, 10.5, -4, 200, 200, 400, 300, 90.2, 90.2]);
  await writeFile(join(dir, 'v1.json'), JSON.stringify({ [H1]: [800, 600, 1, 2, 3], [H2]: [1, 'x'], [`${H1}0`]: 'no' }));
  const b = await DetectionCache.open(dir, 'v1');
  assert.equal(b.get(H1), undefined, 'a box with three numbers is no box');
  assert.equal(b.get(H2), undefined);
});

test('in memory only (a read-only data folder): kept for the engine’s life, nothing written', async () => {
  const c = await DetectionCache.open(null, 'v1');
  c.set(H1, two);
  await c.flush();
  assert.deepEqual(c.get(H1), two);
});
