/**
 * "Retrain with collected data": a new model version from the current model's own training data (its folder,
 * read again) plus the library's reviewed images (confirmed and corrected; unreviewed ones only when asked,
 * above a confidence threshold). Validation is the original validation images plus a stratified, seeded share
 * of the reviewed library images; the new model and the current one are judged on exactly those images, and
 * the new one becomes current only if it is not worse by more than half a point. Features come from the
 * feature store, so only images never seen before are computed.
 *
 * The plan (which images, which labels, which split) is made by one function for the preview and the
 * training alike, and named by a fingerprint, so the training uses exactly the images the preview announced.
 */
import { createHash } from 'node:crypto';
import { DEFAULT_BASE, DEFAULT_SEED, DEFAULT_VALIDATION_SPLIT } from '../../common/defaults.js';
import type { ClassCounts, DatasetSummary, PromotionWhy, TrainResult } from '../../common/engine-types.js';
import type { LibraryItem, LibraryRetrainResult, RetrainOptions, RetrainPreview, RetrainPromotion } from '../../common/library-types.js';
import type { Label } from '../../common/labels.js';
import { inputReason } from '../../common/i18n/reasons.js';
import type { CallContext } from '../call-context.js';
import { recordedSplit, scanDataset } from '../dataset.js';
import { badInput, EngineError, throwIfAborted } from '../errors.js';
import { predictHead, rowsOf, type Matrix } from '../head.js';
import { computeMetrics } from '../metrics.js';
import type { ModelMeta } from '../models/model-meta.js';
import { resolveModel } from '../models/resolve.js';
import { deriveSeed } from '../random.js';
import type { LabelledSample, SampleRef, TrainingSet } from '../samples.js';
import { hashFiles } from '../samples.js';
import { learnedBy, learnedWarning, moveLearnedToTrain } from './learned-to-train.js';
import { learnedAllProblem, leftOutWords, trainedOn } from './promotion.js';
import { lookAgainAtRows } from './second-look.js';
import type { EngineServices } from './services.js';
import { trainOnSamples, trainOptions, type TrainOptions } from './train.js';

/** share of each class of reviewed library images held out for validation */
const LIBRARY_VALIDATION_SHARE = DEFAULT_VALIDATION_SPLIT;
/** how much worse (accuracy points on the same validation images) a retrained model may be and still become current */
export const PROMOTION_TOLERANCE_POINTS = 0.5;
export const DEFAULT_MIN_CONFIDENCE = 0.9;

export interface LibraryRetrainParams extends RetrainOptions {
  /** the preview's fingerprint: refuse to train when the images have changed since */
  expect?: string;
  /** make the new model current whatever the comparison says */
  use?: boolean;
  epochs?: number;
}

interface Plan {
  preview: RetrainPreview;
  set: TrainingSet;
  /** the current model's meta; null when none was trained yet */
  meta: ModelMeta | null;
}

const zero = (): ClassCounts => ({ happy: 0, sad: 0 });
const minus = (a: ClassCounts, b: ClassCounts | undefined): ClassCounts => ({ happy: Math.max(0, a.happy - (b?.happy ?? 0)), sad: Math.max(0, a.sad - (b?.sad ?? 0)) });

function countOf(samples: ReadonlyArray<{ label: Label }>): ClassCounts {
  const c = zero();
  for (const s of samples) c[s.label]++;
  return c;
}

/**
 * The current model's training data, read again: its folder with the seed, validation share and per-class cap
 * it was read with (as recorded, or for an older model inferred from its counts without its library part:
 * recordedSplit). Images added to the folder since are in it.
 */
