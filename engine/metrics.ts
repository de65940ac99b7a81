import type { Confusion, Metrics } from '../common/engine-types.js';
import type { Label } from '../common/labels.js';



const EPS = 1e-7;

/** Binary cross-entropy of P(happy) against targets (1 = happy), averaged. */
export function binaryCrossEntropy(pHappy: ArrayLike<number>, targets: ArrayLike<number>): number {
  if (pHappy.length === 0) return NaN;
  let sum = 0;
  for (let i = 0; i < pHappy.length; i++) {
    const p = Math.min(1 - EPS, Math.max(EPS, pHappy[i]!));
    sum += targets[i] ? -Math.log(p) : -Math.log(1 - p);
  }
  return sum / pHappy.length;
}

/** Pure: metrics from P(happy) per sample and targets (1 = happy). Undefined ratios (0/0) are NaN. */
export function computeMetrics(pHappy: ArrayLike<number>, targets: ArrayLike<number>): Metrics {
  const confusion: Confusion = { happy: { happy: 0, sad: 0 }, sad: { happy: 0, sad: 0 } };
  for (let i = 0; i < pHappy.length; i++) {
    const actual: Label = targets[i] ? 'happy' : 'sad';
    const predicted: Label = pHappy[i]! >= 0.5 ? 'happy' : 'sad';
    confusion[actual][predicted]++;
  }
  const n = pHappy.length;
  const correct = confusion.happy.happy + confusion.sad.sad;
  const perClass = {} as Metrics['perClass'];
  for (const c of ['happy', 'sad'] as const) {
    const other = c === 'happy' ? 'sad' : 'happy';
    const tp = confusion[c][c];
    perClass[c] = { precision: tp / (tp + confusion[other][c]), recall: tp / (tp + confusion[c][other]) };
  }
  const recalls = [perClass.happy.recall, perClass.sad.recall].filter((r) => !Number.isNaN(r));
  return {
    n,
    accuracy: n ? correct / n : NaN,
    balancedAccuracy: recalls.length ? recalls.reduce((a, b) => a + b, 0) / recalls.length : NaN,
    loss: binaryCrossEntropy(pHappy, targets),
    confusion,
    perClass,
  };
}
