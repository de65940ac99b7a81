/**
 * The engine's method table, defined once: for each method its params (a runtime validator whose type is the
 * params type), its result type, and whether it may run while a training runs. The worker validates every
 * request against it, and so does the app's IPC edge; the engine's handler table is typed against it, so
 * adding a method here makes the compiler name every place that must follow.
 */
import { z } from 'zod';
import type { DataInspection, EngineInfo, EvalResult, ImportModelResult, ModelInfo, PredictResult, TrainResult } from './engine-types.js';
import { BASE_IDS } from './engine-types.js';
import { EngineError, type Failure } from './errors.js';
import type { BackendInfo, ProgressEvent } from './engine-types.js';
import type { LibraryListResult, LibraryRetrainResult, LibraryReviewResult, LibrarySaveResult, LibraryUndoResult, RetrainPreview, ThumbnailResult } from './library-types.js';
import { LIBRARY_SORTS, REVIEW_ACTIONS, REVIEW_STATES } from './library-types.js';
import { LABELS } from './labels.js';
import { LIMITS } from './defaults.js';

const path = z.string().min(1, 'must not be empty').max(4096);
/** 'current', 'zero-shot' or a model id */
const modelRef = z.string().min(1, 'must not be empty').max(64);
/** A trained model's id: when it was made (UTC) and 4 random hex digits. */
export const MODEL_ID_PATTERN = /^[0-9]{8}-[0-9]{6}-[0-9a-f]{4}$/;
const modelId = z.string().regex(MODEL_ID_PATTERN, 'is not a model id (they look like 20261128-101530-ab12)');
const none = z.strictObject({});

const mobilenetSource = z.strictObject({
  url: z.url({ protocol: /^(https?|file)$/ }).optional(),
  sha256: z.record(z.string(), z.string().regex(/^[0-9a-f]{64}$/)).optional(),
  dir: path.optional(),
});

const trainParams = z.strictObject({
  data: path,
  base: z.enum(BASE_IDS).optional(),
  epochs: z.int().min(LIMITS.epochs.min).max(LIMITS.epochs.max).optional(),
  batchSize: z.int().min(LIMITS.batchSize.min).max(LIMITS.batchSize.max).optional(),
  seed: z.int().min(LIMITS.seed.min).max(LIMITS.seed.max).optional(),
  maxPerClass: z.int().min(1).optional(),
  validationSplit: z.number().gt(0).lt(1).optional(),
  learningRate: z.number().gt(0).max(LIMITS.learningRate.max).optional(),
  augment: z
    .strictObject({
      variants: z.int().min(0).max(16).optional(),
      flip: z.boolean().optional(),
      maxRotationDeg: z.number().min(0).max(180).optional(),
      maxShift: z.number().min(0).max(0.5).optional(),
      maxZoom: z.number().min(0).max(0.9).optional(),
      maxBrightness: z.number().min(0).max(0.9).optional(),
    })
    .optional(),
  fromModel: modelRef.optional(),
  mobilenet: mobilenetSource.optional(),
  use: z.boolean().optional(),
});

const label = z.enum(LABELS);
const probability = z.number().min(0).max(1);
const coordinate = z.number().min(0).max(1_000_000);
/** one face of a prediction, as predict gives it */
const facePrediction = z.strictObject({
  box: z.strictObject({ x: coordinate, y: coordinate, width: coordinate, height: coordinate }),
  label,
  confidence: probability,
  probabilities: z.strictObject({ happy: probability, sad: probability }),
});
/** more faces than this in one image are not kept with it */
const MAX_FACES = 1000;

/** a library image: the sha256 of its bytes */
const libraryId = z.string().regex(/^[0-9a-f]{64}$/, 'is not a library image id (a sha256 in hex)');

const retrainOptions = z.strictObject({
  includeUnreviewed: z.boolean().optional(),
  minConfidence: z.number().min(LIMITS.minConfidence.min).max(LIMITS.minConfidence.max).optional(),
});