async function currentDataset(
  meta: ModelMeta | null,
  libraryDir: string,
  signal: AbortSignal | undefined,
): Promise<{ samples: LabelledSample[]; summary: DatasetSummary | null; missing?: string }> {
  if (!meta) return { samples: [], summary: null, missing: inputReason('reason.noModelYet') };
  const recorded = meta.dataset;
  // (an imported model's library is the other installation's: its root is that library, not this one)
  if (recorded.root === libraryDir || recorded.root === recorded.library?.dir) return { samples: [], summary: null, missing: inputReason('reason.libraryOnlyModel') };
  const own = { train: minus(recorded.train, recorded.library?.train), validation: minus(recorded.validation, recorded.library?.validation) };
  const seed = meta.hyperparameters.seed;
  const split = recordedSplit(recorded);
  try {
    let ds = await scanDataset(recorded.root, { seed, ...split, ...(typeof recorded.maxPerClass === 'number' && { maxPerClass: recorded.maxPerClass }) });
    const found = countOf(ds.train);
    // a model saved before its cap was recorded: a cap inferred from its counts (a folder that grew since is cut
    // back to the first images by name); a newer one recorded it, or none (null)
    if (recorded.maxPerClass === undefined && (found.happy > own.train.happy || found.sad > own.train.sad)) {
      ds = await scanDataset(recorded.root, { seed, ...split, maxPerClass: Math.max(1, own.train.happy, own.train.sad) });
      // a cap inferred, not chosen: not recorded as the new model's (its retrains take the folder whole)
      ds = { ...ds, summary: { ...ds.summary, maxPerClass: null } };
    }
    const files = [...ds.train, ...ds.validation];
    const hashes = await hashFiles(files.map((s) => s.file), signal);
    const samples = files.map((s, i): LabelledSample => ({ file: s.file, ...(hashes[i] && { hash: hashes[i] }), label: s.label, split: i < ds.train.length ? 'train' : 'validation' }));
    return { samples, summary: ds.summary };
  } catch (err) {
    // an imported model's folder is the installation's it came from: not here is what is expected (a folder
    // here that cannot be read is said as it is)
    const missing = meta.importedAt !== undefined && err instanceof EngineError && err.code === 'not-found' ? inputReason('reason.datasetElsewhere', { id: meta.id, root: recorded.root }) : inputReason('reason.datasetUnreadable', { root: recorded.root, error: (err as Error).message });
    return { samples: [], summary: null, missing };
  }
}

/** Per class, the first `share` of the images when ordered by a seeded hash of their content: stable as the library grows. */
function splitReviewed(items: readonly LibraryItem[], seed: number): { train: LibraryItem[]; validation: LibraryItem[] } {
  const validation = new Set<string>();
  for (const label of ['happy', 'sad'] as const) {
    const ofClass = items.filter((i) => i.label === label);
    const n = ofClass.length < 2 ? 0 : Math.max(1, Math.round(ofClass.length * LIBRARY_VALIDATION_SHARE));
    const ranked = ofClass.map((i) => ({ id: i.id, key: deriveSeed(seed, 'library-validation', i.id) })).sort((a, b) => a.key - b.key || (a.id < b.id ? -1 : 1));
    for (const r of ranked.slice(0, n)) validation.add(r.id);
  }
  return { train: items.filter((i) => !validation.has(i.id)), validation: items.filter((i) => validation.has(i.id)) };
}

