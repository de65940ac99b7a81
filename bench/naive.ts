/**
 * The straightforward pipeline the notebook's Keras code implies, for comparison: ImageDataGenerator +
 * flow_from_directory + model.fit on a frozen base. Every epoch, every training image is read, decoded, given
 * a fresh random augmentation and run through the frozen base before the head takes its step, and every
 * validation image goes through the base again. Same network, same backend, same batch size, one thread.
 * Run on a subset for a few epochs; the time per image and epoch is extrapolated to the whole run.
 */
import * as tf from '@tensorflow/tfjs';
import { applyAugment, DEFAULT_AUGMENT, variantParams } from '../engine/augment.js';
import type { FrozenBase } from '../engine/bases/base.js';
import { createHead } from '../engine/head.js';
import { decodeImage, readImageBytes } from '../engine/image-decode.js';
import { createRng, shuffled } from '../engine/random.js';

export interface NaiveRun {
  trainImages: number;
  validationImages: number;
  epochs: number;
  /** seconds per training image per epoch (read, decode, augment, base, head step), and per validation image */
  perTrainImage: number;
  perValidationImage: number;
}

export async function naivePipeline(base: FrozenBase, train: ReadonlyArray<{ file: string; happy: boolean }>, validation: ReadonlyArray<{ file: string; happy: boolean }>, epochs: number, seed: number): Promise<NaiveRun> {
  const s = base.inputSize;
  const head = createHead(base.dim, base.zeroShotHead, seed);
  head.compile({ optimizer: tf.train.adam(1e-3), loss: 'binaryCrossentropy', metrics: ['accuracy'] });
  const load = async (file: string, epoch: number, augment: boolean) => {
    const image = await decodeImage(await readImageBytes(file), file, { size: s });
    return augment ? applyAugment(image, variantParams(DEFAULT_AUGMENT, seed + epoch, file, 1)) : image;
  };
  const features = async (items: ReadonlyArray<{ file: string }>, epoch: number, augment: boolean) => {
    const pixels = new Int32Array(items.length * s * s * 3);
    for (const [i, it] of items.entries()) pixels.set((await load(it.file, epoch, augment)).data, i * s * s * 3);
    return tf.tidy(() => base.embed(tf.tensor4d(pixels, [items.length, s, s, 3], 'int32')));
  };
  const rng = createRng(seed);
  let trainSeconds = 0;
  let valSeconds = 0;
  for (let epoch = 0; epoch < epochs; epoch++) {
    const t0 = performance.now();
    const order = shuffled(train, rng);
    for (let b = 0; b < order.length; b += 32) {
      const items = order.slice(b, b + 32);
      const x = await features(items, epoch, true);
      const y = tf.tensor2d(items.map((it) => (it.happy ? 1 : 0)), [items.length, 1]);
      await head.trainOnBatch(x, y);
      tf.dispose([x, y]);
    }
    const t1 = performance.now();
    for (let b = 0; b < validation.length; b += 32) {
      const x = await features(validation.slice(b, b + 32), epoch, false);
      tf.tidy(() => (head.predict(x) as tf.Tensor).dataSync());
      x.dispose();
    }
    trainSeconds += (t1 - t0) / 1000;
    valSeconds += (performance.now() - t1) / 1000;
  }
  head.dispose();
  return {
    trainImages: train.length,
    validationImages: validation.length,
    epochs,
    perTrainImage: trainSeconds / (train.length * epochs),
    perValidationImage: validation.length ? valSeconds / (validation.length * epochs) : 0,
  };
}
