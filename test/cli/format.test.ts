import assert from 'node:assert/strict';
import { test } from 'node:test';
import { backendLine, evalSummary, localTime, predictLines, trainSummary } from '../../cli/format.js';
import { modelLines, previewLines } from '../../cli/library-format.js';
import type { RetrainPreview } from '../../common/library-types.js';
import type { BackendInfo, EvalResult, TrainResult } from '../../common/engine-types.js';

/** the per-image part of an eval result, which the summary lines do not use */
const PER_IMAGE = { source: { kind: 'folder', dir: '/d' }, images: [], roc: { points: [], auc: NaN }, calibration: { bins: [], ece: NaN } } satisfies Partial<EvalResult>;

test('human eval summary: confusion table, and at most 20 skipped files listed', () => {
  const skipped = Array.from({ length: 45 }, (_, i) => ({ file: `f${i}.txt`, reason: 'not an image file (.txt)' }));
  const r: EvalResult = {
    n: 4, accuracy: 0.75, balancedAccuracy: 0.75, loss: 0.5,
    confusion: { happy: { happy: 2, sad: 0 }, sad: { happy: 1, sad: 1 } },
    perClass: { happy: { precision: 2 / 3, recall: 1 }, sad: { precision: 1, recall: 0.5 } },
    backend: 'wasm', msPerImage: 3, modelId: 'zero-shot', misclassified: [{ file: 's.jpg', label: 'sad', predicted: 'happy', confidence: 0.7 }],
    failed: [], skipped, features: { computed: 8, cached: 0 }, trainedOn: 0, warnings: [], ...PER_IMAGE,
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
    features: { computed: 0, cached: 80 }, trainedOn: null, warnings: [], ...PER_IMAGE,
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

function trainResult(over: Partial<TrainResult> = {}): TrainResult {
  const validation = { n: 400, accuracy: 0.895, balancedAccuracy: 0.895, loss: 0.25, confusion: { happy: { happy: 180, sad: 20 }, sad: { happy: 22, sad: 178 } }, perClass: { happy: { precision: 0.89, recall: 0.9 }, sad: { precision: 0.9, recall: 0.89 } } };
  return {
    modelId: 'NEW', backend: 'wasm', seconds: 12.3, epochs: 10, best: { epoch: 7, valAccuracy: 0.895, valLoss: 0.25 }, history: [],
    dataset: { root: '/d', validationFrom: 'folders', train: { happy: 6, sad: 9 }, validation: { happy: 200, sad: 200 }, ignoredClasses: [], skipped: [{ file: 'b.jpg', reason: 'corrupt or truncated JPEG image' }, { file: 'n.txt', reason: 'not an image file (.txt)' }] },
    embedding: { images: 415, views: 1230, cached: 0, seconds: 10 }, stoppedEarly: true,
    failed: [{ file: 'b.jpg', reason: 'corrupt or truncated JPEG image' }],
    validation,
    promotion: { madeCurrent: true, reason: 'val acc 89.5 % vs 88.0 % for the previous model OLD on the same 400 validation images', why: { kind: 'compared', asked: false, previous: 'OLD', n: 400, accuracy: 0.895, previousAccuracy: 0.88, loss: null, previousLoss: null, tolerancePoints: 0 }, previous: { modelId: 'OLD', valAccuracy: 0.88, valLoss: 0.3, sadRecall: 0.85 } },
    warnings: [],
    ...over,
  };
}

test('human train summary: which model is current and why, counts of images read, each skipped file once', () => {
  const made = trainSummary(trainResult());
  assert.match(made, /^Model NEW saved and made current: val acc 89\.5 % vs 88\.0 % for the previous model OLD on the same 400 validation images\.$/m);
  assert.match(made, /^Data: train 6 happy \/ 9 sad, validation 200 happy \/ 200 sad \(validation\/ folder\); 2 files skipped\.$/m);
  assert.match(made, /sad recall 89\.0 % on 400 validation images/);
  assert.equal(made.match(/^Skipped /gm)!.length, 2, 'each skipped file once (failed is a subset of skipped)');
  const kept = trainSummary(trainResult({ promotion: { madeCurrent: false, reason: 'val acc 85.0 % vs 88.0 % for the current model OLD on the same 400 validation images', why: { kind: 'compared', asked: false, previous: 'OLD', n: 400, accuracy: 0.85, previousAccuracy: 0.88, loss: null, previousLoss: null, tolerancePoints: 0 }, previous: null } }));
  assert.match(kept, new RegExp(`^Model NEW saved but NOT made current: val acc 85\\.0 % vs 88\\.0 % for the current model OLD on the same 400 validation images \\(make it current with "happysad models use NEW"\\)\\.$`, 'm'));
  assert.doesNotMatch(made, /Not read/);
  const beside = trainSummary(trainResult({ dataset: { ...trainResult().dataset, unusedBesideTrain: ['happy', 'sad'] } }));
  assert.match(beside, /^Not read: happy\/, sad\/ beside train\/ \(train\/ and validation\/ are\)\.$/m);
  const blind = trainSummary(trainResult({ validation: null, best: { epoch: 3, valAccuracy: null, valLoss: null } }));
  assert.match(blind, /Best epoch 3 of 10 \(stopped early\), by training loss: no validation figures/);
  assert.doesNotMatch(blind, /100\.0 %|val_acc/);
  // with a second look: val_acc is the first head's, the model's accuracy is said with what the second look did
  const looked = trainSummary(trainResult({ secondLook: { trainedOn: 600, asked: 68 }, validation: { ...trainResult().validation!, accuracy: 0.9275, perClass: { happy: { precision: 0.95, recall: 0.895 }, sad: { precision: 0.9, recall: 0.96 } } } }));
  assert.match(looked, /^Best epoch 7 of 10 \(stopped early\): val_acc 89\.5 %, val_loss 0\.2500; with its second look \(faces it was unsure of judged again, 68 of 400; learned from 600 training images\): accuracy 92\.8 %, sad recall 96\.0 % on 400 validation images\.$/m);
});

test('human eval summary: ms/image says whether features were computed or came from the cache; "1 image"', () => {
  const base: EvalResult = {
    n: 1, accuracy: 1, balancedAccuracy: 1, loss: 0.1,
    confusion: { happy: { happy: 1, sad: 0 }, sad: { happy: 0, sad: 0 } },
    perClass: { happy: { precision: 1, recall: 1 }, sad: { precision: NaN, recall: NaN } },
    backend: 'wasm', msPerImage: 31.24, modelId: 'M', misclassified: [], failed: [], skipped: [],
    features: { computed: 2, cached: 0 }, trainedOn: 0, warnings: [], ...PER_IMAGE,
  };
  assert.match(evalSummary(base), /^Model M on 1 image \(wasm\): 31\.2 ms\/image \(features computed\)$/m);
  // what was left out is counted where the count of judged images is, and listed below
  const leftOut = evalSummary({ ...base, failed: [{ file: 'a.jpg', reason: 'the file is empty' }], skipped: [{ file: 'b.txt', reason: 'not an image file (.txt)' }] });
  assert.match(leftOut, /^Model M on 1 image \(wasm\): 31\.2 ms\/image \(features computed\); 2 files left out, listed below$/m);
  assert.match(leftOut, /^Skipped a\.jpg: the file is empty$/m);
  assert.match(evalSummary({ ...base, msPerImage: 0.3, features: { computed: 0, cached: 2 } }), /0\.3 ms\/image \(features from the cache\)/);
  assert.match(evalSummary({ ...base, n: 3, features: { computed: 2, cached: 4 } }), /on 3 images .*\(2 feature vectors computed, 4 from the cache\)/);
});

test('a confidence short of certainty never shows as 100.0 %', () => {
  const lines = predictLines({
    results: [
      { file: 'a.jpg', label: 'happy', confidence: 0.99999994, probabilities: { happy: 0.99999994, sad: 6e-8 } },
      { file: 'b.jpg', label: 'sad', confidence: 0.912, probabilities: { happy: 0.088, sad: 0.912 } },
    ],
    modelId: 'zero-shot',
    backend: 'wasm',
  });
  assert.equal(lines, 'a.jpg\thappy\t>99.9 %\nb.jpg\tsad\t91.2 %');
});

test('human eval summary: ROC AUC and calibration error; says when it judged the model\'s own validation images', () => {
  const r: EvalResult = {
    n: 2, accuracy: 1, balancedAccuracy: 1, loss: 0.1,
    confusion: { happy: { happy: 1, sad: 0 }, sad: { happy: 0, sad: 1 } },
    perClass: { happy: { precision: 1, recall: 1 }, sad: { precision: 1, recall: 1 } },
    backend: 'wasm', msPerImage: 1, modelId: 'M', misclassified: [], failed: [], skipped: [],
    features: { computed: 0, cached: 4 }, trainedOn: 0, warnings: [],
    ...PER_IMAGE, source: { kind: 'validation', modelId: 'M', root: '/data', missing: 3 }, roc: { points: [], auc: 0.91234 }, calibration: { bins: [], ece: 0.0456 },
  };
  assert.match(evalSummary(r), /^on its own validation images, found in \/data \(3 images not found\)$/m);
  assert.match(evalSummary(r), /^ROC AUC 0\.912  calibration error \(ECE\) 4\.6 %$/m);
  assert.doesNotMatch(evalSummary({ ...r, source: { kind: 'folder', dir: '/d' } }), /own validation/);
  assert.match(evalSummary({ ...r, roc: { points: [], auc: NaN } }), /ROC AUC n\/a/);
});

test('predict lines keep file, label, confidence (the largest face) and say when an image held no face or several', () => {
  const face = (label: 'happy' | 'sad', p: number, x: number) => ({ box: { x, y: 10.4, width: 100.6, height: 100.6 }, label, confidence: p, probabilities: label === 'happy' ? { happy: p, sad: 1 - p } : { happy: 1 - p, sad: p } });
  const lines = predictLines({
    results: [
      { file: 'one.jpg', label: 'happy', confidence: 0.9, probabilities: { happy: 0.9, sad: 0.1 }, faces: [face('happy', 0.9, 0)] },
      { file: 'two.jpg', label: 'sad', confidence: 0.8, probabilities: { happy: 0.2, sad: 0.8 }, faces: [face('sad', 0.8, 5), face('happy', 0.7, 200)] },
      { file: 'none.jpg', label: 'happy', confidence: 0.6, probabilities: { happy: 0.6, sad: 0.4 }, faces: [], face: 'none found' },
    ],
    modelId: 'zero-shot',
    backend: 'wasm',
  }).split('\n');
  assert.equal(lines[0], 'one.jpg\thappy\t90.0 %');
  assert.equal(lines[1], 'two.jpg\tsad\t80.0 %\t2 faces: sad 80.0 % at 5,10 101x101; happy 70.0 % at 200,10 101x101');
  assert.equal(lines[2], 'none.jpg\thappy\t60.0 %\tno face found (whole image judged)');
});

test('stored UTC times are shown as this computer\'s clock reads them: the model list\'s date and its import date', (t) => {
  const before = process.env.TZ;
  t.after(() => (before === undefined ? delete process.env.TZ : (process.env.TZ = before)));
  process.env.TZ = 'Asia/Jakarta'; // UTC+7 all year: the evening in UTC is the next morning there
  assert.equal(localTime('2026-12-07T20:30:05.120Z'), '2026-12-08 03:30:05');
  assert.equal(localTime('2026-12-07T20:30:05.120Z', true), '2026-12-08');
  process.env.TZ = 'America/Los_Angeles';
  assert.equal(localTime('2026-12-07T05:00:00.000Z'), '2026-12-06 21:00:00');
  assert.equal(localTime('not a time'), 'not a time', 'a hand-edited value is shown as it is');
  process.env.TZ = 'Asia/Jakarta';
  const model = {
    id: '20261207-203005-ab12', base: { id: 'face-expression', fingerprint: 'f', dim: 256 }, createdAt: '2026-12-07T20:30:05.120Z', importedAt: '2026-12-07T23:59:00.000Z', current: true,
    dataset: { root: '/d', train: { happy: 1, sad: 1 }, validation: { happy: 1, sad: 1 } },
    validation: { n: 2, accuracy: 1, perClass: { happy: { precision: 1, recall: 1 }, sad: { precision: 1, recall: 1 } } },
  } as unknown as Parameters<typeof modelLines>[0][number];
  assert.match(modelLines([model]), /  2026-12-08 03:30:05  current, imported 2026-12-08$/);
});

test('retrain dry run: learned validation images moved, or said to be unchecked when the current model lists none', () => {
  const counts = { happy: 4, sad: 4 };
  const p: RetrainPreview = {
    fromModel: '20261128-101530-ab12', base: 'face-expression',
    dataset: { root: '/d', train: counts, validation: counts },
    library: { train: counts, validation: counts, used: { confirmed: 10, corrected: 6, unreviewed: 0 }, notUsed: { unreviewed: 0, belowConfidence: 0, alreadyInTrainingData: 0 } },
    total: { train: counts, validation: counts }, learned: 3, includeUnreviewed: false, minConfidence: null, ready: true, fingerprint: 'f',
  };
  assert.match(previewLines(p), /^ {2}moved to train: 3 validation images the current model learned from/m);
  assert.doesNotMatch(previewLines({ ...p, learned: 0 }), /moved to train|not checked/);
  const unchecked = previewLines({ ...p, learned: null });
  assert.match(unchecked, /^ {2}not checked: which validation images the current model learned from \(its samples\.json is missing or damaged\)/m);
  assert.doesNotMatch(unchecked, /moved to train/);
});
