/**
 * Training a head on a frozen base. It takes labelled samples (trainOnSamples): the dataset folder is one
 * source of them (trainFromFolder), the saved-prediction library will be another. Each training image is
 * embedded as itself plus `augment.variants` augmented views, seeded by (seed, content hash, view), so that a
 * moved or copied image finds all its views in the feature store.
 */
import { inputReason } from '../../common/i18n/reasons.js';
import { BASE_AUGMENT, DEFAULT_SEED } from '../../common/defaults.js';
import type * as tf from '../tf.js';
import type { AugmentConfig, BaseId, ClassCounts, DatasetSummary, MobileNetSource, Promotion, PromotionNote, TrainParams, TrainResult } from '../../common/engine-types.js';
import { labelToTarget, type Label } from '../../common/labels.js';
import { DEFAULT_AUGMENT, JUDGE_VIEWS, variantParams } from '../augment.js';
import type { CallContext } from '../call-context.js';
import { folderTrainingSet, recordedSplit } from '../dataset.js';
import { badInput, throwIfAborted } from '../errors.js';
import { createHead, DEFAULT_HYPERPARAMETERS, predictHead, trainHead, type HeadHyperparameters, type Matrix } from '../head.js';
import { computeMetrics } from '../metrics.js';
import { MODEL_META_SCHEMA, type ModelMeta } from '../models/model-meta.js';
import { newModelId } from '../models/registry.js';
import { sameFolder } from '../paths.js';
import { DEFAULT_BASE, resolveModel, type ResolvedModel } from '../models/resolve.js';
import { deriveSeed } from '../random.js';
import type { SampleRef, TrainingSet } from '../samples.js';
import { APP_VERSION } from '../version.js';
import { count } from '../words.js';
import { checkTrainingData } from './data-warnings.js';
import { judgeRows } from './judge.js';
import { learnedBy, learnedToTrain } from './learned-to-train.js';
import { overtaken, promote } from './promotion.js';
import { lookAgainAtRows, trainSecondLook } from './second-look.js';
import { embeddingOptions, type EngineServices } from './services.js';

export interface TrainOptions {
  seed: number;
  hp: HeadHyperparameters;
  /** the caller's augmentation over the defaults of the base trained on (DEFAULT_AUGMENT, then BASE_AUGMENT), known once the base is */
  augment: Partial<AugmentConfig>;
  /** the frozen base of a new model (a retrain keeps its parent's) */
  base?: BaseId;
  mobilenet?: MobileNetSource;
  /** retrain: start from this saved model's head instead of the base's own */
  fromModel?: string;
  /** make the new model current even when it scores lower than the current one */
  use: boolean;
  /** warnings the caller said before training (a library retrain's plan moved learned images): kept with the result's own */
  said?: readonly string[];
  /** a second look's settings other than SECOND_LOOK's (tests train one on a handful of images) */
  secondLook?: { readonly margin: number; readonly share: number; readonly minPerClass: number };
  /**
   * A caller's own promotion rule (the library retrain allows 0.5 points), judged on the validation rows (the
   * new model's P(happy), with its second look); by default promote() decides: at least as good as the
   * current model on the same validation images.
   */
  promote?: (validation: { x: Matrix; y: Float32Array; hashes: readonly string[]; samples: ReadonlyArray<SampleRef & { hash: string }>; pHappy: Float32Array }) => Promise<{ makeCurrent: boolean; record: Required<PromotionNote> }>;
}

/** The request's settings over the defaults. */
export function trainOptions(params: Omit<TrainParams, 'data'>): TrainOptions {
  return {
    seed: params.seed ?? DEFAULT_SEED,
    hp: {
      ...DEFAULT_HYPERPARAMETERS,
      ...(params.epochs !== undefined && { epochs: params.epochs }),
      ...(params.batchSize !== undefined && { batchSize: params.batchSize }),
      ...(params.learningRate !== undefined && { learningRate: params.learningRate }),
    },
    augment: { ...params.augment },
    ...(params.base && { base: params.base }),
    ...(params.mobilenet && { mobilenet: params.mobilenet }),
    ...(params.fromModel && { fromModel: params.fromModel }),
    use: params.use === true,
  };
}

