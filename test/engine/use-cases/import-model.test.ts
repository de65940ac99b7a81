import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { cp, mkdir, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { before, test } from 'node:test';
import { evaluate } from '../../../engine/use-cases/evaluate.js';
import { exportModel } from '../../../engine/use-cases/export-model.js';
import { importModel, SHIPPED_DIMS } from '../../../engine/use-cases/import-model.js';
import { predict } from '../../../engine/use-cases/predict.js';
import { createServices, type EngineServices } from '../../../engine/use-cases/services.js';
import { folderTrainingSet } from '../../../engine/dataset.js';
import { trainFromFolder, trainOnSamples, trainOptions } from '../../../engine/use-cases/train.js';
import { useBestBackend } from '../../helpers/backend.js';
import { ASSETS, FACES, tempDir } from '../../helpers/tmp.js';

let here: EngineServices;
let modelId: string;
let exported: string;
const newServices = async () => createServices(await tempDir(), ASSETS, await useBestBackend());
const probabilities = async (s: EngineServices, model: string) => (await predict(s, { inputs: [join(FACES, 'sad'), join(FACES, 'happy')], model })).results.map((r) => ('probabilities' in r ? r.probabilities.happy : NaN));

before(async () => {
  here = await newServices();
  modelId = (await trainFromFolder(here, { data: FACES, epochs: 1 })).modelId;
  exported = (await exportModel(here, { id: modelId, dir: await tempDir() })).dir;
});

test('import: an exported model judges in another installation as it did where it was trained; not made current unless asked; twice is once', async () => {
  const there = await newServices();
  assert.deepEqual(await importModel(there, { dir: exported }), { id: modelId, added: true, madeCurrent: false });
  assert.deepEqual((await there.registry.list()).map((m) => m.id), [modelId]);
  assert.equal(await there.registry.currentId(), null, 'someone else\'s model is not current on arrival');
  assert.deepEqual(await probabilities(there, modelId), await probabilities(here, modelId));
  assert.deepEqual(await readdir(there.registry.dir), [modelId], 'the model folder and nothing else (no temporary folder)');

  // again, asking for it to be used: nothing copied, made current
  assert.deepEqual(await importModel(there, { dir: exported, use: true }), { id: modelId, added: false, madeCurrent: true });
  assert.equal(await there.registry.currentId(), modelId);
  assert.deepEqual((await readdir(there.registry.dir)).sort(), [modelId, 'current.json'].sort());
});

test('import: the model is marked with when it came in; its own validation images, elsewhere, are said to be elsewhere', async () => {
  const there = await newServices();
  const t0 = Date.now();
  await importModel(there, { dir: exported });
  const [info] = await there.registry.list();
  assert.ok(info!.importedAt !== undefined && Date.parse(info!.importedAt) >= t0 - 1000 && Date.parse(info!.importedAt) <= Date.now(), info!.importedAt);
  assert.equal((await here.registry.list()).find((m) => m.id === modelId)!.importedAt, undefined, 'a model trained here is not marked');
  // how its features were made comes with it (the export README and this version read it)
  assert.equal(info!.base.greyInput, true);
  // on this machine its training folder is here too: evaluated on its own validation images as where it was made
  assert.equal((await evaluate(there, { model: modelId })).source.kind, 'validation');

  // another machine's folder: no "cannot be read" about a folder that was never this computer's
  const moved = join(await tempDir(), 'from-elsewhere');
  await cp(exported, moved, { recursive: true });
  const meta = JSON.parse(await readFile(join(moved, 'meta.json'), 'utf8')) as { dataset: object; importedAt?: string };
  await writeFile(join(moved, 'meta.json'), JSON.stringify({ ...meta, dataset: { ...meta.dataset, root: '/home/someone/photos' }, importedAt: '2020-01-01T00:00:00.000Z' }));
  const third = await newServices();
  await importModel(third, { dir: moved });
  const [marked] = await third.registry.list();
  assert.ok(Date.parse(marked!.importedAt!) >= t0, `the time of this import, not the one written in the folder: ${marked!.importedAt}`);
  await assert.rejects(evaluate(third, { model: modelId }), (e: Error) => e.message === `model ${modelId} was imported: its validation images were in /home/someone/photos on the computer it was made on, and are not here; choose a folder to evaluate it on`);

  // a folder of that name here that cannot be read (a file, permissions) is said as it is
  const blocked = join(await tempDir(), 'photos');
  await writeFile(blocked, 'a file');
  const installed = join(third.registry.dir, modelId, 'meta.json');
  const written = JSON.parse(await readFile(installed, 'utf8')) as { dataset: object; base: object };
  await writeFile(installed, JSON.stringify({ ...written, dataset: { ...written.dataset, root: blocked } }));
  await assert.rejects(evaluate(third, { model: modelId }), (e: Error) => e.message.startsWith(`the validation images of model ${modelId} were in ${blocked}, which cannot be read any more (${blocked}: not a folder`));

  // a damaged mark (hand-edited) is dropped when read, not passed on to break a listing
  await writeFile(installed, JSON.stringify({ ...written, importedAt: 1 }));
  assert.equal((await third.registry.list())[0]!.importedAt, undefined);
  await writeFile(installed, JSON.stringify({ ...written, importedAt: 'yesterday' }));
  assert.equal((await third.registry.list())[0]!.importedAt, undefined);
  // so is a grey mark that is no yes or no (the export README would read "yes" as grey)
  await writeFile(installed, JSON.stringify({ ...written, base: { ...written.base, greyInput: 'yes' } }));
  assert.equal((await third.registry.list())[0]!.base.greyInput, undefined);
});

test('import: another installation\'s model folder keeps the hashes of its images', async () => {
  const there = await newServices();
  await importModel(there, { dir: join(here.registry.dir, modelId) });
  assert.deepEqual(await there.registry.readSamples(modelId), await here.registry.readSamples(modelId));
  assert.notEqual(await there.registry.readSamples(modelId), null);
  // a list thinned by damage comes in as "cannot say", not as a shorter list that would read as whole
  const folder = join(await tempDir(), modelId);
  await cp(join(here.registry.dir, modelId), folder, { recursive: true });
  const stored = JSON.parse(await readFile(join(folder, 'samples.json'), 'utf8'));
  await writeFile(join(folder, 'samples.json'), JSON.stringify({ ...stored, trained: [...stored.trained, 'x'] }));
  const elsewhere = await newServices();
  await importModel(elsewhere, { dir: folder });
  assert.deepEqual(await elsewhere.registry.readSamples(modelId), { schemaVersion: 1, trained: null, validation: stored.validation });
});

test('import: what is not a model this app can use is refused, naming the folder and why; nothing is left behind', async () => {
  const there = await newServices();
  const out = await tempDir();
  const copy = async (name: string, edit: (meta: Record<string, unknown>, model: { modelTopology: { config: { layers: Array<{ config: Record<string, unknown> }> } } }) => void = () => undefined) => {
    const dir = join(out, name);
    await cp(exported, dir, { recursive: true });
    const meta = JSON.parse(await readFile(join(dir, 'meta.json'), 'utf8')) as Record<string, unknown>;
    const model = JSON.parse(await readFile(join(dir, 'model.json'), 'utf8'));
    edit(meta, model);
    await writeFile(join(dir, 'meta.json'), JSON.stringify(meta));
    await writeFile(join(dir, 'model.json'), JSON.stringify(model));
    return dir;
  };
  const refused = async (dir: string, why: string | RegExp) => {
    await assert.rejects(importModel(there, { dir }), (e: Error) => {
      const expected = typeof why === 'string' ? `${dir}: not a model this app can use (${why})` : why;
      assert.ok(typeof expected === 'string' ? e.message === expected : expected.test(e.message), e.message);
      return true;
    });
  };
  await assert.rejects(importModel(there, { dir: join(out, 'gone') }), { message: `${join(out, 'gone')}: no such folder` });
  await writeFile(join(out, 'a-file'), 'x');
  await assert.rejects(importModel(there, { dir: join(out, 'a-file') }), { message: `${join(out, 'a-file')}: not a folder` });
  await assert.rejects(importModel(there, { dir: join(exported, '..') }), /: no model here \(choose the folder Export Model made/);

  // meta.json: what the app reads, of the right kind and within bounds
  await refused(await copy('newer', (m) => (m.schemaVersion = 99)), 'meta.json has schema version 99; this app reads version 1');
  const empty = await copy('empty-meta');
  await writeFile(join(empty, 'meta.json'), '');
  await refused(empty, 'meta.json is not valid JSON');
  const listed = await copy('array-meta');
  await writeFile(join(listed, 'meta.json'), '[1, 2]');
  await refused(listed, 'meta.json lacks "id"');
  await refused(await copy('bad-id', (m) => (m.id = '../../etc')), /not a model this app can use \(meta\.json id: not a model id\)$/);
  await refused(await copy('other-base', (m) => ((m.base as { id: string }).id = 'resnet-9000')), /not a model this app can use \(meta\.json base\.id: /);
  await refused(await copy('other-dim', (m) => ((m.base as { dim: number }).dim = 512)), 'meta.json says the face-expression base gives 512 features; it gives 256');
  await refused(await copy('date', (m) => (m.createdAt = 12345)), /\(meta\.json createdAt: /);
  await refused(await copy('no-dataset', (m) => (m.dataset = {})), /\(meta\.json dataset\.root: /);
  await refused(await copy('endless', (m) => ((m.augment as { variants: number }).variants = 1e9)), /\(meta\.json augment\.variants: /);
  await refused(await copy('history', (m) => (m.history = 'x')), /\(meta\.json history: /);
  for (const [name, root] of [['share', '\\\\evil-host\\share'], ['share-mixed', '/\\evil-host\\share'], ['share-posix', '//evil-host/share'], ['url', 'https://evil.example/photos'], ['relative', 'photos'], ['empty', '']]) {
    await refused(await copy(name!, (m) => ((m.dataset as { root: string }).root = root!)), /\(meta\.json dataset\.root: not a local folder \(a network share, a URL or a relative path\)\)$/);
  }
  await refused(await copy('when', (m) => (m.createdAt = '9999-12-31T23:59:59.000Z')), /\(meta\.json createdAt: 9999-12-31T23:59:59\.000Z is not when model \S+ was made\)$/);
  const bloated = await copy('bloated');
  await writeFile(join(bloated, 'meta.json'), Buffer.alloc(5 << 20, 0x20));
  await refused(bloated, /meta\.json is 5242880 bytes, more than a model's can be/);
  // the head: exactly the one this app trains
  await refused(await copy('linear', (_m, h) => (h.modelTopology.config.layers[0]!.config.activation = 'linear')), 'model.json is not a head of one sigmoid unit');
  await refused(await copy('wide', (_m, h) => (h.modelTopology.config.layers[0]!.config.units = 1_000_000)), 'model.json is not a head of one sigmoid unit');
  await refused(await copy('two-layers', (_m, h) => h.modelTopology.config.layers.push(h.modelTopology.config.layers[0]!)), 'model.json is not a head of one layer');
  const short = await copy('short-weights');
  await writeFile(join(short, 'weights.bin'), Buffer.alloc(10));
  await refused(short, 'weights.bin is 10 bytes, not the 1028 of its head');
  const nan = await copy('nan-weights');
  await writeFile(join(nan, 'weights.bin'), Buffer.from(new Float32Array(257).fill(Number.NaN).buffer));
  await refused(nan, 'weights.bin holds values that are not numbers');
  const huge = await copy('huge-weights');
  await writeFile(join(huge, 'weights.bin'), Buffer.alloc(50_000));
  await refused(huge, /weights\.bin is 50000 bytes, more than a model's can be/);
  // not a file to read: a link (it would copy what it points to into the data folder), a pipe (it would hang)
  const linked = await copy('linked');
  await writeFile(join(out, 'secret.txt'), 'PRIVATE KEY');
  await rm(join(linked, 'weights.bin'));
  await symlink(join(out, 'secret.txt'), join(linked, 'weights.bin'));
  await refused(linked, 'weights.bin is a link, not a file');
  const piped = await copy('piped');
  execFileSync('mkfifo', [join(piped, 'samples.json')]);
  await refused(piped, 'samples.json is not a regular file');
  assert.deepEqual(await readdir(there.registry.dir).catch(() => []), [], 'no model and no temporary folder from refused imports');
});

test('import: what is written is checked and made anew: no unknown fields, no download address; a model already here is never replaced', async () => {
  const there = await newServices();
  const dir = join(await tempDir(), 'with-extras');
  await cp(exported, dir, { recursive: true });
  const meta = JSON.parse(await readFile(join(dir, 'meta.json'), 'utf8')) as { base: Record<string, unknown> } & Record<string, unknown>;
  await writeFile(join(dir, 'meta.json'), JSON.stringify({ ...meta, base: { ...meta.base, source: { url: 'http://127.0.0.1:9/model.json' } }, extra: 'x'.repeat(1000) }));
  await importModel(there, { dir });
  const written = JSON.parse(await readFile(join(there.registry.dir, modelId, 'meta.json'), 'utf8')) as { base: Record<string, unknown> } & Record<string, unknown>;
  assert.equal(written.base.source, undefined, 'an imported model uses this app\'s own MobileNetV2 source');
  assert.equal(written.extra, undefined);
  assert.equal(written.promotion, undefined, 'how it fared where it was trained is not this installation\'s');
  assert.notEqual(meta.promotion, undefined, 'the exported one had it');
  assert.deepEqual(Object.keys(written.base).sort(), ['dim', 'fingerprint', 'greyInput', 'id']);

  // a face-expression model that says its faces went in colour describes features this app never makes: the
  // claim is dropped (its export then says what an older model's does), the model imported
  const colour = await newServices();
  const claims = join(await tempDir(), 'colour-claim');
  await cp(exported, claims, { recursive: true });
  await writeFile(join(claims, 'meta.json'), JSON.stringify({ ...meta, base: { ...meta.base, greyInput: false } }));
  await importModel(colour, { dir: claims });
  assert.equal((await colour.registry.readMeta(modelId)).base.greyInput, undefined);

  // a Windows drive is a local folder; a long list of skipped files is cut to what training keeps, not refused
  const windows = await newServices();
  const long = join(await tempDir(), 'long-lists');
  await cp(exported, long, { recursive: true });
  const skipped = Array.from({ length: 500 }, (_, i) => ({ file: `C:\\photos\\${i}.txt`, reason: 'not an image file (.txt)' }));
  await writeFile(join(long, 'meta.json'), JSON.stringify({ ...meta, dataset: { ...(meta.dataset as object), root: 'C:\\Users\\u\\photos', skipped } }));
  await importModel(windows, { dir: long });
  const cut = JSON.parse(await readFile(join(windows.registry.dir, modelId, 'meta.json'), 'utf8')) as { dataset: { root: string; skipped: unknown[] } };
  assert.equal(cut.dataset.root, 'C:\\Users\\u\\photos');
  assert.equal(cut.dataset.skipped.length, 200);

  // the same id with other weights and figures: what is here stays, byte for byte
  const before = await Promise.all(['model.json', 'weights.bin', 'meta.json'].map((f) => readFile(join(there.registry.dir, modelId, f))));
  const other = join(await tempDir(), 'same-id');
  await cp(exported, other, { recursive: true });
  await writeFile(join(other, 'weights.bin'), Buffer.from(new Float32Array(257).fill(0.5).buffer));
  await writeFile(join(other, 'meta.json'), JSON.stringify({ ...meta, appVersion: '9.9.9' }));
  assert.deepEqual(await importModel(there, { dir: other }), { id: modelId, added: false, madeCurrent: false });
  assert.deepEqual(await Promise.all(['model.json', 'weights.bin', 'meta.json'].map((f) => readFile(join(there.registry.dir, modelId, f)))), before);

  // a folder of that name that is no model (or no longer a whole one): refused, not replaced nor made current
  const third = await newServices();
  await mkdir(join(third.registry.dir, modelId), { recursive: true });
  await writeFile(join(third.registry.dir, modelId, 'notes.txt'), 'mine');
  const clash = (home: EngineServices) => (e: Error) => e.message.startsWith(`a folder for model ${modelId} is here already (${join(home.registry.dir, modelId)}) but is not a model this app can read (`) && e.message.endsWith('); move it away first');
  await assert.rejects(importModel(third, { dir: exported }), clash(third));
  assert.deepEqual(await readdir(join(third.registry.dir, modelId)), ['notes.txt']);
  await rm(join(there.registry.dir, modelId, 'weights.bin'));
  await assert.rejects(importModel(there, { dir: exported, use: true }), clash(there));
  assert.equal(await there.registry.currentId(), null, 'a broken model is not made current');
});

test('import: the number of features each base gives is the bases\' own; a model on the two-network base imports too', async () => {
  for (const id of ['face-expression', 'face-expression-emotion'] as const) assert.equal((await here.bases.load(id, undefined)).dim, SHIPPED_DIMS[id], id);
  const emotion = (await trainFromFolder(here, { data: FACES, epochs: 1, base: 'face-expression-emotion' })).modelId;
  const there = await newServices();
  await importModel(there, { dir: (await exportModel(here, { id: emotion, dir: await tempDir() })).dir });
  assert.deepEqual(await probabilities(there, emotion), await probabilities(here, emotion));

  // a head on MobileNetV2 (the user's own download or import, of any width) is taken at its word: 64 features here
  const out = await tempDir();
  const mobile = join(out, 'mobilenet-head');
  await cp(exported, mobile, { recursive: true });
  const meta = JSON.parse(await readFile(join(mobile, 'meta.json'), 'utf8')) as { id: string; createdAt: string; base: Record<string, unknown> };
  const id = meta.id.replace(/[0-9a-f]{4}$/, 'beef');
  await writeFile(join(mobile, 'meta.json'), JSON.stringify({ ...meta, id, base: { id: 'mobilenet-v2', fingerprint: 'f'.repeat(64), dim: 64 } }));
  const model = JSON.parse(await readFile(join(mobile, 'model.json'), 'utf8')) as { modelTopology: { config: { layers: Array<{ config: { batch_input_shape: number[] } }> } }; weightsManifest: Array<{ weights: Array<{ shape: number[] }> }> };
  model.modelTopology.config.layers[0]!.config.batch_input_shape = [null as unknown as number, 64];
  model.weightsManifest[0]!.weights[0]!.shape = [64, 1];
  await writeFile(join(mobile, 'model.json'), JSON.stringify(model));
  await writeFile(join(mobile, 'weights.bin'), Buffer.from(new Float32Array(65).fill(0.01).buffer));
  assert.deepEqual(await importModel(there, { dir: mobile }), { id, added: true, madeCurrent: false });
  assert.equal((await there.registry.readMeta(id)).base.dim, 64);
});

test('import: a read-only data folder says so before reading anything', async () => {
  const readOnly = createServices(await tempDir(), ASSETS, await useBestBackend(), undefined, true);
  await assert.rejects(importModel(readOnly, { dir: exported }), /cannot be written, so a model cannot be imported$/);
});

test('import: a model\'s second look comes with it and judges there as here; one whose weights do not fit is dropped, the model kept', async () => {
  const set = await folderTrainingSet(FACES, { seed: 42 });
  const trained = await trainOnSamples(here, set, { ...trainOptions({ epochs: 2 }), secondLook: { margin: 0.45, share: 0.5, minPerClass: 1 } });
  assert.ok(trained.secondLook, 'trained with a second look');
  const dir = (await exportModel(here, { id: trained.modelId, dir: await tempDir() })).dir;
  const there = await newServices();
  await importModel(there, { dir });
  const kept = (await there.registry.list()).find((m) => m.id === trained.modelId)!.secondLook;
  assert.deepEqual(kept, (await here.registry.readMeta(trained.modelId)).secondLook);
  assert.deepEqual({ margin: kept!.margin, trainedOn: kept!.trainedOn }, { margin: 0.45, trainedOn: trained.secondLook.trainedOn });
  const p = await probabilities(there, trained.modelId);
  assert.deepEqual(p, await probabilities(here, trained.modelId));

  const damaged = join(await tempDir(), 'damaged');
  await cp(dir, damaged, { recursive: true });
  const meta = JSON.parse(await readFile(join(damaged, 'meta.json'), 'utf8')) as { secondLook: { kernel: number[] } };
  await writeFile(join(damaged, 'meta.json'), JSON.stringify({ ...meta, secondLook: { ...meta.secondLook, kernel: meta.secondLook.kernel.slice(0, 300) } }));
  const third = await newServices();
  await importModel(third, { dir: damaged });
  assert.equal((await third.registry.list())[0]!.secondLook, undefined);
  assert.equal((await third.registry.readMeta(trained.modelId)).secondLook, undefined, 'not kept on disk either');
});