export async function planLibraryRetrain(services: EngineServices, params: RetrainOptions, ctx: CallContext = {}): Promise<Plan> {
  const includeUnreviewed = params.includeUnreviewed ?? false;
  const minConfidence = includeUnreviewed ? (params.minConfidence ?? DEFAULT_MIN_CONFIDENCE) : null;
  if (!includeUnreviewed && params.minConfidence !== undefined) throw badInput('a minimum confidence only applies when unreviewed images are included');
  ctx.progress?.({ type: 'stage', stage: 'scanning', message: 'Reading the current model\'s training data and the library' });
  const currentId = await services.registry.currentId();
  const meta = currentId ? await services.registry.readMeta(currentId) : null;
  const seed = meta?.hyperparameters.seed ?? DEFAULT_SEED;
  const libraryDir = services.library.dir;
  const ds = await currentDataset(meta, libraryDir, ctx.signal);
  throwIfAborted(ctx.signal);

  const inDataset = new Set(ds.samples.flatMap((s) => (s.hash ? [s.hash] : [])));
  const notUsed = { unreviewed: 0, belowConfidence: 0, alreadyInTrainingData: 0 };
  const reviewed: LibraryItem[] = [];
  const guessed: LibraryItem[] = [];
  for (const item of await services.library.items()) {
    if (item.review === 'unreviewed') {
      if (!includeUnreviewed) notUsed.unreviewed++;
      else if ((item.confidence ?? 0) < minConfidence!) notUsed.belowConfidence++;
      else if (inDataset.has(item.id)) notUsed.alreadyInTrainingData++;
      else guessed.push(item);
    } else if (inDataset.has(item.id)) notUsed.alreadyInTrainingData++;
    else reviewed.push(item);
  }
  const lib = splitReviewed(reviewed, seed);
  const asSample = (split: 'train' | 'validation') => (i: LibraryItem): LabelledSample => ({ file: i.file, hash: i.id, label: i.label, split });
  // validation images the current model learned from (a folder that grew, a library whose split moved) go to
  // train here, where the preview counts them, as the retrain would move them (learned-to-train.ts)
  // (a current model that lists none: nothing moved, and the preview says none could be checked, as the run will)
  const learned = currentId ? await learnedBy(services, currentId) : new Set<string>();
  const toMove = learned ?? new Set<string>();
  const fromFolder = moveLearnedToTrain(ds.samples, ds.samples.map((s) => s.hash ?? null), toMove);
  const librarySamples = [...lib.train, ...guessed].map(asSample('train')).concat(lib.validation.map(asSample('validation')));
  const fromLibrary = moveLearnedToTrain(librarySamples, librarySamples.map((s) => s.hash ?? null), toMove);
  const libTrain = fromLibrary.samples.filter((s) => s.split === 'train');
  const libValidation = fromLibrary.samples.filter((s) => s.split === 'validation');
  const samples: LabelledSample[] = [
    ...fromFolder.samples.filter((s) => s.split === 'train'),
    ...libTrain,
    ...fromFolder.samples.filter((s) => s.split === 'validation'),
    ...libValidation,
  ];
  const train = countOf(samples.filter((s) => s.split === 'train'));
  const validation = countOf(samples.filter((s) => s.split === 'validation'));
  const used = { confirmed: 0, corrected: 0, unreviewed: guessed.length };
  for (const i of reviewed) used[i.review as 'confirmed' | 'corrected']++;

  let reason: string | undefined;
  if (reviewed.length + guessed.length === 0) {
    reason = inputReason(includeUnreviewed ? 'reason.libraryNothingSure' : 'reason.libraryNothingReviewed');
  } else if (train.happy === 0 || train.sad === 0) {
    reason = inputReason(train.happy === 0 ? 'reason.retrainNoHappy' : 'reason.retrainNoSad');
  }
  const fingerprint = createHash('sha256')
    .update(samples.map((s) => `${s.split}\t${s.label}\t${s.hash ?? `file:${s.file}`}`).sort().join('\n'))
    .update(`\n${currentId ?? 'zero-shot'}`)
    .digest('hex');

  const dsOnly = (split: 'train' | 'validation') => countOf(fromFolder.samples.filter((s) => s.split === split));
  const preview: RetrainPreview = {
    fromModel: currentId,
    base: meta?.base.id ?? DEFAULT_BASE,
    dataset: { root: ds.summary?.root ?? null, train: dsOnly('train'), validation: dsOnly('validation'), ...(ds.missing && { missing: ds.missing }) },
    library: { train: countOf(libTrain), validation: countOf(libValidation), used, notUsed },
    total: { train, validation },
    learned: learned ? fromFolder.moved + fromLibrary.moved : null,
    includeUnreviewed,
    minConfidence,
    ready: reason === undefined,
    ...(reason && { reason }),
    fingerprint,
  };
  const summary: DatasetSummary = {
    root: ds.summary?.root ?? libraryDir,
    validationFrom: ds.summary?.validationFrom ?? 'split',
    ...(ds.summary?.validationSplit !== undefined && { validationSplit: ds.summary.validationSplit }),
    ...(ds.summary?.validationRule && { validationRule: ds.summary.validationRule }),
    ...(ds.summary && { maxPerClass: ds.summary.maxPerClass ?? null }),
    train,
    validation,
    ignoredClasses: ds.summary?.ignoredClasses ?? [],
    skipped: ds.summary?.skipped ?? [],
    library: { dir: libraryDir, train: preview.library.train, validation: preview.library.validation, includeUnreviewed, minConfidence },
  };
  return { preview, set: { samples, summary }, meta };
}

export async function retrainPreview(services: EngineServices, params: RetrainOptions, ctx: CallContext = {}): Promise<RetrainPreview> {
  return (await planLibraryRetrain(services, params, ctx)).preview;
}

const pct = (x: number) => `${(x * 100).toFixed(1)} %`;
const points = (x: number) => `${Math.abs(x).toFixed(1)} point${Math.abs(x).toFixed(1) === '1.0' ? '' : 's'}`;

/**
 * The promotion rule, pure: accuracies on the same validation images. `previous.error`: the current model could
 * not be judged on them (then the new one becomes current, as in training's rule); `previous.problem`: the two
 * cannot be compared there (the current model learned every one of them): kept, unless asked.
 */
