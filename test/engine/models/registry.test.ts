import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { mkdir, readdir, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { before, test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { createHead, DEFAULT_HYPERPARAMETERS, predictHead } from '../../../engine/head.js';
import { DEFAULT_AUGMENT } from '../../../engine/augment.js';
import { lockPath, withDataLock } from '../../../engine/data-lock.js';
import { ModelRegistry, newModelId } from '../../../engine/models/registry.js';
import { parseModelMeta, type ModelMeta } from '../../../engine/models/model-meta.js';
import { EngineError } from '../../../common/errors.js';
import { useBestBackend } from '../../helpers/backend.js';
import { blobs } from '../../helpers/blobs.js';
import { tempDir } from '../../helpers/tmp.js';

// the old free functions, over one registry per data folder
const reg = (home: string) => new ModelRegistry(home);
const currentModelId = (home: string) => reg(home).currentId();
const listModels = (home: string) => reg(home).list();
const loadModel = (home: string, id: string) => reg(home).load(id);
const setCurrentModel = (home: string, id: string) => reg(home).setCurrent(id);
const saveModel = (home: string, head: tf.LayersModel, m: ModelMeta, makeCurrent = true) => reg(home).save(head, m, { makeCurrent });

before(useBestBackend);

function meta(id: string): ModelMeta {
  return {
    schemaVersion: 1,
    id,
    createdAt: new Date().toISOString(),
    appVersion: 'test',
    base: { id: 'face-expression', fingerprint: 'fp', dim: 16 },
    parentModel: null,
    dataset: { root: '/d', validationFrom: 'split', train: { happy: 1, sad: 1 }, validation: { happy: 0, sad: 0 }, ignoredClasses: [], skipped: [] },
    hyperparameters: { ...DEFAULT_HYPERPARAMETERS, seed: 1 },
    augment: DEFAULT_AUGMENT,
    history: [],
    best: { epoch: 1, valAccuracy: null, valLoss: null },
    validation: null,
    backend: 'wasm',
    seconds: 1,
  };
}

test('save then load gives identical predictions; current.json follows; no temporary files remain', async () => {
  const home = await tempDir();
  assert.equal(await currentModelId(home), null);
  const head = createHead(16, { kernel: Float32Array.from({ length: 16 }, (_, i) => Math.sin(i)), bias: -0.3 });
  const x = blobs(50, 16, 9).x;
  const before = predictHead(head, x);
  const id = newModelId();
  await saveModel(home, head, meta(id));
  assert.equal(await currentModelId(home), id);
  assert.deepEqual((await readdir(join(home, 'models', id))).sort(), ['meta.json', 'model.json', 'weights.bin']);
  assert.deepEqual((await readdir(join(home, 'models'))).filter((n) => n.startsWith('.')), []);
  const loaded = await loadModel(home, id);
  assert.deepEqual(predictHead(loaded.head, x), before);
  assert.equal(loaded.meta.id, id);
});

test('a save that fails midway leaves nothing behind and keeps the current model', async () => {
  const home = await tempDir();
  const good = newModelId();
  await saveModel(home, createHead(16), meta(good));
  const broken = createHead(16);
  broken.save = () => Promise.reject(new Error('disk full'));
  const bad = newModelId(new Date(Date.now() + 1000));
  await assert.rejects(saveModel(home, broken as tf.LayersModel, meta(bad)), /disk full/);
  assert.deepEqual((await readdir(join(home, 'models'))).sort(), [good, 'current.json']);
  assert.equal(await currentModelId(home), good);
});

test('ids are validated, unknown ids are clear errors, listing is newest first', async () => {
  const home = await tempDir();
  await assert.rejects(loadModel(home, '../../etc'), /not a model id/);
  await assert.rejects(loadModel(home, '20260101-000000-abcd'), /no model "20260101-000000-abcd"/);
  await assert.rejects(setCurrentModel(home, '20260101-000000-abcd'), /no model/);
  const a = meta(newModelId(new Date('2026-01-01T00:00:00Z')));
  const b = { ...meta(newModelId(new Date('2026-02-01T00:00:00Z'))), createdAt: '2026-02-01T00:00:00Z' };
  a.createdAt = '2026-01-01T00:00:00Z';
  await saveModel(home, createHead(16), a);
  await saveModel(home, createHead(16), b, false);
  assert.deepEqual((await listModels(home)).map((m) => m.id), [b.id, a.id]);
  assert.equal(await currentModelId(home), a.id);
});

test('damaged model files are a clear error naming the model', async () => {
  const home = await tempDir();
  const id = newModelId();
  await saveModel(home, createHead(16), meta(id));
  await writeFile(join(home, 'models', id, 'weights.bin'), Buffer.alloc(3));
  await assert.rejects(loadModel(home, id), new RegExp(`model "${id}" in .* is damaged`));
  await writeFile(join(home, 'models', id, 'model.json'), '{"modelTopology": ');
  await assert.rejects(loadModel(home, id), /is damaged .*JSON/);
  await writeFile(join(home, 'models', id, 'meta.json'), '');
  await assert.rejects(loadModel(home, id), /is damaged/);
});

test('delete: never the current model; another one goes, whole', async () => {
  const home = await tempDir();
  const a = newModelId(new Date('2026-01-01T00:00:00Z'));
  const b = newModelId(new Date('2026-02-01T00:00:00Z'));
  await saveModel(home, createHead(16), meta(a));
  await saveModel(home, createHead(16), meta(b));
  await assert.rejects(reg(home).delete(b), (e: unknown) => e instanceof EngineError && e.code === 'bad-input' && /current model/.test(e.message));
  await reg(home).delete(a);
  assert.deepEqual((await listModels(home)).map((m) => m.id), [b]);
  await assert.rejects(reg(home).delete(a), (e: unknown) => e instanceof EngineError && e.code === 'not-found');
});

test('meta.json carries a schema version; older files without one read as version 1, newer ones are refused', () => {
  const m = meta(newModelId());
  const { schemaVersion: _v, ...old } = m;
  assert.equal(parseModelMeta(old).schemaVersion, 1);
  assert.throws(() => parseModelMeta({ ...m, schemaVersion: 2 }), /schema version 2/);
  assert.throws(() => parseModelMeta({ id: 'x' }), /lacks "createdAt"/);
  // hand-edited: a field read part by part that is no object is named, not "cannot read properties of null"
  for (const bad of [null, 'x', 5, []]) assert.throws(() => parseModelMeta({ ...m, dataset: bad }), /^Error: meta\.json "dataset" is not an object$/, JSON.stringify(bad));
  assert.throws(() => parseModelMeta({ ...m, best: null }), /"best" is not an object/);
});

test('samples.json: a list of what a model learned that damage emptied or thinned says nothing, not "learned nothing"; its validation list stays, and the other way round', async () => {
  const home = await tempDir();
  const id = newModelId();
  await mkdir(join(home, 'models', id), { recursive: true });
  const hash = 'a'.repeat(64);
  const validated = 'b'.repeat(64);
  const write = (trained: unknown[]) => writeFile(join(home, 'models', id, 'samples.json'), JSON.stringify({ schemaVersion: 1, trained, validation: [validated] }));
  await write([hash]);
  assert.deepEqual(await reg(home).readSamples(id), { schemaVersion: 1, trained: [hash], validation: [validated] });
  for (const bad of [[], ['x'], [hash, 'x'], [hash, 1]]) {
    await write(bad);
    assert.deepEqual(await reg(home).readSamples(id), { schemaVersion: 1, trained: null, validation: [validated] }, JSON.stringify(bad));
  }
  // and the other way round: a damaged validation list says nothing of which images judged it
  for (const bad of [[], [validated, 'x']]) {
    await writeFile(join(home, 'models', id, 'samples.json'), JSON.stringify({ schemaVersion: 1, trained: [hash], validation: bad }));
    assert.deepEqual(await reg(home).readSamples(id), { schemaVersion: 1, trained: [hash], validation: null }, JSON.stringify(bad));
  }
  await writeFile(join(home, 'models', id, 'samples.json'), JSON.stringify({ schemaVersion: 1, trained: [hash] }));
  assert.equal(await reg(home).readSamples(id), null, 'no validation list: not this format');
});

test('how the folder was split and capped is read only when well-formed; a damaged one is dropped, to be inferred from the counts', () => {
  const m = meta(newModelId());
  const withSplit = { ...m, dataset: { ...m.dataset, validationFrom: 'split' as const, validationSplit: 0.3, validationRule: 'shuffle' as const, maxPerClass: 9 } };
  assert.deepEqual(parseModelMeta(withSplit).dataset, withSplit.dataset, 'kept as written');
  assert.equal(parseModelMeta({ ...withSplit, dataset: { ...withSplit.dataset, maxPerClass: null } }).dataset.maxPerClass, null, 'no cap');
  for (const [field, bad] of [['validationSplit', 'x'], ['validationSplit', 1.5], ['validationSplit', 0], ['maxPerClass', 0], ['maxPerClass', 2.5], ['maxPerClass', '9']] as const) {
    const read = parseModelMeta({ ...withSplit, dataset: { ...withSplit.dataset, [field]: bad } }).dataset;
    assert.equal(field in read, false, `${field}: ${JSON.stringify(bad)}`);
  }
  const odd = parseModelMeta({ ...withSplit, dataset: { ...withSplit.dataset, validationRule: 'random' } }).dataset;
  assert.equal(odd.validationRule, undefined, 'an unknown rule');
  const noShare = parseModelMeta({ ...withSplit, dataset: { ...withSplit.dataset, validationSplit: 'x' } }).dataset;
  assert.equal(noShare.validationRule, undefined, 'a rule without its share says nothing');
});

test('a promotion\'s figures are read only when well-formed; a damaged or hand-edited one leaves the English reason to show', () => {
  const why = { kind: 'compared', asked: false, previous: 'old', n: 12, accuracy: 0.75, previousAccuracy: 0.8, loss: null, previousLoss: null, tolerancePoints: 0 } as const;
  const m = { ...meta(newModelId()), promotion: { madeCurrent: false, reason: 'val acc 75.0 % vs 80.0 % for the current model old on the same 12 validation images', why } };
  assert.deepEqual(parseModelMeta(m).promotion, m.promotion, 'kept as written');
  for (const bad of [{ ...why, n: 0 }, { ...why, accuracy: '75 %' }, { ...why, kind: 'better' }, { kind: 'first' }, { ...why, loss: Number.NaN }, { kind: 'notJudged', asked: true, previous: 'old' }, null, 'first']) {
    assert.deepEqual(parseModelMeta({ ...m, promotion: { ...m.promotion, why: bad } }).promotion, { madeCurrent: false, reason: m.promotion.reason }, JSON.stringify(bad));
  }
  assert.deepEqual(parseModelMeta({ ...m, promotion: { madeCurrent: true, reason: 'no model was current before', why: { kind: 'first', asked: false } } }).promotion?.why, { kind: 'first', asked: false });
  for (const w of [{ kind: 'first', asked: false }, { kind: 'notJudged', asked: false, previous: 'old', error: 'gone' }, { ...why, asked: true }]) {
    assert.equal(parseModelMeta({ ...m, promotion: { madeCurrent: false, reason: 'kept', why: w } }).promotion?.why, undefined, `${w.kind} cannot explain a kept model`);
  }
  const overtaken = { kind: 'overtaken', asked: false, previous: 'old', current: 'other' } as const;
  assert.deepEqual(parseModelMeta({ ...m, promotion: { madeCurrent: false, reason: 'kept', why: overtaken } }).promotion?.why, overtaken);
  assert.deepEqual(parseModelMeta({ ...m, promotion: { madeCurrent: false, reason: 'kept', why: { ...overtaken, previous: null } } }).promotion?.why, { ...overtaken, previous: null });
  for (const bad of [{ ...overtaken, current: null }, { ...overtaken, asked: true }, { ...overtaken, previous: 3 }]) {
    assert.equal(parseModelMeta({ ...m, promotion: { madeCurrent: false, reason: 'kept', why: bad } }).promotion?.why, undefined, JSON.stringify(bad));
  }
  assert.equal(parseModelMeta({ ...m, promotion: { madeCurrent: true, reason: 'made', why: overtaken } }).promotion?.why, undefined, 'overtaken cannot explain a model made current');
});

test('writers wait for the data-folder lock: a save while another process holds it lands after the release', async () => {
  const home = await tempDir();
  const id = newModelId();
  let release!: () => void;
  let locked!: () => void;
  const isLocked = new Promise<void>((r) => (locked = r));
  const held = withDataLock(home, 'models', () => new Promise<void>((r) => ((release = r), locked())));
  await isLocked;
  let saved = false;
  const save = saveModel(home, createHead(16), meta(id)).then(() => (saved = true));
  await new Promise((r) => setTimeout(r, 600));
  assert.equal(saved, false, 'the save waits while the lock is held');
  assert.equal(await currentModelId(home), null);
  release();
  await held;
  await save;
  assert.equal(await currentModelId(home), id);
});

test('a lock that is never released ends in a clear "busy" error, not a hang', async () => {
  const home = await tempDir();
  let release!: () => void;
  let locked!: () => void;
  const isLocked = new Promise<void>((r) => (locked = r));
  const held = withDataLock(home, 'models', () => new Promise<void>((r) => ((release = r), locked())));
  await isLocked;
  await assert.rejects(
    withDataLock(home, 'models', async () => 1, { waitMs: 500 }),
    (e: unknown) => e instanceof EngineError && e.code === 'busy' && /another HappySad process is writing models/.test(e.message),
  );
  release();
  await held;
  assert.equal(await withDataLock(home, 'models', async () => 2), 2);
});

test('a lock left by a killed process goes stale and is taken over', async () => {
  const home = await tempDir();
  await mkdir(lockPath(home, 'models'), { recursive: true }); // what proper-lockfile leaves when its process dies
  const old = new Date(Date.now() - 60_000);
  await utimes(lockPath(home, 'models'), old, old);
  const id = newModelId();
  await saveModel(home, createHead(16), meta(id));
  assert.equal(await currentModelId(home), id);
});

test('current.json that is no small plain file names no model, at once: a pipe (which would block the engine for good), a folder, a huge file', { skip: process.platform === 'win32' && 'no mkfifo' }, async () => {
  const home = await tempDir();
  await mkdir(join(home, 'models'), { recursive: true });
  const current = join(home, 'models', 'current.json');
  execFileSync('mkfifo', [current]);
  // someone writing a valid id into it: were the pipe read, the id would come back (instead of a hang)
  const writer = spawn('sh', ['-c', `printf '%s' '${JSON.stringify({ id: newModelId() })}' > "$1"`, 'sh', current], { stdio: 'ignore' });
  try {
    assert.equal(await currentModelId(home), null, 'a pipe: not read');
  } finally {
    writer.kill();
  }
  await rm(current);
  await mkdir(current);
  assert.equal(await currentModelId(home), null, 'a folder');
  await rm(current, { recursive: true });
  await writeFile(current, JSON.stringify({ id: newModelId(), pad: 'x'.repeat(10_000) }));
  assert.equal(await currentModelId(home), null, 'larger than an id needs');
  const id = newModelId();
  await writeFile(current, JSON.stringify({ id }));
  assert.equal(await currentModelId(home), null, 'a plain small one naming a model that is not there');
  await mkdir(join(home, 'models', id));
  await writeFile(join(home, 'models', id, 'meta.json'), '{}');
  assert.equal(await currentModelId(home), id, 'a plain small one is read');
});

// the timeout: a read that waits on the pipe would hang the run instead of failing it
test('a model folder\'s files are read only as small plain files: a pipe (which would hang the engine) or a huge file is "damaged", at once', { skip: process.platform === 'win32' && 'no mkfifo', timeout: 20_000 }, async () => {
  const home = await tempDir();
  const id = newModelId();
  await saveModel(home, createHead(16), meta(id));
  const dir = join(home, 'models', id);
  const good = await readFile(join(dir, 'meta.json'));
  // a pipe with someone writing the model's own file into it: were it read, that would come back instead of a hang
  const piped = async (name: string, content: Buffer | string, check: () => Promise<void>) => {
    const file = join(dir, name);
    const kept = await readFile(file).catch(() => null);
    await rm(file, { force: true });
    execFileSync('mkfifo', [file]);
    const writer = spawn('sh', ['-c', 'cat "$1" > "$2"', 'sh', join(home, `${name}.src`), file], { stdio: 'ignore' });
    await writeFile(join(home, `${name}.src`), content);
    try {
      await check();
    } finally {
      writer.kill();
      await rm(file);
      if (kept) await writeFile(file, kept);
    }
  };
  await piped('meta.json', good, async () => {
    await assert.rejects(reg(home).readMeta(id), new RegExp(`model "${id}" .*damaged.*meta\\.json is not a regular file`));
    assert.deepEqual(await listModels(home), [], 'left out of the list');
  });
  await piped('samples.json', JSON.stringify({ schemaVersion: 1, trained: ['a'.repeat(64)], validation: [] }), async () => {
    assert.equal(await reg(home).readSamples(id), null);
  });
  await piped('weights.bin', await readFile(join(dir, 'weights.bin')), async () => {
    await assert.rejects(reg(home).load(id), /weights\.bin is not a regular file/);
  });
  await writeFile(join(dir, 'meta.json'), JSON.stringify({ ...JSON.parse(good.toString('utf8')), pad: 'x'.repeat(17 << 20) }));
  await assert.rejects(reg(home).readMeta(id), /meta\.json is \d+ bytes, more than a model's meta\.json can be/);
  await writeFile(join(dir, 'meta.json'), good);
  assert.equal((await reg(home).load(id)).meta.id, id, 'the same files, plain, are read');
  // a manifest that names one weight file over and over: each read is small, all of them are not
  const modelJson = JSON.parse(await readFile(join(dir, 'model.json'), 'utf8'));
  await writeFile(join(dir, 'big.bin'), Buffer.alloc(600 << 10));
  modelJson.weightsManifest[0].paths = ['big.bin', 'big.bin'];
  await writeFile(join(dir, 'model.json'), JSON.stringify(modelJson));
  await assert.rejects(reg(home).load(id), /big\.bin is (\d+ bytes|more than \d+ bytes), more than the \d+ bytes of weights a model of this kind can have/);
});

test('a current.json that names no model, or one that is not there, is said (the app shows why none is current); none at all, or a good one, is not', async () => {
  const home = await tempDir();
  assert.equal(await reg(home).currentProblem(), null, 'nothing trained yet');
  const id = newModelId();
  await saveModel(home, createHead(16), meta(id));
  assert.equal(await reg(home).currentProblem(), null);
  const file = join(home, 'models', 'current.json');
  for (const bad of ['{"id": "not a model id"}', '{"id": ', '']) {
    await writeFile(file, bad);
    assert.equal(await reg(home).currentProblem(), `${file} is damaged and names no model: the built-in model judges until another is made current`, bad);
  }
  await reg(home).setCurrent(id);
  assert.equal(await reg(home).currentProblem(), null, 'made current again: mended');
  // the model it names removed by hand: the built-in model judges, and the app says which file names it
  const other = newModelId();
  await writeFile(file, JSON.stringify({ id: other }));
  assert.equal(await reg(home).currentProblem(), `${file} names model "${other}", which is not in ${join(home, 'models')} (removed by hand?): the built-in model judges until another is made current`);
  assert.equal(await reg(home).currentId(), null, 'the built-in model judges: no prediction fails on a model that is gone');
});