/** Trains on a dataset folder (train/ + validation/, or happy/ + sad/). */
export async function trainFromFolder(services: EngineServices, params: TrainParams, ctx: CallContext = {}): Promise<TrainResult> {
  const startedAt = performance.now();
  const parent = params.fromModel ? await startingMeta(services, params.fromModel) : null;
  // a retrain splits its parent's folder as the parent did (seed, share, rule): the images the parent learned
  // from stay in train, where they cannot flatter the new model's figures; and reads it as far as the parent
  // was told to (its --max-per-class), not a hundred times as many images
  const ownFolder = parent !== null && (await sameFolder(parent.dataset.root, params.data));
  const parentCap = ownFolder && typeof parent.dataset.maxPerClass === 'number' ? parent.dataset.maxPerClass : undefined;
  const maxPerClass = params.maxPerClass ?? parentCap;
  const options = trainOptions({ ...params, ...(params.seed === undefined && parent && { seed: parent.hyperparameters.seed }) });
  ctx.progress?.({ type: 'stage', stage: 'scanning', message: `Reading ${params.data}` });
  const tScan = performance.now();
  const set = await folderTrainingSet(params.data, {
    seed: options.seed,
    ...(maxPerClass !== undefined && { maxPerClass }),
    ...(params.validationSplit !== undefined ? { validationSplit: params.validationSplit } : ownFolder && recordedSplit(parent.dataset)),
  });
  throwIfAborted(ctx.signal);
  return trainOnSamples(services, set, options, ctx, startedAt, (performance.now() - tScan) / 1000);
}

/** The saved model a retrain starts from; null for the zero-shot head, or one that cannot be read (resolveModel says why). */
async function startingMeta(services: EngineServices, ref: string): Promise<ModelMeta | null> {
  const id = ref === 'current' ? await services.registry.currentId() : ref;
  if (!id || id === 'zero-shot') return null;
  return services.registry.readMeta(id).catch(() => null);
}

/** Trains a new model on labelled samples and saves it; it becomes the current one by the promotion rule (promotion.ts). */
export async function trainOnSamples(
  services: EngineServices,
  set: TrainingSet,
  options: TrainOptions,
  ctx: CallContext = {},
  startedAt = performance.now(),
  /** seconds spent finding the samples (listing a folder), for the timings */
  scanSeconds = 0,
): Promise<TrainResult> {
  if (services.readOnly) throw badInput(inputReason('reason.readOnlyTrain', { home: services.home }));
  const parent = options.fromModel ? await resolveModel(services.registry, services.bases, options.fromModel, ctx) : null;
  try {
    const fair = parent ? await learnedToTrain(services, set, parent.id, ctx) : { set, warning: null };
    if (fair.warning) ctx.progress?.({ type: 'warning', message: fair.warning });
    return await trainFrom(services, fair.set, options, parent, ctx, startedAt, scanSeconds, [...(options.said ?? []), ...(fair.warning ? [fair.warning] : [])]);
  } finally {
    parent?.head.dispose();
  }
}

