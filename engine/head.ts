import * as tf from './tf.js';
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

/** The given rows of `m`, in that order. Pure. */
export function rowsOf(m: Matrix, rows: readonly number[]): Matrix {
  const data = new Float32Array(rows.length * m.dim);
  rows.forEach((r, i) => data.set(m.data.subarray(r * m.dim, (r + 1) * m.dim), i * m.dim));
  return { data, n: rows.length, dim: m.dim };
}

/** The mean of one image's view vectors (the head is linear: the mean of their logits). */
export function meanVector(views: readonly Float32Array[]): Float32Array {
  if (views.length === 1) return views[0]!;
  const out = new Float32Array(views[0]!.length);
  for (const v of views) for (let i = 0; i < out.length; i++) out[i]! += v[i]! / views.length;
  return out;
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
  /** awaited after each epoch's log: lets a caller hold the training between epochs (a test's gate) */
  afterEpoch?(epoch: number): Promise<void>;
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
 * P(happy) for each row. The head of createHead is computed here from its two weights (a dot product per row:
 * a fraction of a millisecond less than a pass through tfjs-layers, on the way of every prediction); any other
 * model goes through its own predict.
 */
export function predictHead(head: tf.LayersModel, x: Matrix): Float32Array {
  if (x.n === 0) return new Float32Array(0);
  const weights = head.getWeights();
  if (head.layers.length === 1 && weights.length === 2 && weights[0]!.size === x.dim && weights[1]!.size === 1 && isSigmoidDense(head)) {
    const kernel = weights[0]!.dataSync() as Float32Array;
    return logistic(x, kernel, weights[1]!.dataSync()[0]!);
  }
  return tf.tidy(() => (head.predict(tf.tensor2d(x.data, [x.n, x.dim])) as tf.Tensor).dataSync() as Float32Array);
}

function isSigmoidDense(head: tf.LayersModel): boolean {
  const config = head.layers[0]!.getConfig();
  return head.layers[0]!.getClassName() === 'Dense' && config.activation === 'sigmoid' && config.useBias !== false;
}

/** Adam's constants, as tf.train.adam has them (epsilon: TensorFlow.js' backend epsilon for float32). */
const BETA1 = 0.9;
const BETA2 = 0.999;
const EPSILON = 1e-7;
/** probabilities are clipped to [CLIP, 1 - CLIP] in the loss (as Keras' binary cross-entropy does); no gradient beyond */
const CLIP = 1e-7;

/**
 * Mini-batch adam on class-balanced binary cross-entropy, with dropout on the features (seeded per batch so
 * that runs repeat), an L2 pull of the kernel towards its starting point, EarlyStopping that restores the best
 * weights, and ReduceLROnPlateau, both on val_loss (on the training loss when there is no validation set).
 *
 * The head is one dense unit with a sigmoid (createHead), so a step is a few thousand multiply-adds: it is
 * done here in plain JavaScript, with the gradient written out, instead of as some 40 TensorFlow.js ops
 * whose dispatch cost 1 to 2 ms per step on wasm (0.3 to 0.6 s per epoch of 6,000 rows) and left the engine
 * thread waiting on read-backs. Same algorithm, same batches, same seed streams: an epoch of 6,000 x 256
 * takes a few milliseconds on any backend, and nothing is read back from one. Training accuracy is counted
 * on the step's own forward pass (with dropout, before the update), as Keras does.
 */
export async function trainHead(
  head: tf.LayersModel,
  train: HeadTrainingData,
  validation: HeadTrainingData | null,
  hp: HeadHyperparameters,
  seed: number,
  hooks: HeadTrainingHooks = {},
  options: { standardize?: boolean } = {},
): Promise<HeadTrainingResult> {
  const rng = createRng(seed);
  const { n, dim } = train.x;
  // Standardised training: the features of two networks side by side differ in scale by an order of magnitude,
  // and dropout and the L2 pull act per feature. The head trains on (x - mean) / sd of the training rows and is
  // saved folded back onto the raw features, so a saved model is the same one dense unit as ever.
  const scale = options.standardize ? featureScale(train.x) : null;
  const x = scale ? standardized(train.x, scale).data : train.x.data;
  if (scale && validation) validation = { ...validation, x: standardized(validation.x, scale) };
  const y = train.y;
  const nHappy = y.reduce((a, b) => a + b, 0);
  const w = Float64Array.from(y, (t) => (t ? n / (2 * Math.max(1, nHappy)) : n / (2 * Math.max(1, n - nHappy))));

  const weights = head.getWeights();
  if (head.layers.length !== 1 || weights.length !== 2 || weights[0]!.size !== dim || weights[1]!.size !== 1) {
    throw new Error(`trainHead trains the one-unit head of createHead(${dim}), not this model`);
  }
  const kernel = Float64Array.from(weights[0]!.dataSync());
  let bias = weights[1]!.dataSync()[0]!;
  if (scale) {
    // the same logits on standardised features: k' = k * sd, b' = b + k . mean
    for (let j = 0; j < dim; j++) {
      bias += kernel[j]! * scale.mean[j]!;
      kernel[j] = kernel[j]! * scale.sd[j]!;
    }
  }
  const start = Float64Array.from(kernel);
  const m = new Float64Array(dim + 1); // adam moments: kernel, then bias last
  const v = new Float64Array(dim + 1);
  let beta1t = 1;
  let beta2t = 1;

  const es = new EarlyStopping(hp.earlyStopping);
  const rlr = new ReduceLrOnPlateau(hp.reduceLr);
  let lr = hp.learningRate;
  let best = { kernel: Float64Array.from(kernel), bias };
  const history: EpochLog[] = [];
  let stoppedEarly = false;
  const batchSize = Math.max(1, hp.batchSize);
  const batches = Math.ceil(n / batchSize);
  const order = Array.from({ length: n }, (_, i) => i);
  const keep = 1 - hp.dropout;
  const grad = new Float64Array(dim);
  const dropped = new Float64Array(batchSize * dim); // the batch's features after dropout
  const gz = new Float64Array(batchSize); // d loss / d logit, per row
  let lastYield = performance.now();

  for (let epoch = 1; epoch <= hp.epochs; epoch++) {
    const t0 = performance.now();
    const perm = shuffled(order, rng);
    let lossSum = 0;
    let correct = 0;
    for (let b = 0; b < batches; b++) {
      throwIfAborted(hooks.signal);
      const first = b * batchSize;
      const size = Math.min(batchSize, n - first);
      // the dropout mask: mulberry32 (random.ts' createRng) seeded per batch, written out here because it
      // runs for every feature of every row
      let a = Math.floor(rng() * 2 ** 31) >>> 0;
      // forward: dropout, logit, clipped probability, weighted cross-entropy
      let wSum = 0;
      let data = 0;
      for (let r = 0; r < size; r++) {
        const row = perm[first + r]! * dim;
        const d = r * dim;
        let z = bias;
        if (hp.dropout > 0) {
          for (let j = 0; j < dim; j++) {
            a = (a + 0x6d2b79f5) >>> 0;
            let t = a;
            t = Math.imul(t ^ (t >>> 15), t | 1);
            t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
            const xd = ((t ^ (t >>> 14)) >>> 0) / 4294967296 >= hp.dropout ? x[row + j]! / keep : 0;
            dropped[d + j] = xd;
            z += xd * kernel[j]!;
          }
        } else {
          for (let j = 0; j < dim; j++) {
            const xd = x[row + j]!;
            dropped[d + j] = xd;
            z += xd * kernel[j]!;
          }
        }
        const i = perm[first + r]!;
        const sig = 1 / (1 + Math.exp(-z));
        const p = sig < CLIP ? CLIP : sig > 1 - CLIP ? 1 - CLIP : sig;
        const t = y[i]!;
        data += w[i]! * -(t * Math.log(p) + (1 - t) * Math.log(1 - p));
        wSum += w[i]!;
        if ((p >= 0.5 ? 1 : 0) === t) correct++;
        // d bce / d z is p - t inside the clip, 0 where the clip holds (as the clipped loss's gradient is)
        gz[r] = sig === p ? w[i]! * (p - t) : 0;
      }
      let reg = 0;
      for (let j = 0; j < dim; j++) reg += (kernel[j]! - start[j]!) ** 2;
      const cost = data / wSum + hp.l2ToStart * reg;
      // backward
      grad.fill(0);
      let gBias = 0;
      for (let r = 0; r < size; r++) {
        const g = gz[r]! / wSum;
        if (g === 0) continue;
        gBias += g;
        const d = r * dim;
        for (let j = 0; j < dim; j++) grad[j] = grad[j]! + g * dropped[d + j]!;
      }
      // adam
      beta1t *= BETA1;
      beta2t *= BETA2;
      for (let j = 0; j <= dim; j++) {
        const g = j < dim ? grad[j]! + 2 * hp.l2ToStart * (kernel[j]! - start[j]!) : gBias;
        m[j] = BETA1 * m[j]! + (1 - BETA1) * g;
        v[j] = BETA2 * v[j]! + (1 - BETA2) * g * g;
        const step = (lr * (m[j]! / (1 - beta1t))) / (Math.sqrt(v[j]! / (1 - beta2t)) + EPSILON);
        if (j < dim) kernel[j] = kernel[j]! - step;
        else bias -= step;
      }
      lossSum += cost * size;
      hooks.onBatch?.(epoch, b + 1, batches, cost);
      if (performance.now() - lastYield > 50) {
        await yieldToEventLoop(); // lets a cancel in
        lastYield = performance.now();
      }
    }
    const log: EpochLog = { epoch, loss: lossSum / n, accuracy: correct / n, valLoss: null, valAccuracy: null, lr, seconds: 0 };
    if (validation && validation.x.n > 0) {
      const mv = computeMetrics(logistic(validation.x, kernel, bias), validation.y);
      log.valLoss = mv.loss;
      log.valAccuracy = mv.accuracy;
    }
    log.seconds = (performance.now() - t0) / 1000;
    history.push(log);
    hooks.onEpoch?.(log);
    if (hooks.afterEpoch) {
      await hooks.afterEpoch(epoch);
      throwIfAborted(hooks.signal);
    }
    const monitored = log.valLoss ?? log.loss;
    const { improved, stop } = es.update(epoch, monitored);
    if (improved) best = { kernel: Float64Array.from(kernel), bias };
    if (stop) {
      stoppedEarly = epoch < hp.epochs;
      break;
    }
    lr = rlr.update(monitored, lr);
    await yieldToEventLoop();
    lastYield = performance.now();
  }
  if (scale) {
    // back onto the raw features: k = k' / sd, b = b' - k . mean
    for (let j = 0; j < dim; j++) {
      best.kernel[j] = best.kernel[j]! / scale.sd[j]!;
      best.bias -= best.kernel[j]! * scale.mean[j]!;
    }
  }
  const final = [tf.tensor2d(Float32Array.from(best.kernel), [dim, 1]), tf.tensor1d([best.bias])];
  head.setWeights(final);
  tf.dispose(final);
  return { history, bestEpoch: es.bestEpoch, stoppedEarly };
}

interface FeatureScale {
  mean: Float64Array;
  /**
   * standard deviation, never below a hundredth of the median one (nor MIN_SD): a feature constant over the
   * training rows is only centred, and one that barely varies there cannot get a weight that, folded back onto
   * the raw features, swings the logit on new images where it varies more
   */
  sd: Float64Array;
}

const MIN_SD = 1e-6;

/** Per-feature mean and standard deviation over the rows. */
export function featureScale(x: Matrix): FeatureScale {
  const mean = new Float64Array(x.dim);
  const sd = new Float64Array(x.dim);
  for (let r = 0; r < x.n; r++) for (let j = 0; j < x.dim; j++) mean[j] = mean[j]! + x.data[r * x.dim + j]!;
  for (let j = 0; j < x.dim; j++) mean[j] = mean[j]! / Math.max(1, x.n);
  for (let r = 0; r < x.n; r++) for (let j = 0; j < x.dim; j++) sd[j] = sd[j]! + (x.data[r * x.dim + j]! - mean[j]!) ** 2;
  for (let j = 0; j < x.dim; j++) sd[j] = Math.sqrt(sd[j]! / Math.max(1, x.n));
  const floor = Math.max(MIN_SD, 0.01 * ([...sd].sort((a, b) => a - b)[Math.floor(x.dim / 2)] ?? 0));
  for (let j = 0; j < x.dim; j++) sd[j] = Math.max(floor, sd[j]!);
  return { mean, sd };
}

function standardized(x: Matrix, { mean, sd }: FeatureScale): Matrix {
  const data = new Float32Array(x.data.length);
  for (let r = 0; r < x.n; r++) for (let j = 0; j < x.dim; j++) data[r * x.dim + j] = (x.data[r * x.dim + j]! - mean[j]!) / sd[j]!;
  return { ...x, data };
}

/** sigmoid(x . kernel + bias) for each row, as the head computes it. */
function logistic(x: Matrix, kernel: ArrayLike<number>, bias: number): Float32Array {
  const out = new Float32Array(x.n);
  for (let r = 0; r < x.n; r++) {
    let z = bias;
    for (let j = 0; j < x.dim; j++) z += x.data[r * x.dim + j]! * kernel[j]!;
    out[r] = 1 / (1 + Math.exp(-z));
  }
  return out;
}
