import assert from 'node:assert/strict';
import { readdir, readFile, utimes, writeFile } from 'node:fs/promises';
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
  assert.deepEqual(await readdir(dir), ['v1.jsonl'], 'one file per version, written only when something was added');
});

test('damaged lines are ignored (those images are detected again); a line cut short by a crash does not swallow the next one appended', async () => {
  const dir = await tempDir();
  const file = join(dir, 'v1.jsonl');
  await writeFile(file, ['["not json', JSON.stringify([H1, 800, 600, 1, 2, 3]), JSON.stringify([H2, 1, 'x']), JSON.stringify(['nothex', 1, 1]), `["${H2}", 640, 4`].join('\n'));
  const a = await DetectionCache.open(dir, 'v1');
  assert.equal(a.get(H1), undefined, 'a box with three numbers is no box');
  assert.equal(a.get(H2), undefined, 'a cut line is no entry');
  a.set(H1, two);
  await a.flush();
  const b = await DetectionCache.open(dir, 'v1');
  assert.deepEqual(b.get(H1), two);
});

test('a flush appends the new images only: what is on disk is never rewritten', async () => {
  const dir = await tempDir();
  const file = join(dir, 'v1.jsonl');
  const a = await DetectionCache.open(dir, 'v1');
  a.set(H1, two);
  await a.flush();
  const first = await readFile(file, 'utf8');
  await a.flush();
  assert.equal(await readFile(file, 'utf8'), first, 'nothing new, nothing written');
  a.set(H2, none);
  await a.flush();
  const second = await readFile(file, 'utf8');
  assert.ok(second.startsWith(first), 'appended');
  assert.equal(second.split('\n').filter(Boolean).length, 2, 'one line per image');
});

test('in memory only (no data folder to write, as for a read-only one): kept for the engine’s life', async () => {
  const c = await DetectionCache.open(null, 'v1');
  c.set(H1, two);
  await c.flush();
  assert.deepEqual(c.get(H1), two);
});

test('a flush that fails keeps its entries for the next one (a file that cannot be written only costs detecting again)', async () => {
  const dir = await tempDir();
  let fail = true;
  const lock = async <T>(fn: () => Promise<T>): Promise<T> => {
    if (fail) throw new Error('locked elsewhere');
    return fn();
  };
  const a = await DetectionCache.open(dir, 'v1', lock);
  a.set(H1, two);
  await a.flush();
  assert.deepEqual(await readdir(dir), [], 'nothing written while the lock fails');
  fail = false;
  await a.flush();
  assert.deepEqual((await DetectionCache.open(dir, 'v1')).get(H1), two, 'written by the next flush');
});

test("another version's file goes once nothing has added to it for a week; this version's and a recently used one stay", async () => {
  const dir = await tempDir();
  const day = 24 * 3600_000;
  for (const v of ['old', 'recent', 'v1']) await writeFile(join(dir, `${v}.jsonl`), `${JSON.stringify([H1, 800, 600])}\n`);
  await writeFile(join(dir, 'notes.txt'), 'not ours');
  const now = Date.now();
  await utimes(join(dir, 'old.jsonl'), new Date(now - 8 * day), new Date(now - 8 * day));
  await utimes(join(dir, 'recent.jsonl'), new Date(now - 6 * day), new Date(now - 6 * day));
  await utimes(join(dir, 'v1.jsonl'), new Date(now - 30 * day), new Date(now - 30 * day));
  await utimes(join(dir, 'notes.txt'), new Date(now - 30 * day), new Date(now - 30 * day));
  const a = await DetectionCache.open(dir, 'v1');
  assert.deepEqual(a.get(H1), { width: 800, height: 600, faces: [] }, "this version's detections are kept however old");
  assert.deepEqual((await readdir(dir)).sort(), ['notes.txt', 'recent.jsonl', 'v1.jsonl']);
  await DetectionCache.open(null, 'v2');
  await DetectionCache.open(dir, 'v2', undefined, { now: now + 2 * day });
  assert.deepEqual((await readdir(dir)).sort(), ['notes.txt', 'v1.jsonl'], 'the recently used one goes too once a week has passed; v1 was read just now, so it counts as used');
});
