/**
 * TensorFlow.js as the engine uses it: the core (tensors, ops, io, optimizers) and the layers API (the head).
 * Not the '@tensorflow/tfjs' bundle, which also loads the converter, data and webgl packages and the cpu
 * backend: measured here, a third to a half of its load time, paid by every engine start, every
 * embedding worker and every `happysad predict`. The cpu backend is loaded by loadCpuBackend when it is
 * chosen (backend.ts); tfjs-node registers itself on this same core.
 *
 * Loaded by CommonJS require, not by import: both packages are large CommonJS bundles without a "type" field,
 * and an ESM import of one makes Node read its whole source twice before running it: once to tell ESM from
 * CommonJS, once for the names it exports (cjs-module-lexer). Measured on Node 22 with the compile cache warm:
 * 165-240 ms by import, 80-105 ms by require, on every thread that loads TensorFlow.js. The price is the list
 * below: the names the engine uses, each typed by the package itself (a name missing here is a type error
 * where it is used, not a surprise at run time).
 */
import { createRequire } from 'node:module';
import type * as Core from '@tensorflow/tfjs-core';
import type * as Layers from '@tensorflow/tfjs-layers';

export type * from '@tensorflow/tfjs-core';
export type * from '@tensorflow/tfjs-layers';

// not named `require`: the app's bundler would take a call to that name for its own
const requireCjs = createRequire(import.meta.url);
const core = requireCjs('@tensorflow/tfjs-core') as typeof Core;
const tfLayers = requireCjs('@tensorflow/tfjs-layers') as typeof Layers;

export const {
  add,
  addN,
  avgPool,
  backend,
  cast,
  concat,
  depthwiseConv2d,
  dispose,
  div,
  enableProdMode,
  engine,
  env,
  fused,
  getBackend,
  image,
  io,
  keep,
  leakyRelu,
  matMul,
  maxPool,
  mean,
  memory,
  mul,
  pad,
  prelu,
  randomNormal,
  ready,
  relu,
  reshape,
  scalar,
  setBackend,
  sub,
  sum,
  tensor,
  tensor1d,
  tensor2d,
  tensor3d,
  tensor4d,
  tidy,
  train,
} = core;

export const { initializers, layers, loadLayersModel, sequential } = tfLayers;

/** Loads the wasm backend, which registers itself on the core above (a CommonJS bundle too, so required). */
export function loadWasmBackend(): typeof import('@tensorflow/tfjs-backend-wasm') {
  return requireCjs('@tensorflow/tfjs-backend-wasm') as typeof import('@tensorflow/tfjs-backend-wasm');
}

/** Loads tfjs's plain JavaScript backend, which registers itself on the core above. */
export function loadCpuBackend(): void {
  requireCjs('@tensorflow/tfjs-backend-cpu');
}

/** the io types the engine names as `tf.io.X` (the `io` above is the value; a type-only namespace merges with it) */
export declare namespace io {
  export type IOHandler = Core.io.IOHandler;
  export type ModelArtifacts = Core.io.ModelArtifacts;
  export type ModelJSON = Core.io.ModelJSON;
  export type SaveResult = Core.io.SaveResult;
  export type WeightsManifestConfig = Core.io.WeightsManifestConfig;
  export type WeightsManifestEntry = Core.io.WeightsManifestEntry;
}
