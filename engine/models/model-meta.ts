/**
 * meta.json of a saved model: the on-disk record, versioned on its own so that the wire type (ModelInfo)
 * can change without breaking models saved by older versions, and the other way round.
 */
import type { AugmentConfig, BestEpoch, DatasetSummary, EpochLog, HeadHyperparameters, Metrics, MobileNetSource, ModelInfo, BaseId, PromotionNote, PromotionWhy } from '../../common/engine-types.js';

export const MODEL_META_SCHEMA = 1;

export interface ModelMeta {
  schemaVersion: typeof MODEL_META_SCHEMA;
  id: string;
  createdAt: string;
  appVersion: string;
  /**
   * greyInput: whether the faces went into the base in grey (FrozenBase.greyInput); absent in models saved before
   * it was recorded: trained on colour faces, but for a few development builds of 0.1.0 (between p4 features and
   * this field) whose grey-input bases were given grey ones
   */
  base: { id: BaseId; fingerprint: string; dim: number; greyInput?: boolean; source?: MobileNetSource };
  parentModel: string | null;
  dataset: DatasetSummary;
  hyperparameters: HeadHyperparameters & { seed: number };
  augment: AugmentConfig;
  history: EpochLog[];
  best: BestEpoch;
  validation: Metrics | null;
  backend: string;
  seconds: number;
  /** set when saving decided on the validation images whether it became current */
  promotion?: PromotionNote;
  /** when this installation imported it (absent: trained here); its dataset folders are another installation's */
  importedAt?: string;
  /** the second head that judges the faces the first is unsure of (use-cases/second-look.ts); absent: none */
  secondLook?: SecondLookRecord;
}

/** A second look as saved: one dense unit over [the base's features, the emotion network's], and when it is asked. */
export interface SecondLookRecord {
  network: { id: 'emotion'; fingerprint: string; dim: number };
  /** asked when the first head's P(happy) is within this of 0.5 */
  margin: number;
  /** the share of training images it learned from (those the first head was least sure of) */
  share: number;
  /** how many images that was */
  trainedOn: number;
  /** base.dim + network.dim weights, then the bias */
  kernel: number[];
  bias: number;
}

/** The emotion network's number of features (bases/emotion.ts' EMOTION_DIM, checked equal in a test): the only second network there is. */
export const SECOND_LOOK_DIM = 256;

/**
 * Whether `x` is a second look a model on `base` can use (meta.json is read from disk, or comes with an imported
 * model: nothing in it is taken on trust). Its weights must be finite as float32, the type they are used in.
 */
export function isSecondLookRecord(x: unknown, base: { id: string; dim: number }): x is SecondLookRecord {
  if (typeof x !== 'object' || x === null || base.id !== 'face-expression') return false;
  const r = x as Record<string, unknown>;
  const n = r.network as Record<string, unknown> | null | undefined;
  if (typeof n !== 'object' || n === null || n.id !== 'emotion' || !isStr(n.fingerprint) || n.fingerprint.length > 200 || n.dim !== SECOND_LOOK_DIM) return false;
  const isWeight = (w: unknown) => isNum(w) && Number.isFinite(Math.fround(w));
  return (
    isNum(r.margin) && r.margin > 0 && r.margin <= 0.5 &&
    isNum(r.share) && r.share > 0 && r.share <= 1 &&
    Number.isInteger(r.trainedOn) && (r.trainedOn as number) >= 0 && (r.trainedOn as number) <= 1e9 &&
    Array.isArray(r.kernel) && r.kernel.length === base.dim + SECOND_LOOK_DIM && r.kernel.every(isWeight) &&
    isWeight(r.bias)
  );
}

/**
 * Reads a parsed meta.json: files written before the schema version existed are version 1; a newer
 * version than this app knows is refused rather than misread.
 */
