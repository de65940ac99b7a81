import assert from 'node:assert/strict';
import { readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { tryWithDataLockSync, withDataLock } from '../../../engine/data-lock.js';
import { EmbeddingCache } from '../../../engine/features/embedding-cache.js';
import { tempDir } from '../../helpers/tmp.js';
import { until } from '../../helpers/until.js';

test('the cache file round-trips, appends, survives a torn write; a foreign file reads as empty', async () => {
  const dir = await tempDir();
  const c = await EmbeddingCache.open(dir, 'b', 'fp1', 4);
  c.set(EmbeddingCache.key('h1', 'v0'), Float32Array.from([1, 2, 3, 4]));
  await c.flush();
  const again = await EmbeddingCache.open(dir, 'b', 'fp1', 4);
  assert.deepEqual(Array.from(again.get(EmbeddingCache.key('h1', 'v0'))!), [1, 2, 3, 4]);
  assert.equal((await EmbeddingCache.open(dir, 'b', 'fp2', 4)).size, 0, 'other weights, other file');
  const file = join(dir, 'b-fp1.bin');
  const size1 = (await readFile(file)).length;
  again.set(EmbeddingCache.key('h2', 'v0'), Float32Array.from([5, 6, 7, 8]));
  await again.flush();
  assert.equal((await readFile(file)).length, size1 + 20 + 4 + 16, 'a flush appends only the new record (key, use stamp, vector)');
  assert.equal((await EmbeddingCache.open(dir, 'b', 'fp1', 4)).size, 2);

  await writeFile(file, (await readFile(file)).subarray(0, size1 + 10)); // crash mid-append
  const torn = await EmbeddingCache.open(dir, 'b', 'fp1', 4);
  assert.equal(torn.size, 1, 'the torn record is dropped, the whole ones kept');
  torn.set(EmbeddingCache.key('h3', 'v0'), Float32Array.from([9, 9, 9, 9]));
  await torn.flush();
  assert.equal((await EmbeddingCache.open(dir, 'b', 'fp1', 4)).size, 2, 'after a torn file, the next flush rewrites it whole');

  await writeFile(file, Buffer.from('not a cache file at all'));
  assert.equal((await EmbeddingCache.open(dir, 'b', 'fp1', 4)).size, 0, 'a foreign file is ignored');
  assert.throws(() => c.set('00', new Float32Array(3)), /3 values, expected 4/);
});

const vec = (i: number) => Float32Array.from([i, i + 1, i + 2, i + 3]);
const RECORD = 20 + 4 + 16;

test('bounded: past its size limit the least recently used entries go, in memory and on disk; a use survives a restart', async () => {
  const dir = await tempDir();
  let now = 1_000_000;
  const opts = { maxBytes: 16 + 10 * RECORD, now: () => now };
  const file = join(dir, 'b-fp.bin');
  const c = await EmbeddingCache.open(dir, 'b', 'fp', 4, undefined, opts);
  for (let i = 0; i < 10; i++) c.set(EmbeddingCache.key(`h${i}`, 'v'), vec(i));
  await c.flush();
  assert.equal((await stat(file)).size, 16 + 10 * RECORD, 'exactly at the limit: nothing pruned');

  now += 2 * 24 * 3600; // two days later: h0 and h1 are used again, h2..h9 are not
  const d = await EmbeddingCache.open(dir, 'b', 'fp', 4, undefined, opts);
  assert.deepEqual(Array.from(d.get(EmbeddingCache.key('h0', 'v'))!), [0, 1, 2, 3]);
  assert.ok(d.get(EmbeddingCache.key('h1', 'v')));
  await d.flush();
  // the uses were appended, so the file is past the limit: the next write rewrites it with the newest entries only
  const e = await EmbeddingCache.open(dir, 'b', 'fp', 4, undefined, opts);
  e.set(EmbeddingCache.key('new', 'v'), vec(100));
  await e.flush();
  const size = (await stat(file)).size;
  assert.ok(size <= 16 + 10 * RECORD * 0.8 + 1, `rewritten down to 80 % of the limit (${size} bytes)`);
  const f = await EmbeddingCache.open(dir, 'b', 'fp', 4, undefined, opts);
  assert.equal(f.size, 8);
  for (const k of ['h0', 'h1', 'new']) assert.ok(f.has(EmbeddingCache.key(k, 'v')), `${k} was used recently and is kept`);
  for (const k of ['h2', 'h3', 'h4']) assert.ok(!f.has(EmbeddingCache.key(k, 'v')), `${k} is the least recently used and went first`);
  assert.ok(f.has(EmbeddingCache.key('h9', 'v')));

  const mem = await EmbeddingCache.open(null, 'b', 'fp', 4, undefined, opts);
  for (let i = 0; i < 30; i++) mem.set(EmbeddingCache.key(`m${i}`, 'v'), vec(i));
  await mem.flush();
  assert.ok(mem.bytes <= opts.maxBytes, 'an in-memory cache is bounded too');
  assert.ok(mem.has(EmbeddingCache.key('m29', 'v')) && !mem.has(EmbeddingCache.key('m0', 'v')));
});

test('a smaller limit prunes an existing file at the next flush; a use within a day is not written again', async () => {
  const dir = await tempDir();
  const file = join(dir, 'b-fp.bin');
  const c = await EmbeddingCache.open(dir, 'b', 'fp', 4);
  for (let i = 0; i < 20; i++) c.set(EmbeddingCache.key(`h${i}`, 'v'), vec(i));
  await c.flush();
  const size = (await stat(file)).size;
  const again = await EmbeddingCache.open(dir, 'b', 'fp', 4);
  again.get(EmbeddingCache.key('h3', 'v'));
  await again.flush();
  assert.equal((await stat(file)).size, size, 'used the same day: nothing to write');

  const small = await EmbeddingCache.open(dir, 'b', 'fp', 4, undefined, { maxBytes: 16 + 10 * RECORD });
  assert.equal(small.size, 8, 'loaded, then pruned in memory to 80 % of the new limit');
  await small.flush();
  assert.equal((await stat(file)).size, 16 + 8 * RECORD, 'and the file follows at the next flush');
  assert.ok(small.has(EmbeddingCache.key('h19', 'v')) && !small.has(EmbeddingCache.key('h0', 'v')));
});

test('a version 1 file (no use stamps) is read, and rewritten in the current format by the next flush', async () => {
  const dir = await tempDir();
  const file = join(dir, 'b-fp.bin');
  const header = Buffer.alloc(12);
  header.writeUInt32LE(0x43455348, 0);
  header.writeUInt32LE(1, 4);
  header.writeUInt32LE(4, 8);
  const record = (k: string, v: Float32Array) => Buffer.concat([Buffer.from(EmbeddingCache.key(k, 'v'), 'hex'), Buffer.from(v.buffer)]);
  await writeFile(file, Buffer.concat([header, record('a', vec(1)), record('b', vec(2))]));
  const c = await EmbeddingCache.open(dir, 'b', 'fp', 4);
  assert.equal(c.size, 2);
  assert.deepEqual(Array.from(c.get(EmbeddingCache.key('b', 'v'))!), [2, 3, 4, 5]);
  await c.flush();
  assert.equal((await stat(file)).size, 16 + 2 * RECORD);
  const d = await EmbeddingCache.open(dir, 'b', 'fp', 4);
  assert.deepEqual(Array.from(d.get(EmbeddingCache.key('a', 'v'))!), [1, 2, 3, 4]);
});

test('a few new records are appended under the lock taken at once; when it is held, the flush waits for it instead', async () => {
  const home = await tempDir();
  const dir = join(home, 'cache');
  const calls: string[] = [];
  const lock = Object.assign(<T>(fn: () => Promise<T>) => (calls.push('wait'), withDataLock(home, 'cache-b', fn)), {
    now: (fn: () => void) => {
      const took = tryWithDataLockSync(home, 'cache-b', fn);
      calls.push(took ? 'now' : 'held');
      return took;
    },
  });
  const c = await EmbeddingCache.open(dir, 'b', 'fp', 4, lock);
  c.set(EmbeddingCache.key('a', 'v'), vec(1));
  await c.flush();
  assert.deepEqual(calls, ['wait'], 'a new file is written whole, asynchronously');
  c.set(EmbeddingCache.key('b', 'v'), vec(2));
  await c.flush();
  assert.deepEqual(calls, ['wait', 'now'], 'then a record is appended at once');
  let flushing: Promise<void> | null = null;
  await withDataLock(home, 'cache-b', async () => {
    c.set(EmbeddingCache.key('c', 'v'), vec(3));
    flushing = c.flush();
    // (waited for, up to 30 s: under load the flush may take a while to try the lock)
    await until(() => calls.length >= 4);
    assert.deepEqual(calls, ['wait', 'now', 'held', 'wait'], 'held by another writer: the flush waits');
  });
  await flushing; // lands once the other writer let go
  const d = await EmbeddingCache.open(dir, 'b', 'fp', 4);
  assert.equal(d.size, 3);
});

test('two processes on one file: one that found none, or must rewrite it, keeps what the other wrote meanwhile', async () => {
  const dir = await tempDir();
  const key = (i: number) => EmbeddingCache.key(`h${i}`, 'v0');
  // the app, started on a fresh data folder, holds no file; a CLI run writes a thousand features meanwhile
  const app = await EmbeddingCache.open(dir, 'b', 'fp', 4);
  const cli = await EmbeddingCache.open(dir, 'b', 'fp', 4);
  for (let i = 0; i < 1000; i++) cli.set(key(i), vec(i));
  await cli.flush();
  const written = (await stat(join(dir, 'b-fp.bin'))).ino;
  app.set(key(5000), vec(5000));
  await app.flush();
  assert.equal((await stat(join(dir, 'b-fp.bin'))).ino, written, 'appended to the file it found, not written anew');
  const after = await EmbeddingCache.open(dir, 'b', 'fp', 4);
  assert.equal(after.size, 1001, "the app's first write added its feature to the CLI's, not replaced them");
  assert.deepEqual(Array.from(after.get(key(7))!), Array.from(vec(7)));
  assert.deepEqual(Array.from(after.get(key(5000))!), Array.from(vec(5000)));

  // a rewrite to prune (past the limit) keeps the most recently used of both, the other process's included
  const small = await EmbeddingCache.open(dir, 'b', 'fp', 4, undefined, { maxBytes: 16 + RECORD * 1500 });
  const other = await EmbeddingCache.open(dir, 'b', 'fp', 4);
  for (let i = 1000; i < 1400; i++) other.set(key(i), vec(i));
  await other.flush();
  for (let i = 2000; i < 2200; i++) small.set(key(i), vec(i));
  await small.flush();
  const pruned = await EmbeddingCache.open(dir, 'b', 'fp', 4);
  assert.ok(pruned.size <= 1500 && pruned.size >= 1000, `${pruned.size} entries after the prune`);
  assert.ok(pruned.has(key(2199)) && pruned.has(key(1399)), "the newest of this process's and of the other's are kept");
});

test('what is taken in from another process: copied (no file-sized buffer held for it), and an entry pruned here comes back if the other process used it since', async () => {
  const dir = await tempDir();
  const key = (i: number) => EmbeddingCache.key(`h${i}`, 'v0');
  let t = 1_000_000;
  const now = () => t;
  const first = await EmbeddingCache.open(dir, 'b', 'fp', 4, undefined, { now });
  for (let i = 0; i < 100; i++) (first.set(key(i), vec(i)), (t += 1));
  await first.flush();
  t += 3 * 86400;
  const other = await EmbeddingCache.open(dir, 'b', 'fp', 4, undefined, { now });
  const small = await EmbeddingCache.open(dir, 'b', 'fp', 4, undefined, { now, maxBytes: 16 + RECORD * 60 });
  assert.equal(small.has(key(0)), false, 'pruned here at load: the least recently used');
  t += 10;
  other.get(key(0)); // used there now: written again with a new stamp
  other.set(key(700), vec(700));
  await other.flush();
  t += 10;
  small.set(key(500), vec(500));
  await small.flush(); // a rewrite (it loaded a file over its limit): takes in what the other wrote
  const after = await EmbeddingCache.open(dir, 'b', 'fp', 4, undefined, { now });
  assert.ok(after.has(key(0)), 'used by the other process after it was pruned here: kept');
  assert.ok(!after.has(key(1)), 'pruned here and not used since: stays out');
  assert.ok(after.has(key(700)) && after.has(key(500)));
  assert.equal(small.get(key(700))!.buffer.byteLength, 16, 'its own copy, not a view of the file read');
});
