import assert from 'node:assert/strict';
import { test } from 'node:test';
import { backendLine, evalSummary } from '../../cli/format.js';
import type { BackendInfo, EvalResult } from '../../common/engine-types.js';

test('human eval summary: confusion table, and at most 20 skipped files listed', () => {
  const skipped = Array.from({ length: 45 }, (_, i) => ({ file: `f${i}.txt`, reason: 'not an image file (.txt)' }));
  const r: EvalResult = {
    n: 4, accuracy: 0.75, balancedAccuracy: 0.75, loss: 0.5,
    confusion: { happy: { happy: 2, sad: 0 }, sad: { happy: 1, sad: 1 } },
    perClass: { happy: { precision: 2 / 3, recall: 1 }, sad: { precision: 1, recall: 0.5 } },
    backend: 'wasm', msPerImage: 3, modelId: 'zero-shot', misclassified: [{ file: 's.jpg', label: 'sad', predicted: 'happy', confidence: 0.7 }],
    failed: [], skipped, features: { computed: 8, cached: 0 }, trainedOn: 0, warnings: [],
  };
  const text = evalSummary(r);
  assert.match(text, /actual sad\s+1\s+1/);
  assert.match(text, /sad:\s+precision 100.0 %, recall 50.0 %/);
  assert.match(text, /wrong: s.jpg is sad, predicted happy \(70.0 %\)/);
  assert.equal(text.match(/^Skipped /gm)!.length, 20);
  assert.match(text, /and 25 more skipped files/);
});

test('human eval summary caps the misclassified list; all of them stay in the JSON', () => {
  const wrong = Array.from({ length: 33 }, (_, i) => ({ file: `w${i}.jpg`, label: 'sad' as const, predicted: 'happy' as const, confidence: 0.6 }));
  const r: EvalResult = {
    n: 40, accuracy: 0.2, balancedAccuracy: 0.2, loss: 1,
    confusion: { happy: { happy: 7, sad: 0 }, sad: { happy: 33, sad: 0 } },
    perClass: { happy: { precision: 0.2, recall: 1 }, sad: { precision: NaN, recall: 0 } },
    backend: 'wasm', msPerImage: 3, modelId: 'zero-shot', misclassified: wrong, failed: [], skipped: [],
    features: { computed: 0, cached: 80 }, trainedOn: null, warnings: [],
  };
  const text = evalSummary(r);
  assert.equal(text.match(/^wrong: /gm)!.length, 20);
  assert.match(text, /and 13 more misclassified images \(all of them are in --json output\)/);
});

test('backend line: one line; the reason a native backend is missing; each attempt only with --verbose', () => {
  const wasm: BackendInfo = {
    name: 'wasm', kind: 'wasm', label: 'WebAssembly (SIMD, 1 thread)',
    attempts: [
      { candidate: '@tensorflow/tfjs-node-gpu', ok: false, reason: '@tensorflow/tfjs-node-gpu is not installed' },
      { candidate: '@tensorflow/tfjs-node', ok: false, reason: '@tensorflow/tfjs-node is not installed' },
      { candidate: '@tensorflow/tfjs-backend-wasm', ok: true },
    ],
  };
  assert.equal(backendLine(wasm, false), 'Backend: WebAssembly (SIMD, 1 thread); native TensorFlow not installed: see README, "GPU and backends"');
  assert.equal(backendLine(wasm, true).split('\n').length, 3);
  const broken = { ...wasm, attempts: [{ candidate: '@tensorflow/tfjs-node', ok: false, reason: 'tfjs-node failed to load: libcudart.so.11 missing' }, wasm.attempts[2]!] };
  assert.match(backendLine(broken, false), /; native TensorFlow skipped: tfjs-node failed to load: libcudart/);
  const native: BackendInfo = { name: 'tensorflow', kind: 'native-cpu', label: 'native CPU via tfjs-node', attempts: [wasm.attempts[0]!, { candidate: '@tensorflow/tfjs-node', ok: true }] };
  assert.equal(backendLine(native, false), 'Backend: native CPU via tfjs-node');
});
