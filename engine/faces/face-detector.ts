import * as tf from '../tf.js';
import { readVerified } from '../bases/face-expression.js';

/**
 * face-api's TinyFaceDetector (MIT; a tiny YOLOv2 with depthwise separable convolutions, 190 KB), run with
 * our own forward pass as the base is: the image padded to a square at its bottom and right (face-api's own
 * input), resized to the detector's input, a grid of 32 px cells (13x13 at 416) of 5 anchor boxes each, then
 * non-maximum suppression here in JavaScript (a handful of boxes). A frame already at the input size (its
 * longer side) is padded only to whole cells: on the pasted set that found 115 of 120 faces against 114 for
 * the square, for three quarters of the work on a 4:3 photo.
 */
const TINY_FACE_DETECTOR_FILES = {
  manifest: { name: 'tiny_face_detector_model-weights_manifest.json', sha256: '5d1af4849ac48d5b985f4a9b16010c512353ddd6fcc63d50fd0bc9e9e64296e5' },
  weights: { name: 'tiny_face_detector_model.bin', sha256: 'b7503ce7df31039b1c43316a9b865cab6a70dd748cc602d3fa28b551503c3871' },
} as const;

const MEAN_RGB = [117.001, 114.697, 97.404];
/** in grid cells: width, height */
const ANCHORS: ReadonlyArray<readonly [number, number]> = [
  [1.603231, 2.094468],
  [6.041143, 7.080126],
  [2.882459, 3.518061],
  [4.266906, 5.178857],
  [9.041765, 10.66308],
];
const IOU_THRESHOLD = 0.4;

/** An oriented RGB image of any shape, 8 bits per channel, row-major. */
export interface RgbFrame {
  width: number;
  height: number;
  data: Uint8Array;
}

/** A face in the pixels of the frame it was found in. */
export interface FaceBox {
  x: number;
  y: number;
  width: number;
  height: number;
  score: number;
}

export interface DetectOptions {
  /** below this score a box is not a face */
  minScore: number;
  /** the detector's input side (a multiple of 32) */
  inputSize: number;
}

export interface FaceDetector {
  /** changes whenever the weights or what detect() returns for an image change; part of every cache key */
  version: string;
  /** faces, largest first */
  detect(frame: RgbFrame, opts: DetectOptions): FaceBox[];
  dispose(): void;
}

type Params = Record<string, tf.Tensor>;

export async function loadTinyFaceDetector(dir: string): Promise<FaceDetector> {
  const manifestBytes = await readVerified(dir, TINY_FACE_DETECTOR_FILES.manifest);
  const weightBytes = await readVerified(dir, TINY_FACE_DETECTOR_FILES.weights);
  const manifest = JSON.parse(manifestBytes.toString('utf8')) as tf.io.WeightsManifestConfig;
  const params: Params = tf.io.decodeWeights(
    weightBytes.buffer.slice(weightBytes.byteOffset, weightBytes.byteOffset + weightBytes.byteLength) as ArrayBuffer,
    manifest.flatMap((g) => g.weights),
  );
  foldNormalization(params);
  for (const t of Object.values(params)) tf.keep(t);
  return {
    // tfd2: a frame at the input size is padded to whole cells, not to the square (other boxes for non-square frames)
    version: `tfd2-${TINY_FACE_DETECTOR_FILES.weights.sha256.slice(0, 8)}`,
    detect: (frame, opts) => detect(params, frame, opts),
    dispose: () => Object.values(params).forEach((t) => t.dispose()),
  };
}

function detect(p: Params, frame: RgbFrame, { minScore, inputSize }: DetectOptions): FaceBox[] {
  const side = Math.max(frame.width, frame.height);
  // a frame at the detector's input size is padded only to whole grid cells, not to the square: the network is
  // convolutional, and a 4:3 photo then costs three quarters of the square's work
  const fits = side === inputSize;
  const padW = fits ? Math.ceil(frame.width / CELL) * CELL : inputSize;
  const padH = fits ? Math.ceil(frame.height / CELL) * CELL : inputSize;
  const out = tf.tidy(() => {
    let f: tf.Tensor4D;
    if (side === inputSize) {
      // padded here: a frame decoded to the detector's input needs no resize, and tf.pad is a pass over it all
      const pixels = new Float32Array(padW * padH * 3);
      const row = frame.width * 3;
      // TypedArray.set converts bytes to floats at memory speed (Float32Array.from took 2.4 ms at 288x288)
      for (let y = 0; y < frame.height; y++) pixels.set(frame.data.subarray(y * row, (y + 1) * row), y * padW * 3);
      f = tf.tensor4d(pixels, [1, padH, padW, 3]);
    } else {
      const pixels = new Float32Array(frame.data.length);
      pixels.set(frame.data);
      f = tf.tensor4d(pixels, [1, frame.height, frame.width, 3]);
      // padded at the bottom and right, as face-api does: boxes then scale back by one factor
      f = tf.pad(f, [[0, 0], [0, side - frame.height], [0, side - frame.width], [0, 0]]);
      f = tf.image.resizeBilinear(f, [inputSize, inputSize]);
    }
    return forward(p, f);
  });
  let grid: Float32Array;
  try {
    grid = out.dataSync() as Float32Array;
  } finally {
    out.dispose();
  }
  const rows = out.shape[1]!;
  const cols = out.shape[2]!;
  // a grid cell in the frame's pixels: 32 of the detector's input, which is the frame itself or its square resized
  const cell = CELL * (side / inputSize);
  const boxes: FaceBox[] = [];
  for (let row = 0; row < rows; row++) {
    for (let col = 0; col < cols; col++) {
      for (let a = 0; a < ANCHORS.length; a++) {
        const o = ((row * cols + col) * ANCHORS.length + a) * 5;
        const score = sigmoid(grid[o + 4]!);
        if (score < minScore) continue;
        const cx = (col + sigmoid(grid[o]!)) * cell;
        const cy = (row + sigmoid(grid[o + 1]!)) * cell;
        const w = Math.exp(grid[o + 2]!) * ANCHORS[a]![0] * cell;
        const h = Math.exp(grid[o + 3]!) * ANCHORS[a]![1] * cell;
        const box = clip({ x: cx - w / 2, y: cy - h / 2, width: w, height: h, score }, frame);
        if (box.width >= 2 && box.height >= 2) boxes.push(box);
      }
    }
  }
  return nonMaxSuppression(boxes).sort((a, b) => b.width * b.height - a.width * a.height);
}

