import assert from 'node:assert/strict';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { before, test } from 'node:test';
import { IDENTITY, MIRROR } from '../../../engine/augment.js';
import { folderTrainingSet } from '../../../engine/dataset.js';
import { loadTinyFaceDetector } from '../../../engine/faces/face-detector.js';
import { FeatureStore } from '../../../engine/features/feature-store.js';
import { createHead, meanVector } from '../../../engine/head.js';
import { isSecondLookRecord, parseModelMeta, SECOND_LOOK_DIM, toModelInfo, type ModelMeta } from '../../../engine/models/model-meta.js';
import { EMOTION_DIM, EMOTION_FINGERPRINT } from '../../../engine/bases/emotion.js';
import { resolveModel, type ResolvedModel } from '../../../engine/models/resolve.js';
import { judgeSamples } from '../../../engine/use-cases/judge.js';
import { predict } from '../../../engine/use-cases/predict.js';
import { isUnsure, leastSure, SECOND_LOOK, secondLookP, trainSecondLook } from '../../../engine/use-cases/second-look.js';
import { DEFAULT_HYPERPARAMETERS } from '../../../common/defaults.js';
import { readdirSync } from 'node:fs';
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

/**
 * The zero-shot model given a first head of constant P(happy) = sigmoid(firstBias), and a second look whose
 * kernel weighs both halves (face-expression and emotion features), so that a face's features paired with
 * another face's or sample's would show.
 */
async function modelWith(firstBias: number, weight: (i: number) => number, secondBias: number): Promise<ResolvedModel> {
  const model = await resolveModel(services.registry, services.bases, 'zero-shot');
  model.head.dispose();
  const emotion = await services.bases.emotion();
  const kernel = Float32Array.from({ length: model.base.dim + emotion.dim }, (_, i) => weight(i));
  return { ...model, head: createHead(model.base.dim, { kernel: new Float32Array(model.base.dim), bias: firstBias }), secondLook: { base: emotion, margin: 0.4, kernel, bias: secondBias } };
}

/** Each face's judge views by each network, from stores of their own (in memory, their own detector): what the engine's shared stores must agree with. */
async function judgeViews(files: string[], faces?: 'all'): Promise<Array<Array<{ face: Float32Array; emotion: Float32Array }>>> {
  const detector = () => loadTinyFaceDetector(join(ASSETS, 'models', 'tiny-face-detector'));
  const run = async (base: Parameters<typeof FeatureStore.open>[1]) => {
    const store = await FeatureStore.open(null, base, undefined, { detector, workers: 0 });
    return store.features(files.map((file) => ({ sample: { file }, views: () => [IDENTITY, MIRROR], ...(faces && { faces }) })));
  };
  const [fe, emo] = [await run(await services.bases.load('face-expression', undefined)), await run(await services.bases.emotion())];
  return files.map((_, i) => {
    const perFace = (out: typeof fe) => out.faceVectors[i]?.length ? out.faceVectors[i]! : [out.vectors[i]!];
    const e = perFace(emo);
    return perFace(fe).map((views, k) => ({ face: meanVector(views), emotion: meanVector(e[k]!) }));
  });
}

const secondP = (model: ResolvedModel, v: { face: Float32Array; emotion: Float32Array }) =>
  sigmoid(dot(model.secondLook!.kernel.subarray(0, model.base.dim), v.face) + dot(model.secondLook!.kernel.subarray(model.base.dim), v.emotion) + model.secondLook!.bias);

