import assert from 'node:assert/strict';
import { copyFile, cp, mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { before, test } from 'node:test';
import type { Prediction } from '../../../common/engine-types.js';
import { folderTrainingSet } from '../../../engine/dataset.js';
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
