import type { HeadTrainingData } from '../../engine/head.js';
import { createRng } from '../../engine/random.js';

/** Two noisy Gaussian blobs in `dim` dimensions: class 1 around +1 on the first axis, class 0 around -1. */
export function blobs(n: number, dim: number, seed: number): HeadTrainingData {
  const rng = createRng(seed);
  const data = new Float32Array(n * dim);
  const y = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    y[i] = i % 2;
    for (let d = 0; d < dim; d++) data[i * dim + d] = (rng() - 0.5) * 2 + (d === 0 ? (y[i] ? 1 : -1) : 0);
  }
  return { x: { data, n, dim }, y };
}
