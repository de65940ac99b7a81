/**
 * The detector's own forward pass (engine/faces/face-detector.ts) against face-api's TinyFaceDetector, the
 * network it re-implements, with the same weights, on the same backend: the same faces, the same boxes and
 * scores. Run on the best backend (wasm here: leaky relu as prelu after each pool) and on tfjs's cpu backend
 * (tf.leakyRelu), so that both of its paths are held to the original.
 */
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import '@tensorflow/tfjs-backend-cpu';
import * as tf from '../../../engine/tf.js';
import { decodeFrame, DETECTOR_INPUT, MIN_SCORE } from '../../../engine/faces/face-crops.js';
import { loadTinyFaceDetector, type FaceBox, type RgbFrame } from '../../../engine/faces/face-detector.js';
import { useBestBackend } from '../../helpers/backend.js';
import { composeScene } from '../../helpers/pasted-faces.js';
import { ASSETS, FACES } from '../../helpers/tmp.js';

interface FaceApi {
  tf: { engine(): unknown };
  nets: { tinyFaceDetector: { loadFromDisk(dir: string): Promise<void> } };
  TinyFaceDetectorOptions: new (o: { inputSize: number; scoreThreshold: number }) => unknown;
  detectAllFaces(input: tf.Tensor3D, options: unknown): Promise<Array<{ box: { x: number; y: number; width: number; height: number }; score: number }>>;
}

const require = createRequire(import.meta.url);

async function ours(frame: RgbFrame): Promise<FaceBox[]> {
  const detector = await loadTinyFaceDetector(join(ASSETS, 'models', 'tiny-face-detector'));
  try {
    const before = tf.memory().numTensors;
    const faces = detector.detect(frame, { inputSize: DETECTOR_INPUT, minScore: MIN_SCORE });
    assert.equal(tf.memory().numTensors, before, 'no tensor left behind');
    return faces;
  } finally {
    detector.dispose();
  }
}

async function faceApis(faceapi: FaceApi, frame: RgbFrame): Promise<FaceBox[]> {
  const input = tf.tensor3d(Int32Array.from(frame.data), [frame.height, frame.width, 3], 'int32');
  try {
    const found = await faceapi.detectAllFaces(input, new faceapi.TinyFaceDetectorOptions({ inputSize: DETECTOR_INPUT, scoreThreshold: MIN_SCORE }));
    return found.map((d) => ({ x: d.box.x, y: d.box.y, width: d.box.width, height: d.box.height, score: d.score }));
  } finally {
    input.dispose();
  }
}

test('the same faces, boxes and scores as face-api’s own TinyFaceDetector, on the best backend and on the cpu one', async () => {
  await useBestBackend();
  const faceapi = require('@vladmandic/face-api/dist/face-api.node-wasm.js') as FaceApi;
  assert.equal(faceapi.tf.engine(), tf.engine(), 'face-api runs on our TensorFlow.js, so on the same backend');
  await faceapi.nets.tinyFaceDetector.loadFromDisk(join(dirname(require.resolve('@vladmandic/face-api/package.json')), 'model'));
  // square and decoded at the detector's input, so that neither side pads or resizes it
  const bytes = await composeScene(640, 640, [
    { file: join(FACES, 'happy', 'Aleksander_Kwasniewski_0002.jpg'), box: { x: 40, y: 60, width: 230, height: 230 } },
    { file: join(FACES, 'sad', 'Andre_Agassi_0034.jpg'), box: { x: 400, y: 340, width: 170, height: 170 } },
  ], 11);
  const { frame } = await decodeFrame(bytes, 'scene.jpg');
  assert.deepEqual([frame.width, frame.height], [DETECTOR_INPUT, DETECTOR_INPUT]);
  const byX = (a: FaceBox, b: FaceBox) => a.x - b.x;
  for (const backend of [tf.getBackend(), 'cpu']) {
    await tf.setBackend(backend);
    const mine = (await ours(frame)).sort(byX);
    const theirs = (await faceApis(faceapi, frame)).sort(byX);
    assert.ok(mine.length >= 2, `both faces found on ${backend}`);
    assert.equal(mine.length, theirs.length, `as many faces as face-api finds on ${backend}`);
    mine.forEach((m, i) => {
      const r = theirs[i]!;
      for (const k of ['x', 'y', 'width', 'height'] as const) assert.ok(Math.abs(m[k] - r[k]) < 0.01, `${backend}, face ${i} ${k}: ${m[k]}, face-api ${r[k]}`);
      assert.ok(Math.abs(m.score - r.score) < 1e-4, `${backend}, face ${i} score: ${m.score}, face-api ${r.score}`);
    });
  }
});
