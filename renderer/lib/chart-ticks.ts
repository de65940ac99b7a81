/**
 * A linear axis whose ends are not on its step (epochs plotted from 1, ticks every 2) gets chart.js's nice ticks
 * plus its ends: "1 2 4 6 ... 12 13", an end crowding its neighbour. Ends closer to their neighbour than the
 * step are dropped; the axis still starts and ends there, unlabelled, as most charts do. Pure.
 */
export function evenTicks(values: readonly number[]): number[] {
  if (values.length < 4) return [...values];
  const gaps = values.slice(1).map((v, i) => v - values[i]!);
  // the step: the gap between the inner ticks (the ends' gaps are the odd ones out)
  const step = Math.max(...gaps.slice(1, -1));
  const close = (gap: number) => gap < step - step * 1e-9;
  return values.filter((_, i) => !(i === 0 && close(gaps[0]!)) && !(i === values.length - 1 && close(gaps.at(-1)!)));
}

export interface AlignedAxes {
  loss: { max: number; step: number };
  accuracy: { min: number; max: number; step: number };
}

/** intervals on both axes: their grid lines then coincide, and one grid serves both */
const INTERVALS = 5;
const NICE_STEPS = [0.1, 0.2, 0.25, 0.5, 1, 2, 2.5, 5, 10, 20, 25, 50, 100];

/**
 * Loss (left) and accuracy (right) axes with the same number of intervals, so that every grid line meets a
 * label on both sides (the accuracy axis had ticks between the loss axis's lines). Accuracy spans 50-100 %
 * (chance to perfect for two classes, 10 points a line) while every value is at least 50 %, else 0-100 %; loss
 * runs from 0 to the smallest nice top that holds every value, at least 0.5. Pure.
 */
export function alignedAxes(losses: readonly number[], accuracies: readonly number[]): AlignedAxes {
  const finite = (xs: readonly number[]) => xs.filter((x) => Number.isFinite(x));
  const maxLoss = Math.max(0.5, ...finite(losses));
  const step = NICE_STEPS.find((s) => s * INTERVALS >= maxLoss - 1e-9) ?? Math.ceil(maxLoss / INTERVALS);
  const accMin = Math.min(1, ...finite(accuracies)) >= 0.5 ? 0.5 : 0;
  return { loss: { max: step * INTERVALS, step }, accuracy: { min: accMin, max: 1, step: (1 - accMin) / INTERVALS } };
}
