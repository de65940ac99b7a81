import assert from 'node:assert/strict';
import { cp, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { before, test } from 'node:test';
import { exportModel } from '../../../engine/use-cases/export-model.js';
import { importModel } from '../../../engine/use-cases/import-model.js';
import { predict } from '../../../engine/use-cases/predict.js';
import { createServices, type EngineServices } from '../../../engine/use-cases/services.js';
import { trainFromFolder } from '../../../engine/use-cases/train.js';
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

test('import: another installation\'s model folder keeps the hashes of its images', async () => {
  const there = await newServices();
  await importModel(there, { dir: join(here.registry.dir, modelId) });
  assert.deepEqual(await there.registry.readSamples(modelId), await here.registry.readSamples(modelId));
  assert.notEqual(await there.registry.readSamples(modelId), null);
});

test('import: what is not a model this app can use is refused, naming the folder and why; nothing is left behind', async () => {
  const there = await newServices();
  const out = await tempDir();
  const copy = async (name: string, edit: (meta: Record<string, unknown>) => void) => {
    const dir = join(out, name);
    await cp(exported, dir, { recursive: true });
    const meta = JSON.parse(await readFile(join(dir, 'meta.json'), 'utf8')) as Record<string, unknown>;
    edit(meta);
    await writeFile(join(dir, 'meta.json'), JSON.stringify(meta));
    return dir;
  };
  await assert.rejects(importModel(there, { dir: join(out, 'gone') }), { message: `${join(out, 'gone')}: no such folder` });
  await writeFile(join(out, 'a-file'), 'x');
  await assert.rejects(importModel(there, { dir: join(out, 'a-file') }), { message: `${join(out, 'a-file')}: not a folder` });
  await assert.rejects(importModel(there, { dir: join(exported, '..') }), /: no model here \(choose the folder Export Model made/);
  const otherDim = await copy('other-dim', (m) => ((m.base as { dim: number }).dim = 512));
  await assert.rejects(importModel(there, { dir: otherDim }), (e: Error) => e.message.startsWith(`${otherDim}: not a model this app can use (the head takes [,256] and gives [,1], not the 512 features`));
  const otherBase = await copy('other-base', (m) => ((m.base as { id: string }).id = 'resnet-9000'));
  await assert.rejects(importModel(there, { dir: otherBase }), { message: `${otherBase}: a model on the base "resnet-9000", which this app does not have` });
  const newer = await copy('newer', (m) => (m.schemaVersion = 99));
  await assert.rejects(importModel(there, { dir: newer }), { message: `${newer}: not a model this app can use (meta.json has schema version 99; this app reads version 1)` });
  const noId = await copy('no-id', (m) => (m.id = '../../etc'));
  await assert.rejects(importModel(there, { dir: noId }), /not a model this app can use \(meta\.json has no model id\)/);
  const broken = join(out, 'broken-weights');
  await cp(exported, broken, { recursive: true });
  await writeFile(join(broken, 'weights.bin'), Buffer.alloc(10));
  await assert.rejects(importModel(there, { dir: broken }), (e: Error) => e.message.startsWith(`${broken}: not a model this app can use (`));
  assert.deepEqual(await readdir(there.registry.dir).catch(() => []), [], 'no model and no temporary folder from refused imports');
});

test('import: a read-only data folder says so before reading anything', async () => {
  const readOnly = createServices(await tempDir(), ASSETS, await useBestBackend(), undefined, true);
  await assert.rejects(importModel(readOnly, { dir: exported }), /cannot be written, so a model cannot be imported$/);
});
