/**
 * meta.json as it must be to come in from outside (an imported model): every field the app reads, lists,
 * draws or trains with, of the right type and within the bounds the engine's own requests have, so that a
 * folder from anyone cannot break the Models view, the CLI's list or a retrain later. What is not known is
 * dropped, and so are `base.source` (where to fetch MobileNetV2 from: an imported model uses this app's own)
 * and `promotion` (how it fared against the current model where it was trained).
 * The app's own models are read with parseModelMeta alone: they were written by it.
 */
import { z } from 'zod';
import { MODEL_ID_PATTERN } from '../../common/engine-contract.js';
import { LIMITS } from '../../common/defaults.js';
import { BASE_IDS } from '../../common/engine-types.js';
import { parseModelMeta, type ModelMeta } from './model-meta.js';

const count = z.int().min(0).max(100_000_000);
const counts = z.object({ happy: count, sad: count });
const share = z.number().min(0).max(1);
const figure = z.number().min(0).max(1e9);
const text = (max: number) => z.string().max(max);
/** a folder on another machine: shown, and looked in only by an evaluation on its own images; never a share or a URL */
const localPath = text(4096).refine((p) => !/^(\\\\|\/\/)/.test(p) && !/^[a-z][a-z0-9+.-]+:\/\//i.test(p), 'a network share or URL');
// a class never predicted, or absent from validation, has no precision or recall (NaN, written as null)
const labelFigures = z.object({ precision: share.nullable(), recall: share.nullable() });

const metrics = z.object({
  n: count,
  accuracy: share,
  balancedAccuracy: share.nullable(),
  loss: figure.nullable(),
  confusion: z.object({ happy: counts, sad: counts }),
  perClass: z.object({ happy: labelFigures, sad: labelFigures }),
});

const schema = z.object({
  schemaVersion: z.literal(1).optional(),
  id: z.string().regex(MODEL_ID_PATTERN, 'not a model id'),
  createdAt: z.iso.datetime(),
  appVersion: text(64),
  base: z.object({ id: z.enum(BASE_IDS), fingerprint: text(200), dim: z.int().min(1).max(100_000) }),
  parentModel: z.string().regex(MODEL_ID_PATTERN, 'not a model id').nullable(),
  dataset: z.object({
    root: localPath,
    validationFrom: z.enum(['folders', 'split']),
    train: counts,
    validation: counts,
    ignoredClasses: z.array(text(256)).max(1000),
    skipped: z.array(z.object({ file: text(4096), reason: text(2000) })).max(100_000),
    library: z.object({ dir: localPath, train: counts, validation: counts, includeUnreviewed: z.boolean(), minConfidence: share.nullable() }).optional(),
  }),
  hyperparameters: z.object({
    epochs: z.int().min(LIMITS.epochs.min).max(LIMITS.epochs.max),
    batchSize: z.int().min(LIMITS.batchSize.min).max(LIMITS.batchSize.max),
    learningRate: z.number().gt(0).max(LIMITS.learningRate.max),
    dropout: z.number().min(0).lt(1),
    l2ToStart: z.number().min(0).max(1),
    earlyStopping: z.object({ patience: z.int().min(0).max(LIMITS.epochs.max), minDelta: z.number().min(0).max(1) }),
    reduceLr: z.object({ factor: z.number().gt(0).lt(1), patience: z.int().min(0).max(LIMITS.epochs.max), minLr: z.number().min(0).max(1), minDelta: z.number().min(0).max(1), cooldown: z.int().min(0).max(LIMITS.epochs.max) }),
    seed: z.int().min(LIMITS.seed.min).max(LIMITS.seed.max),
  }),
  // the bounds of a training request's augment option (engine-contract.ts)
  augment: z.object({
    variants: z.int().min(0).max(16),
    flip: z.boolean(),
    maxRotationDeg: z.number().min(0).max(180),
    maxShift: z.number().min(0).max(0.5),
    maxZoom: z.number().min(0).max(0.9),
    maxBrightness: z.number().min(0).max(0.9),
  }),
  history: z
    .array(z.object({ epoch: z.int().min(1).max(LIMITS.epochs.max), loss: figure.nullable(), accuracy: share.nullable(), valLoss: figure.nullable(), valAccuracy: share.nullable(), lr: z.number().min(0).max(1), seconds: figure }))
    .max(LIMITS.epochs.max),
  best: z.object({ epoch: z.int().min(0).max(LIMITS.epochs.max), valAccuracy: share.nullable(), valLoss: figure.nullable() }),
  validation: metrics.nullable(),
  backend: text(200),
  seconds: figure,
  // checked, then dropped by parseImportedMeta
  promotion: z.object({ madeCurrent: z.boolean(), reason: text(2000), why: z.unknown().optional() }).optional(),
});

/** The meta.json of a model to import, checked and cleaned; throws an Error saying which field is wrong. */
export function parseImportedMeta(raw: unknown): ModelMeta {
  parseModelMeta(raw); // a newer schema version, a missing field: said in its words
  const r = schema.safeParse(raw);
  if (!r.success) {
    const issue = r.error.issues[0]!;
    const at = issue.path.length > 0 ? `${issue.path.join('.')}: ` : '';
    throw new Error(`meta.json ${at}${issue.message}`);
  }
  // whether it was made current, and against which model, was another installation's decision: here it is
  // one more version, not a candidate that lost to a model this installation never had
  const { promotion: _elsewhere, ...meta } = r.data;
  return parseModelMeta(meta);
}
