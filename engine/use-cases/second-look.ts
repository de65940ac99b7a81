/**
 * A model's second look: a face the face-expression head is unsure of (P(happy) within `margin` of 0.5) is
 * also shown to human's emotion network, and judged by a second head on both networks' features side by side.
 *
 * Why: a linear head on FaceExpressionNet's 256 features stays at 0.90-0.91 on fer2013-happy-sad whatever
 * else was tried; both networks on every face reach about 0.92 / 0.93 on the grey photos, but cost two
 * forward passes per view in training and in every prediction, past issue 9's budgets. Measured by
 * `npm run bench:second-look` (six seeds, the photo and one augmented view per training image, as the face
 * bases train): a second head trained on the 30 % of the training images the first head is least sure of
 * (their original view only), asked when the first head's P(happy) is within 0.3 of 0.5, gives fer2013
 * validation 0.919 (lowest seed 0.915; the first head alone 0.900, both networks on every view 0.917) and
 * grey photos 0.926 (0.899; 0.932), with 17 % of the faces asked: most predictions cost what they did, and
 * training runs the emotion network on about 700 faces of a 2,000-image set (0.2 of the images and margin
 * 0.4: 0.9175 / 0.929 with 25 % asked).
 */
import { labelToTarget, type Label } from '../../common/labels.js';
import { IDENTITY, JUDGE_VIEWS } from '../augment.js';
import type { FrozenBase } from '../bases/base.js';
import { EMOTION_DIM } from '../bases/emotion.js';
import type { CallContext } from '../call-context.js';
import { createHead, meanVector, predictHead, trainHead, type HeadHyperparameters, type Matrix } from '../head.js';
import type { SecondLookRecord } from '../models/model-meta.js';
import type { SecondLook } from '../models/resolve.js';
import type * as tf from '../tf.js';
import type { SampleRef } from '../samples.js';
import type { FeatureRequest, FeatureStore } from '../features/feature-store.js';
import { isCancelled } from '../../common/errors.js';
import { inputReason } from '../../common/i18n/reasons.js';
import type { EngineServices } from './services.js';

/** The settings measured best (see above). */
export const SECOND_LOOK = {
  /** a face whose P(happy) is within this of 0.5 is looked at again */
  margin: 0.3,
  /** the share of training images, least sure first, that the second head learns from */
  share: 0.3,
  /** fewer of either class among them and no second look is trained: a head on a handful of faces would only add noise */
  minPerClass: 10,
} as const;

export function isUnsure(pHappy: number, margin: number): boolean {
  return Math.abs(pHappy - 0.5) < margin;
}

/** The indexes of the `share` of rows whose P(happy) is nearest 0.5, nearest first (ties by index). Pure. */
export function leastSure(pHappy: ArrayLike<number>, share: number): number[] {
  const order = Array.from({ length: pHappy.length }, (_, i) => i).sort((a, b) => Math.abs(pHappy[a]! - 0.5) - Math.abs(pHappy[b]! - 0.5) || a - b);
  return order.slice(0, Math.round(share * pHappy.length));
}

/** P(happy) of the second head on one face's two feature vectors. Pure. */
export function secondLookP(look: Pick<SecondLook, 'kernel' | 'bias'>, face: Float32Array, emotion: Float32Array): number {
  let z = look.bias;
  for (let i = 0; i < face.length; i++) z += look.kernel[i]! * face[i]!;
  for (let i = 0; i < emotion.length; i++) z += look.kernel[face.length + i]! * emotion[i]!;
  return 1 / (1 + Math.exp(-z));
}

/** One face judged by the first head: the sample, which face (0: the largest), its face-expression judge row and P(happy). */
export interface FirstLook {
  sample: SampleRef;
  /** the sample's content hash as the first look read it: a file changed since is not looked at again */
  hash: string;
  face: number;
  features: Float32Array;
  pHappy: number;
}

/**
 * P(happy) of each face, those the first head is unsure of judged again with both networks' features (the
 * emotion network's judge views of the very same crops: the stores share their face detections, so a photo's
 * faces come in the same order). A face that cannot be looked at again (its file changed since, or the emotion
 * network failed) keeps its first P(happy); `asked` counts the faces that were. Only the unsure faces of a photo
 * are shown to the emotion network. A cancel still cancels.
 */