async function trainFrom(
  services: EngineServices,
  set: TrainingSet,
  { seed, hp, augment: augmentOverride, ...options }: TrainOptions,
  parent: ResolvedModel | null,
  ctx: CallContext,
  startedAt: number,
  scanSeconds: number,
  /** said before training began (progress), kept with the result's own */
  earlierWarnings: string[],
): Promise<TrainResult> {
  const base = parent?.base ?? (await services.bases.load(options.base ?? DEFAULT_BASE, options.mobilenet, ctx));
  // a retrain names no base: its parent's defaults apply as they did to the parent
  const augment: AugmentConfig = { ...DEFAULT_AUGMENT, ...BASE_AUGMENT[base.id], ...augmentOverride };
  if (parent && options.base && options.base !== base.id) {
    throw badInput(inputReason('reason.retrainOtherBase', { id: parent.id, base: base.id, other: options.base }));
  }

  ctx.progress?.({ type: 'stage', stage: 'embedding', message: `Computing ${base.id} features` });
  const tEmbed = performance.now();
  const train = set.samples.filter((s) => s.split === 'train');
  const validation = set.samples.filter((s) => s.split === 'validation');
  const trainingViews = (hash: string) => Array.from({ length: augment.variants + 1 }, (_, v) => variantParams(augment, seed, hash, v));
  const requests = [...train.map((sample) => ({ sample, views: trainingViews })), ...validation.map((sample) => ({ sample, views: () => JUDGE_VIEWS }))];
  const store = await services.features.forBase(base);
  const emb = await store.features(requests, embeddingOptions(ctx));
  const embedSeconds = (performance.now() - tEmbed) / 1000;

  // From here on only the images that were read count: in the summary, the warnings, training and validation.
  const trainVectors = emb.vectors.slice(0, train.length);
  const valVectors = emb.vectors.slice(train.length);
  const readTrain = train.flatMap((s, i) => (trainVectors[i] ? [{ ...s, hash: emb.hashes[i]! }] : []));
  const readValidation = validation.flatMap((s, i) => (valVectors[i] ? [{ ...s, hash: emb.hashes[train.length + i]! }] : []));
  const failed = emb.failures;
  const dataset: DatasetSummary = {
    ...set.summary,
    train: countClasses(readTrain),
    validation: countClasses(readValidation),
    skipped: [...set.summary.skipped, ...failed],
  };
  if (dataset.train.happy === 0 || dataset.train.sad === 0) {
    throw badInput(inputReason('reason.classGoneAfterSkips', { path: set.summary.root }));
  }
  const check = checkTrainingData(dataset.train, dataset.validation);
  check.warnings.forEach((message, i) => ctx.progress?.({ type: 'warning', message, detail: check.details[i]! }));
  const { validationProblem } = check;
  const warnings = [...earlierWarnings, ...check.warnings];

  const trainSet = eachViewRows(base.dim, train, trainVectors);
  const valRows = judgeRows(base.dim, valVectors);
  // the validation rows, their hashes (promotion, samples.json) and the second look are matched by position
  if (valRows.x.n !== readValidation.length) throw new Error(`${valRows.x.n} validation rows for ${readValidation.length} validation images read`);
  // a validation set without both classes is not used at all: its figures would flatter any model (see checkTrainingData)
  const valSet = validationProblem ? null : { x: valRows.x, y: Float32Array.from(valRows.rows, (i) => labelToTarget(validation[i]!.label)) };

  ctx.progress?.({ type: 'stage', stage: 'training', message: `Training on ${count(readTrain.length, 'image')}` });
  const head = createHead(base.dim, parent ? headWeights(parent.head) : base.zeroShotHead, deriveSeed(seed, 'init'));
  try {
    const tHead = performance.now();
    const result = await trainHead(head, trainSet, valSet, hp, deriveSeed(seed, 'head'), {
      ...(ctx.signal && { signal: ctx.signal }),
      ...(ctx.afterEpoch && { afterEpoch: ctx.afterEpoch }),
      onEpoch: (log) => ctx.progress?.({ type: 'epoch', epochs: hp.epochs, ...log }),
      onBatch: throttle(250, (epoch, batch, batches, loss) => ctx.progress?.({ type: 'batch', epoch, batch, batches, loss })),
    }, { standardize: base.standardize === true });
    const headSeconds = (performance.now() - tHead) / 1000;
    const tSecond = performance.now();
    const firstP = valSet ? predictHead(head, valSet.x) : null;
    const second = base.id === 'face-expression' ? await trainSecondLook(services, {
      head,
      train: readTrain.map((s) => ({ sample: s, hash: s.hash, label: s.label })),
      trainX: originalViewRows(base.dim, trainVectors),
      validation: readValidation.map((s) => ({ sample: s, hash: s.hash, label: s.label })),
      validationX: valRows.x,
      validationP: firstP ?? new Float32Array(0), // read only with validation figures
      useValidation: valSet !== null,
      start: parent?.secondLook ?? base.zeroShotHead ?? { kernel: new Float32Array(0), bias: 0 },
      hp,
      seed: deriveSeed(seed, 'second-look'),
    }, ctx, options.secondLook) : null;
    const again = valSet && firstP ? await lookAgainAtRows(services, second?.look, readValidation, valSet.x, firstP, ctx) : null;
    const secondLookSeconds = (performance.now() - tSecond) / 1000;
    const tSave = performance.now();
    const bestLog = result.history[result.bestEpoch - 1];
    const valP = again?.pHappy ?? null;
    const validationMetrics = valSet && valP ? computeMetrics(valP, valSet.y) : null;
    // readValidation is in the order of valRows.rows (both keep the samples' order, leaving out the unread)
    const custom = options.promote && valSet && valP ? await options.promote({ ...valSet, hashes: readValidation.map((s) => s.hash), samples: readValidation, pHappy: valP }) : null;
    const id = newModelId();
    const best = { epoch: result.bestEpoch, valAccuracy: bestLog?.valAccuracy ?? null, valLoss: bestLog?.valLoss ?? null };
    const judgedValidation = valP ? readValidation.map((s, row) => ({ ...s, pHappy: valP[row]! })) : null;
    let promotion: Promotion = custom
      ? { madeCurrent: custom.makeCurrent, reason: custom.record.reason, why: custom.record.why, previous: null }
      : await promote(services, { modelId: id, validation: judgedValidation }, { use: options.use, validationProblem }, ctx);
    // compared on every validation image because the current model lists none it was trained on: said (for a
    // retrain from it, learnedToTrain said so already)
    const previous = promotion.why?.kind === 'compared' ? promotion.why.previous : null;
    if (!custom && previous && previous !== parent?.id && (await learnedBy(services, previous)) === null) {
      const unchecked = inputReason('reason.currentTrainedOnUnknown', { id: previous });
      warnings.push(unchecked);
      ctx.progress?.({ type: 'warning', message: unchecked });
    }
    const meta: ModelMeta = {
      schemaVersion: MODEL_META_SCHEMA,
      id,
      createdAt: new Date().toISOString(),
      appVersion: APP_VERSION,
      base: {
        id: base.id,
        fingerprint: base.fingerprint,
        dim: base.dim,
        greyInput: base.greyInput,
        ...(base.id === 'mobilenet-v2' && { source: parent?.source ?? options.mobilenet ?? services.mobilenet ?? {} }),
      },
      parentModel: parent?.id ?? null,
      dataset: { ...dataset, skipped: dataset.skipped.slice(0, 200) },
      hyperparameters: { ...hp, seed },
      augment,
      history: result.history,
      best,
      validation: validationMetrics,
      backend: services.backend.label,
      seconds: (performance.now() - startedAt) / 1000,
      promotion: { madeCurrent: promotion.madeCurrent, reason: promotion.reason, why: promotion.why },
      ...(second && { secondLook: second.record }),
    };
    // a parent whose learned images cannot be said: neither can this model's (an empty list reads so), or a
    // retrain from it would take them for images no model here learned from
    const parentLearned = parent ? await learnedBy(services, parent.id) : new Set<string>();
    ctx.progress?.({ type: 'stage', stage: 'saving', message: `Saving model ${id}` });
    throwIfAborted(ctx.signal);
    const made = promotion;
    // the model it was judged against (none: it was the first): if another is made current before it is saved, it stays a candidate
    const comparedWith = made.why.kind === 'first' || made.why.kind === 'overtaken' ? null : made.why.previous;
    let late: Promotion | null = null;
    await services.registry.save(head, meta, {
      makeCurrent: made.madeCurrent,
      samples: { trained: parentLearned === null ? [] : [...readTrain.map((s) => s.hash), ...parentLearned], validation: readValidation.map((s) => s.hash) },
      // asked to be made current: it is, whatever was made current meanwhile
      ...(!options.use && {
        comparedWith,
        overtaken: (current: string) => {
          late = overtaken(made, comparedWith, current);
          return { ...meta, promotion: { madeCurrent: late.madeCurrent, reason: late.reason, why: late.why } };
        },
      }),
    });
    // said by the result (the app's outcome, the CLI's summary), as every other promotion is
    if (late) promotion = late;
    const seconds = (performance.now() - startedAt) / 1000;
    const busy = emb.timings;
    return {
      modelId: id,
      backend: services.backend.label,
      seconds,
      epochs: result.history.length,
      best,
      history: result.history,
      dataset,
      embedding: { images: requests.length, views: emb.cached + emb.computed, cached: emb.cached, seconds: embedSeconds },
      stoppedEarly: result.stoppedEarly,
      failed,
      validation: validationMetrics,
      ...(second && { secondLook: { trainedOn: second.record.trainedOn, asked: again?.asked ?? 0 } }),
      promotion,
      warnings,
      timings: {
        scan: scanSeconds,
        embed: embedSeconds,
        head: headSeconds,
        secondLook: secondLookSeconds,
        save: (performance.now() - tSave) / 1000,
        total: seconds,
        read: busy.read,
        hash: busy.hash,
        decode: busy.decode,
        augment: busy.augment,
        network: busy.network,
        embedThreads: busy.threads,
      },
    };
  } finally {
    head.dispose();
  }
}

