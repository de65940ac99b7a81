import type { Metrics } from '../../common/engine-types.js';
import { computeMetrics } from '../../engine/metrics.js';

/** Metrics of `right` correct answers out of `n` (half happy), with the given loss. */
export function metricsOf(right: number, n: number, loss: number): Metrics {
  const p: number[] = [];
  const y: number[] = [];
  for (let i = 0; i < n; i++) {
    y.push(i % 2);
    p.push(i < right ? (i % 2 ? 0.9 : 0.1) : i % 2 ? 0.1 : 0.9);
  }
  return { ...computeMetrics(p, y), loss };
}