/** One entry per method. `whileTraining`: answered at once even while a training or other queued work runs. */
export const ENGINE_METHODS = {
  info: { params: none, whileTraining: true },
  listModels: { params: none, whileTraining: true },
  useModel: { params: z.strictObject({ id: modelId }), whileTraining: false },
  deleteModel: { params: z.strictObject({ id: modelId }), whileTraining: false },
  /** writes <dir>/happysad-model-<id>: the head (tfjs layers model), meta.json and a README */
  exportModel: { params: z.strictObject({ id: modelId, dir: path }), whileTraining: true },
  /** copies an exported model folder (or another installation's models/<id>) into the models; use: make it current */
  importModel: { params: z.strictObject({ dir: path, use: z.boolean().optional() }), whileTraining: false },
  train: { params: trainParams, whileTraining: false },
  /** without data: the model's own validation images; report: a folder to write the HTML report into */
  evaluate: { params: z.strictObject({ data: path.optional(), model: modelRef.optional(), report: path.optional() }), whileTraining: false },
  // a folder listing, no TensorFlow work: answered while a training runs
  inspectData: {
    params: trainParams.pick({ data: true, validationSplit: true, seed: true, maxPerClass: true }),
    whileTraining: true,
  },
  predict: {
    params: z.strictObject({
      inputs: z.array(path).min(1, 'give at least one image or folder').max(100_000),
      model: modelRef.optional(),
      recursive: z.boolean().optional(),
      save: z.boolean().optional(),
    }),
    whileTraining: false,
  },
  // the saved-prediction library: no TensorFlow work, so answered while a training runs
  libraryList: {
    params: z.strictObject({
      filter: z.strictObject({ label: label.optional(), review: z.enum(REVIEW_STATES).optional() }).optional(),
      sort: z.enum(LIBRARY_SORTS).optional(),
      offset: z.int().min(0).optional(),
      limit: z.int().min(LIMITS.listLimit.min).max(LIMITS.listLimit.max).optional(),
    }),
    whileTraining: true,
  },
  librarySave: {
    params: z.strictObject({
      items: z
        .array(z.strictObject({ file: path, predicted: label, confidence: probability, modelId: modelRef, faces: z.array(facePrediction).max(MAX_FACES).optional(), face: z.literal('none found').optional() }))
        .min(1)
        .max(100_000),
    }),
    whileTraining: true,
  },
  libraryReview: {
    params: z.strictObject({ ids: z.array(libraryId).min(1, 'give at least one image id').max(100_000), action: z.enum(REVIEW_ACTIONS), label: label.optional() }),
    whileTraining: true,
  },
  libraryUndo: { params: none, whileTraining: true },
  thumbnail: { params: z.strictObject({ id: libraryId, size: z.int().min(16).max(1024).optional() }), whileTraining: true },
  retrainPreview: { params: retrainOptions, whileTraining: true },
  retrainWithLibrary: {
    params: retrainOptions.extend({
      /** the preview's fingerprint: refused when the images changed since */
      expect: z.string().regex(/^[0-9a-f]{64}$/).optional(),
      /** make it current whatever the comparison with the current model says */
      use: z.boolean().optional(),
      epochs: z.int().min(LIMITS.epochs.min).max(LIMITS.epochs.max).optional(),
    }),
    whileTraining: false,
  },
} as const satisfies Record<string, { params: z.ZodType; whileTraining: boolean }>;

/** What each method resolves with. */
export interface EngineResults {
  info: EngineInfo;
  listModels: ModelInfo[];
  useModel: ModelInfo;
  deleteModel: { deleted: string };
  exportModel: { dir: string };
  importModel: ImportModelResult;
  train: TrainResult;
  inspectData: DataInspection;
  evaluate: EvalResult;
  predict: PredictResult;
  libraryList: LibraryListResult;
  librarySave: LibrarySaveResult;
  libraryReview: LibraryReviewResult;
  libraryUndo: LibraryUndoResult;
  thumbnail: ThumbnailResult;
  retrainPreview: RetrainPreview;
  retrainWithLibrary: LibraryRetrainResult;
}

export type EngineMethod = keyof typeof ENGINE_METHODS & keyof EngineResults;
export type EngineParams<M extends EngineMethod> = z.input<(typeof ENGINE_METHODS)[M]['params']>;
export type EngineResult<M extends EngineMethod> = EngineResults[M];

export const ENGINE_METHOD_NAMES = Object.keys(ENGINE_METHODS) as EngineMethod[];

export function isEngineMethod(name: unknown): name is EngineMethod {
  return typeof name === 'string' && Object.hasOwn(ENGINE_METHODS, name);
}

/** Checks a request; a wrong one is a 'bad-input' EngineError naming the method and what is wrong. */
export function validateRequest<M extends EngineMethod>(method: unknown, params: unknown): { method: M; params: z.output<(typeof ENGINE_METHODS)[M]['params']> } {
  if (!isEngineMethod(method)) throw new EngineError('bad-input', `unknown engine method "${String(method)}"`);
  const parsed = ENGINE_METHODS[method].params.safeParse(params);
  if (!parsed.success) {
    const what = parsed.error.issues.map((i) => `${i.path.length ? i.path.join('.') : 'parameters'}: ${i.message}`);
    throw new EngineError('bad-input', `${method}: ${what.join('; ')}`);
  }
  return { method: method as M, params: parsed.data as z.output<(typeof ENGINE_METHODS)[M]['params']> };
}

/** Messages between the engine host and its worker thread (structured clone). */
/** close: finish what was deferred (the last prediction's cache writes), stop the embedding workers, say 'closed' */
export type HostToWorker = { kind: 'request'; id: string; method: EngineMethod; params: unknown } | { kind: 'cancel'; id: string } | { kind: 'close' };

export type WorkerToHost =
  | { kind: 'ready'; backend: BackendInfo }
  | { kind: 'closed' }
  | { kind: 'fatal'; error: Failure }
  | { kind: 'progress'; id: string; event: ProgressEvent }
  | { kind: 'result'; id: string; ok: true; value: unknown }
  | { kind: 'result'; id: string; ok: false; error: Failure };