export function decidePromotion(
  candidate: { accuracy: number; n: number },
  previous: { modelId: string; accuracy: number; loss?: number; sadRecall?: number; error?: string; problem?: string } | null,
  opts: { tolerancePoints: number; use: boolean; leftOut?: number },
): RetrainPromotion {
  const finite = (x: number | undefined) => (x === undefined || Number.isNaN(x) ? null : x);
  const score = previous && { modelId: previous.modelId, valAccuracy: finite(previous.accuracy), valLoss: finite(previous.loss), sadRecall: finite(previous.sadRecall) };
  const base = { previous: score, candidate, tolerancePoints: opts.tolerancePoints };
  if (candidate.n === 0 || Number.isNaN(candidate.accuracy)) {
    const why: PromotionWhy = { kind: 'notCompared', asked: opts.use, previous: previous?.modelId ?? null, problem: null };
    return { ...base, madeCurrent: opts.use, why, reason: opts.use ? 'made current as asked; there were no validation images to compare on' : 'kept as a candidate: there were no validation images to compare it with the current model on' };
  }
  if (!previous) {
    return { ...base, madeCurrent: true, why: { kind: 'first', asked: false }, reason: `${pct(candidate.accuracy)} on ${candidate.n} validation images; there was no current model to compare with` };
  }
  if (previous.problem !== undefined) {
    const why: PromotionWhy = { kind: 'notCompared', asked: opts.use, previous: previous.modelId, problem: previous.problem };
    const against = `the current model ${previous.modelId}`;
    return opts.use
      ? { ...base, madeCurrent: true, why, reason: `made current as asked; ${previous.problem}, so it was not compared with ${against}` }
      : { ...base, madeCurrent: false, why, reason: `kept as a candidate: ${previous.problem}, so it cannot be compared with ${against}` };
  }
  if (previous.error !== undefined || Number.isNaN(previous.accuracy)) {
    const error = previous.error ?? inputReason('reason.noFiguresHere');
    return {
      ...base,
      madeCurrent: true,
      why: { kind: 'notJudged', asked: false, previous: previous.modelId, error },
      reason: `made current: ${pct(candidate.accuracy)} on ${candidate.n} validation images; the current model ${previous.modelId} could not be judged on them (${error})`,
    };
  }
  const diff = (candidate.accuracy - previous.accuracy) * 100;
  const leftOut = opts.leftOut ?? 0;
  const on = `on the same ${candidate.n} validation images${leftOut > 0 ? ` (${leftOutWords(leftOut)})` : ''}`;
  const vs = `the current model ${previous.modelId} (${pct(previous.accuracy)})`;
  const wins = diff >= -opts.tolerancePoints - 1e-9;
  const why: PromotionWhy = {
    kind: 'compared',
    asked: opts.use && !wins,
    previous: previous.modelId,
    n: candidate.n,
    accuracy: candidate.accuracy,
    previousAccuracy: previous.accuracy,
    loss: null,
    previousLoss: null,
    tolerancePoints: opts.tolerancePoints,
    ...(leftOut > 0 && { leftOut }),
  };
  if (wins) {
    const how = diff > 1e-9 ? `${points(diff)} better than ${vs}` : diff < -1e-9 ? `${points(diff)} below ${vs}, within the ${opts.tolerancePoints}-point allowance` : `as good as ${vs}`;
    return { ...base, madeCurrent: true, why, reason: `made current: ${pct(candidate.accuracy)} ${on}, ${how}` };
  }
  if (opts.use) return { ...base, madeCurrent: true, why, reason: `made current as asked, though ${pct(candidate.accuracy)} ${on} is ${points(diff)} below ${vs}` };
  return { ...base, madeCurrent: false, why, reason: `kept as a candidate: ${pct(candidate.accuracy)} ${on} is ${points(diff)} below ${vs}, more than the ${opts.tolerancePoints} points allowed` };
}

