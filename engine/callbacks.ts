/**
 * Keras-style EarlyStopping and ReduceLROnPlateau as pure state machines over the monitored value
 * (lower is better), so that their behaviour can be tested on a scripted loss history.
 */
import type { EarlyStoppingConfig, ReduceLrConfig } from '../common/engine-types.js';

export class EarlyStopping {
  best = Infinity;
  bestEpoch = -1;
  private wait = 0;

  constructor(readonly config: EarlyStoppingConfig) {}

  /** Returns whether this epoch is the best so far (its weights should be kept) and whether to stop. */
  update(epoch: number, value: number): { improved: boolean; stop: boolean } {
    if (value < this.best - this.config.minDelta) {
      this.best = value;
      this.bestEpoch = epoch;
      this.wait = 0;
      return { improved: true, stop: false };
    }
    this.wait++;
    return { improved: false, stop: this.wait >= this.config.patience };
  }
}


export class ReduceLrOnPlateau {
  private best = Infinity;
  private wait = 0;
  private cooldownLeft = 0;

  constructor(readonly config: ReduceLrConfig) {}

  /** Returns the learning rate to use from the next epoch on. */
  update(value: number, lr: number): number {
    if (this.cooldownLeft > 0) this.cooldownLeft--;
    if (value < this.best - this.config.minDelta) {
      this.best = value;
      this.wait = 0;
      return lr;
    }
    if (this.cooldownLeft > 0) return lr;
    this.wait++;
    if (this.wait >= this.config.patience && lr > this.config.minLr) {
      this.wait = 0;
      this.cooldownLeft = this.config.cooldown;
      return Math.max(this.config.minLr, lr * this.config.factor);
    }
    return lr;
  }
}
