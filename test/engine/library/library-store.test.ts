import assert from 'node:assert/strict';
import { copyFile, mkdir, readFile, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import sharp from 'sharp';
import type { LibraryItem } from '../../../common/library-types.js';
import { EngineError } from '../../../common/errors.js';
import { LibraryStore, type CrashPoint } from '../../../engine/library/library-store.js';
import { contentHash } from '../../../engine/samples.js';
import { libraryProblems } from '../../helpers/library-check.js';
import { FACES, tempDir } from '../../helpers/tmp.js';

/** `n` distinct small PNGs in a fresh folder, named img-0.png... */
async function images(n: number, prefix = 'img'): Promise<string[]> {
  const dir = await tempDir();
  const files: string[] = [];
  for (let i = 0; i < n; i++) {
    const file = join(dir, `${prefix}-${i}.png`);
    await sharp({ create: { width: 8, height: 8, channels: 3, background: { r: (i * 37) % 256, g: (i * 91) % 256, b: Math.floor(i / 7) } } }).png().toFile(file);
    files.push(file);
  }
  return files;
}

const entry = (file: string, predicted: 'happy' | 'sad', confidence = 0.8) => ({ file, predicted, confidence, modelId: 'zero-shot' });
const hashOf = async (file: string) => contentHash(await readFile(file));
const folder = (home: string, label: 'happy' | 'sad') => join(home, 'library', `${label}_predicted`);

async function consistent(home: string): Promise<void> {
  await new LibraryStore(home).list(); // reconciles, as every open does
  assert.deepEqual(await libraryProblems(home), []);
}

test('saving: a copy in the folder of the predicted label, with one record; the same image saved again is stored once', async () => {
  const home = await tempDir();
  const lib = new LibraryStore(home);
  const [a, b] = await images(2);
  const happyFace = join(FACES, 'happy', 'Ariel_Sharon_0060.jpg');
  const r1 = await lib.save([entry(a!, 'happy', 0.91), entry(b!, 'sad', 0.66), entry(happyFace, 'happy', 0.99), entry(a!, 'happy', 0.91)]);
  assert.deepEqual(r1.failed, []);
  assert.deepEqual(r1.saved.map((s) => s.seenBefore), [false, false, false, true], 'the second copy in the same batch is a sighting');
  assert.deepEqual((await readdir(folder(home, 'happy'))).sort(), ['Ariel_Sharon_0060.jpg', 'img-0.png']);
  assert.deepEqual(await readdir(folder(home, 'sad')), ['img-1.png']);
  const item = r1.saved[0]!.item;
  assert.equal(item.id, await hashOf(a!));
  assert.equal(item.file, join(folder(home, 'happy'), 'img-0.png'));
  assert.deepEqual(
    { label: item.label, review: item.review, predicted: item.predicted, confidence: item.confidence, modelId: item.modelId, originalName: item.originalName, originalPath: item.originalPath, source: item.source, seen: item.seen },
    { label: 'happy', review: 'unreviewed', predicted: 'happy', confidence: 0.91, modelId: 'zero-shot', originalName: 'img-0.png', originalPath: a, source: 'prediction', seen: 2 },
  );
  assert.deepEqual(await readFile(item.file), await readFile(a!), 'the bytes as they were');

  // the same bytes again, under another name and from another folder, even predicted otherwise
  const copy = join(await tempDir(), 'renamed copy.png');
  await copyFile(a!, copy);
  const r2 = await new LibraryStore(home).save([entry(copy, 'sad', 0.55)]);
  assert.equal(r2.saved[0]!.seenBefore, true);
  assert.equal(r2.saved[0]!.item.seen, 3);
  assert.equal(r2.saved[0]!.item.label, 'happy', 'the first judgement stays');
  const list = await lib.list();
  assert.equal(list.total, 3);
  assert.deepEqual(list.counts, { all: 3, happy: 2, sad: 1, unreviewed: 3, confirmed: 0, corrected: 0 });
  await consistent(home);
});

test('names: unsafe characters replaced, an image extension always, two images with one name both kept', async () => {
  const home = await tempDir();
  const lib = new LibraryStore(home);
  const [a, b, c] = await images(3);
  const d1 = await tempDir();
  const d2 = await tempDir();
  await copyFile(a!, join(d1, 'face.png'));
  await copyFile(b!, join(d2, 'face.png'));
  await copyFile(c!, join(d2, 'no extension:here'));
  const r = await lib.save([entry(join(d1, 'face.png'), 'happy'), entry(join(d2, 'face.png'), 'sad'), entry(join(d2, 'no extension:here'), 'sad')]);
  const names = r.saved.map((s) => s.item.storedName);
  assert.equal(names[0], 'face.png');
  assert.match(names[1]!, /^face-[0-9a-f]{8}\.png$/, 'unique across both folders');
  assert.equal(names[2], 'no extension_here.png', 'the extension comes from the bytes');
  await consistent(home);
});

test('review: confirm marks it; correct moves the file to the other folder; delete removes it; each undoable once', async () => {
  const home = await tempDir();
  const lib = new LibraryStore(home);
  const files = await images(4);
  const saved = (await lib.save(files.map((f, i) => entry(f, i % 2 ? 'sad' : 'happy', 0.6 + i / 10)))).saved.map((s) => s.item);
  const [h0, s1, h2, s3] = saved as [LibraryItem, LibraryItem, LibraryItem, LibraryItem];

  const confirmed = await lib.review({ ids: [h0.id], action: 'confirm' });
  assert.equal(confirmed.items[0]!.review, 'confirmed');
  assert.ok(confirmed.items[0]!.reviewedAt);

  const corrected = await lib.review({ ids: [h2.id, s3.id], action: 'correct' });
  assert.deepEqual(corrected.items.map((i) => [i.label, i.review]), [['sad', 'corrected'], ['happy', 'corrected']]);
  assert.deepEqual((await readdir(folder(home, 'happy'))).sort(), ['img-0.png', 'img-3.png']);
  assert.deepEqual((await readdir(folder(home, 'sad'))).sort(), ['img-1.png', 'img-2.png']);
  assert.deepEqual(corrected.undo, { action: 'correct', count: 2, at: corrected.undo!.at });
  await consistent(home);

  // undo moves them back, as unreviewed
  const undone = await lib.undo();
  assert.equal(undone.undone?.action, 'correct');
  assert.deepEqual(undone.items.map((i) => [i.label, i.review]), [['happy', 'unreviewed'], ['sad', 'unreviewed']]);
  assert.deepEqual((await readdir(folder(home, 'happy'))).sort(), ['img-0.png', 'img-2.png']);
  assert.equal((await lib.undo()).undone, null, 'only the last action');

  // correct with a label: one that has it already is only marked reviewed
  const toSad = await lib.review({ ids: [s1.id, h2.id], action: 'correct', label: 'sad' });
  assert.deepEqual(toSad.items.map((i) => [i.label, i.review]), [['sad', 'confirmed'], ['sad', 'corrected']]);

  const del = await lib.review({ ids: [s1.id, 'f'.repeat(64)], action: 'delete' });
  assert.deepEqual(del.deleted, [s1.id]);
  assert.deepEqual(del.missing, ['f'.repeat(64)]);
  assert.ok(!(await readdir(folder(home, 'sad'))).includes('img-1.png'));
  assert.equal((await lib.list()).total, 3);
  await consistent(home);
  const back = await lib.undo();
  assert.equal(back.undone?.action, 'delete');
  assert.equal(back.items[0]!.file, join(folder(home, 'sad'), 'img-1.png'));
  assert.equal(back.items[0]!.review, 'confirmed', 'as it was before the delete');
  assert.deepEqual(await readFile(back.items[0]!.file), await readFile(files[1]!));
  await consistent(home);

  // a later change to the same image makes the undo impossible rather than wrong
  await lib.review({ ids: [h0.id], action: 'correct' });
  await lib.review({ ids: [h0.id], action: 'correct' }); // this is the last action now; undo would re-correct
  const list = await lib.list();
  assert.equal(list.undo?.action, 'correct');
  await rename(join(folder(home, 'happy'), 'img-0.png'), join(folder(home, 'sad'), 'img-0.png')); // moved by hand
  assert.equal((await lib.list()).undo, null);
  assert.equal((await lib.undo()).undone, null);
  await consistent(home);
});

test('thumbnails go with their image once its delete can no longer be undone; those of images gone meanwhile go when a store first opens', async () => {
  const home = await tempDir();
  const lib = new LibraryStore(home);
  const [a, b] = (await lib.save((await images(2)).map((f) => entry(f, 'happy')))).saved.map((s) => s.item) as [LibraryItem, LibraryItem];
  const thumbs = (id: string) => [128, 256].map((size) => join(home, 'cache', 'thumbnails', String(size), `${id}.jpg`));
  const stray = 'e'.repeat(64); // an image deleted by another process, or by an app before this one
  for (const id of [a.id, b.id, stray]) for (const t of thumbs(id)) await mkdir(join(t, '..'), { recursive: true }).then(() => writeFile(t, 'jpeg'));
  await writeFile(join(home, 'cache', 'thumbnails', '128', 'notes.txt'), 'not ours');
  const there = async (id: string) => (await Promise.all(thumbs(id).map((t) => readFile(t).then(() => true, () => false)))).filter(Boolean).length;

  await new LibraryStore(home).list();
  assert.deepEqual([await there(a.id), await there(b.id), await there(stray)], [2, 2, 0], "the stray image's go at the first open");
  assert.deepEqual((await readdir(join(home, 'cache', 'thumbnails', '128'))).sort(), [`${a.id}.jpg`, `${b.id}.jpg`, 'notes.txt'].sort());

  await lib.review({ ids: [a.id], action: 'delete' });
  assert.equal(await there(a.id), 2, 'kept while the delete can be undone');
  await new LibraryStore(home).list();
  assert.equal(await there(a.id), 2, 'also by a store opening meanwhile');
  await lib.undo();
  await lib.review({ ids: [a.id], action: 'delete' });
  await lib.review({ ids: [b.id], action: 'confirm' }); // the delete's undo is gone now
  assert.deepEqual([await there(a.id), await there(b.id)], [0, 2]);
});

test('the folders are the truth: a missing index is rebuilt from them', async () => {
  const home = await tempDir();
  const files = await images(3);
  const lib = new LibraryStore(home);
  const saved = (await lib.save([entry(files[0]!, 'happy'), entry(files[1]!, 'sad'), entry(files[2]!, 'sad')])).saved;
  await lib.review({ ids: [saved[2]!.id], action: 'correct' });
  await rm(join(home, 'library', 'index.json'));
  const rebuilt = await new LibraryStore(home).list({ sort: 'name' });
  assert.deepEqual(
    rebuilt.items.map((i) => [i.storedName, i.label, i.review, i.source, i.predicted]),
    [
      ['img-0.png', 'happy', 'confirmed', 'folder', null],
      ['img-1.png', 'sad', 'confirmed', 'folder', null],
      ['img-2.png', 'happy', 'confirmed', 'folder', null],
    ],
  );
  assert.deepEqual(rebuilt.items.map((i) => i.id).sort(), saved.map((s) => s.id).sort(), 'ids are content hashes');
  await consistent(home);
  // a damaged one too
  await writeFile(join(home, 'library', 'index.json'), '{"format":"happysad-library","version":1,"records":[{"id":');
  assert.equal((await new LibraryStore(home).list()).total, 3);
  await consistent(home);
});

test('the folders are the truth: a stale index (an older copy) is reconciled with them', async () => {
  const home = await tempDir();
  const files = await images(4);
  const lib = new LibraryStore(home);
  const saved = (await lib.save(files.slice(0, 3).map((f) => entry(f, 'happy')))).saved.map((s) => s.id);
  const old = await readFile(join(home, 'library', 'index.json'));
  await lib.review({ ids: [saved[0]!], action: 'correct' }); // now in sad_predicted
  await lib.review({ ids: [saved[1]!], action: 'delete' });
  await lib.save([entry(files[3]!, 'sad')]);
  await writeFile(join(home, 'library', 'index.json'), old);
  const items = new Map((await new LibraryStore(home).items()).map((i) => [i.id, i]));
  assert.equal(items.size, 3);
  assert.deepEqual([items.get(saved[0]!)!.label, items.get(saved[0]!)!.review, items.get(saved[0]!)!.predicted], ['sad', 'corrected', 'happy'], 'the stale record follows its file');
  assert.equal(items.has(saved[1]!), false, 'deleted since');
  assert.equal(items.get(saved[2]!)!.review, 'unreviewed', 'untouched');
  assert.equal(items.get(await hashOf(files[3]!))!.source, 'folder', 'saved after the copy: found in its folder');
  await consistent(home);
});

test('files added, removed, moved or renamed by hand are picked up; a second copy of a stored image is not kept', async () => {
  const home = await tempDir();
  const files = await images(6);
  const lib = new LibraryStore(home);
  const [a, b, c] = (await lib.save([entry(files[0]!, 'happy', 0.7), entry(files[1]!, 'happy', 0.8), entry(files[2]!, 'sad', 0.9)])).saved.map((s) => s.item);
  await copyFile(files[3]!, join(folder(home, 'sad'), 'dropped.png'));
  await copyFile(files[4]!, join(folder(home, 'happy'), 'also dropped.PNG'));
  await writeFile(join(folder(home, 'happy'), 'notes.txt'), 'not an image');
  await mkdir(join(folder(home, 'happy'), 'a subfolder'));
  await rm(a!.file);
  await rename(b!.file, join(folder(home, 'sad'), 'moved.png'));
  await rename(c!.file, join(folder(home, 'sad'), 'renamed.png'));
  await copyFile(files[2]!, join(folder(home, 'happy'), 'copy of c.png'));

  const items = new Map((await lib.items()).map((i) => [i.id, i]));
  assert.equal(items.has(a!.id), false, 'deleted by hand');
  assert.deepEqual([items.get(b!.id)!.label, items.get(b!.id)!.review, items.get(b!.id)!.storedName, items.get(b!.id)!.confidence], ['sad', 'corrected', 'moved.png', 0.8], 'moved by hand: a correction');
  assert.deepEqual([items.get(c!.id)!.label, items.get(c!.id)!.review, items.get(c!.id)!.storedName, items.get(c!.id)!.originalName], ['sad', 'unreviewed', 'renamed.png', 'img-2.png'], 'renamed by hand: same record');
  const dropped = items.get(await hashOf(files[3]!))!;
  assert.deepEqual([dropped.label, dropped.review, dropped.source, dropped.predicted, dropped.confidence], ['sad', 'confirmed', 'folder', null, null]);
  assert.equal(items.get(await hashOf(files[4]!))!.label, 'happy');
  assert.equal(items.size, 4);
  assert.ok(!(await readdir(folder(home, 'happy'))).includes('copy of c.png'), 'the duplicate copy is removed (the image is kept once)');
  assert.ok((await readdir(folder(home, 'happy'))).includes('notes.txt'), 'other files are left alone');
  await consistent(home);
});

test('list: filter by label and review state, least sure first, pages, counts of the whole library', async () => {
  const home = await tempDir();
  const lib = new LibraryStore(home);
  const files = await images(6);
  const saved = (await lib.save(files.map((f, i) => entry(f, i < 3 ? 'happy' : 'sad', [0.9, 0.55, 0.7, 0.99, 0.6, 0.8][i])))).saved.map((s) => s.id);
  await lib.review({ ids: [saved[0]!], action: 'confirm' });
  await lib.review({ ids: [saved[3]!], action: 'correct' });
  const unsure = await lib.list({ sort: 'least-sure', limit: 3 });
  assert.deepEqual(unsure.items.map((i) => i.confidence), [0.55, 0.6, 0.7]);
  assert.equal(unsure.total, 6);
  const page2 = await lib.list({ sort: 'least-sure', offset: 3, limit: 2 });
  assert.deepEqual(page2.items.map((i) => i.confidence), [0.8, 0.9]);
  const sadUnreviewed = await lib.list({ filter: { label: 'sad', review: 'unreviewed' } });
  assert.deepEqual(sadUnreviewed.items.map((i) => i.id).sort(), [saved[4]!, saved[5]!].sort());
  assert.equal(sadUnreviewed.total, 2);
  assert.deepEqual(sadUnreviewed.counts, { all: 6, happy: 4, sad: 2, unreviewed: 4, confirmed: 1, corrected: 1 });
  assert.equal(sadUnreviewed.dir, join(home, 'library'));
});

test('crash at every point of save, correct, delete and undo: after reopening, consistent, each image before or after', async () => {
  const points: CrashPoint[] = ['temp-written', 'pending-written', 'moved', 'committed'];
  const files = await images(4);
  for (const op of ['save', 'correct', 'delete', 'undo'] as const) {
    for (const point of points) {
      for (const nth of [1, 2]) {
        const home = await tempDir();
        const setup = new LibraryStore(home);
        const ids = (await setup.save(files.slice(0, 2).map((f) => entry(f, 'happy')))).saved.map((s) => s.id);
        if (op === 'undo') await setup.review({ ids, action: 'correct' });
        const tuple = (i: LibraryItem) => [i.label, i.review, i.source, i.predicted].join(' ');
        const before = new Map((await setup.items()).map((i) => [i.id, tuple(i)]));
        const lib = new LibraryStore(home);
        let seen = 0;
        lib.crashHook = (p) => {
          if (p === point && ++seen === nth) throw new Error('simulated crash');
        };
        const run = () =>
          op === 'save' ? lib.save(files.slice(2).map((f) => entry(f, 'sad'))) : op === 'undo' ? lib.undo() : lib.review({ ids, action: op });
        const crashed = await run().then(
          () => false,
          (e: Error) => (e.message === 'simulated crash' ? true : Promise.reject(e)),
        );
        const after = new Map((await new LibraryStore(home).items()).map((i) => [i.id, tuple(i)]));
        assert.deepEqual(await libraryProblems(home), [], `${op} crashed at ${point} #${nth}`);
        // label, review state, source and prediction: a crash must not turn a saved prediction into an image
        // "dropped in by hand", nor lose a review
        const expectedAfter = async (id: string) =>
          op === 'save'
            ? ids.includes(id)
              ? before.get(id)
              : 'sad unreviewed prediction sad'
            : op === 'delete'
              ? undefined
              : op === 'correct'
                ? 'sad corrected prediction happy'
                : 'happy unreviewed prediction happy';
        for (const id of new Set([...before.keys(), ...after.keys(), ...(await Promise.all(files.slice(2).map(hashOf)))])) {
          const now = after.get(id);
          assert.ok(now === before.get(id) || now === (await expectedAfter(id)), `${op} at ${point} #${nth} (crashed: ${crashed}): ${id.slice(0, 8)} is ${now}`);
        }
      }
    }
  }
});

test('two stores on one data folder (two processes) saving and correcting at once stay consistent', async () => {
  const home = await tempDir();
  const files = await images(24);
  const a = new LibraryStore(home);
  const b = new LibraryStore(home);
  await Promise.all([
    ...files.slice(0, 12).map((f) => a.save([entry(f, 'happy')])),
    ...files.slice(12).map((f) => b.save([entry(f, 'sad')])),
  ]);
  const ids = (await a.items()).map((i) => i.id);
  assert.equal(ids.length, 24);
  await Promise.all([a.review({ ids: ids.slice(0, 12), action: 'correct' }), b.review({ ids: ids.slice(12), action: 'confirm' })]);
  await consistent(home);
});

test('a read-only data folder: the library is listed, not changed', async () => {
  const home = await tempDir();
  const [a] = await images(1);
  await new LibraryStore(home).save([entry(a!, 'happy')]);
  const ro = new LibraryStore(home, true);
  assert.equal((await ro.list()).total, 1);
  await assert.rejects(ro.save([entry(a!, 'happy')]), (e: EngineError) => e.code === 'bad-input' && /cannot be written/.test(e.message));
  await assert.rejects(ro.review({ ids: [(await ro.items())[0]!.id], action: 'confirm' }), /cannot be written/);
});

test('an index written by a newer app is refused, not overwritten', async () => {
  const home = await tempDir();
  await mkdir(join(home, 'library'), { recursive: true });
  const text = '{"format":"happysad-library","version":99,"pending":null,"last":null,"records":[]}';
  await writeFile(join(home, 'library', 'index.json'), text);
  await assert.rejects(new LibraryStore(home).list(), /newer HappySad Studio/);
  assert.equal(await readFile(join(home, 'library', 'index.json'), 'utf8'), text);
});

test('a record whose faces are damaged keeps its verdict and its review; only the faces are dropped', async () => {
  const home = await tempDir();
  const files = await images(1);
  const lib = new LibraryStore(home);
  const [saved] = (await lib.save([{ ...entry(files[0]!, 'sad', 0.9), faces: [{ box: { x: 1, y: 2, width: 30, height: 30 }, label: 'sad', confidence: 0.9, probabilities: { happy: 0.1, sad: 0.9 } }] }])).saved;
  await lib.review({ ids: [saved!.id], action: 'confirm' });
  const file = join(home, 'library', 'index.json');
  const index = JSON.parse(await readFile(file, 'utf8')) as { records: Array<{ faces?: unknown }> };
  index.records[0]!.faces = [{ box: { x: 'left' } }];
  await writeFile(file, JSON.stringify(index));
  const [item] = await new LibraryStore(home).items();
  assert.deepEqual([item!.review, item!.predicted, item!.confidence, item!.source, item!.faces], ['confirmed', 'sad', 0.9, 'prediction', undefined]);
});
