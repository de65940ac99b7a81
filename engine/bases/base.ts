import type * as tf from '../tf.js';

import type { BaseId } from '../../common/engine-types.js';

export type { BaseId };

/**
 * The networks the engine embeds with: the bases a model is trained on, and human's emotion network alone,
 * which only a model's second look uses (use-cases/second-look.ts), never a model's base.
 */
export type NetworkId = BaseId | 'emotion';

/**
 * How another thread (an embedding worker, see features/embed-pool.ts) loads the very same weights: the
 * loader's kind and the folder it reads (already verified and in place).
 */
export interface BaseRecipe {
  kind: NetworkId;
  dir: string;
}

/**
 * Which bases are given the faces in grey (greyscale.ts): those that learned expressions from grey faces
 * (FER2013). MobileNetV2 learned ImageNet's colour photos. Read where no base is loaded: an imported or older
 * model's meta.json is checked against it.
 */
export const GREY_INPUT: Readonly<Record<BaseId, boolean>> = { 'face-expression': true, 'face-expression-emotion': true, 'mobilenet-v2': false };

/** A pretrained network used frozen: images in, one feature vector per image out. */
export interface FrozenBase<Id extends NetworkId = BaseId> {
  id: Id;
  /** changes whenever the weights change; part of every embedding-cache key */
  fingerprint: string;
  /** side of the square RGB image it takes */
  inputSize: number;
  /** length of the feature vector */
  dim: number;
  /** faces go in greyscale (greyscale.ts): GREY_INPUT of its id */
  greyInput: boolean;
  /** [n, inputSize, inputSize, 3] RGB 0..255 (any dtype) -> [n, dim]; the caller disposes the result */
  embed(images: tf.Tensor4D): tf.Tensor2D;
  /** weights of a ready-made happy-vs-sad head (logit = features . kernel + bias), when the base has one */
  zeroShotHead?: { kernel: Float32Array; bias: number };
  /**
   * the head trains on standardised features (head.ts, trainHead's `standardize`): set when the vector joins
   * features of unlike scales, as two networks side by side
   */
  standardize?: boolean;
  /** set when other threads can load the same base; without it, the base is embedded on its own thread only */
  recipe?: BaseRecipe;
  dispose(): void;
}
