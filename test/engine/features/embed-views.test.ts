import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { DEFAULT_AUGMENT, IDENTITY, MIRROR, variantParams } from '../../../engine/augment.js';
import { loadFaceExpressionBase } from '../../../engine/bases/face-expression.js';
import { embedViews } from '../../../engine/features/embed-views.js';
import { greyscale } from '../../../engine/greyscale.js';
import { decodeImage } from '../../../engine/image-decode.js';
import { useBestBackend } from '../../helpers/backend.js';
import { ASSETS, FACES } from '../../helpers/tmp.js';
import { readdir, readFile } from 'node:fs/promises';

test('a face in colour gives the base the same vectors as the same face in grey, in every view', async () => {
  await useBestBackend();
  const base = await loadFaceExpressionBase(join(ASSETS, 'models', 'face-expression'));
  const file = join(FACES, 'happy', 'Training_10080933.jpg');
  const face = await decodeImage(await readFile(file), file, { size: base.inputSize });
  // tinted: warm on one side, cool on the other
  const colour = { size: face.size, data: face.data.map((v, k) => Math.min(255, Math.round(v * [1.3, 0.9, 0.6][k % 3]! + ((k / 3) % face.size < face.size / 2 ? 20 : -20)))) };
  assert.notDeepEqual(greyscale(colour), colour);
  const jobs = [IDENTITY, MIRROR, variantParams(DEFAULT_AUGMENT, 1, 'ab'.repeat(32), 1)].map((view) => ({ image: 0, view }));
  const inColour = embedViews(base, [colour], jobs).vectors;
  assert.deepEqual(inColour, embedViews(base, [greyscale(colour)], jobs).vectors);
  assert.equal(inColour.length, 3 * base.dim);
});

test('two faces in one batch: each view is made from its own face, in grey', async () => {
  await useBestBackend();
  const base = await loadFaceExpressionBase(join(ASSETS, 'models', 'face-expression'));
  const load = async (name: string) => decodeImage(await readFile(join(FACES, name)), name, { size: base.inputSize });
  const [a, b] = await Promise.all([load(join('happy', 'Training_10080933.jpg')), load(join('sad', (await readdir(join(FACES, 'sad')))[0]!))]);
  const tint = (img: typeof a) => ({ size: img.size, data: img.data.map((v, k) => Math.min(255, Math.round(v * [1.2, 1, 0.7][k % 3]!))) });
  // interleaved: a view of each face, then the mirror of each
  const jobs = [IDENTITY, MIRROR].flatMap((view) => [0, 1].map((image) => ({ image, view })));
  const batch = embedViews(base, [tint(a), tint(b)], jobs).vectors;
  const alone = (img: typeof a, view: typeof IDENTITY) => embedViews(base, [greyscale(tint(img))], [{ image: 0, view }]).vectors;
  const rows = jobs.map((_, i) => batch.subarray(i * base.dim, (i + 1) * base.dim));
  const close = (x: Float32Array, y: Float32Array) => x.every((v, k) => Math.abs(v - y[k]!) <= 1e-4 * (1 + Math.abs(y[k]!)));
  jobs.forEach((job, i) => assert.ok(close(rows[i]!, alone([a, b][job.image]!, job.view)), `view ${i} (face ${job.image}) is its own face's`));
  assert.ok(!close(rows[0]!, rows[1]!), 'the two faces give different vectors');
});

test('a base that learned from colour (greyInput false) is given the colours', async () => {
  await useBestBackend();
  const grey = await loadFaceExpressionBase(join(ASSETS, 'models', 'face-expression'));
  const colourBase = { ...grey, greyInput: false };
  const file = join(FACES, 'happy', 'Training_10080933.jpg');
  const face = await decodeImage(await readFile(file), file, { size: grey.inputSize });
  const colour = { size: face.size, data: face.data.map((v, k) => Math.min(255, Math.round(v * [1.3, 0.9, 0.6][k % 3]!))) };
  const jobs = [{ image: 0, view: IDENTITY }];
  assert.notDeepEqual(embedViews(colourBase, [colour], jobs).vectors, embedViews(grey, [colour], jobs).vectors);
  assert.deepEqual(embedViews(colourBase, [greyscale(colour)], jobs).vectors, embedViews(grey, [colour], jobs).vectors);
});
