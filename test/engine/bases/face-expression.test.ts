import assert from 'node:assert/strict';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { before, test } from 'node:test';
import { IDENTITY } from '../../../engine/augment.js';
import type { FrozenBase } from '../../../engine/bases/base.js';
import { loadFaceExpressionBase } from '../../../engine/bases/face-expression.js';
import { FeatureStore } from '../../../engine/features/feature-store.js';
import { useBestBackend } from '../../helpers/backend.js';
import { ASSETS, FACES } from '../../helpers/tmp.js';

let base: FrozenBase;
before(async () => {
  await useBestBackend();
  base = await loadFaceExpressionBase(join(ASSETS, 'models', 'face-expression'));
});

test('face-expression base: its zero-shot head tells happy from sad on the fixtures', async () => {
  const store = await FeatureStore.open(null, base);
  let correct = 0;
  let n = 0;
  for (const label of ['happy', 'sad'] as const) {
    const files = (await readdir(join(FACES, label))).sort().map((f) => join(FACES, label, f));
    const out = await store.features(files.map((file) => ({ sample: { file }, views: () => [IDENTITY] })));
    for (const v of out.vectors) {
      const logit = v![0]!.reduce((s, x, i) => s + x * base.zeroShotHead!.kernel[i]!, base.zeroShotHead!.bias);
      n++;
      if ((logit > 0) === (label === 'happy')) correct++;
    }
  }
  assert.ok(correct / n >= 0.7, `zero-shot accuracy ${correct}/${n}`);
});