export async function lookAgain(services: EngineServices, look: SecondLook | undefined, first: readonly FirstLook[], ctx: CallContext, opts: { flushLater?: boolean } = {}): Promise<{ pHappy: number[]; asked: number; computed: number; cached: number }> {
  const pHappy = first.map((f) => f.pHappy);
  const unsure = look ? first.flatMap((f, i) => (isUnsure(f.pHappy, look.margin) ? [i] : [])) : [];
  if (!look || unsure.length === 0) return { pHappy, asked: 0, computed: 0, cached: 0 };
  // one request per sample, for its unsure faces only (a group photo with one unsure face costs one face's views)
  const samples = new Map<string, number>();
  const requests: Array<FeatureRequest & { faces: number[] }> = [];
  for (const i of unsure) {
    const f = first[i]!;
    const s = samples.get(f.hash);
    if (s !== undefined) {
      requests[s]!.faces.push(f.face);
      continue;
    }
    samples.set(f.hash, requests.length);
    requests.push({ sample: { ...f.sample, hash: f.hash }, views: () => JUDGE_VIEWS, faces: [f.face] });
  }
  let out: Awaited<ReturnType<FeatureStore['features']>>;
  try {
    const store = await services.features.forBase(look.base);
    // no progress events: a call's progress counts its own images, not the few looked at again
    out = await store.features(requests, { ...(ctx.signal && { signal: ctx.signal }), ...(opts.flushLater && { flushLater: true }) });
  } catch (err) {
    if (isCancelled(err)) throw err;
    return { pHappy, asked: 0, computed: 0, cached: 0 };
  }
  let asked = 0;
  for (const i of unsure) {
    const f = first[i]!;
    const s = samples.get(f.hash)!;
    if (out.hashes[s] !== f.hash) continue;
    const views = out.faceVectors[s]?.[f.face] ?? (f.face === 0 ? out.vectors[s] : null);
    if (!views?.length) continue;
    pHappy[i] = secondLookP(look, f.features, meanVector(views));
    asked++;
  }
  return { pHappy, asked, computed: out.computed, cached: out.cached };
}

/** P(happy) of judge rows (`x`, row i: sample i's largest face, first judged `pHappy`), those unsure looked at again. */
export async function lookAgainAtRows(services: EngineServices, look: SecondLook | undefined, samples: ReadonlyArray<SampleRef & { hash: string }>, x: Matrix, pHappy: Float32Array, ctx: CallContext): Promise<{ pHappy: Float32Array; asked: number }> {
  const first = samples.map((s, r): FirstLook => ({ sample: s, hash: s.hash, face: 0, features: x.data.subarray(r * x.dim, (r + 1) * x.dim), pHappy: pHappy[r]! }));
  const again = await lookAgain(services, look, first, ctx);
  return { pHappy: Float32Array.from(again.pHappy), asked: again.asked };
}

export interface SecondLookTraining {
  /** the first head, trained */
  head: tf.LayersModel;
  /** the training images read, their face-expression features of the original view (row i: image i) */
  train: ReadonlyArray<{ sample: SampleRef; hash: string; label: Label }>;
  trainX: Matrix;
  /** the validation images read, with their judge rows and the first head's P(happy) (row i: image i) */
  validation: ReadonlyArray<{ sample: SampleRef; hash: string; label: Label }>;
  validationX: Matrix;
  validationP: Float32Array;
  /** none: the validation set is not used (it lacks a class) */
  useValidation: boolean;
  /**
   * where the second head starts: the parent model's second look, else the base's own happy-vs-sad weights (its
   * zero-shot head, over the face-expression half; the emotion half zero), as a first head does. Measured by
   * `npm run bench:second-look`: started from the trained first head instead, it fitted FER2013 better (0.925)
   * and the photos worse (0.917 against 0.926).
   */
  start: { kernel: ArrayLike<number>; bias: number };
  hp: HeadHyperparameters;
  seed: number;
}

/**
 * Trains a second look on the training images the first head is least sure of, or none (too few of either class
 * among them, before or after those that could not be read again; the emotion network failed, which is said as a
 * warning): the model then judges with its first head alone. Validation images the first head is unsure of hold
 * its early stopping.
 */
