import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as tf from '../tf.js';
import { GREY_INPUT, type FrozenBase } from './base.js';

/**
 * face-api's FaceExpressionNet (MIT), run with our own forward pass: four dense blocks of depthwise
 * separable convolutions, a 7x7 average pool to 256 features, and a 7-way fc layer that we keep only to
 * warm-start the happy/sad head.
 */
const FACE_EXPRESSION_FILES = {
  manifest: { name: 'face_expression_model-weights_manifest.json', sha256: '5b349c17c7836da506e03422cd6461c74085d8bb2713ad4114647dc5d28174c8' },
  weights: { name: 'face_expression_model.bin', sha256: '9a9840f2cf1f4c7eab95f197512569345c00d2426754d4608b92af30e0300f3d' },
} as const;

const EXPRESSIONS = ['neutral', 'happy', 'sad', 'angry', 'fearful', 'disgusted', 'surprised'] as const;
const MEAN_RGB = [122.782, 117.001, 104.298];
export const INPUT_SIZE = 112;

type Params = Record<string, tf.Tensor>;

export async function loadFaceExpressionBase(dir: string): Promise<FrozenBase> {
  const manifestBytes = await readVerified(dir, FACE_EXPRESSION_FILES.manifest);
  const weightBytes = await readVerified(dir, FACE_EXPRESSION_FILES.weights);
  const manifest = JSON.parse(manifestBytes.toString('utf8')) as tf.io.WeightsManifestConfig;
  const specs = manifest.flatMap((g) => g.weights);
  const params: Params = tf.io.decodeWeights(
    weightBytes.buffer.slice(weightBytes.byteOffset, weightBytes.byteOffset + weightBytes.byteLength) as ArrayBuffer,
    specs,
  );
  for (const t of Object.values(params)) tf.keep(t);

  const fcW = params['fc/weights']!.arraySync() as number[][];
  const fcB = params['fc/bias']!.arraySync() as number[];
  const happy = EXPRESSIONS.indexOf('happy');
  const sad = EXPRESSIONS.indexOf('sad');
  // softmax restricted to {happy, sad} is a sigmoid of the logit difference
  const kernel = Float32Array.from(fcW.map((row) => row[happy]! - row[sad]!));

  return {
    id: 'face-expression',
    fingerprint: FACE_EXPRESSION_FILES.weights.sha256.slice(0, 16),
    inputSize: INPUT_SIZE,
    dim: 256,
    greyInput: GREY_INPUT['face-expression'],
    zeroShotHead: { kernel, bias: fcB[happy]! - fcB[sad]! },
    embed: (images) => tf.tidy(() => forward(params, images)),
    recipe: { kind: 'face-expression', dir },
    dispose: () => Object.values(params).forEach((t) => t.dispose()),
  };
}

/**
 * Block by block, each intermediate freed as soon as the next op has used it: a batch's activations are
 * large (at 32 images, 12.8 MB per tensor in the first block), and the wasm heap of the thread that runs it
 * grows to the most it ever held at once and never shrinks. Keeping all of them to the end of one tidy() made
 * that about 300 MB per thread; this keeps it near a block's working set.
 */
function forward(p: Params, images: tf.Tensor4D): tf.Tensor2D {
  let x = tf.tidy(() => tf.div(tf.sub(tf.cast(images, 'float32'), tf.tensor1d(MEAN_RGB)), 255) as tf.Tensor4D);
  for (const [i, name] of ['dense0', 'dense1', 'dense2', 'dense3'].entries()) {
    const next = tf.tidy(() => denseBlock(p, name, x, i === 0));
    x.dispose();
    x = next;
  }
  const pooled = tf.avgPool(x, [7, 7], [2, 2], 'valid');
  x.dispose();
  return tf.reshape(pooled, [images.shape[0], -1]) as tf.Tensor2D;
}

/**
 * Depthwise then pointwise convolution, the bias (and a relu when asked) fused into the pointwise one: one
 * pass over the activations fewer than separableConv2d + add (measured about 10 % less CPU per image on
 * wasm; the features differ from the unfused form by float rounding only, below 1e-6 relative).
 */
function sepConv(p: Params, name: string, x: tf.Tensor4D, stride: 1 | 2, activation?: 'relu'): tf.Tensor4D {
  const depthwise = tf.depthwiseConv2d(x, p[`${name}/depthwise_filter`] as tf.Tensor4D, stride, 'same');
  const out = tf.fused.conv2d({
    x: depthwise,
    filter: p[`${name}/pointwise_filter`] as tf.Tensor4D,
    strides: 1,
    pad: 'same',
    bias: p[`${name}/bias`],
    ...(activation && { activation }),
  });
  depthwise.dispose();
  return out;
}

/** relu of a sum, the sum freed at once. */
function reluSum(xs: tf.Tensor4D[]): tf.Tensor4D {
  const sum = xs.length === 2 ? tf.add(xs[0]!, xs[1]!) : tf.addN(xs);
  const out = tf.relu(sum) as tf.Tensor4D;
  sum.dispose();
  return out;
}

function denseBlock(p: Params, name: string, x: tf.Tensor4D, first: boolean): tf.Tensor4D {
  const out1 = first
    ? tf.fused.conv2d({ x, filter: p[`${name}/conv0/filters`] as tf.Tensor4D, strides: 2, pad: 'same', bias: p[`${name}/conv0/bias`], activation: 'relu' })
    : sepConv(p, `${name}/conv0`, x, 2, 'relu');
  const out2 = sepConv(p, `${name}/conv1`, out1, 1);
  const in3 = reluSum([out1, out2]);
  const out3 = sepConv(p, `${name}/conv2`, in3, 1);
  in3.dispose();
  const in4 = reluSum([out1, out2, out3]);
  const out4 = sepConv(p, `${name}/conv3`, in4, 1);
  in4.dispose();
  return reluSum([out1, out2, out3, out4]);
}

export async function readVerified(dir: string, f: { name: string; sha256: string }): Promise<Buffer> {
  const file = join(dir, f.name);
  const bytes = await readFile(file);
  const digest = createHash('sha256').update(bytes).digest('hex');
  if (digest !== f.sha256) throw new Error(`${file}: checksum mismatch (sha256 ${digest}, expected ${f.sha256}); reinstall the app`);
  return bytes;
}
