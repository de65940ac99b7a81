import assert from 'node:assert/strict';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { before, test } from 'node:test';
import { IDENTITY, MIRROR } from '../../../engine/augment.js';
import { folderTrainingSet } from '../../../engine/dataset.js';
import { loadTinyFaceDetector } from '../../../engine/faces/face-detector.js';
import { FeatureStore } from '../../../engine/features/feature-store.js';
import { createHead, meanVector } from '../../../engine/head.js';
import { isSecondLookRecord, parseModelMeta, toModelInfo, type ModelMeta } from '../../../engine/models/model-meta.js';
import { resolveModel, type ResolvedModel } from '../../../engine/models/resolve.js';
import { judgeSamples } from '../../../engine/use-cases/judge.js';
import { predict } from '../../../engine/use-cases/predict.js';
import { isUnsure, leastSure, SECOND_LOOK, secondLookP } from '../../../engine/use-cases/second-look.js';
import { createServices, type EngineServices } from '../../../engine/use-cases/services.js';
import { trainFromFolder, trainOnSamples, trainOptions } from '../../../engine/use-cases/train.js';
import { useBestBackend } from '../../helpers/backend.js';
import { composeScene } from '../../helpers/pasted-faces.js';
import { ASSETS, FACES, tempDir } from '../../helpers/tmp.js';

let services: EngineServices;
before(async () => {
  services = createServices(await tempDir(), ASSETS, await useBestBackend());
});

const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));
const dot = (a: ArrayLike<number>, b: ArrayLike<number>) => Array.from(a).reduce((s, x, i) => s + x * b[i]!, 0);

test('leastSure: the share of rows nearest 0.5, nearest first, ties by row', () => {
  assert.deepEqual(leastSure([0.9, 0.52, 0.1, 0.48, 0.7, 0.5], 0.5), [5, 1, 3]);
  assert.deepEqual(leastSure([0.9, 0.1], 0.2), []);
  assert.deepEqual(leastSure([], 0.2), []);
});

test('isUnsure: within the margin of 0.5, the margin itself excluded', () => {
  assert.equal(isUnsure(0.5, 0.4), true);
  assert.equal(isUnsure(0.85, 0.4), true);
  assert.equal(isUnsure(0.9, 0.4), false);
  assert.equal(isUnsure(0.05, 0.4), false);
});

test('secondLookP: one dense unit over [face-expression features, emotion features]', () => {
  const kernel = Float32Array.from([1, -2, 0.5, 3]);
  assert.ok(Math.abs(secondLookP({ kernel, bias: -1 }, Float32Array.from([2, 1]), Float32Array.from([4, -1])) - sigmoid(2 - 2 + 2 - 3 - 1)) < 1e-12);
});

/** The zero-shot model given a first head of constant P(happy) = sigmoid(bias), and a second look of the given emotion kernel. */
async function modelWith(firstBias: number, emotionKernel: (i: number) => number, secondBias: number): Promise<ResolvedModel> {
  const model = await resolveModel(services.registry, services.bases, 'zero-shot');
  model.head.dispose();
  const emotion = await services.bases.emotion();
  const kernel = new Float32Array(model.base.dim + emotion.dim);
  for (let i = 0; i < emotion.dim; i++) kernel[model.base.dim + i] = emotionKernel(i);
  return { ...model, head: createHead(model.base.dim, { kernel: new Float32Array(model.base.dim), bias: firstBias }), secondLook: { base: emotion, margin: 0.4, kernel, bias: secondBias } };
}

async function emotionViews(files: string[], faces?: 'all') {
  // a store of its own (in memory, its own detector): what the engine's shared stores must agree with
  const store = await FeatureStore.open(null, await services.bases.emotion(), undefined, { detector: () => loadTinyFaceDetector(join(ASSETS, 'models', 'tiny-face-detector')) });
  return store.features(files.map((file) => ({ sample: { file }, views: () => [IDENTITY, MIRROR], ...(faces && { faces }) })));
}