test('a face the first head is unsure of is judged again on both networks\' features of the same views; a sure one is not', async () => {
  const files = (await readdir(join(FACES, 'sad'))).sort().slice(0, 3).map((f) => join(FACES, 'sad', f));
  const w = (i: number) => ((i % 7) - 3) / 50;
  const unsure = await modelWith(0, w, 0.3); // P = 0.5: asked
  const sure = await modelWith(3, w, 0.3); // P = 0.953: kept
  try {
    const expected = (await judgeViews(files)).map((faces) => secondP(unsure, faces[0]!));
    const a = await judgeSamples(services, unsure, files.map((file) => ({ file })), {});
    assert.equal(a.secondLooks, 3);
    a.judgements.forEach((j, i) => assert.ok('pHappy' in j && Math.abs(j.pHappy - expected[i]!) < 1e-5, `${files[i]}: ${JSON.stringify(j)} vs ${expected[i]}`));
    assert.ok(new Set(expected.map((p) => p.toFixed(4))).size > 1, 'the faces differ, so the features are each face\'s own');
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
    const faces = (await judgeViews([file], 'all'))[0]!;
    assert.equal(faces.length, 2);
    const expected = faces.map((v) => secondP(model, v));
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

test('a photo with a sure face and an unsure one: only the unsure face is shown to the emotion network', async () => {
  const own = createServices(await tempDir(), ASSETS, services.backend);
  const dir = await tempDir();
  const file = join(dir, 'two.jpg');
  const happy = join(FACES, 'happy', 'Aleksander_Kwasniewski_0002.jpg');
  const sad = join(FACES, 'sad', 'Andre_Agassi_0034.jpg');
  await writeFile(file, await composeScene(820, 480, [{ file: happy, box: { x: 40, y: 60, width: 230, height: 230 } }, { file: sad, box: { x: 420, y: 120, width: 190, height: 190 } }], 3));
  const [a, b] = (await judgeViews([file], 'all'))[0]!;
  // a first head along the two faces' difference, P = 0.5 at the smaller face (index 1) and about 0.95 at the larger
  const diff = a!.face.map((x, i) => x - b!.face[i]!);
  const scale = 3 / dot(diff, diff);
  const kernel = Float32Array.from(diff, (x) => x * scale);
  const base = await resolveModel(own.registry, own.bases, 'zero-shot');
  base.head.dispose();
  const emotion = await own.bases.emotion();
  const weights = Float32Array.from({ length: base.base.dim + emotion.dim }, (_, i) => ((i % 5) - 2) / 40);
  const model: ResolvedModel = { ...base, head: createHead(base.base.dim, { kernel, bias: -dot(kernel, b!.face) }), secondLook: { base: emotion, margin: 0.4, kernel: weights, bias: -0.2 } };
  try {
    const { judgements, secondLooks } = await judgeSamples(own, model, [{ file }], {}, { faces: 'all' });
    const j = judgements[0]!;
    assert.ok('faces' in j && j.faces!.length === 2, JSON.stringify(j));
    assert.equal(secondLooks, 1);
    assert.ok(Math.abs(j.faces![0]!.pHappy - sigmoid(3)) < 1e-4, `the sure face keeps its first answer: ${j.faces![0]!.pHappy}`);
    assert.ok(Math.abs(j.faces![1]!.pHappy - secondP(model, b!)) < 1e-5, `the unsure face: ${j.faces![1]!.pHappy} vs ${secondP(model, b!)}`);
    const store = await own.features.forBase(emotion);
    assert.equal(store.stats.misses, 2, 'the unsure face\'s two judge views, not the sure face\'s');
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
  // every image of the set judged with and without it: the unsure ones differ, the sure ones not; predict says the same
  const files = set.samples.map((s) => s.file!);
  const withLook = (await judgeSamples(own, await resolveModel(own.registry, own.bases, r.modelId), files.map((file) => ({ file })), {})).judgements;
  const without = await resolveModel(own.registry, own.bases, r.modelId);
  delete without.secondLook;
  const plain = (await judgeSamples(own, without, files.map((file) => ({ file })), {})).judgements;
  const p = (j: (typeof plain)[number]) => ('pHappy' in j ? j.pHappy : NaN);
  const unsure = plain.flatMap((j, i) => (isUnsure(p(j), settings.margin) ? [i] : []));
  assert.ok(unsure.length > 0 && unsure.length < files.length, `some images unsure, some not (${unsure.length} of ${files.length})`);
  plain.forEach((j, i) => (unsure.includes(i) ? assert.notEqual(p(withLook[i]!), p(j)) : assert.equal(p(withLook[i]!), p(j))));
  const pr = await predict(own, { inputs: [files[unsure[0]!]!] });
  assert.ok('probabilities' in pr.results[0]! && Math.abs(pr.results[0].probabilities.happy - p(withLook[unsure[0]!]!)) < 1e-6);
});

test('too few images of either class among the least sure: no second look, as before', async () => {
  const own = createServices(await tempDir(), ASSETS, services.backend);
  const r = await trainFromFolder(own, { data: FACES, epochs: 2 });
  assert.ok(Math.round(SECOND_LOOK.share * 16) < 2 * SECOND_LOOK.minPerClass, '16 training images: too few for both classes among the least sure');
  assert.equal(r.secondLook, undefined);
  const meta = JSON.parse(await readFile(join(own.home, 'models', r.modelId, 'meta.json'), 'utf8')) as ModelMeta;
  assert.equal(meta.secondLook, undefined);
  const emotion = await own.features.forBase(await own.bases.emotion());
  assert.equal(emotion.stats.misses, 0, 'the emotion network saw nothing');
});

test('a damaged or misplaced second look in meta.json is dropped: the model judges without it', () => {
  assert.equal(SECOND_LOOK_DIM, EMOTION_DIM, 'the check knows the emotion network\'s size');
  const kernel = Array.from({ length: 3 + EMOTION_DIM }, (_, i) => ((i % 9) - 4) / 10);
  const good = { network: { id: 'emotion', fingerprint: 'emotion-abc', dim: EMOTION_DIM }, margin: 0.4, share: 0.2, trainedOn: 5, kernel, bias: -0.1 };
  const meta = (secondLook: unknown, base = { id: 'face-expression', fingerprint: 'f', dim: 3 }) =>
    parseModelMeta({ schemaVersion: 1, id: '20261207-101010-ab12', createdAt: '2026-12-07T10:10:10Z', base, dataset: {}, history: [], best: {}, secondLook });
  assert.deepEqual(meta(good).secondLook, good);
  // what the app and the CLI are told: when it is asked and what it learned from, not 512 weights per listing
  assert.deepEqual(toModelInfo(meta(good), false).secondLook, { margin: 0.4, trainedOn: 5 });
  const at = (i: number, w: unknown) => kernel.map((k, j) => (j === i ? w : k));
  for (const bad of [
    { ...good, kernel: kernel.slice(1) }, // not base.dim + 256 weights
    { ...good, network: { ...good.network, dim: 1 }, kernel: kernel.slice(0, 4) }, // a network of another size: it would read past its weights
    { ...good, kernel: at(7, Number.NaN) },
    { ...good, kernel: at(7, '0.3') },
    { ...good, kernel: at(7, 1e39) }, // finite as a double, Infinity as float32
    { ...good, bias: 1e39 },
    { ...good, margin: 0 },
    { ...good, margin: 0.7 },
    { ...good, bias: null },
    { ...good, network: { ...good.network, id: 'other' } },
    { ...good, trainedOn: 1.5 },
    'yes',
  ]) {
    assert.equal(meta(bad).secondLook, undefined, JSON.stringify(bad).slice(0, 120));
  }
  assert.equal(meta(good, { id: 'mobilenet-v2', fingerprint: 'm', dim: 3 }).secondLook, undefined, 'only a face-expression model has one');
});

test('a second look learned on other weights of its network is refused with the model, as a changed base is', async () => {
  const own = createServices(await tempDir(), ASSETS, services.backend);
  const set = await folderTrainingSet(FACES, { seed: 42 });
  const r = await trainOnSamples(own, set, { ...trainOptions({ epochs: 2 }), secondLook: { margin: 0.45, share: 0.5, minPerClass: 1 } });
  const file = join(own.home, 'models', r.modelId, 'meta.json');
  const meta = JSON.parse(await readFile(file, 'utf8')) as ModelMeta;
  await writeFile(file, JSON.stringify({ ...meta, secondLook: { ...meta.secondLook!, network: { ...meta.secondLook!.network, fingerprint: 'emotion-0000000000000000' } } }));
  const fresh = createServices(own.home, ASSETS, services.backend);
  await assert.rejects(resolveModel(fresh.registry, fresh.bases, r.modelId), new RegExp(`model ${r.modelId} was trained on other emotion weights \\(emotion-0000000000000000\\) than the ones installed \\(${EMOTION_FINGERPRINT}\\)`));
});

test('training: images that cannot be read again for the second look are left out, and with too few left none is trained', async () => {
  const own = createServices(await tempDir(), ASSETS, services.backend);
  const files = (['happy', 'sad'] as const).flatMap((label) => readdirSync(join(FACES, label)).sort().map((f) => ({ file: join(FACES, label, f), label })));
  const fe = await own.features.forBase(await own.bases.load('face-expression', undefined));
  const out = await fe.features(files.map(({ file }) => ({ sample: { file }, views: () => [IDENTITY] })));
  const model = await resolveModel(own.registry, own.bases, 'zero-shot');
  const x = { data: new Float32Array(files.length * 256), n: files.length, dim: 256 };
  out.vectors.forEach((v, i) => x.data.set(v![0]!, i * 256));
  const empty = { data: new Float32Array(0), n: 0, dim: 256 };
  const training = (hashOf: (i: number) => string) => ({
    head: model.head,
    train: files.map(({ file, label }, i) => ({ sample: { file }, hash: hashOf(i), label })),
    trainX: x,
    validation: [],
    validationX: empty,
    validationP: new Float32Array(0),
    useValidation: false,
    start: model.base.zeroShotHead!,
    hp: { ...DEFAULT_HYPERPARAMETERS, epochs: 2 },
    seed: 1,
  });
  const settings = { margin: 0.4, share: 1, minPerClass: 8 };
  try {
    const all = await trainSecondLook(own, training((i) => out.hashes[i]!), {}, settings);
    assert.equal(all?.record.trainedOn, 20, 'every image, read again');
    // three happy images whose content is not what the first look read (as if changed since): left out, 7 happy < 8
    const changed = new Set([0, 1, 2]);
    const other = '0'.repeat(64);
    assert.equal(await trainSecondLook(own, training((i) => (changed.has(i) ? other : out.hashes[i]!)), {}, settings), null);
    assert.equal((await trainSecondLook(own, training((i) => (changed.has(i) ? other : out.hashes[i]!)), {}, { ...settings, minPerClass: 7 }))?.record.trainedOn, 17);
  } finally {
    model.head.dispose();
  }
});

test('the emotion network failing: a prediction keeps the first head\'s answer, a training saves its model without a second look and says why', async () => {
  const files = (await readdir(join(FACES, 'happy'))).sort().slice(0, 2).map((f) => join(FACES, 'happy', f));
  const model = await modelWith(0, () => 0.01, 1);
  const broken = { ...model.secondLook!.base, fingerprint: 'emotion-broken', recipe: undefined, embed: () => { throw new Error('the emotion network broke'); } };
  try {
    const { judgements, secondLooks } = await judgeSamples(services, { ...model, secondLook: { ...model.secondLook!, base: broken } }, files.map((file) => ({ file })), {});
    assert.equal(secondLooks, 0);
    for (const j of judgements) assert.ok('pHappy' in j && j.pHappy === 0.5, JSON.stringify(j));
  } finally {
    model.head.dispose();
  }

  const own = createServices(await tempDir(), ASSETS, services.backend);
  own.bases.emotion = () => Promise.reject(new Error('emotion.bin: checksum mismatch'));
  const said: string[] = [];
  const r = await trainOnSamples(own, await folderTrainingSet(FACES, { seed: 42 }), { ...trainOptions({ epochs: 2 }), secondLook: { margin: 0.45, share: 0.5, minPerClass: 1 } }, { progress: (e) => e.type === 'warning' && said.push(e.message) });
  assert.equal(r.secondLook, undefined);
  assert.equal(said.at(-1), 'no second look was trained (the model judges with its first head alone): emotion.bin: checksum mismatch');
  assert.equal((await own.registry.readMeta(r.modelId)).secondLook, undefined, 'the model is saved, without one');
});
