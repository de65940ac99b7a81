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