/** the network's stride: input pixels per cell of its output grid */
const CELL = 32;

/**
 * face-api's input normalisation, (pixel - mean) / 255, folded into the first convolution's weights and bias:
 * that convolution is unpadded ('valid'), so every output sees only image pixels and the result is the same,
 * without two passes over the whole input (1.8 ms of 12 at input 288).
 */
function foldNormalization(p: Params): void {
  const filters = p['conv0/filters']!;
  const bias = p['conv0/bias']!;
  const [folded, foldedBias] = tf.tidy(() => {
    const f = tf.div(filters, 255);
    // each output channel's response to a frame of the mean colour
    const meanResponse = tf.sum(tf.mul(f, tf.reshape(tf.tensor1d(MEAN_RGB), [1, 1, 3, 1])), [0, 1, 2]);
    return [f, tf.sub(bias, meanResponse)];
  });
  filters.dispose();
  bias.dispose();
  p['conv0/filters'] = folded;
  p['conv0/bias'] = foldedBias;
}

/**
 * Bias fused into each convolution, and leaky relu applied after the max pool that follows every one of them:
 * leaky relu is non-decreasing, so pooling first gives the same numbers (exactly, in floating point too) on a
 * quarter of the values. On wasm the fused 'leakyrelu' activation is a slow per-element pass outside XNNPACK
 * (measured at 288x224: conv0 7.1 ms with it, 1.9 ms with the bias alone; tf.leakyRelu 1.3 ms on conv0's
 * pooled output, tf.prelu with a scalar alpha 0.4 ms), and separate bias, multiply and maximum ops cost more.
 */
function forward(p: Params, x: tf.Tensor4D): tf.Tensor4D {
  // tfjs-node has no native Prelu (its kernel composes relu, abs, sub and mul) and a native LeakyRelu: there,
  // tf.leakyRelu; the same values
  const alpha = tf.getBackend() === 'wasm' ? tf.scalar(LEAKY_ALPHA) : null;
  let out = leaky(pool(conv(x, p['conv0/filters']!, p['conv0/bias']!, 'valid'), 2), alpha);
  for (const name of ['conv1', 'conv2', 'conv3', 'conv4']) out = leaky(pool(sepConv(p, name, out), 2), alpha);
  out = leaky(pool(sepConv(p, 'conv5', out), 1), alpha);
  return conv(out, p['conv8/filters']!, p['conv8/bias']!, 'valid');
}

const LEAKY_ALPHA = 0.1;

function conv(x: tf.Tensor4D, filter: tf.Tensor, bias: tf.Tensor, pad: 'valid' | 'same'): tf.Tensor4D {
  return tf.fused.conv2d({ x, filter: filter as tf.Tensor4D, strides: 1, pad, bias });
}

function leaky(x: tf.Tensor4D, alpha: tf.Scalar | null): tf.Tensor4D {
  // prelu broadcasts its alpha; the typings ask for the input's rank only.
  return alpha ? tf.prelu(x, alpha as unknown as tf.Tensor4D) : tf.leakyRelu(x, LEAKY_ALPHA);
}

function pool(x: tf.Tensor4D, stride: 1 | 2): tf.Tensor4D {
  return tf.maxPool(x, 2, stride, 'same');
}

function sepConv(p: Params, name: string, x: tf.Tensor4D): tf.Tensor4D {
  const depthwise = tf.depthwiseConv2d(x, p[`${name}/depthwise_filter`] as tf.Tensor4D, 1, 'same');
  return conv(depthwise, p[`${name}/pointwise_filter`]!, p[`${name}/bias`]!, 'same');
}

const sigmoid = (v: number) => 1 / (1 + Math.exp(-v));

function clip(b: FaceBox, frame: RgbFrame): FaceBox {
  const x0 = Math.max(0, b.x);
  const y0 = Math.max(0, b.y);
  const x1 = Math.min(frame.width, b.x + b.width);
  const y1 = Math.min(frame.height, b.y + b.height);
  return { x: x0, y: y0, width: x1 - x0, height: y1 - y0, score: b.score };
}

export function iou(a: Omit<FaceBox, 'score'>, b: Omit<FaceBox, 'score'>): number {
  const inter = overlap(a, b);
  return inter === 0 ? 0 : inter / (a.width * a.height + b.width * b.height - inter);
}

/** The area two boxes share. */
export function overlap(a: Omit<FaceBox, 'score'>, b: Omit<FaceBox, 'score'>): number {
  const w = Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x);
  const h = Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y);
  return w <= 0 || h <= 0 ? 0 : w * h;
}

function nonMaxSuppression(boxes: FaceBox[]): FaceBox[] {
  const kept: FaceBox[] = [];
  for (const b of [...boxes].sort((x, y) => y.score - x.score)) {
    if (kept.every((k) => iou(k, b) <= IOU_THRESHOLD)) kept.push(b);
  }
  return kept;
}
