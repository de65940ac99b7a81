import assert from 'node:assert/strict';
import { test } from 'node:test';
import { evalSummary } from '../../cli/format.js';
import type { EvalResult } from '../../common/engine-types.js';

test('human eval summary: confusion table, and at most 20 skipped files listed', () => {
  const skipped = Array.from({ length: 45 }, (_, i) => ({ file: `f${i}.txt`, reason: 'not an image file (.txt)' }));
  const r: EvalResult = {
    n: 4, accuracy: 0.75, balancedAccuracy: 0.75, loss: 0.5,
    confusion: { happy: { happy: 2, sad: 0 }, sad: { happy: 1, sad: 1 } },
    perClass: { happy: { precision: 2 / 3, recall: 1 }, sad: { precision: 1, recall: 0.5 } },
    backend: 'wasm', msPerImage: 3, modelId: 'zero-shot', misclassified: [{ file: 's.jpg', label: 'sad', predicted: 'happy', confidence: 0.7 }],
    failed: [], skipped,
  };
  const text = evalSummary(r);
  assert.match(text, /actual sad\s+1\s+1/);
  assert.match(text, /sad:\s+precision 100.0 %, recall 50.0 %/);
  assert.match(text, /wrong: s.jpg is sad, predicted happy \(70.0 %\)/);
  assert.equal(text.match(/^Skipped /gm)!.length, 20);
  assert.match(text, /and 25 more skipped files/);
});
