import assert from 'node:assert/strict';
import { copyFile, mkdir, readdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { before, test } from 'node:test';
import sharp from 'sharp';
import { BASE_AUGMENT, DEFAULT_AUGMENT, DEFAULT_HYPERPARAMETERS } from '../../../common/defaults.js';
import type { LibraryItem } from '../../../common/library-types.js';
import type { FeatureStore } from '../../../engine/features/feature-store.js';
import type { ModelMeta } from '../../../engine/models/model-meta.js';
import { contentHash, type SampleRef } from '../../../engine/samples.js';
import { recordedSplit, scanDataset } from '../../../engine/dataset.js';
import { EMOTION_DIM, EMOTION_FINGERPRINT } from '../../../engine/bases/emotion.js';
import { resolveModel, type ResolvedModel } from '../../../engine/models/resolve.js';
import { judgeSamples } from '../../../engine/use-cases/judge.js';
import { predictAndSave } from '../../../engine/use-cases/library.js';
import { decidePromotion, planLibraryRetrain, retrainPreview, retrainWithLibrary } from '../../../engine/use-cases/library-retrain.js';
import { createServices, type EngineServices } from '../../../engine/use-cases/services.js';
import { trainFromFolder } from '../../../engine/use-cases/train.js';
import { useBestBackend } from '../../helpers/backend.js';
import { ASSETS, FACES, tempDir } from '../../helpers/tmp.js';

/**
 * The fixture faces split in two: a dataset folder (the first 6 of each class, by name) that a first model is
 * trained on, and the other 4 + 4, which are predicted and saved to the library.
 */
async function setup(opts: { train?: boolean } = {}) {
  const home = await tempDir();
  const services = createServices(home, ASSETS, await useBestBackend());
  const data = join(await tempDir(), 'faces');
  const photos = await tempDir();
  const truth = new Map<string, 'happy' | 'sad'>();
  for (const label of ['happy', 'sad'] as const) {
    const names = (await readdir(join(FACES, label))).sort();
    await mkdir(join(data, label), { recursive: true });
    for (const n of names.slice(0, 6)) await copyFile(join(FACES, label, n), join(data, label, n));
    for (const n of names.slice(6)) {
      await copyFile(join(FACES, label, n), join(photos, n));
      truth.set(join(photos, n), label);
    }
  }
  const first = opts.train === false ? null : await trainFromFolder(services, { data, epochs: 3, seed: 5 });
  const predicted = await predictAndSave(services, { inputs: [photos], save: true });
  const items = await services.library.items();
  const byPath = new Map(items.map((i) => [i.originalPath!, i]));
  return { home, services, data, photos, truth, first, predicted, items, byPath };
}

/** Reviews every library image with its true label: confirm where the model was right, correct where not. */
async function reviewAll(services: EngineServices, items: readonly LibraryItem[], truth: Map<string, 'happy' | 'sad'>, only?: (i: LibraryItem) => boolean) {
  const chosen = items.filter((i) => only?.(i) ?? true);
  const right = chosen.filter((i) => truth.get(i.originalPath!) === i.predicted).map((i) => i.id);
  const wrong = chosen.filter((i) => truth.get(i.originalPath!) !== i.predicted).map((i) => i.id);
  if (right.length) await services.library.review({ ids: right, action: 'confirm' });
  if (wrong.length) await services.library.review({ ids: wrong, action: 'correct' });
  return { right: right.length, wrong: wrong.length };
}

/** Records the samples the feature store is asked for. */
async function spyOnFeatures(services: EngineServices): Promise<{ requested: SampleRef[]; store: FeatureStore }> {
  const store = await services.features.forBase(await services.bases.load('face-expression', undefined));
  const requested: SampleRef[] = [];
  const original = store.features.bind(store);
  store.features = (requests, opts) => {
    requested.push(...requests.map((r) => r.sample));
    return original(requests, opts);
  };
  return { requested, store };
}

before(useBestBackend);

test('the preview counts each kind of image; the retrain trains on exactly those, with the same labels and splits', async () => {
  const { services, truth, items, first, data } = await setup();
  assert.equal(items.length, 8);
  // 5 reviewed (3 happy, 2 sad by their true labels), 3 left unreviewed
  const reviewed = new Set([...items.filter((i) => truth.get(i.originalPath!) === 'happy').slice(0, 3), ...items.filter((i) => truth.get(i.originalPath!) === 'sad').slice(0, 2)].map((i) => i.id));
  await reviewAll(services, items, truth, (i) => reviewed.has(i.id));
  const preview = await retrainPreview(services, {});
  assert.equal(preview.fromModel, first!.modelId);
  assert.equal(preview.ready, true);
  assert.deepEqual(preview.dataset, { root: data, train: first!.dataset.train, validation: first!.dataset.validation }, "the current model's own data, read again");
  assert.deepEqual(preview.library.train, { happy: 2, sad: 1 });
  assert.deepEqual(preview.library.validation, { happy: 1, sad: 1 }, 'a stratified share of the reviewed images');
  assert.equal(preview.library.used.confirmed + preview.library.used.corrected, 5);
  assert.deepEqual(preview.library.notUsed, { unreviewed: 3, belowConfidence: 0, alreadyInTrainingData: 0 });
  assert.deepEqual(preview.total.train, { happy: first!.dataset.train.happy + 2, sad: first!.dataset.train.sad + 1 });
  assert.equal(preview.learned, 0, 'the folder split as it was: none of its validation images was learned');

  const plan = await planLibraryRetrain(services, {});
  assert.equal(plan.preview.fingerprint, preview.fingerprint, 'the same images give the same fingerprint');
  const libraryIds = plan.set.samples.filter((s) => s.file?.startsWith(services.library.dir)).map((s) => s.hash);
  assert.deepEqual(new Set(libraryIds), reviewed, 'the reviewed library images, no other');
  for (const s of plan.set.samples.filter((x) => x.file?.startsWith(services.library.dir))) {
    assert.equal(s.label, truth.get(items.find((i) => i.id === s.hash)!.originalPath!), 'with their reviewed (true) labels');
  }

  const { requested } = await spyOnFeatures(services);
  const r = await retrainWithLibrary(services, { expect: preview.fingerprint, epochs: 3 });
  assert.deepEqual(r.preview, preview);
  assert.deepEqual(
    requested.map((s) => s.hash).sort(),
    plan.set.samples.map((s) => s.hash).sort(),
    'the feature store was asked for exactly the planned images',
  );
  assert.deepEqual([r.dataset.train, r.dataset.validation], [preview.total.train, preview.total.validation]);
  assert.equal(r.embedding.images, preview.total.train.happy + preview.total.train.sad + preview.total.validation.happy + preview.total.validation.sad);
  const meta = JSON.parse(await readFile(join(services.home, 'models', r.modelId, 'meta.json'), 'utf8')) as ModelMeta;
  assert.deepEqual(meta.dataset.library, { dir: services.library.dir, train: preview.library.train, validation: preview.library.validation, includeUnreviewed: false, minConfidence: null });
  assert.equal(meta.parentModel, first!.modelId);
  assert.deepEqual(meta.promotion, { madeCurrent: r.promotion.madeCurrent, reason: r.promotion.reason, why: r.promotion.why });

  // opting in to unreviewed images above a confidence
  const all = await retrainPreview(services, { includeUnreviewed: true, minConfidence: 0.5 });
  assert.equal(all.library.used.unreviewed, 3);
  assert.deepEqual(all.library.notUsed, { unreviewed: 0, belowConfidence: 0, alreadyInTrainingData: 0 });
  assert.deepEqual(all.library.validation, preview.library.validation, 'unreviewed images never validate');
  const none = await retrainPreview(services, { includeUnreviewed: true, minConfidence: 1 });
  assert.deepEqual([none.library.used.unreviewed, none.library.notUsed.belowConfidence], [0, 3]);

  // a change after the preview: refused rather than training on other images than announced
  await services.library.review({ ids: [items.find((i) => !reviewed.has(i.id))!.id], action: 'confirm' });
  await assert.rejects(retrainWithLibrary(services, { expect: preview.fingerprint }), /changed since the preview/);
});

test('features already cached are not computed again: only the new augmented views of new library images', async () => {
  const { services, truth, items } = await setup();
  await reviewAll(services, items, truth);
  const { store } = await spyOnFeatures(services);
  const before = { ...store.stats };
  const plan = await planLibraryRetrain(services, {});
  const r = await retrainWithLibrary(services, { epochs: 2 });
  const libTrain = plan.preview.library.train.happy + plan.preview.library.train.sad;
  const misses = store.stats.misses - before.misses;
  // every dataset view and every judge view (the photo and its mirror) of the library images were cached by the
  // first training and by predict; a library training image adds its augmented views (view 0 is the photo)
  const variants = { ...DEFAULT_AUGMENT, ...BASE_AUGMENT['face-expression'] }.variants;
  assert.equal(misses, libTrain * variants, 'views computed');
  assert.equal(store.stats.decoded - before.decoded, libTrain, 'images decoded');
  assert.equal(r.embedding.views - r.embedding.cached, libTrain * variants);
  // and once more: nothing at all
  const again = { ...store.stats };
  await retrainWithLibrary(services, { epochs: 2 });
  assert.equal(store.stats.misses - again.misses, 0);
  assert.equal(store.stats.decoded - again.decoded, 0);
});

test('the promotion rule, both ways: current when not worse by more than the allowance, else kept as a candidate with the reason', async () => {
  const { services, truth, items, first } = await setup();
  await reviewAll(services, items, truth);
  const kept = await retrainWithLibrary(services, { epochs: 2 }, {}, { tolerancePoints: -100 }); // it would have to be 100 points better
  assert.equal(kept.promotion.madeCurrent, false);
  assert.match(kept.promotion.reason, /^kept as a candidate: \d+\.\d % on the same \d+ validation images is .* below the current model/);
  assert.equal(await services.registry.currentId(), first!.modelId, 'the current model stays');
  assert.deepEqual((await services.registry.readMeta(kept.modelId)).promotion, { madeCurrent: false, reason: kept.promotion.reason, why: kept.promotion.why }, 'kept, with the reason and its figures');
  assert.equal(kept.promotion.previous?.modelId, first!.modelId);
  assert.equal(kept.promotion.candidate.n, kept.dataset.validation.happy + kept.dataset.validation.sad, 'both judged on the whole validation set');

  const promoted = await retrainWithLibrary(services, { epochs: 2 }, {}, { tolerancePoints: 100 });
  assert.equal(promoted.promotion.madeCurrent, true);
  assert.equal(await services.registry.currentId(), promoted.modelId);
  assert.equal(promoted.promotion.previous?.modelId, first!.modelId, 'compared with the model that was current');
  const forced = await retrainWithLibrary(services, { epochs: 2, use: true }, {}, { tolerancePoints: -100 });
  assert.equal(forced.promotion.madeCurrent, true);
  assert.match(forced.promotion.reason, /^made current as asked/);
});

test('validation lacking a class: training\'s own rule decides, and the result still says how (no promotion left out)', async () => {
  const { services, truth, items } = await setup({ train: false });
  // every happy photo and one sad: the one sad photo trains, so validation has none
  const sad = items.find((i) => truth.get(i.originalPath!) === 'sad')!;
  await reviewAll(services, items, truth, (i) => truth.get(i.originalPath!) === 'happy' || i.id === sad.id);
  const preview = await retrainPreview(services, {});
  assert.equal(preview.ready, true, preview.reason);
  assert.deepEqual(preview.total.validation.sad, 0, 'the case under test: no sad validation image');
  const r = await retrainWithLibrary(services, { epochs: 2 });
  assert.ok(r.promotion, 'a promotion, not null');
  assert.deepEqual([r.promotion.madeCurrent, r.promotion.why], [true, { kind: 'first', asked: false }]);
  assert.equal(r.promotion.candidate.n, 0);
  assert.equal(await services.registry.currentId(), r.modelId);
  // again, now with that model current (trained on library images only: the same set, still without a sad
  // validation image): training's rule keeps the new one unless asked, and then says it was asked
  const kept = await retrainWithLibrary(services, { epochs: 2 });
  assert.deepEqual([kept.promotion.madeCurrent, kept.promotion.why], [false, { kind: 'notCompared', asked: false, previous: r.modelId, problem: 'validation has no sad image' }]);
  const asked = await retrainWithLibrary(services, { epochs: 2, use: true });
  assert.deepEqual([asked.promotion.madeCurrent, asked.promotion.why], [true, { kind: 'notCompared', asked: true, previous: r.modelId, problem: 'validation has no sad image' }]);
  assert.equal(await services.registry.currentId(), asked.modelId);
});

test('no trained model yet: the first retrained model is the first model, not compared with the built-in one', async () => {
  const { services, truth, items } = await setup({ train: false });
  await reviewAll(services, items, truth);
  const preview = await retrainPreview(services, {});
  assert.ok(preview.total.validation.happy > 0 && preview.total.validation.sad > 0, 'validation has both classes: the rule itself decides');
  const r = await retrainWithLibrary(services, { epochs: 2 }, {}, { tolerancePoints: -100 }); // anything compared would be kept
  assert.deepEqual([r.promotion.madeCurrent, r.promotion.why], [true, { kind: 'first', asked: false }]);
  assert.equal(r.promotion.previous, null);
});

test('the rule itself: half a point of allowance, in accuracy points on the same images', () => {
  const prev = { modelId: 'm', accuracy: 0.9 };
  const opts = { tolerancePoints: 0.5, use: false };
  assert.equal(decidePromotion({ accuracy: 0.9, n: 1000 }, prev, opts).madeCurrent, true);
  assert.equal(decidePromotion({ accuracy: 0.896, n: 1000 }, prev, opts).madeCurrent, true, '0.4 points worse');
  assert.equal(decidePromotion({ accuracy: 0.895, n: 1000 }, prev, opts).madeCurrent, true, 'exactly 0.5 points worse');
  assert.equal(decidePromotion({ accuracy: 0.894, n: 1000 }, prev, opts).madeCurrent, false, '0.6 points worse');
  assert.match(decidePromotion({ accuracy: 0.894, n: 1000 }, prev, opts).reason, /89\.4 % on the same 1000 validation images is 0\.6 points below the current model m \(90\.0 %\), more than the 0\.5 points allowed/);
  assert.match(decidePromotion({ accuracy: 0.92, n: 1000 }, prev, opts).reason, /2\.0 points better/);
  assert.deepEqual(decidePromotion({ accuracy: 0.894, n: 1000 }, prev, opts).why, { kind: 'compared', asked: false, previous: 'm', n: 1000, accuracy: 0.894, previousAccuracy: 0.9, loss: null, previousLoss: null, tolerancePoints: 0.5 });
  assert.deepEqual(decidePromotion({ accuracy: 0.9, n: 10 }, null, opts).why, { kind: 'first', asked: false });
  assert.deepEqual(decidePromotion({ accuracy: NaN, n: 0 }, prev, { ...opts, use: true }).why, { kind: 'notCompared', asked: true, previous: 'm', problem: null });
  // a current model that cannot judge these images (another base): the new one becomes current, and says why
  const other = decidePromotion({ accuracy: 0.8, n: 10 }, { modelId: 'm', accuracy: NaN, error: 'it uses another base network' }, opts);
  assert.deepEqual([other.madeCurrent, other.why], [true, { kind: 'notJudged', asked: false, previous: 'm', error: 'it uses another base network' }]);
  assert.match(other.reason, /the current model m could not be judged on them \(it uses another base network\)/);
  // one that learned every validation image: no evidence either way, so the current one stays unless asked
  const problem = 'the model current before it was trained on all 4 of its validation images';
  const learned = decidePromotion({ accuracy: 1, n: 4 }, { modelId: 'm', accuracy: NaN, problem }, opts);
  assert.deepEqual([learned.madeCurrent, learned.why], [false, { kind: 'notCompared', asked: false, previous: 'm', problem }]);
  assert.equal(learned.reason, `kept as a candidate: ${problem}, so it cannot be compared with the current model m`);
  assert.deepEqual(decidePromotion({ accuracy: 1, n: 4 }, { modelId: 'm', accuracy: NaN, problem }, { ...opts, use: true }).madeCurrent, true);
  assert.equal(decidePromotion({ accuracy: 0.85, n: 1000 }, prev, { ...opts, use: true }).why.asked, true, 'made current only because asked');
  assert.equal(decidePromotion({ accuracy: 0.95, n: 1000 }, prev, { ...opts, use: true }).why.asked, false, 'it would have won anyway');
  assert.equal(decidePromotion({ accuracy: NaN, n: 0 }, prev, opts).madeCurrent, false, 'nothing to compare on');
  assert.equal(decidePromotion({ accuracy: 0.5, n: 10 }, prev, { ...opts, use: true }).madeCurrent, true);
});

test('without a trained model the library alone is the training data; a dataset folder that is gone is said so', async () => {
  const { services, truth, items, data } = await setup({ train: false });
  await reviewAll(services, items, truth);
  const preview = await retrainPreview(services, {});
  assert.equal(preview.fromModel, null);
  assert.match(preview.dataset.missing ?? '', /no model was trained yet/);
  assert.deepEqual(preview.total.train, preview.library.train);
  const r = await retrainWithLibrary(services, { epochs: 2 });
  assert.equal(r.promotion.previous, null, 'the first model: not compared with the built-in zero-shot head (as in training)');

  // a model trained on a folder that later moved away
  const trained = await trainFromFolder(services, { data, epochs: 2 });
  await services.registry.setCurrent(trained.modelId);
  await rename(data, `${data}-moved`);
  const gone = await retrainPreview(services, {});
  assert.match(gone.dataset.missing ?? '', /cannot be read any more/);
  assert.equal(gone.ready, true);

  // an imported model's folder was never this computer's: said so, not that it "cannot be read any more"
  const metaFile = join(services.registry.dir, trained.modelId, 'meta.json');
  await writeFile(metaFile, JSON.stringify({ ...JSON.parse(await readFile(metaFile, 'utf8')), importedAt: new Date().toISOString() }));
  const elsewhere = await retrainPreview(services, {});
  assert.equal(elsewhere.dataset.missing, `the training data of imported model ${trained.modelId} stayed where it was made (${data}); only the library images are used`);
  assert.equal(elsewhere.ready, true);
  // its training settings were another installation's: retrained with this app's own (a crafted 999 epochs at
  // batch size 1 with 16 views would take hours)
  const imported = JSON.parse(await readFile(metaFile, 'utf8')) as ModelMeta;
  await writeFile(metaFile, JSON.stringify({ ...imported, hyperparameters: { ...imported.hyperparameters, epochs: 999, batchSize: 1 }, augment: { ...imported.augment, variants: 16 } }));
  const here = await retrainWithLibrary(services, {});
  const made = await services.registry.readMeta(here.modelId);
  assert.deepEqual({ ...made.hyperparameters, seed: 0 }, { ...DEFAULT_HYPERPARAMETERS, seed: 0 });
  assert.equal(made.augment.variants, { ...DEFAULT_AUGMENT, ...BASE_AUGMENT['face-expression'] }.variants);
  await services.registry.setCurrent(trained.modelId);
  await writeFile(metaFile, JSON.stringify(imported));
  const recorded = JSON.parse(await readFile(metaFile, 'utf8')) as { dataset: object };
  // a folder here of that name that cannot be read is said as it is
  await writeFile(data, 'a file where the folder was');
  assert.match((await retrainPreview(services, {})).dataset.missing ?? '', /cannot be read any more \(.*: not a folder\)/);
  // one trained on its own installation's library alone: that library is not this one, and it is said as such
  const library = { dir: '/other/computer/library', train: { happy: 3, sad: 3 }, validation: { happy: 1, sad: 1 }, includeUnreviewed: false, minConfidence: null };
  await writeFile(metaFile, JSON.stringify({ ...recorded, dataset: { ...recorded.dataset, root: library.dir, library } }));
  assert.equal((await retrainPreview(services, {})).dataset.missing, 'the current model was trained on library images only');
});

test('nothing reviewed: the preview says why, and the retrain is refused; an image already in the training data is used from there', async () => {
  const { services, data, items } = await setup();
  const preview = await retrainPreview(services, {});
  assert.equal(preview.ready, false);
  assert.match(preview.reason ?? '', /no reviewed images yet/);
  await assert.rejects(retrainWithLibrary(services, {}), /nothing to retrain with/);
  await assert.rejects(retrainPreview(services, { minConfidence: 0.8 }), /only applies when unreviewed images are included/);

  // a training image of the current model predicted, saved and confirmed: not counted twice
  const trainImage = join(data, 'happy', (await readdir(join(data, 'happy'))).sort()[0]!);
  const saved = await predictAndSave(services, { inputs: [trainImage], save: true });
  const id = (saved.results[0] as { saved: { id: string } }).saved.id;
  await services.library.review({ ids: [id, items[0]!.id], action: 'confirm' });
  const p = await retrainPreview(services, {});
  assert.equal(p.library.notUsed.alreadyInTrainingData, 1);
  assert.equal(p.library.train.happy + p.library.train.sad + p.library.validation.happy + p.library.validation.sad, 1);
});

test('the dataset folder grew: its new images are in the retrain (the current model recorded it read the folder uncapped); a model saved before is cut back to its counts', async () => {
  const { services, data, first, items, truth } = await setup();
  await reviewAll(services, items, truth);
  const metaFile = join(services.registry.dir, first!.modelId, 'meta.json');
  const meta = JSON.parse(await readFile(metaFile, 'utf8')) as ModelMeta;
  assert.equal(meta.dataset.maxPerClass, null, 'read with no cap, and recorded so');
  for (const label of ['happy', 'sad'] as const) {
    for (const n of (await readdir(join(data, label))).sort().slice(0, 2)) await sharp(join(data, label, n)).flop().jpeg({ quality: 92 }).toFile(join(data, label, `mirrored-${n}`));
  }
  const inFolder = (await readdir(join(data, 'happy'))).length + (await readdir(join(data, 'sad'))).length;
  const all = (c: { train: { happy: number; sad: number }; validation: { happy: number; sad: number } }) => c.train.happy + c.train.sad + c.validation.happy + c.validation.sad;
  assert.equal(all((await retrainPreview(services, {})).dataset), inFolder, 'every image of the folder, the new ones too');
  // the same model as an earlier version saved it (no cap recorded): its counts are its cap
  const { maxPerClass: _cap, ...older } = meta.dataset;
  await writeFile(metaFile, JSON.stringify({ ...meta, dataset: older }));
  const before = await retrainPreview(createServices(services.home, ASSETS, services.backend), {});
  // its training images cut back to as many as it had (validation images it learned may then join them)
  assert.equal(all(before.dataset), inFolder - 2, `cut back to its counts: ${JSON.stringify(before.dataset)}`);
  assert.equal(before.dataset.train.happy + before.dataset.train.sad, meta.dataset.train.happy + meta.dataset.train.sad + (before.learned ?? Number.NaN));
  // a cap inferred is not one chosen: the new model records none, and its own retrains take the folder whole
  const again = createServices(services.home, ASSETS, services.backend);
  const r = await retrainWithLibrary(again, { epochs: 1 }, {}, { tolerancePoints: 100 });
  assert.equal((await again.registry.readMeta(r.modelId)).dataset.maxPerClass, null);
});

test('the dataset folder grew: validation images the current model learned from are moved to train and said; none is judged', async () => {
  const { services: before, truth, items, data, first, home } = await setup();
  await reviewAll(before, items, truth);
  // a model saved before the split's share was recorded: its folder is split again by a shuffle, as it was,
  // and a shuffle of a grown folder puts its training images in validation (a split by rank leaves a few)
  const metaFile = join(before.registry.dir, first!.modelId, 'meta.json');
  const meta = JSON.parse(await readFile(metaFile, 'utf8')) as ModelMeta;
  assert.equal(meta.dataset.validationSplit, 0.2, 'this version records the share');
  delete meta.dataset.validationSplit;
  await writeFile(metaFile, JSON.stringify(meta));
  // two new images per class in the dataset folder (mirrored copies: new content)
  for (const label of ['happy', 'sad'] as const) {
    for (const n of (await readdir(join(data, label))).sort().slice(0, 2)) await sharp(join(data, label, n)).flop().jpeg({ quality: 92 }).toFile(join(data, label, `mirrored-${n}`));
  }
  const trained = new Set((await before.registry.readSamples(first!.modelId))!.trained);
  const split = await scanDataset(data, { seed: meta.hyperparameters.seed, ...recordedSplit(meta.dataset) });
  const learned = (await Promise.all(split.validation.map(async (s) => contentHash(await readFile(s.file))))).filter((h) => trained.has(h));
  assert.ok(learned.length > 0, 'some of the split\'s validation images were the first model\'s training images: else this checks nothing');

  const services = createServices(home, ASSETS, before.backend); // the registry keeps what it loaded
  // the preview counts them in train already, as the run does
  const preview = await retrainPreview(services, {});
  assert.equal(preview.learned, learned.length);
  // the same with a current model that lists none it learned from: none can be moved, and the preview says so
  const samplesFile = join(services.registry.dir, first!.modelId, 'samples.json');
  const kept = await readFile(samplesFile);
  await writeFile(samplesFile, JSON.stringify({ schemaVersion: 1, trained: [], validation: [] }));
  try {
    const unchecked = await retrainPreview(services, {});
    assert.equal(unchecked.learned, null, 'not 0: nothing could be checked');
    const sum = (c: { happy: number; sad: number }) => c.happy + c.sad;
    assert.equal(sum(unchecked.total.validation), sum(preview.total.validation) + learned.length, 'none moved');
  } finally {
    await writeFile(samplesFile, kept);
  }
  const warned: string[] = [];
  const r = await retrainWithLibrary(services, { epochs: 2 }, { progress: (e) => e.type === 'warning' && warned.push(e.message) }, { tolerancePoints: 100 });
  assert.deepEqual([r.dataset.train, r.dataset.validation], [preview.total.train, preview.total.validation], 'the run trains and validates on what the preview counted');
  const said = learned.length === 1 ? '1 validation image was moved' : `${learned.length} validation images were moved`;
  assert.ok(r.warnings.includes(`${said} to training: model ${first!.modelId}, which this one starts from, learned from ${learned.length === 1 ? 'it (judged, it' : 'them (judged, they'} would flatter this model)`), r.warnings.join('\n'));
  assert.ok(warned.some((w) => w.startsWith(said)), 'said while it runs too');
  const samples = (await services.registry.readSamples(r.modelId))!;
  assert.deepEqual(samples.validation!.filter((h) => trained.has(h)), [], 'none of them judges the new model');
  assert.ok(learned.every((h) => samples.trained!.includes(h)));
  const why = r.promotion.why;
  assert.ok(why?.kind === 'compared', JSON.stringify(why));
  assert.ok(!why.leftOut, 'nothing to leave out of the comparison');
  assert.equal(why.n, samples.validation!.length, 'both judged on all the validation images');
});

test('the current model is judged with its second look, as its predictions are', async () => {
  const { services: before, truth, items, first, data, home } = await setup();
  await reviewAll(before, items, truth);
  // a second look that turns every verdict round (margin 0.5: every face asked), written into the current model
  const metaFile = join(before.registry.dir, first!.modelId, 'meta.json');
  const meta = JSON.parse(await readFile(metaFile, 'utf8')) as ModelMeta;
  const current = await resolveModel(before.registry, before.bases, first!.modelId);
  const [k, b] = current.head.getWeights();
  const kernel = [...Array.from(k!.dataSync(), (w) => -w), ...new Array<number>(EMOTION_DIM).fill(0)];
  const bias = -b!.dataSync()[0]!;
  current.head.dispose();
  await writeFile(metaFile, JSON.stringify({ ...meta, secondLook: { network: { id: 'emotion', fingerprint: EMOTION_FINGERPRINT, dim: EMOTION_DIM }, margin: 0.5, share: 0.2, trainedOn: 1, kernel, bias } }));
  const services = createServices(home, ASSETS, before.backend); // the registry keeps what it loaded

  const r = await retrainWithLibrary(services, { epochs: 2 }, {}, { tolerancePoints: 100 });
  const why = r.promotion.why;
  assert.ok(why?.kind === 'compared', JSON.stringify(why));
  const trained = new Set((await services.registry.readSamples(first!.modelId))!.trained);
  const fair = (await services.registry.readSamples(r.modelId))!.validation!.filter((h) => !trained.has(h));
  // the label of each image by content hash: library items are named by it, the dataset's files are hashed here
  const labels = new Map<string, 'happy' | 'sad'>((await services.library.items()).map((i) => [i.id, i.label]));
  for (const label of ['happy', 'sad'] as const) for (const n of await readdir(join(data, label))) labels.set(contentHash(await readFile(join(data, label, n))), label);
  const accuracy = async (model: ResolvedModel) => {
    const { judgements } = await judgeSamples(services, model, fair.map((hash) => ({ hash })), {});
    const right = judgements.filter((j, i) => 'pHappy' in j && (j.pHappy >= 0.5 ? 'happy' : 'sad') === labels.get(fair[i]!));
    return right.length / fair.length;
  };
  const withLook = await resolveModel(services.registry, services.bases, first!.modelId);
  const without = { ...withLook };
  delete without.secondLook;
  const expected = await accuracy(withLook);
  assert.notEqual(expected, await accuracy(without), 'the second look changes the figure: else this checks nothing');
  assert.equal(why.previousAccuracy, expected);
  withLook.head.dispose();
});
