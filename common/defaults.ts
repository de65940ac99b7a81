/**
 * Training defaults, as plain data: the engine uses them, and the CLI's help and the app's settings show
 * them without loading the engine.
 */
import type { AugmentConfig, BaseId, HeadHyperparameters } from './engine-types.js';

export const DEFAULT_BASE: BaseId = 'face-expression';
export const DEFAULT_SEED = 42;
/** share of each class held out for validation when a dataset has no validation/ folder */
export const DEFAULT_VALIDATION_SPLIT = 0.2;

export const DEFAULT_HYPERPARAMETERS: HeadHyperparameters = {
  epochs: 40,
  batchSize: 32,
  learningRate: 1e-3,
  dropout: 0.2,
  l2ToStart: 1e-3,
  earlyStopping: { patience: 6, minDelta: 1e-4 },
  reduceLr: { factor: 0.5, patience: 2, minLr: 1e-5, minDelta: 1e-4, cooldown: 0 },
};

export const DEFAULT_AUGMENT: AugmentConfig = {
  variants: 2,
  flip: true,
  maxRotationDeg: 10,
  maxShift: 0.08,
  maxZoom: 0.1,
  maxBrightness: 0.2,
};