export function parseModelMeta(raw: unknown): ModelMeta {
  if (typeof raw !== 'object' || raw === null) throw new Error('meta.json is not an object');
  const r = raw as Partial<ModelMeta> & { schemaVersion?: unknown };
  const version = r.schemaVersion ?? 1;
  if (version !== MODEL_META_SCHEMA) throw new Error(`meta.json has schema version ${String(version)}; this app reads version ${MODEL_META_SCHEMA}`);
  for (const k of ['id', 'createdAt', 'base', 'dataset', 'history', 'best'] as const) {
    if (r[k] === undefined) throw new Error(`meta.json lacks "${k}"`);
  }
  // read field by field below: anything but an object would fail there with a message naming nothing
  for (const k of ['base', 'dataset', 'best'] as const) {
    if (typeof r[k] !== 'object' || r[k] === null || Array.isArray(r[k])) throw new Error(`meta.json "${k}" is not an object`);
  }
  const meta: ModelMeta = { ...(r as ModelMeta), schemaVersion: MODEL_META_SCHEMA };
  // shown and listed as a date: a hand-edited or damaged one is dropped, not passed on to break a listing
  if (meta.importedAt !== undefined && !(typeof meta.importedAt === 'string' && Number.isFinite(Date.parse(meta.importedAt)))) delete meta.importedAt;
  // the export README reads it as yes or no: anything else (hand-edited) says nothing
  if (meta.base.greyInput !== undefined && typeof meta.base.greyInput !== 'boolean') {
    const { greyInput: _, ...base } = meta.base;
    meta.base = base;
  }
  // how the folder was split and capped, read to split it again: a damaged one is dropped (the share and cap are
  // then inferred from the counts, as for a model saved before they were recorded)
  const d = meta.dataset;
  const fraction = d.validationSplit as unknown;
  const cap = d.maxPerClass as unknown;
  if (fraction !== undefined || d.validationRule !== undefined || cap !== undefined) {
    const { validationSplit: _f, validationRule: _r, maxPerClass: _c, ...rest } = d;
    meta.dataset = {
      ...rest,
      ...(isNum(fraction) && fraction > 0 && fraction < 1 && { validationSplit: fraction, ...(d.validationRule === 'shuffle' && { validationRule: 'shuffle' as const }) }),
      ...((cap === null || (Number.isInteger(cap) && (cap as number) >= 1)) && { maxPerClass: cap as number | null }),
    };
  }
  // judging with a damaged second look would be worse than judging without one
  if (meta.secondLook !== undefined && !isSecondLookRecord(meta.secondLook, meta.base)) delete meta.secondLook;
  const note = meta.promotion;
  // figures that cannot explain the decision recorded next to them (no model before, yet kept) are not shown either
  const agrees = (w: PromotionWhy) => (w.kind === 'overtaken' ? !note!.madeCurrent : note!.madeCurrent || (w.kind !== 'first' && w.kind !== 'notJudged' && !w.asked));
  if (note?.why !== undefined && !(isPromotionWhy(note.why) && agrees(note.why))) {
    // the app words the figures itself; a hand-edited or damaged `why` falls back to the English reason
    const { why: _dropped, ...rest } = note;
    meta.promotion = rest;
  }
  return meta;
}

const isNum = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x);
const isStr = (x: unknown): x is string => typeof x === 'string';
const isNumOrNull = (x: unknown) => x === null || isNum(x);

/** Whether `x` is a well-formed PromotionWhy (meta.json is read from disk, so nothing in it is taken on trust). */
export function isPromotionWhy(x: unknown): x is PromotionWhy {
  if (typeof x !== 'object' || x === null) return false;
  const w = x as Record<string, unknown>;
  if (typeof w.asked !== 'boolean') return false;
  switch (w.kind) {
    case 'first':
      return true;
    case 'notJudged':
      return isStr(w.previous) && isStr(w.error);
    case 'notCompared':
      return (w.previous === null || isStr(w.previous)) && (w.problem === null || isStr(w.problem));
    case 'overtaken':
      return (w.previous === null || isStr(w.previous)) && isStr(w.current) && !w.asked;
    case 'compared':
      return isStr(w.previous) && isNum(w.n) && w.n > 0 && isNum(w.accuracy) && isNum(w.previousAccuracy) && isNumOrNull(w.loss) && isNumOrNull(w.previousLoss) && isNum(w.tolerancePoints) && (w.leftOut === undefined || (Number.isInteger(w.leftOut) && (w.leftOut as number) > 0));
    default:
      return false;
  }
}

export function toModelInfo(meta: ModelMeta, current: boolean): ModelInfo {
  const { schemaVersion: _v, secondLook, ...rest } = meta;
  return { ...rest, current, ...(secondLook && { secondLook: { margin: secondLook.margin, trainedOn: secondLook.trainedOn } }) };
}
