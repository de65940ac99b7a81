import { join } from 'node:path';
import * as tf from '../tf.js';
import { GREY_INPUT, type FrozenBase } from './base.js';
import { EMOTION_DIM, EMOTION_FILES, loadEmotionNet } from './emotion.js';
import { loadFaceExpressionBase } from './face-expression.js';

/**
 * face-api's FaceExpressionNet and human's emotion network side by side on the same view: 256 + 256
 * features. Measured on fer2013-happy-sad (head trained on the training views, judged on validation/, the
 * PublicTest split) and on photos-happy-sad in greyscale: 0.92-0.93 and 0.925-0.94, against 0.90 and 0.90 for
 * face-expression alone; each view costs about two forward passes instead of one (the emotion network takes
 * about as long as the face-expression one on wasm). The emotion network was trained on FER2013, whose
 * Training split our training images come from: its features fit those better than unseen faces, which
 * is why the photos, not only FER2013, back the choice.
 *
 * `dir` is the folder that holds both networks' folders (assets/models).
 */
export async function loadFaceExpressionEmotionBase(dir: string): Promise<FrozenBase> {
  const face = await loadFaceExpressionBase(join(dir, 'face-expression'));
  let emotion: Awaited<ReturnType<typeof loadEmotionNet>>;
  try {
    emotion = await loadEmotionNet(join(dir, 'emotion'));
  } catch (err) {
    face.dispose();
    throw err;
  }
  const zeroShot = face.zeroShotHead!;
  const kernel = new Float32Array(face.dim + EMOTION_DIM);
  kernel.set(zeroShot.kernel); // the emotion half starts at zero: the untrained head is face-expression's own
  return {
    id: 'face-expression-emotion',
    fingerprint: `${face.fingerprint}+${EMOTION_FILES.weights.sha256.slice(0, 16)}`,
    inputSize: face.inputSize,
    dim: face.dim + EMOTION_DIM,
    greyInput: GREY_INPUT['face-expression-emotion'],
    zeroShotHead: { kernel, bias: zeroShot.bias },
    standardize: true,
    embed: (images) => {
      const a = face.embed(images);
      const b = emotion.features(images);
      const out = tf.concat([a, b], 1);
      tf.dispose([a, b]);
      return out;
    },
    recipe: { kind: 'face-expression-emotion', dir },
    dispose: () => {
      face.dispose();
      emotion.dispose();
    },
  };
}

