import assert from 'node:assert/strict';
import { copyFile, cp, mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { before, test } from 'node:test';
import type { Prediction } from '../../../common/engine-types.js';
import { folderTrainingSet } from '../../../engine/dataset.js';
import { calibrationTable, rocCurve } from '../../../engine/metrics.js';
import { contentHash } from '../../../engine/samples.js';
import { evaluate } from '../../../engine/use-cases/evaluate.js';
import { predict } from '../../../engine/use-cases/predict.js';
import { createServices, type EngineServices } from '../../../engine/use-cases/services.js';
import { trainFromFolder } from '../../../engine/use-cases/train.js';
import { useBestBackend } from '../../helpers/backend.js';
import { ASSETS, FACES, tempDir } from '../../helpers/tmp.js';

let services: EngineServices;
before(async () => {
  services = createServices(await tempDir(), ASSETS, await useBestBackend());
});

test('evaluation scores exactly what predict says; unreadable images are failed, other files skipped', async () => {
  const data = join(await tempDir(), 'faces');
  await cp(FACES, data, { recursive: true });
  await writeFile(join(data, 'sad', 'broken.jpg'), 'garbage');
  await writeFile(join(data, 'sad', 'notes.txt'), 'not an image');

  const e = await evaluate(services, { data, model: 'zero-shot' });
  assert.equal(e.n, 20);
  assert.deepEqual(e.failed, [{ file: join(data, 'sad', 'broken.jpg'), reason: 'not a supported image format' }]);
  assert.deepEqual(e.skipped, [{ file: join(data, 'sad', 'notes.txt'), reason: 'not an image file (.txt)' }]);

  const judged = async (label: 'happy' | 'sad') =>
    (await predict(services, { inputs: [join(data, label)], model: 'zero-shot' })).results.filter((r): r is Extract<Prediction, { label: string }> => 'label' in r);
  const happy = await judged('happy');
  const sad = await judged('sad');
  assert.deepEqual(e.confusion, {
    happy: { happy: happy.filter((r) => r.label === 'happy').length, sad: happy.filter((r) => r.label === 'sad').length },
    sad: { happy: sad.filter((r) => r.label === 'happy').length, sad: sad.filter((r) => r.label === 'sad').length },
  });
  const wrong = [...happy.filter((r) => r.label !== 'happy'), ...sad.filter((r) => r.label !== 'sad')];
  assert.deepEqual(
    e.misclassified.map((m) => [m.file, m.predicted, m.confidence]),
    wrong.map((r) => [r.file, r.label, r.confidence]),
  );
  assert.equal(e.accuracy, (e.confusion.happy.happy + e.confusion.sad.sad) / 20);
});

test('eval warns when the images it judges were in the model\'s training data, by content (samples.json)', async () => {
  const own = createServices(await tempDir(), ASSETS, services.backend);
  const r = await trainFromFolder(own, { data: FACES, epochs: 2 });
  const saved = JSON.parse(await readFile(join(own.home, 'models', r.modelId, 'samples.json'), 'utf8')) as { trained: string[]; validation: string[] };
  const set = await folderTrainingSet(FACES);
  const hashOf = async (f: string) => contentHash(await readFile(f));
  assert.deepEqual(saved.trained, (await Promise.all(set.samples.filter((s) => s.split === 'train').map((s) => hashOf(s.file!)))).sort());
  assert.deepEqual(saved.validation, (await Promise.all(set.samples.filter((s) => s.split === 'validation').map((s) => hashOf(s.file!)))).sort());

  // the same photos under other names, elsewhere: still recognised
  const copy = join(await tempDir(), 'renamed');
  for (const label of ['happy', 'sad'] as const) {
    await mkdir(join(copy, label), { recursive: true });
    for (const [i, f] of (await readdir(join(FACES, label))).entries()) await copyFile(join(FACES, label, f), join(copy, label, `photo-${i}.jpg`));
  }
  const warned: string[] = [];
  const e = await evaluate(own, { data: copy }, { progress: (ev) => ev.type === 'warning' && warned.push(ev.message) });
  assert.equal(e.trainedOn, 16);
  assert.deepEqual(e.warnings, [`16 of the 20 images judged were in the training data of model ${r.modelId} (same content), so these figures overstate how it does on new photos`]);
  assert.deepEqual(warned, e.warnings, 'said as progress too');

  // a retrain's training data includes its parent's
  const validationOnly = await tempDir();
  for (const s of set.samples.filter((x) => x.split === 'validation')) {
    await mkdir(join(validationOnly, s.label), { recursive: true });
    await copyFile(s.file!, join(validationOnly, s.label, `${s.label}.jpg`));
  }
  assert.deepEqual((await evaluate(own, { data: validationOnly })).warnings, [], 'validation images were not trained on');
  const child = await trainFromFolder(own, { data: validationOnly, validationSplit: 0.5, epochs: 1, fromModel: r.modelId, use: true });
  const c = await evaluate(own, { data: copy, model: child.modelId });
  assert.ok(c.trainedOn! >= 16, `${c.trainedOn}`);
  assert.equal((await evaluate(own, { data: copy, model: 'zero-shot' })).trainedOn, 0);
});

test('eval says whether the features were computed or came from the cache', async () => {
  const own = createServices(await tempDir(), ASSETS, services.backend);
  const first = await evaluate(own, { data: FACES, model: 'zero-shot' });
  assert.deepEqual(first.features, { computed: 40, cached: 0 }, 'two views (photo and mirror) per image');
  const again = await evaluate(own, { data: FACES, model: 'zero-shot' });
  assert.deepEqual(again.features, { computed: 0, cached: 40 });
});

test('every judged image is in the result: each confusion cell is exactly its images; ROC and calibration from their P(happy)', async () => {
  const e = await evaluate(services, { data: FACES, model: 'zero-shot' });
  assert.equal(e.images.length, e.n);
  assert.deepEqual(e.source, { kind: 'folder', dir: FACES });
  for (const actual of ['happy', 'sad'] as const) {
    for (const predicted of ['happy', 'sad'] as const) {
      const cell = e.images.filter((i) => i.label === actual && (i.pHappy >= 0.5 ? 'happy' : 'sad') === predicted);
      assert.equal(cell.length, e.confusion[actual][predicted], `${actual} -> ${predicted}`);
    }
  }
  assert.deepEqual(
    e.images.filter((i) => (i.pHappy >= 0.5 ? 'happy' : 'sad') !== i.label).map((i) => i.file),
    e.misclassified.map((m) => m.file),
  );
  const p = e.images.map((i) => i.pHappy);
  const y = e.images.map((i) => (i.label === 'happy' ? 1 : 0));
  assert.deepEqual(e.roc, rocCurve(p, y));
  assert.deepEqual(e.calibration, calibrationTable(p, y));
  assert.equal(e.calibration.bins.reduce((a, b) => a + b.n, 0), e.n);
});

test("evaluation on the model's own validation images gives the figures recorded when it was trained; cancellable", async () => {
  const own = createServices(await tempDir(), ASSETS, services.backend);
  const data = join(await tempDir(), 'faces');
  await cp(FACES, data, { recursive: true });
  const r = await trainFromFolder(own, { data, epochs: 2, validationSplit: 0.3 });
  const events: string[] = [];
  const store = await own.features.forBase(await own.bases.load('face-expression', undefined));
  const readsBefore = store.stats.reads;
  const e = await evaluate(own, { model: r.modelId }, { progress: (ev) => events.push(ev.type) });
  // each file is read once, to find it by its hash; its features come from the training's cache
  assert.equal(store.stats.reads - readsBefore, 0, 'the feature store read no file again');
  assert.deepEqual(e.source, { kind: 'validation', modelId: r.modelId, root: data, missing: 0 });
  assert.equal(e.n, r.dataset.validation.happy + r.dataset.validation.sad);
  assert.deepEqual(e.confusion, r.validation!.confusion);
  assert.ok(Math.abs(e.loss - r.validation!.loss) < 1e-6, `${e.loss} vs ${r.validation!.loss}`);
  assert.equal(e.trainedOn, 0);
  assert.ok(events.includes('stage'));
  // 'current' is that model; zero-shot has no validation data
  assert.deepEqual((await evaluate(own, {})).images, e.images);
  await assert.rejects(evaluate(own, { model: 'zero-shot' }), /zero-shot model .* has no validation data/);

  // a validation image removed since: judged on the others, and said
  const gone = e.images[0]!.file;
  await rm(gone);
  const said: string[] = [];
  const less = await evaluate(own, { model: r.modelId }, { progress: (ev) => ev.type === 'warning' && said.push(ev.message) });
  assert.equal(less.n, e.n - 1);
  assert.equal(said.filter((m) => /could not be found any more/.test(m)).length, 1, `said once: ${said.join(' | ')}`);
  assert.equal(less.source.kind === 'validation' && less.source.missing, 1);
  assert.match(less.warnings.join('\n'), /1 validation image could not be found any more/);

  const ac = new AbortController();
  ac.abort();
  await assert.rejects(evaluate(own, { model: r.modelId }, { signal: ac.signal }), (err: Error & { code?: string }) => err.code === 'cancelled');
});

test('nothing that could be judged is an error naming the files, not an evaluation of 0 images; a report into a file is refused before judging', async () => {
  const dir = await tempDir();
  for (const label of ['happy', 'sad']) {
    await mkdir(join(dir, label));
    await writeFile(join(dir, label, `${label}.jpg`), 'not an image');
  }
  await assert.rejects(evaluate(services, { data: dir, model: 'zero-shot' }), /no image could be judged \(2 files failed; the first: .*happy\.jpg: not a supported image format\)$/);
  const file = join(dir, 'report.txt');
  await writeFile(file, 'x');
  await assert.rejects(evaluate(services, { data: FACES, model: 'zero-shot', report: file }), new RegExp(`${file} is a file, not a folder`));
});