function countClasses(samples: ReadonlyArray<{ label: Label }>): ClassCounts {
  const c = { happy: 0, sad: 0 };
  for (const s of samples) c[s.label]++;
  return c;
}

/** One row per image read: the features of its original view (variant 0, the first). */
function originalViewRows(dim: number, vectors: ReadonlyArray<Float32Array[] | null>): Matrix {
  const read = vectors.filter((v): v is Float32Array[] => v !== null);
  const data = new Float32Array(read.length * dim);
  read.forEach((v, i) => data.set(v[0]!, i * dim));
  return { data, n: read.length, dim };
}

/** Training rows: one per view of each image, all with the image's label. Failed images are left out. */
function eachViewRows(dim: number, samples: ReadonlyArray<{ label: Label }>, vectors: ReadonlyArray<Float32Array[] | null>): { x: Matrix; y: Float32Array } {
  const rows: Float32Array[] = [];
  const targets: number[] = [];
  samples.forEach((s, i) => {
    for (const v of vectors[i] ?? []) {
      rows.push(v);
      targets.push(labelToTarget(s.label));
    }
  });
  const data = new Float32Array(rows.length * dim);
  rows.forEach((r, i) => data.set(r, i * dim));
  return { x: { data, n: rows.length, dim }, y: Float32Array.from(targets) };
}

function headWeights(head: tf.LayersModel): { kernel: Float32Array; bias: number } {
  const [k, b] = head.getWeights();
  return { kernel: k!.dataSync() as Float32Array, bias: b!.dataSync()[0]! };
}

function throttle<A extends unknown[]>(ms: number, fn: (...args: A) => void): (...args: A) => void {
  let last = 0;
  return (...args: A) => {
    const now = performance.now();
    if (now - last >= ms) {
      last = now;
      fn(...args);
    }
  };
}