test('a face the first head is unsure of is judged again on the emotion network\'s features of the same views; a sure one is not', async () => {
  const files = (await readdir(join(FACES, 'sad'))).sort().slice(0, 3).map((f) => join(FACES, 'sad', f));
  const w = (i: number) => ((i % 7) - 3) / 50;
  const unsure = await modelWith(0, w, 0.3); // P = 0.5: asked
  const sure = await modelWith(3, w, 0.3); // P = 0.953: kept
  try {
    const expected = (await emotionViews(files)).vectors.map((views) => sigmoid(dot(unsure.secondLook!.kernel.subarray(unsure.base.dim), meanVector(views!)) + 0.3));
    const a = await judgeSamples(services, unsure, files.map((file) => ({ file })), {});
    assert.equal(a.secondLooks, 3);
    a.judgements.forEach((j, i) => assert.ok('pHappy' in j && Math.abs(j.pHappy - expected[i]!) < 1e-5, `${files[i]}: ${JSON.stringify(j)} vs ${expected[i]}`));
    assert.ok(new Set(expected.map((p) => p.toFixed(4))).size > 1, 'the faces differ, so the emotion features are each face\'s own');
    const b = await judgeSamples(services, sure, files.map((file) => ({ file })), {});
    assert.equal(b.secondLooks, 0);
    for (const j of b.judgements) assert.ok('pHappy' in j && Math.abs(j.pHappy - sigmoid(3)) < 1e-6, JSON.stringify(j));
  } finally {
    unsure.head.dispose();
    sure.head.dispose();
  }
});

test('several faces in one photo: each face is looked at again on its own crop', async () => {
  const dir = await tempDir();
  const happy = join(FACES, 'happy', 'Aleksander_Kwasniewski_0002.jpg');
  const sad = join(FACES, 'sad', 'Andre_Agassi_0034.jpg');
  const file = join(dir, 'two.jpg');
  await writeFile(file, await composeScene(820, 480, [{ file: happy, box: { x: 40, y: 60, width: 230, height: 230 } }, { file: sad, box: { x: 420, y: 120, width: 190, height: 190 } }], 3));
  const model = await modelWith(0, (i) => ((i % 5) - 2) / 40, -0.2);
  try {
    const faces = (await emotionViews([file], 'all')).faceVectors[0]!;
    assert.equal(faces.length, 2);
    const expected = faces.map((views) => sigmoid(dot(model.secondLook!.kernel.subarray(model.base.dim), meanVector(views)) - 0.2));
    const { judgements, secondLooks } = await judgeSamples(services, model, [{ file }], {}, { faces: 'all' });
    const j = judgements[0]!;
    assert.ok('faces' in j && j.faces!.length === 2, JSON.stringify(j));
    assert.equal(secondLooks, 2);
    j.faces!.forEach((f, k) => assert.ok(Math.abs(f.pHappy - expected[k]!) < 1e-5, `face ${k}: ${f.pHappy} vs ${expected[k]}`));
    assert.ok(Math.abs(expected[0]! - expected[1]!) > 1e-3, 'two faces, two verdicts');
  } finally {
    model.head.dispose();
  }
});

