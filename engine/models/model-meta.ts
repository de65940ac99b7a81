/**
 * meta.json of a saved model: the on-disk record, versioned on its own so that the wire type (ModelInfo)
 * can change without breaking models saved by older versions, and the other way round.
 */
import type { AugmentConfig, BestEpoch, DatasetSummary, EpochLog, HeadHyperparameters, Metrics, MobileNetSource, ModelInfo, BaseId, PromotionNote } from '../../common/engine-types.js';

export const MODEL_META_SCHEMA = 1;

export interface ModelMeta {
  schemaVersion: typeof MODEL_META_SCHEMA;
  id: string;
  createdAt: string;
  appVersion: string;
  base: { id: BaseId; fingerprint: string; dim: number; source?: MobileNetSource };
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
  return { ...(r as ModelMeta), schemaVersion: MODEL_META_SCHEMA };
}

export function toModelInfo(meta: ModelMeta, current: boolean): ModelInfo {
  const { schemaVersion: _v, ...rest } = meta;
  return { ...rest, current };
}
