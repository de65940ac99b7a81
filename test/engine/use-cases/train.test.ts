import assert from 'node:assert/strict';
import { copyFile, cp, mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { before, test } from 'node:test';
import { isCancelled } from '../../../common/errors.js';
import { folderTrainingSet } from '../../../engine/dataset.js';
import type { ModelMeta } from '../../../engine/models/model-meta.js';
import { contentHash, type LabelledSample } from '../../../engine/samples.js';
import { createServices, type EngineServices } from '../../../engine/use-cases/services.js';
import { evaluate } from '../../../engine/use-cases/evaluate.js';
import { predict } from '../../../engine/use-cases/predict.js';
import { trainFromFolder, trainOnSamples, trainOptions } from '../../../engine/use-cases/train.js';
import { useBestBackend } from '../../helpers/backend.js';
import { ASSETS, FACES, tempDir } from '../../helpers/tmp.js';

let services: EngineServices;
let home: string;
before(async () => {
  home = await tempDir();
  services = createServices(home, ASSETS, await useBestBackend());
});

async function featureStats(s: EngineServices) {
  const store = await s.features.forBase(await s.bases.load('face-expression', undefined));
  return { ...store.stats };
}

test('a dataset copied to another folder and retrained reuses every cached view: 0 misses', async () => {
  const own = createServices(await tempDir(), ASSETS, services.backend);
  const a = join(await tempDir(), 'faces');
  const b = join(await tempDir(), 'moved', 'to', 'elsewhere');
  await cp(FACES, a, { recursive: true });
  await cp(FACES, b, { recursive: true });
  const first = await trainFromFolder(own, { data: a, epochs: 2 });
  assert.equal(first.embedding.cached, 0);
  const before = await featureStats(own);
  const second = await trainFromFolder(own, { data: b, epochs: 2 });
  const after = await featureStats(own);
  assert.equal(second.embedding.views, 16 * 2 + 4 * 2, '16 training images x 2 views (the photo and one augmented), 4 validation images x 2');
  assert.equal(second.embedding.views - second.embedding.cached, 0, 'views missed in the cache');
  assert.equal(after.misses - before.misses, 0, 'feature store misses');
  assert.equal(after.decoded - before.decoded, 0, 'images decoded');
  assert.deepEqual(second.history, first.history.map((h, i) => ({ ...h, seconds: second.history[i]!.seconds })), 'same images, same training');
});

test('train, then retrain from it: the child records its parent; same seed gives the same history', async () => {
  const a = await trainFromFolder(services, { data: FACES, epochs: 5, seed: 3 });
  const b = await trainFromFolder(services, { data: FACES, epochs: 5, seed: 3 });
  assert.deepEqual(b.history.map((h) => [h.loss, h.valLoss]), a.history.map((h) => [h.loss, h.valLoss]), 'deterministic with a seed');
  assert.equal(b.embedding.cached, b.embedding.views, 'second run: every view from the embedding cache');
  const child = await trainFromFolder(services, { data: FACES, epochs: 2, fromModel: 'current', use: true });
  const meta = JSON.parse(await readFile(join(home, 'models', child.modelId, 'meta.json'), 'utf8')) as ModelMeta;
  assert.equal(meta.parentModel, b.modelId);
  assert.equal(meta.base.id, 'face-expression');
  assert.equal(await services.registry.currentId(), child.modelId);
});

test('a retrain splits its parent\'s folder as the parent did (seed, share), and moves to train the validation images its parent learned', async () => {
  const own = createServices(await tempDir(), ASSETS, services.backend);
  const parent = await trainFromFolder(own, { data: FACES, epochs: 2, seed: 9, validationSplit: 0.3 });
  const parentMeta = await own.registry.readMeta(parent.modelId);
  assert.equal(parentMeta.dataset.validationSplit, 0.3);
  const child = await trainFromFolder(own, { data: FACES, epochs: 1, fromModel: parent.modelId });
  const childMeta = await own.registry.readMeta(child.modelId);
  assert.equal(childMeta.hyperparameters.seed, 9, 'the parent\'s seed');
  assert.equal(childMeta.dataset.validationSplit, 0.3, 'the parent\'s share');
  assert.deepEqual(child.dataset.validation, parent.dataset.validation);
  assert.deepEqual((await own.registry.readSamples(child.modelId))!.validation, (await own.registry.readSamples(parent.modelId))!.validation, 'the same validation images');
  assert.deepEqual(child.warnings.filter((w) => /moved to training/.test(w)), [], 'none of them was learned by the parent');
  // a parent whose list of learned images was damaged: its retrain cannot say what it learned from either
  const damaged = await trainFromFolder(own, { data: FACES, epochs: 1, seed: 9, validationSplit: 0.3 });
  const damagedFile = join(own.registry.dir, damaged.modelId, 'samples.json');
  const stored = JSON.parse(await readFile(damagedFile, 'utf8'));
  await writeFile(damagedFile, JSON.stringify({ ...stored, trained: [...stored.trained, 'not a hash'] }));
  const orphan = await trainFromFolder(own, { data: FACES, epochs: 1, fromModel: damaged.modelId });
  assert.ok(orphan.warnings.some((w) => w.includes(damaged.modelId) && /cannot|could not/.test(w)), orphan.warnings.join('\n'));
  assert.equal((await own.registry.readSamples(orphan.modelId))!.trained, null, 'what it learned from cannot be said');
  // a parent read with a cap: its retrains on its folder read as far, unless told otherwise
  const capped = await trainFromFolder(own, { data: FACES, epochs: 1, seed: 9, validationSplit: 0.3, maxPerClass: 5 });
  const cappedChild = await trainFromFolder(own, { data: FACES, epochs: 1, fromModel: capped.modelId });
  assert.equal((await own.registry.readMeta(cappedChild.modelId)).dataset.maxPerClass, 5, "the parent's cap");
  assert.deepEqual(cappedChild.dataset.train, { happy: 5, sad: 5 }, 'its training images capped as its parent\'s');
  assert.deepEqual(cappedChild.dataset.train, capped.dataset.train);
  const recapped = await trainFromFolder(own, { data: FACES, epochs: 1, fromModel: capped.modelId, maxPerClass: 6 });
  assert.deepEqual(recapped.dataset.train, { happy: 6, sad: 6 }, 'asked for another');
  // asked for another seed, a retrain gets it, and the parent's training images it puts in validation go to train
  const reseeded = await trainFromFolder(own, { data: FACES, epochs: 1, fromModel: parent.modelId, seed: 4 });
  const trained = new Set((await own.registry.readSamples(parent.modelId))!.trained);
  const resplit = await folderTrainingSet(FACES, { seed: 4, validationSplit: 0.3 });
  const learned = (await Promise.all(resplit.samples.filter((x) => x.split === 'validation').map(async (x) => contentHash(await readFile(x.file!))))).filter((h) => trained.has(h));
  assert.ok(learned.length > 0, 'else this checks nothing');
  assert.deepEqual(reseeded.warnings.filter((w) => /moved to training/.test(w)), [`${learned.length} validation images were moved to training: model ${parent.modelId}, which this one starts from, learned from them (judged, they would flatter this model)`]);
  const v = reseeded.dataset.validation;
  assert.equal(v.happy + v.sad, 6 - learned.length);
  assert.deepEqual((await own.registry.readSamples(reseeded.modelId))!.validation!.filter((h) => trained.has(h)), []);

  // a folder with its own validation/ holding two of the parent's training images and two it never saw
  const data = await tempDir();
  const parentSplit = (await folderTrainingSet(FACES, { seed: 9, validationSplit: 0.3 })).samples;
  const seen = parentSplit.filter((x) => x.split === 'train');
  const unseen = parentSplit.filter((x) => x.split === 'validation');
  for (const [i, x] of [...seen.slice(0, 12), ...seen.slice(-2), ...unseen.slice(0, 2)].entries()) {
    const split = i < 12 ? 'train' : 'validation';
    await mkdir(join(data, split, x.label), { recursive: true });
    await copyFile(x.file!, join(data, split, x.label, `${i}.jpg`));
  }
  const folders = await trainFromFolder(own, { data, epochs: 1, fromModel: parent.modelId });
  assert.deepEqual(folders.warnings.filter((w) => /moved to training/.test(w)), [`2 validation images were moved to training: model ${parent.modelId}, which this one starts from, learned from them (judged, they would flatter this model)`]);
  assert.equal(folders.dataset.validation.happy + folders.dataset.validation.sad, 2);
});

test('a retrain whose every validation image its parent learned: moved to train, no figures, kept as a candidate unless asked', async () => {
  const own = createServices(await tempDir(), ASSETS, services.backend);
  const parent = await trainFromFolder(own, { data: FACES, epochs: 2, seed: 9 });
  const seen = (await folderTrainingSet(FACES, { seed: 9 })).samples.filter((x) => x.split === 'train');
  const data = await tempDir();
  for (const [i, x] of seen.entries()) {
    const split = i < 4 || i >= seen.length - 4 ? 'validation' : 'train';
    await mkdir(join(data, split, x.label), { recursive: true });
    await copyFile(x.file!, join(data, split, x.label, `${i}.jpg`));
  }
  const r = await trainFromFolder(own, { data, epochs: 1, fromModel: parent.modelId });
  assert.ok(r.warnings.includes(`8 validation images were moved to training: model ${parent.modelId}, which this one starts from, learned from them (judged, they would flatter this model)`), r.warnings.join('\n'));
  assert.deepEqual(r.dataset.validation, { happy: 0, sad: 0 });
  assert.equal(r.validation, null, 'no figure from images its starting weights learned');
  assert.equal(r.promotion.madeCurrent, false);
  assert.equal(r.promotion.why?.kind, 'notCompared');
  assert.equal(await own.registry.currentId(), parent.modelId);
  const used = await trainFromFolder(own, { data, epochs: 1, fromModel: parent.modelId, use: true });
  assert.equal(used.promotion.madeCurrent, true, 'made current when asked');
});

test('a model that lists no images it learned (no samples.json): a retrain from it and a comparison with it say they could not check; a zero-shot start has nothing to check', async () => {
  const own = createServices(await tempDir(), ASSETS, services.backend);
  const parent = await trainFromFolder(own, { data: FACES, epochs: 1, seed: 9 });
  await rm(join(own.home, 'models', parent.modelId, 'samples.json'));
  const r = await trainFromFolder(own, { data: FACES, epochs: 1, fromModel: parent.modelId, seed: 4 });
  assert.ok(r.warnings.includes(`which validation images model ${parent.modelId}, which this one starts from, learned from could not be checked (its samples.json is missing or damaged): they may flatter this model`), r.warnings.join('\n'));
  const fresh = await trainFromFolder(own, { data: FACES, epochs: 1, fromModel: 'zero-shot' });
  assert.deepEqual(fresh.warnings.filter((w) => /which this one starts from/.test(w)), [], 'the zero-shot head learned nothing');
  // a new model compared with a current one that lists none: said too
  await own.registry.setCurrent(parent.modelId);
  const compared = await trainFromFolder(own, { data: FACES, epochs: 1 });
  assert.equal(compared.promotion.why?.kind, 'compared');
  assert.ok(compared.warnings.includes(`which validation images the current model ${parent.modelId} was trained on could not be checked (its samples.json is missing or damaged): the comparison may favour it`), compared.warnings.join('\n'));
});

test('training takes labelled samples: by content hash alone once their features are cached, the same model as from the folder', async () => {
  const folder = await trainFromFolder(services, { data: FACES, epochs: 4, seed: 11 });
  const set = await folderTrainingSet(FACES, { seed: 11 });
  const byHash: LabelledSample[] = await Promise.all(
    set.samples.map(async (s) => ({ hash: contentHash(await readFile(s.file!)), label: s.label, split: s.split })),
  );
  const before = await featureStats(services);
  const r = await trainOnSamples(services, { samples: byHash, summary: set.summary }, trainOptions({ epochs: 4, seed: 11 }));
  const after = await featureStats(services);
  assert.equal(after.reads - before.reads, 0, 'no file was read');
  assert.deepEqual(r.history.map((h) => [h.loss, h.valLoss]), folder.history.map((h) => [h.loss, h.valLoss]));
  assert.deepEqual(r.dataset, folder.dataset);
});

test('samples that cannot be embedded are reported with the model; a class left empty is a clear error', async () => {
  const set = await folderTrainingSet(FACES);
  const unknown = 'f'.repeat(64);
  const samples: LabelledSample[] = [...set.samples, { hash: unknown, label: 'sad', split: 'train' }];
  const r = await trainOnSamples(services, { samples, summary: set.summary }, trainOptions({ epochs: 1 }));
  assert.deepEqual(r.failed, [{ file: `sha256:${unknown}`, reason: 'its features are not cached, and no file was given to compute them from' }]);
  const meta = JSON.parse(await readFile(join(home, 'models', r.modelId, 'meta.json'), 'utf8')) as ModelMeta;
  assert.deepEqual(meta.dataset.skipped, r.failed);

  const happyOnly = set.samples.filter((s) => s.label === 'happy' || s.split === 'validation');
  await assert.rejects(
    trainOnSamples(services, { samples: [...happyOnly, { hash: unknown, label: 'sad', split: 'train' }], summary: set.summary }, trainOptions({ epochs: 1 })),
    /one class has no training images left/,
  );
});

test('features computed before a cancel are kept on disk for the next run', async () => {
  const dir = await tempDir();
  const fresh = createServices(dir, ASSETS, services.backend);
  const ac = new AbortController();
  await assert.rejects(
    trainFromFolder(fresh, { data: FACES, epochs: 2 }, { signal: ac.signal, progress: (e) => e.type === 'embedding' && e.done >= 16 && ac.abort() }),
    isCancelled,
  );
  const later = createServices(dir, ASSETS, services.backend); // e.g. after an app restart
  const r = await trainFromFolder(later, { data: FACES, epochs: 2 });
  assert.ok(r.embedding.cached >= 32, `reused ${r.embedding.cached} cached views`);
});

test('a folder whose files vanished after the scan: reported as failed, training goes on', async () => {
  const data = join(await tempDir(), 'faces');
  await cp(FACES, data, { recursive: true });
  const set = await folderTrainingSet(data);
  const gone = set.samples.find((s) => s.split === 'train')!.file!;
  await rm(gone);
  const r = await trainOnSamples(createServices(await tempDir(), ASSETS, services.backend), set, trainOptions({ epochs: 1 }));
  assert.deepEqual(r.failed, [{ file: gone, reason: 'no such file' }]);
});

test('one vocabulary, one count: 6 good + 3 broken happy images count as 6; every file left out is "skipped", once', async () => {
  const data = await tempDir();
  await mkdir(join(data, 'happy'));
  await mkdir(join(data, 'sad'));
  const happy = (await readdir(join(FACES, 'happy'))).sort().slice(0, 6);
  for (const f of happy) await copyFile(join(FACES, 'happy', f), join(data, 'happy', f));
  for (const f of await readdir(join(FACES, 'sad'))) await copyFile(join(FACES, 'sad', f), join(data, 'sad', f));
  const broken = ['b1.jpg', 'b2.jpg', 'b3.jpg'].map((f) => join(data, 'happy', f));
  for (const f of broken) await writeFile(f, 'not a jpeg');
  await writeFile(join(data, 'happy', 'notes.txt'), 'not an image');

  const stages: string[] = [];
  const own = createServices(await tempDir(), ASSETS, services.backend);
  const r = await trainFromFolder(own, { data, epochs: 1 }, { progress: (e) => e.type === 'stage' && stages.push(e.message) });
  const d = r.dataset;
  assert.equal(d.train.happy + d.validation.happy, 6, 'only the happy images that were read');
  assert.equal(d.train.sad + d.validation.sad, 10);
  assert.deepEqual(r.failed.map((f) => f.file).sort(), broken);
  assert.deepEqual(d.skipped.map((f) => f.file).sort(), [...broken, join(data, 'happy', 'notes.txt')].sort(), 'skipped: every file left out, unreadable images included');
  for (const f of r.failed) assert.ok(d.skipped.some((s) => s.file === f.file && s.reason === f.reason), 'failed is a subset of skipped');
  assert.ok(stages.includes(`Training on ${d.train.happy + d.train.sad} images`), stages.join(' | '));
  const meta = JSON.parse(await readFile(join(own.home, 'models', r.modelId, 'meta.json'), 'utf8')) as ModelMeta;
  assert.deepEqual(meta.dataset, d, 'the model records the same counts');
});

test('plural-correct engine messages: "1 image"', async () => {
  const stages: string[] = [];
  const progress = (e: { type: string; message?: string }) => e.type === 'stage' && stages.push(e.message!);
  await predict(services, { inputs: [join(FACES, 'happy', 'Ariel_Sharon_0060.jpg')], model: 'zero-shot' }, { progress });
  const one = await tempDir();
  await mkdir(join(one, 'sad'));
  await copyFile(join(FACES, 'sad', 'Anna_Jones_0001.jpg'), join(one, 'sad', 'a.jpg'));
  await evaluate(services, { data: one, model: 'zero-shot' }, { progress });
  assert.ok(stages.includes('Predicting 1 image with zero-shot'), stages.join(' | '));
  assert.ok(stages.includes('Evaluating zero-shot on 1 image'), stages.join(' | '));
});

test('face-expression-emotion: trained with one augmented view per image by default, saved with its 512-feature base; a face-expression model of 256 features next to it still judges', async () => {
  const own = createServices(await tempDir(), ASSETS, services.backend);
  const plain = await trainFromFolder(own, { data: FACES, epochs: 2 });
  const both = await trainFromFolder(own, { data: FACES, epochs: 2, base: 'face-expression-emotion' });
  assert.equal(both.embedding.views, 16 * 2 + 4 * 2, '16 training images x 2 views (BASE_AUGMENT), 4 validation images x 2');
  const meta = JSON.parse(await readFile(join(own.home, 'models', both.modelId, 'meta.json'), 'utf8')) as ModelMeta;
  assert.equal(meta.base.id, 'face-expression-emotion');
  assert.equal(meta.base.dim, 512);
  assert.equal(meta.augment.variants, 1);
  const file = join(FACES, 'happy', 'Ariel_Sharon_0060.jpg');
  for (const model of [plain.modelId, both.modelId]) {
    const r = await predict(own, { inputs: [file], model });
    const p = r.results[0]!;
    assert.ok('label' in p && Number.isFinite(p.confidence), `${model}: ${JSON.stringify(p)}`);
  }
  // asked for, the augmentation the caller names wins over the base's own default
  const three = await trainFromFolder(own, { data: FACES, epochs: 1, base: 'face-expression-emotion', augment: { variants: 2 } });
  assert.equal(three.embedding.views, 16 * 3 + 4 * 2);
  // a retrain names no base: it keeps its parent's, and that base's default views (every one from the cache)
  const again = await trainFromFolder(own, { data: FACES, epochs: 1, fromModel: both.modelId });
  assert.equal(again.embedding.views, 16 * 2 + 4 * 2);
  assert.equal(again.embedding.cached, again.embedding.views);
});
