/**
 * TensorFlow.js as the engine uses it: the core (tensors, ops, io, optimizers) and the layers API (the head).
 * Not the '@tensorflow/tfjs' bundle, which also loads the converter, data and webgl packages and the cpu
 * backend: measured here, a third to a half of its import time, paid by every engine start, every
 * embedding worker and every `happysad predict`. The cpu backend is imported when it is chosen
 * (backend.ts); tfjs-node registers itself on this same core.
 */
export * from '@tensorflow/tfjs-core';
export * from '@tensorflow/tfjs-layers';