/** Trains the planned set; `tolerancePoints` is the rule's allowance (tests change it to force either outcome). */
export async function retrainWithLibrary(
  services: EngineServices,
  params: LibraryRetrainParams,
  ctx: CallContext = {},
  { tolerancePoints = PROMOTION_TOLERANCE_POINTS }: { tolerancePoints?: number } = {},
): Promise<LibraryRetrainResult> {
  const startedAt = performance.now();
  const { preview, set, meta } = await planLibraryRetrain(services, params, ctx);
  if (params.expect !== undefined && params.expect !== preview.fingerprint) {
    throw badInput(inputReason('reason.retrainChanged'));
  }
  if (!preview.ready) throw badInput(inputReason('reason.nothingToRetrain', { error: preview.reason ?? '' }));
  throwIfAborted(ctx.signal);

  let promotion: RetrainPromotion | null = null;
  const opts = { tolerancePoints, use: params.use ?? false };
  /** The rule, the new model's figures against the current model's on the same validation rows. */
  const againstCurrent = async (validation: { x: Matrix; y: Float32Array; hashes: readonly string[]; samples: ReadonlyArray<SampleRef & { hash: string }>; pHappy: Float32Array }): Promise<RetrainPromotion> => {
    const all = computeMetrics(validation.pHappy, validation.y);
    // no trained model: the built-in zero-shot one is not a model to compare with (as in training's rule)
    if (!(await services.registry.currentId())) return decidePromotion({ accuracy: all.accuracy, n: all.n }, null, opts);
    const current = await resolveModel(services.registry, services.bases, 'current', ctx);
    try {
      // a current model on another base (another feature size) cannot judge these features
      if (current.base.dim !== validation.x.dim) {
        return decidePromotion({ accuracy: all.accuracy, n: all.n }, { modelId: current.id, accuracy: Number.NaN, error: inputReason('reason.otherBase') }, opts);
      }
      // only the validation images the current model was not trained on judge it fairly (promotion.ts)
      const trained = await trainedOn(services, current.id);
      const fair = validation.hashes.flatMap((h, row) => (trained.has(h) ? [] : [row]));
      const leftOut = validation.hashes.length - fair.length;
      if (fair.length === 0) return decidePromotion({ accuracy: all.accuracy, n: all.n }, { modelId: current.id, accuracy: Number.NaN, problem: learnedAllProblem(leftOut) }, opts);
      const x = rowsOf(validation.x, fair);
      const y = Float32Array.from(fair, (row) => validation.y[row]!);
      const cand = computeMetrics(Float32Array.from(fair, (row) => validation.pHappy[row]!), y);
      const prevP = await lookAgainAtRows(services, current.secondLook, fair.map((row) => validation.samples[row]!), x, predictHead(current.head, x), ctx);
      const prev = computeMetrics(prevP.pHappy, y);
      return decidePromotion({ accuracy: cand.accuracy, n: cand.n }, { modelId: current.id, accuracy: prev.accuracy, loss: prev.loss, sadRecall: prev.perClass.sad.recall }, { ...opts, leftOut });
    } finally {
      current.head.dispose();
    }
  };
  // `use` reaches training's own rule too: it decides when the validation images lack a class
  const base = trainOptions({ seed: meta?.hyperparameters.seed ?? DEFAULT_SEED, ...(meta && { fromModel: meta.id }), use: opts.use });
  // an imported model's recipe was another installation's choice (as its promotion note was): retrained here,
  // with this app's own, so that settings nobody here chose (within the limits: up to 1000 epochs at batch size
  // 1 with 16 views) cannot make "Retrain with collected data" run for hours
  const own = meta?.importedAt === undefined ? meta : null;
  const { seed: _seed, ...recipe } = own?.hyperparameters ?? { ...base.hp, seed: 0 };
  const options: TrainOptions = {
    ...base,
    // the current model's recipe: the same augmented views of the same images are already in the feature store
    hp: { ...recipe, ...(params.epochs !== undefined && { epochs: params.epochs }) },
    augment: own?.augment ?? base.augment,
    promote: async (validation) => {
      promotion = await againstCurrent(validation);
      return { makeCurrent: promotion.madeCurrent, record: { madeCurrent: promotion.madeCurrent, reason: promotion.reason, why: promotion.why } };
    },
  };
  // said now: the plan moved them, so training finds none left to move
  const said = meta && preview.learned ? learnedWarning(preview.learned, meta.id) : null;
  if (said) ctx.progress?.({ type: 'warning', message: said });
  const result: TrainResult = await trainOnSamples(services, set, { ...options, ...(said && { said: [said] }) }, ctx, startedAt);
  // without validation figures (validation lacking a class) the rule above is not called: training's rule decided
  // (or another model was made current while it trained: kept as a candidate, result.promotion says so)
  const ruled = promotion as RetrainPromotion | null; // set by the callback above (TypeScript cannot see that)
  const decided: RetrainPromotion = ruled && result.promotion.why.kind !== 'overtaken' ? ruled : { ...ruled, ...result.promotion, previous: ruled?.previous ?? result.promotion.previous, candidate: ruled?.candidate ?? { accuracy: Number.NaN, n: 0 }, tolerancePoints };
  return { ...result, preview, promotion: decided };
}
