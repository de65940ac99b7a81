/**
 * One batch of views through a frozen base: each view is an image and the augmentation to apply to it. The
 * same function runs on the engine thread and in every embedding worker (embed-worker.ts), so a view's
 * vector does not depend on where it was computed.
 */
import * as tf from '../tf.js';
import { applyAugment, type AugmentParams } from '../augment.js';
import type { FrozenBase, NetworkId } from '../bases/base.js';
import { greyscale } from '../greyscale.js';
import type { RgbImage } from '../image-decode.js';

export interface ViewJob {
  /** index into the batch's images */
  image: number;
  view: AugmentParams;
}

export interface BatchResult {
  /** row-major, one row of base.dim values per view, in the order of the jobs */
  vectors: Float32Array;
  /** milliseconds spent augmenting, and in the network (upload, forward pass, read-back) */
  augmentMs: number;
  networkMs: number;
}

export function embedViews(base: FrozenBase<NetworkId>, images: readonly RgbImage[], jobs: readonly ViewJob[]): BatchResult {
  const s = base.inputSize;
  const t0 = performance.now();
  const pixels = new Int32Array(jobs.length * s * s * 3);
  // in grey before the views are made (greyscale.ts): once per image, and a warp of a grey image stays grey
  const grey = new Map<number, RgbImage>();
  const input = (i: number) => (base.greyInput ? (grey.get(i) ?? grey.set(i, greyscale(images[i]!)).get(i)!) : images[i]!);
  jobs.forEach((job, i) => pixels.set(applyAugment(input(job.image), job.view).data, i * s * s * 3));
  const t1 = performance.now();
  const out = tf.tidy(() => base.embed(tf.tensor4d(pixels, [jobs.length, s, s, 3], 'int32')));
  let vectors: Float32Array;
  try {
    vectors = out.dataSync() as Float32Array;
  } finally {
    out.dispose();
  }
  // an array of its own (not a view of a larger buffer), so that it can be transferred between threads
  if (vectors.byteOffset !== 0 || vectors.buffer.byteLength !== vectors.byteLength) vectors = vectors.slice();
  return { vectors, augmentMs: t1 - t0, networkMs: performance.now() - t1 };
}
