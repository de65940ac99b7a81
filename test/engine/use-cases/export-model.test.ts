import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { before, test } from 'node:test';
import * as tf from '../../../engine/tf.js';
import { fileSystemHandler } from '../../../engine/fs-io-handler.js';
import { CROP_MAX_SIDE, CROP_SCALE, CROP_SHIFT_Y, FILLS_FRAME } from '../../../engine/faces/face-crops.js';
import { exportModel, exportReadme } from '../../../engine/use-cases/export-model.js';
import { createServices, type EngineServices } from '../../../engine/use-cases/services.js';
import { trainFromFolder } from '../../../engine/use-cases/train.js';
import { useBestBackend } from '../../helpers/backend.js';
import { ASSETS, FACES, tempDir } from '../../helpers/tmp.js';

let services: EngineServices;
before(async () => {
  services = createServices(await tempDir(), ASSETS, await useBestBackend());
});

test('export: a tfjs layers model that loads and judges as the saved one, meta.json and a README; never overwritten', async () => {
  const r = await trainFromFolder(services, { data: FACES, epochs: 1 });
  const out = await tempDir();
  const { dir } = await exportModel(services, { id: r.modelId, dir: out });
  assert.equal(dir, join(out, `happysad-model-${r.modelId}`));
  assert.deepEqual((await readdir(dir)).sort(), ['README.md', 'meta.json', 'model.json', 'weights.bin']);
  assert.deepEqual(await readdir(out), [`happysad-model-${r.modelId}`], 'no temporary folder left');

  const exported = await tf.loadLayersModel(fileSystemHandler(dir));
  const { head: saved, meta } = await services.registry.load(r.modelId);
  const x = tf.randomNormal([3, meta.base.dim], 0, 1, 'float32', 7);
  const a = (exported.predict(x) as tf.Tensor).dataSync();
  const b = (saved.predict(x) as tf.Tensor).dataSync();
  assert.deepEqual([...a], [...b]);
  x.dispose();
  exported.dispose();
  saved.dispose();

  assert.equal(JSON.parse(await readFile(join(dir, 'meta.json'), 'utf8')).id, r.modelId);
  const readme = await readFile(join(dir, 'README.md'), 'utf8');
  assert.match(readme, new RegExp(`# HappySad model ${r.modelId}`));
  assert.match(readme, new RegExp(`\\[n, ${meta.base.dim}\\] feature`));
  assert.match(readme, /tf\.loadLayersModel\(/);
  assert.match(readme, new RegExp(meta.base.fingerprint));
  // how an image is prepared, as judge.ts and the feature store do it: the largest face's square crop, at the base's side, and its mirror
  assert.match(readme, /keeps\s+the \*\*largest\*\* face/);
  assert.match(readme, /side 0\.95 x the box's larger side, centred 0\.11 x that\s+side above/);
  assert.match(readme, /Resize that square to 112 x 112 px/);
  // in grey, as embed-views.ts gives it to the base, with greyscale.ts's own figures
  assert.equal(meta.base.greyInput, true);
  assert.match(readme, /112 x 112 px, turn it grey \(each pixel's three channels set to the integer part of \(299 R \+ 587 G \+ 114 B \+ 500\) \/ 1000\)/);
  // a model saved before faces went in grey: its README says it was given colour faces
  const { greyInput: _, ...older } = meta.base;
  assert.match(exportReadme({ ...meta, base: older }), /112 x 112 px \(in colour: this model was trained by a HappySad version that gave the base colour faces/);
  assert.doesNotMatch(exportReadme({ ...meta, base: older }), /turn it grey/);
  // MobileNetV2 learned from colour photos: given colour, whichever version saved the model
  assert.match(exportReadme({ ...meta, base: { ...older, id: 'mobilenet-v2' } }), /224 x 224 px \(in colour\) and normalise/);
  assert.match(readme, /on its mirror image .* and average the two feature\s+vectors/s);
  // the figures are the ones the engine crops with
  assert.match(readme, new RegExp(`side ${CROP_SCALE} x the box's larger side, centred ${-CROP_SHIFT_Y} x that`));
  assert.match(readme, new RegExp(`at most ${CROP_MAX_SIDE} x ${CROP_MAX_SIDE} px, or the largest face\\s+covers ${FILLS_FRAME * 100} %`));

  await assert.rejects(exportModel(services, { id: r.modelId, dir: out }), /already exists; choose another folder/);
  await assert.rejects(exportModel(services, { id: r.modelId, dir: join(out, 'nope') }), /nope: no such folder to export into/);
  await assert.rejects(exportModel(services, { id: r.modelId, dir: join(out, `happysad-model-${r.modelId}`, 'README.md') }), /README\.md: not a folder to export into/);
  await assert.rejects(exportModel(services, { id: '20200101-000000-0000', dir: out }), /no model "20200101-000000-0000"/);

  // a second look is described where a model has one: when it is asked, what goes in, where its weights are
  assert.doesNotMatch(readme, /second look/i);
  const look = { network: { id: 'emotion' as const, fingerprint: 'emotion-x', dim: 256 }, margin: 0.4, share: 0.2, trainedOn: 400, kernel: new Array<number>(512).fill(0), bias: 0 };
  const withLook = exportReadme({ ...meta, secondLook: look });
  assert.match(withLook, /## Its second look\n\nA face the head is unsure of, P\(happy\) above 0\.1 and below 0\.9, is judged again/);
  assert.match(withLook, /Put 256 more values after the face's 256 features:\nhuman's emotion network/);
  assert.match(withLook, /`kernel` \(512 numbers\) and `bias` from\n`secondLook` in meta\.json\. It learned from the 400 training images/);
});
