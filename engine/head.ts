import * as tf from '@tensorflow/tfjs';
import { DEFAULT_HYPERPARAMETERS } from '../common/defaults.js';
import type { EpochLog, HeadHyperparameters } from '../common/engine-types.js';

export { DEFAULT_HYPERPARAMETERS };
import { EarlyStopping, ReduceLrOnPlateau } from './callbacks.js';
import { throwIfAborted, yieldToEventLoop } from './errors.js';
import { computeMetrics } from './metrics.js';
import { createRng, shuffled } from './random.js';


export type { EpochLog, HeadHyperparameters };



export interface Matrix {
  /** row-major n x dim */
  data: Float32Array;
  n: number;
  dim: number;
}

export interface HeadTrainingData {
  x: Matrix;
  /** 1 = happy */
  y: Float32Array;
}

interface HeadTrainingHooks {
  signal?: AbortSignal;
  onEpoch?(log: EpochLog): void;
  onBatch?(epoch: number, batch: number, batches: number, loss: number): void;
}

interface HeadTrainingResult {
  history: EpochLog[];
  /** 1-based epoch whose weights were kept */
  bestEpoch: number;
  stoppedEarly: boolean;
}

/** The trainable head: one dense unit with a sigmoid, giving P(happy). */
export function createHead(dim: number, init?: { kernel: Float32Array; bias: number }, seed = 0): tf.Sequential {
  const head = tf.sequential({
    layers: [
      tf.layers.dense({
        units: 1,
        activation: 'sigmoid',
        inputShape: [dim],
        name: 'happy_logit',
        kernelInitializer: tf.initializers.glorotUniform({ seed }), // seeded: training must repeat
      }),
    ],
  });
  if (init) {
    // setWeights copies the values into the layer's variables (Variable.assign keeps its own reference), so
    // the two tensors handed to it are ours to free
    const weights = [tf.tensor2d(init.kernel, [dim, 1]), tf.tensor1d([init.bias])];
    head.setWeights(weights);
    tf.dispose(weights);
  }
  return head;
}

/**
 * ReduceLROnPlateau needs to lower Adam's learning rate between epochs, and tfjs 4 has no public setter for it
 * (only SGDOptimizer has setLearningRate; Adam's field is protected and read at every step). So this writes
 * that field, the one place that does, and reads it back through the public getConfig(): a tfjs version that
 * renamed or copied the field fails here loudly instead of training at a fixed rate without a word.
 */
export function setLearningRate(optimizer: tf.AdamOptimizer, lr: number): void {
  (optimizer as unknown as { learningRate: number }).learningRate = lr;
  const seen = optimizer.getConfig().learningRate;
  if (seen !== lr) throw new Error(`could not set the optimizer's learning rate to ${lr} (it reports ${String(seen)})`);
}

/** P(happy) for each row. */
export function predictHead(head: tf.LayersModel, x: Matrix): Float32Array {
  if (x.n === 0) return new Float32Array(0);
  return tf.tidy(() => (head.predict(tf.tensor2d(x.data, [x.n, x.dim])) as tf.Tensor).dataSync() as Float32Array);
}

/**
 * Mini-batch adam on class-balanced binary cross-entropy, with our own dropout (seeded per batch so that runs
 * repeat), EarlyStopping that restores the best weights, and ReduceLROnPlateau, both on val_loss (on the
 * training loss when there is no validation set).
 */
