import assert from 'node:assert/strict';
import { copyFile, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { after, test } from 'node:test';
import sharp from 'sharp';
import { EngineError } from '../../../common/errors.js';
import { EngineHost } from '../../../engine/host.js';
import { makeBmp } from '../../helpers/images.js';
import { ASSETS, FACES, tempDir } from '../../helpers/tmp.js';

const hosts: EngineHost[] = [];
after(() => Promise.all(hosts.map((h) => h.dispose())));

test('through the engine worker: predict with save, list, review, undo, thumbnails; bad requests refused by the contract', async () => {
  const home = await tempDir();
  const h = new EngineHost({ home, assetsDir: ASSETS });
  hosts.push(h);
  const photos = await tempDir();
  for (const n of (await readdir(join(FACES, 'sad'))).sort().slice(0, 3)) await copyFile(join(FACES, 'sad', n), join(photos, n));
  const bmp = join(photos, 'drawn.bmp');
  await import('node:fs/promises').then((fs) => fs.writeFile(bmp, makeBmp(40, 30, (x) => (x < 20 ? [200, 180, 160] : [40, 30, 20]))));

  const p = await h.call('predict', { inputs: [photos], save: true });
  assert.equal(p.library?.saved, 4);
  const ids = p.results.map((r) => ('saved' in r ? r.saved!.id : ''));
  assert.ok(ids.every((id) => /^[0-9a-f]{64}$/.test(id)));
  const again = await h.call('predict', { inputs: [join(photos, 'drawn.bmp')], save: true });
  assert.deepEqual(again.library, { saved: 0, seenBefore: 1, failed: [] });

  const list = await h.call('libraryList', { sort: 'least-sure', limit: 2 });
  assert.equal(list.total, 4);
  assert.equal(list.items.length, 2);
  assert.ok(list.items[0]!.confidence! <= list.items[1]!.confidence!);
  const r = await h.call('libraryReview', { ids: [ids[0]!], action: 'correct' });
  assert.equal(r.undo?.action, 'correct');
  assert.equal((await h.call('libraryUndo', {})).undone?.action, 'correct');

  // thumbnails: a JPEG no larger than asked, made once
  const t1 = await h.call('thumbnail', { id: ids[0]!, size: 64 });
  assert.match(t1.path ?? '', new RegExp(`cache/thumbnails/64/${ids[0]}\\.jpg$`));
  assert.ok(t1.width <= 64 && t1.height <= 64 && Math.max(t1.width, t1.height) > 0);
  assert.equal((await sharp(t1.path!).metadata()).format, 'jpeg');
  const mtime = (await stat(t1.path!)).mtimeMs;
  const t2 = await h.call('thumbnail', { id: ids[0]!, size: 64 });
  assert.deepEqual(t2, t1);
  assert.equal((await stat(t1.path!)).mtimeMs, mtime, 'cached, not made again');
  const bmpId = ids[p.results.findIndex((x) => x.file === bmp)]!;
  const tb = await h.call('thumbnail', { id: bmpId });
  assert.deepEqual([tb.width, tb.height], [40, 30], 'BMPs too; never enlarged');

  const bad = (e: unknown) => e instanceof EngineError && e.code === 'bad-input';
  await assert.rejects(h.call('libraryReview', { ids: ['not-an-id'], action: 'confirm' }), (e: unknown) => bad(e) && /ids\.0: is not a library image id/.test((e as Error).message));
  await assert.rejects(h.call('libraryReview', { ids: [ids[0]!], action: 'approve' as never }), bad);
  await assert.rejects(h.call('libraryList', { sort: 'random' as never }), bad);
  await assert.rejects(h.call('retrainPreview', { minConfidence: 0.2 }), bad);
  await assert.rejects(h.call('thumbnail', { id: 'f'.repeat(64) }), (e: unknown) => e instanceof EngineError && e.code === 'not-found');
});

test('the library answers while a training runs', async () => {
  const h = new EngineHost({ home: await tempDir(), assetsDir: ASSETS });
  hosts.push(h);
  await h.start();
  let embedding = false;
  const call = h.request('train', { data: FACES, augment: { variants: 8 } }, { onProgress: (e) => e.type === 'embedding' && (embedding = true) });
  while (!embedding) await new Promise((r) => setTimeout(r, 5));
  let settled = false;
  void call.result.then(() => (settled = true), () => (settled = true));
  const list = await h.call('libraryList', {});
  assert.equal(list.total, 0);
  assert.equal(settled, false, 'answered while the training was still running');
  h.cancel(call.id);
  await call.result.catch(() => undefined);
});
