import assert from 'node:assert/strict';
import { lutimes, mkdir, readdir, readFile, symlink, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { makeDir, sweepStaleTemps, writeDirAtomic, writeNewFileAtomic } from '../../engine/atomic-fs.js';
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

test('sweepStaleTemps: removes the temporaries a killed write left (files and folders, nested), keeps fresh ones and everything else', async () => {
  const home = await tempDir();
  const twoHoursAgo = new Date(Date.now() - 2 * 60 * 60_000);
  const old = async (path: string, dir = false) => {
    if (dir) await mkdir(join(path, 'inner'), { recursive: true });
    else await writeFile(path, 'partial');
    await utimes(path, twoHoursAgo, twoHoursAgo);
    return path;
  };
  await mkdir(join(home, 'models', '20260101-000000-abcd'), { recursive: true });
  await mkdir(join(home, 'cache', 'thumbnails', '256'), { recursive: true });
  await mkdir(join(home, 'cache', 'embeddings'), { recursive: true });
  const stale = [
    await old(join(home, 'models', '.20260102-000000-beef.0123456789ab.tmp'), true),
    await old(join(home, 'cache', 'embeddings', '.face-expression.bin.a1b2c3d4e5f6.tmp')),
    await old(join(home, 'cache', 'thumbnails', '256', '.x.jpg.00aa11bb22cc.tmp')),
    await old(join(home, '.settings.json.ffffffffffff.tmp')),
    await old(join(home, 'models', '.20251231-235959-0a0b.deleting-a1b2c3'), true), // a removal killed halfway
  ];
  const kept = [
    join(home, 'models', '.current.json.0123456789ab.tmp'), // fresh: another process may be writing it now
    await old(join(home, 'models', 'notes.tmp')), // not our pattern: a user's file
    await old(join(home, 'models', '.x.0123456789.tmp')), // 10 hex digits, not 12
    await old(join(home, 'models', '20260101-000000-abcd', 'model.json')),
    await old(join(home, 'models', '.20251231-235959-0a0b.deleting-abc'), true), // 3 hex digits, not 6
    await old(join(home, 'models', '.x.deleting-a1b2c3.bak')), // our pattern inside a longer name
  ];
  // a link named like a temporary (an old one): neither it nor what it points to is ours to remove
  const outside = await tempDir();
  await writeFile(join(outside, 'precious.jpg'), 'a user photo');
  const link = join(home, 'cache', '.linked.0123456789ab.tmp');
  await symlink(outside, link);
  await lutimes(link, twoHoursAgo, twoHoursAgo);
  kept.push(link, join(outside, 'precious.jpg'));
  await writeFile(kept[0]!, 'being written');
  const removed = await sweepStaleTemps(home);
  assert.deepEqual(removed.sort(), stale.sort());
  const exists = async (p: string) => readFile(p).then(() => true, (err: NodeJS.ErrnoException) => err.code === 'EISDIR');
  for (const p of stale) assert.equal(await exists(p), false, `${p} removed`);
  for (const p of kept) assert.equal(await exists(p), true, `${p} kept`);
  assert.deepEqual(await sweepStaleTemps(join(home, 'missing')), [], 'a folder that does not exist: nothing to do');
});

test('sweepStaleTemps recognises the temporary a writeDirAtomic leaves when its process dies mid-fill', async () => {
  const dir = await tempDir();
  let tmpSeen = '';
  // the fill never ends: as a killed process, the temporary folder stays
  void writeDirAtomic(join(dir, 'v1'), async (tmp) => {
    tmpSeen = tmp;
    await new Promise(() => undefined);
  });
  while (!tmpSeen) await new Promise((r) => setTimeout(r, 1));
  assert.deepEqual(await sweepStaleTemps(dir), [], 'fresh: kept');
  assert.deepEqual(await sweepStaleTemps(dir, { now: Date.now() + 2 * 60 * 60_000 }), [tmpSeen]);
});

test('makeDir: makes the missing levels, accepts a folder that exists, refuses a file in the way', async () => {
  const dir = await tempDir();
  await makeDir(join(dir, 'a', 'b', 'c'));
  await makeDir(join(dir, 'a', 'b', 'c'));
  assert.deepEqual(await readdir(join(dir, 'a', 'b')), ['c']);
  await writeFile(join(dir, 'file'), 'x');
  await assert.rejects(makeDir(join(dir, 'file')), { code: 'EEXIST' });
  await assert.rejects(makeDir(join(dir, 'file', 'sub')), { code: 'ENOTDIR' });
});

test('makeDir ends where a folder exists but refuses children (Linux /proc; Node recursive mkdir spins there)', { skip: process.platform !== 'linux' }, async () => {
  await assert.rejects(makeDir('/proc/happysad-nope/report'), { code: 'ENOENT' });
});