export async function trainSecondLook(
  services: EngineServices,
  t: SecondLookTraining,
  ctx: CallContext,
  /** tests train one on a handful of images */
  settings: { readonly margin: number; readonly share: number; readonly minPerClass: number } = SECOND_LOOK,
): Promise<{ look: SecondLook; record: SecondLookRecord } | null> {
  const pTrain = predictHead(t.head, t.trainX);
  const picked = leastSure(pTrain, settings.share);
  const enough = (labels: readonly number[]) => Math.min(labels.filter((y) => y === 1).length, labels.filter((y) => y === 0).length) >= settings.minPerClass;
  if (!enough(picked.map((i) => labelToTarget(t.train[i]!.label)))) return null;
  const unsureVal = t.useValidation ? t.validation.flatMap((_, i) => (isUnsure(t.validationP[i]!, settings.margin) ? [i] : [])) : [];

  ctx.progress?.({ type: 'stage', stage: 'embedding', message: `Computing emotion features of the ${picked.length + unsureVal.length} faces the model is least sure of` });
  let base: FrozenBase<'emotion'>;
  let out: Awaited<ReturnType<FeatureStore['features']>>;
  try {
    base = await services.bases.emotion();
    const store = await services.features.forBase(base);
    // no embedding progress: the call's progress counted its images once; this is its 'stage' above
    out = await store.features(
      [...picked.map((i) => ({ sample: { ...t.train[i]!.sample, hash: t.train[i]!.hash }, views: () => [IDENTITY] })), ...unsureVal.map((i) => ({ sample: { ...t.validation[i]!.sample, hash: t.validation[i]!.hash }, views: () => JUDGE_VIEWS }))],
      ctx.signal ? { signal: ctx.signal } : {},
    );
  } catch (err) {
    if (isCancelled(err)) throw err;
    ctx.progress?.({ type: 'warning', message: inputReason('reason.noSecondLook', { error: (err as Error).message }) });
    return null;
  }
  const joined = (rows: readonly number[], x: Matrix, first: number, of: ReadonlyArray<{ hash: string; label: Label }>) =>
    rows.flatMap((row, k) => {
      const v = out.vectors[first + k];
      return v && out.hashes[first + k] === of[row]!.hash ? [{ x: join(x.data.subarray(row * x.dim, (row + 1) * x.dim), meanVector(v)), y: labelToTarget(of[row]!.label) }] : [];
    });
  const train = joined(picked, t.trainX, 0, t.train);
  // images that could not be read again (changed or gone since the first look) are left out: still enough?
  if (!enough(train.map((r) => r.y))) return null;
  const val = joined(unsureVal, t.validationX, picked.length, t.validation);
  const dim = t.trainX.dim + EMOTION_DIM;
  const kernel = new Float32Array(dim);
  kernel.set(Array.from(t.start.kernel).slice(0, dim));
  const init = { kernel, bias: t.start.bias };
  const second = createHead(dim, init, t.seed);
  try {
    const hasBoth = (rows: ReadonlyArray<{ y: number }>) => rows.some((r) => r.y === 1) && rows.some((r) => r.y === 0);
    await trainHead(second, asData(train, dim), hasBoth(val) ? asData(val, dim) : null, t.hp, t.seed, ctx.signal ? { signal: ctx.signal } : {}, { standardize: true });
    const [k, b] = second.getWeights();
    const kernel = Float32Array.from(k!.dataSync());
    const bias = b!.dataSync()[0]!;
    return {
      look: { base, margin: settings.margin, kernel, bias },
      record: { network: { id: 'emotion', fingerprint: base.fingerprint, dim: EMOTION_DIM }, margin: settings.margin, share: settings.share, trainedOn: train.length, kernel: Array.from(kernel), bias },
    };
  } finally {
    second.dispose();
  }
}

function asData(rows: ReadonlyArray<{ x: Float32Array; y: number }>, dim: number): { x: Matrix; y: Float32Array } {
  const data = new Float32Array(rows.length * dim);
  rows.forEach((r, i) => data.set(r.x, i * dim));
  return { x: { data, n: rows.length, dim }, y: Float32Array.from(rows, (r) => r.y) };
}

function join(a: Float32Array, b: Float32Array): Float32Array {
  const out = new Float32Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}
