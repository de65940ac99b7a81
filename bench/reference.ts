/**
 * The reference every bench figure is divided by: @vladmandic/face-api's own pipeline for the network our
 * face-expression base re-implements (FaceExpressionNet, the same weights), on the same backend (TensorFlow.js
 * 4.22 wasm, one thread) in this process's main thread: images as tensors in, expression probabilities out
 * (its own padding to a square, resize to 112, normalisation, network, softmax and read-back).
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import sharp from 'sharp';
import type * as TF from '@tensorflow/tfjs';

interface FaceApi {
  tf: typeof TF;
  nets: { faceExpressionNet: { loadFromDisk(dir: string): Promise<void>; predictExpressions(input: TF.Tensor3D | TF.Tensor3D[]): Promise<unknown> } };
  version: string;
}

const require = createRequire(import.meta.url);

export interface Reference {
  /** ms per image, batch of 1 and batch of 32 (NaN when no batch of 32 was asked for) */
  b1: number;
  b32: number;
}

export interface ReferenceRunner {
  version: string;
  backend: string;
  measure(opts: { b1Runs: number; b32Batches: number }): Promise<Reference>;
  dispose(): void;
}

/**
 * face-api's Node build for wasm (dist/face-api.node-wasm.js) takes @tensorflow/tfjs and
 * @tensorflow/tfjs-backend-wasm from node_modules: the very 4.22 packages the engine uses.
 */
export async function startReference(files: readonly string[]): Promise<ReferenceRunner> {
  const faceapi = require('@vladmandic/face-api/dist/face-api.node-wasm.js') as FaceApi;
  const { tf } = faceapi;
  tf.enableProdMode();
  if (!(await tf.setBackend('wasm'))) throw new Error('face-api: the wasm backend did not start');
  await tf.ready();
  const pkgDir = dirname(require.resolve('@vladmandic/face-api/package.json'));
  await faceapi.nets.faceExpressionNet.loadFromDisk(join(pkgDir, 'model'));
  const net = faceapi.nets.faceExpressionNet;
  const images: TF.Tensor3D[] = [];
  for (const f of files) {
    const { data, info } = await sharp(f).removeAlpha().toColourspace('srgb').raw().toBuffer({ resolveWithObject: true });
    images.push(tf.tensor3d(Int32Array.from(data), [info.height, info.width, 3], 'int32'));
  }
  const batch = (i: number, n: number) => Array.from({ length: n }, (_, k) => images[(i * n + k) % images.length]!);
  const median = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const timed = async (input: TF.Tensor3D | TF.Tensor3D[]) => {
    const t0 = performance.now();
    await net.predictExpressions(input);
    return performance.now() - t0;
  };
  return {
    version: faceapi.version,
    backend: tf.getBackend(),
    async measure({ b1Runs, b32Batches }) {
      await timed(batch(0, 1)[0]!); // first runs build the wasm operators
      if (b32Batches > 0) await timed(batch(0, 32));
      const b1: number[] = [];
      for (let i = 0; i < b1Runs; i++) b1.push(await timed(batch(i, 1)[0]!));
      const b32: number[] = [];
      for (let i = 0; i < b32Batches; i++) b32.push((await timed(batch(i, 32))) / 32);
      return { b1: median(b1), b32: b32.length ? median(b32) : NaN };
    },
    dispose: () => tf.dispose(images),
  };
}
