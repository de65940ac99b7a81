import type { CalibrationBin, Calibration, Confusion, Metrics, Roc, RocPoint } from '../common/engine-types.js';
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

/**
 * Pure: the ROC curve of P(happy) as a score for "happy" (targets 1 = happy), one point per distinct score
 * (an image counts as happy when its score is at least the threshold), from (0, 0) to (1, 1). The first point,
 * where nothing is called happy, has threshold null. AUC is the area under these points (trapezoids), which
 * equals the chance that a random happy image scores above a random sad one, ties counting half. With only
 * one class present there is no curve to speak of: AUC is NaN.
 */
export function rocCurve(pHappy: ArrayLike<number>, targets: ArrayLike<number>): Roc {
  requireFinite(pHappy);
  const order = Array.from({ length: pHappy.length }, (_, i) => i).sort((a, b) => pHappy[b]! - pHappy[a]!);
  let positives = 0;
  for (let i = 0; i < targets.length; i++) if (targets[i]) positives++;
  const negatives = pHappy.length - positives;
  const points: RocPoint[] = [{ threshold: null, fpr: 0, tpr: 0 }];
  let tp = 0;
  let fp = 0;
  for (let k = 0; k < order.length; ) {
    const score = pHappy[order[k]!]!;
    // every image with the same score crosses the threshold at once
    while (k < order.length && pHappy[order[k]!] === score) {
      if (targets[order[k]!]) tp++;
      else fp++;
      k++;
    }
    points.push({ threshold: score, fpr: negatives ? fp / negatives : NaN, tpr: positives ? tp / positives : NaN });
  }
  let auc = 0;
  for (let i = 1; i < points.length; i++) auc += ((points[i]!.fpr - points[i - 1]!.fpr) * (points[i]!.tpr + points[i - 1]!.tpr)) / 2;
  return { points, auc: positives && negatives ? auc : NaN };
}

/**
 * Pure: the reliability table of P(happy): `bins` equal bins over [0, 1] (the last one includes 1), each with
 * its images' mean P(happy) and the share of them that really are happy. A calibrated model has the two equal
 * in every bin. ECE (expected calibration error) is the mean gap, weighted by the bins' image counts. Empty
 * bins are listed with n = 0 and null figures.
 */
export function calibrationTable(pHappy: ArrayLike<number>, targets: ArrayLike<number>, bins = 10): Calibration {
  requireFinite(pHappy);
  const sums = Array.from({ length: bins }, () => ({ n: 0, p: 0, happy: 0 }));
  for (let i = 0; i < pHappy.length; i++) {
    const p = pHappy[i]!;
    const b = sums[Math.min(bins - 1, Math.max(0, Math.floor(p * bins)))]!;
    b.n++;
    b.p += p;
    if (targets[i]) b.happy++;
  }
  let ece = 0;
  const table: CalibrationBin[] = sums.map((s, i) => {
    const bin: CalibrationBin = { from: i / bins, to: (i + 1) / bins, n: s.n, meanPHappy: s.n ? s.p / s.n : null, happyShare: s.n ? s.happy / s.n : null };
    if (s.n) ece += (s.n / pHappy.length) * Math.abs(bin.meanPHappy! - bin.happyShare!);
    return bin;
  });
  return { bins: table, ece: pHappy.length ? ece : NaN };
}

/** A NaN score equals no other (not even itself): the ROC's grouping of equal scores would never move past it. */
function requireFinite(pHappy: ArrayLike<number>): void {
  for (let i = 0; i < pHappy.length; i++) if (!Number.isFinite(pHappy[i])) throw new RangeError(`P(happy) of image ${i} is ${pHappy[i]}, not a number between 0 and 1`);
}

/** How wrong a judgement is: the probability it gave to the wrong class (0: sure and right, 1: sure and wrong). */
export function wrongness(pHappy: number, label: Label): number {
  return label === 'happy' ? 1 - pHappy : pHappy;
}
