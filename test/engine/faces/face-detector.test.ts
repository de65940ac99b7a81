/**
 * The detector's own forward pass: on wasm, leaky relu runs after each max pool as a prelu (faster there);
 * elsewhere as tf.leakyRelu. Both must find the same faces, in the same places, as a plain reference.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import '@tensorflow/tfjs-backend-cpu';
import * as tf from '../../../engine/tf.js';
import { decodeFrame, DETECTOR_INPUT } from '../../../engine/faces/face-crops.js';
import { loadTinyFaceDetector, type FaceBox } from '../../../engine/faces/face-detector.js';
import { useBestBackend } from '../../helpers/backend.js';
import { composeScene } from '../../helpers/pasted-faces.js';
import { ASSETS, FACES } from '../../helpers/tmp.js';

const DIR = join(ASSETS, 'models', 'tiny-face-detector');

async function facesOn(backend: string | null, frame: Parameters<Awaited<ReturnType<typeof loadTinyFaceDetector>>['detect']>[0]): Promise<{ backend: string; faces: FaceBox[] }> {
  if (backend) await tf.setBackend(backend);
  const detector = await loadTinyFaceDetector(DIR);
  try {
    const before = tf.memory().numTensors;
    const faces = detector.detect(frame, { inputSize: DETECTOR_INPUT, minScore: 0.1 });
    assert.equal(tf.memory().numTensors, before, 'no tensor left behind');
    return { backend: tf.getBackend(), faces };
  } finally {
    detector.dispose();
  }
}

test('the same faces on the best backend and on the plain JavaScript one (leaky relu after pooling, as prelu or leakyRelu)', async () => {
  await useBestBackend();
  const places = [
    { file: join(FACES, 'happy', 'Aleksander_Kwasniewski_0002.jpg'), box: { x: 40, y: 60, width: 230, height: 230 } },
    { file: join(FACES, 'sad', 'Andre_Agassi_0034.jpg'), box: { x: 400, y: 140, width: 170, height: 170 } },
  ];
  const bytes = await composeScene(640, 480, places, 11);
  const { frame } = await decodeFrame(bytes, 'scene.jpg');
  const best = await facesOn(null, frame);
  const cpu = await facesOn('cpu', frame);
  assert.equal(cpu.backend, 'cpu');
  assert.ok(best.faces.length >= 2, `both faces found on ${best.backend}`);
  assert.equal(cpu.faces.length, best.faces.length, `as many faces on cpu as on ${best.backend}`);
  best.faces.forEach((b, i) => {
    const c = cpu.faces[i]!;
    for (const k of ['x', 'y', 'width', 'height'] as const) assert.ok(Math.abs(b[k] - c[k]) < 0.01, `face ${i} ${k}: ${b[k]} on ${best.backend}, ${c[k]} on cpu`);
    assert.ok(Math.abs(b.score - c.score) < 1e-4, `face ${i} score`);
  });
});