test('training: a second look learns from the least sure share of the training images, is saved with the model and judges its predictions', async () => {
  const own = createServices(await tempDir(), ASSETS, services.backend);
  const set = await folderTrainingSet(FACES, { seed: 42 });
  const settings = { margin: 0.45, share: 0.5, minPerClass: 1 };
  const r = await trainOnSamples(own, set, { ...trainOptions({ epochs: 3 }), use: true, secondLook: settings });
  assert.ok(r.secondLook, 'a second look was trained');
  const trainImages = r.dataset.train.happy + r.dataset.train.sad;
  assert.equal(r.secondLook.trainedOn, Math.round(settings.share * trainImages));
  const meta = JSON.parse(await readFile(join(own.home, 'models', r.modelId, 'meta.json'), 'utf8')) as ModelMeta;
  assert.ok(isSecondLookRecord(meta.secondLook, meta.base), JSON.stringify(meta.secondLook).slice(0, 200));
  assert.equal(meta.secondLook!.kernel.length, 256 + 256);
  assert.equal(meta.secondLook!.trainedOn, r.secondLook.trainedOn);
  // the emotion network was shown the training images picked (their original view) and the unsure validation ones (two views each)
  const emotion = await own.features.forBase(await own.bases.emotion());
  assert.equal(emotion.stats.misses, r.secondLook.trainedOn + 2 * r.secondLook.asked);
  // a prediction of the saved model goes through its second look
  const resolved = await resolveModel(own.registry, own.bases, r.modelId);
  try {
    assert.ok(resolved.secondLook, 'loaded with the model');
    assert.deepEqual(Array.from(resolved.secondLook.kernel), Array.from(Float32Array.from(meta.secondLook!.kernel)));
  } finally {
    resolved.head.dispose();
  }
  const file = set.samples.find((s) => s.split === 'validation')!.file!;
  const withLook = await judgeSamples(own, await resolveModel(own.registry, own.bases, r.modelId), [{ file }], {});
  const without = await resolveModel(own.registry, own.bases, r.modelId);
  delete without.secondLook;
  const plain = await judgeSamples(own, without, [{ file }], {});
  const p = (x: typeof plain) => ('pHappy' in x.judgements[0]! ? x.judgements[0].pHappy : NaN);
  if (isUnsure(p(plain), settings.margin)) assert.notEqual(p(withLook), p(plain));
  else assert.equal(p(withLook), p(plain));
  const pr = await predict(own, { inputs: [file] });
  assert.ok('probabilities' in pr.results[0]! && Math.abs(pr.results[0].probabilities.happy - p(withLook)) < 1e-6);
});

test('too few images of either class among the least sure: no second look, as before', async () => {
  const own = createServices(await tempDir(), ASSETS, services.backend);
  const r = await trainFromFolder(own, { data: FACES, epochs: 2 });
  assert.equal(SECOND_LOOK.minPerClass > 1, true);
  assert.equal(r.secondLook, undefined);
  const meta = JSON.parse(await readFile(join(own.home, 'models', r.modelId, 'meta.json'), 'utf8')) as ModelMeta;
  assert.equal(meta.secondLook, undefined);
  const emotion = await own.features.forBase(await own.bases.emotion());
  assert.equal(emotion.stats.misses, 0, 'the emotion network saw nothing');
});

test('a damaged or misplaced second look in meta.json is dropped: the model judges without it', () => {
  const good = { network: { id: 'emotion', fingerprint: 'emotion-abc', dim: 2 }, margin: 0.4, share: 0.2, trainedOn: 5, kernel: [0.1, 0.2, 0.3, 0.4, 0.5], bias: -0.1 };
  const meta = (secondLook: unknown, base = { id: 'face-expression', fingerprint: 'f', dim: 3 }) =>
    parseModelMeta({ schemaVersion: 1, id: '20261207-101010-ab12', createdAt: '2026-12-07T10:10:10Z', base, dataset: {}, history: [], best: {}, secondLook });
  assert.deepEqual(meta(good).secondLook, good);
  // what the app and the CLI are told: when it is asked and what it learned from, not 512 weights per listing
  assert.deepEqual(toModelInfo(meta(good), false).secondLook, { margin: 0.4, trainedOn: 5 });
  for (const bad of [
    { ...good, kernel: good.kernel.slice(1) }, // not base.dim + network.dim weights
    { ...good, kernel: [0.1, 0.2, Number.NaN, 0.4, 0.5] },
    { ...good, kernel: [0.1, 0.2, '0.3', 0.4, 0.5] },
    { ...good, margin: 0 },
    { ...good, margin: 0.7 },
    { ...good, bias: null },
    { ...good, network: { ...good.network, id: 'other' } },
    { ...good, trainedOn: 1.5 },
    'yes',
  ]) {
    assert.equal(meta(bad).secondLook, undefined, JSON.stringify(bad));
  }
  assert.equal(meta(good, { id: 'mobilenet-v2', fingerprint: 'm', dim: 3 }).secondLook, undefined, 'only a face-expression model has one');
});
