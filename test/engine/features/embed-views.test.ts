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
import { readFile } from 'node:fs/promises';

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