export async function trainHead(
  head: tf.LayersModel,
  train: HeadTrainingData,
  validation: HeadTrainingData | null,
  hp: HeadHyperparameters,
  seed: number,
  hooks: HeadTrainingHooks = {},
): Promise<HeadTrainingResult> {
  const rng = createRng(seed);
  const { n, dim } = train.x;
  const nHappy = train.y.reduce((a, b) => a + b, 0);
  const weightOf = (t: number) => (t ? n / (2 * Math.max(1, nHappy)) : n / (2 * Math.max(1, n - nHappy)));
  const xAll = tf.tensor2d(train.x.data, [n, dim]);
  const yAll = tf.tensor2d(train.y, [n, 1]);
  const wAll = tf.tensor2d(Float32Array.from(train.y, weightOf), [n, 1]);
  const optimizer = tf.train.adam(hp.learningRate);
  const startKernel = tf.keep(head.getWeights()[0]!.clone());
  const vars = head.trainableWeights.map((w) => w.read() as tf.Variable);
  const kernelVar = vars[0]!;
  const es = new EarlyStopping(hp.earlyStopping);
  const rlr = new ReduceLrOnPlateau(hp.reduceLr);
  let lr = hp.learningRate;
  let best: tf.Tensor[] = head.getWeights().map((w) => tf.keep(w.clone()));
  const history: EpochLog[] = [];
  let stoppedEarly = false;
  const batches = Math.ceil(n / hp.batchSize);
  const order = Array.from({ length: n }, (_, i) => i);

  try {
    for (let epoch = 1; epoch <= hp.epochs; epoch++) {
      const t0 = performance.now();
      setLearningRate(optimizer, lr);
      const perm = shuffled(order, rng);
      let lossSum = 0;
      let correct = 0;
      for (let b = 0; b < batches; b++) {
        throwIfAborted(hooks.signal);
        const idx = tf.tensor1d(perm.slice(b * hp.batchSize, (b + 1) * hp.batchSize), 'int32');
        const dropSeed = Math.floor(rng() * 2 ** 31);
        let batchLoss = 0;
        tf.tidy(() => {
          const xb = tf.gather(xAll, idx);
          const yb = tf.gather(yAll, idx);
          const wb = tf.gather(wAll, idx);
          const xd = hp.dropout > 0 ? tf.dropout(xb, hp.dropout, undefined, dropSeed) : xb;
          const cost = optimizer.minimize(() => {
            const p = (head.apply(xd, { training: true }) as tf.Tensor).clipByValue(1e-7, 1 - 1e-7);
            const bce = tf.neg(tf.add(tf.mul(yb, tf.log(p)), tf.mul(tf.sub(1, yb), tf.log(tf.sub(1, p)))));
            const data = tf.div(tf.sum(tf.mul(bce, wb)), tf.sum(wb));
            const reg = tf.mul(hp.l2ToStart, tf.sum(tf.square(tf.sub(kernelVar, startKernel))));
            return tf.add(data, reg) as tf.Scalar;
          }, true, vars)!;
          batchLoss = cost.dataSync()[0]!;
          const p = head.predict(xb) as tf.Tensor;
          correct += tf.sum(tf.equal(tf.greaterEqual(p, 0.5).cast('float32'), yb)).dataSync()[0]!;
        });
        idx.dispose();
        lossSum += batchLoss * Math.min(hp.batchSize, n - b * hp.batchSize);
        hooks.onBatch?.(epoch, b + 1, batches, batchLoss);
        await yieldToEventLoop();
      }
      const log: EpochLog = { epoch, loss: lossSum / n, accuracy: correct / n, valLoss: null, valAccuracy: null, lr, seconds: 0 };
      if (validation && validation.x.n > 0) {
        const m = computeMetrics(predictHead(head, validation.x), validation.y);
        log.valLoss = m.loss;
        log.valAccuracy = m.accuracy;
      }
      log.seconds = (performance.now() - t0) / 1000;
      history.push(log);
      hooks.onEpoch?.(log);
      const monitored = log.valLoss ?? log.loss;
      const { improved, stop } = es.update(epoch, monitored);
      if (improved) {
        tf.dispose(best);
        best = head.getWeights().map((w) => tf.keep(w.clone()));
      }
      if (stop) {
        stoppedEarly = epoch < hp.epochs;
        break;
      }
      lr = rlr.update(monitored, lr);
    }
    head.setWeights(best);
    return { history, bestEpoch: es.bestEpoch, stoppedEarly };
  } finally {
    tf.dispose([xAll, yAll, wAll, startKernel, ...best]);
    optimizer.dispose();
  }
}
