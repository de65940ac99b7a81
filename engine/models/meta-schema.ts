/**
 * meta.json as it must be to come in from outside (an imported model): every field the app reads, lists,
 * draws or trains with, of the right type and within the bounds the engine's own requests have, so that a
 * folder from anyone cannot break the Models view, the CLI's list or a retrain later. What is not known is
 * dropped, and so are `base.source` (where to fetch MobileNetV2 from: an imported model uses this app's own)
 * and `promotion` (how it fared against the current model where it was trained); `importedAt` is dropped too,
 * and set anew by the import (when this installation got it, not when the one it came from did).
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
/**
 * A folder on another machine: shown, and looked in by an evaluation on the model's own images or a retrain
 * with the library. An absolute local path (POSIX, or a Windows drive), never a share (any two slashes or
 * backslashes first: Windows reads "/\\host\\share" as one) or a URL: looking in a share sends the user's
 * credentials to its host.
 */
const localPath = text(4096).refine((p) => !/^[\\/]{2}/.test(p) && (p.startsWith('/') || /^[A-Za-z]:[\\/]/.test(p)), 'not a local folder (a network share, a URL or a relative path)');
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
  base: z.object({ id: z.enum(BASE_IDS), fingerprint: text(200), dim: z.int().min(1).max(100_000), greyInput: z.boolean().optional() }),
  parentModel: z.string().regex(MODEL_ID_PATTERN, 'not a model id').nullable(),
  dataset: z.object({
    root: localPath,
    validationFrom: z.enum(['folders', 'split']),
    validationSplit: z.number().gt(0).lt(1).optional(),
    validationRule: z.literal('shuffle').optional(),
    maxPerClass: z.int().min(1).nullable().optional(),
    train: counts,
    validation: counts,
    ignoredClasses: z.array(text(256)).max(100),
    skipped: z.array(z.object({ file: text(4096), reason: text(2000) })).max(200),
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
  // its weights are checked against the base by parseModelMeta (isSecondLookRecord), which drops one that does not fit
  secondLook: z.unknown().optional(),
  // checked, then dropped by parseImportedMeta
  promotion: z.object({ madeCurrent: z.boolean(), reason: text(2000), why: z.unknown().optional() }).optional(),
});

/** When a model id says it was made: 20261128-101530-ab12 is 2026-11-28T10:15:30Z. */
function idTime(id: string): number {
  const d = id.replace(/^(\d{4})(\d{2})(\d{2})-(\d{2})(\d{2})(\d{2})-.*$/, '$1-$2-$3T$4:$5:$6Z');
  return Date.parse(d);
}

/**
 * Lists a model's meta.json may hold more of than this app keeps (training keeps 200 skipped files) are cut,
 * not refused: a long list is no reason to turn a model away, but it would be read at every listing.
 */
function trimmed(raw: unknown): unknown {
  const r = raw as { dataset?: { skipped?: unknown; ignoredClasses?: unknown } } | null;
  const d = r?.dataset;
  if (typeof d !== 'object' || d === null) return raw;
  const cut = (s: unknown, n: number) => (typeof s === 'string' && s.length > n ? `${s.slice(0, n - 1)}…` : s);
  const skipped = Array.isArray(d.skipped) ? d.skipped.slice(0, 200).map((x: unknown) => (typeof x === 'object' && x !== null ? { ...x, reason: cut((x as { reason?: unknown }).reason, 2000) } : x)) : d.skipped;
  const ignoredClasses = Array.isArray(d.ignoredClasses) ? d.ignoredClasses.slice(0, 100).map((x: unknown) => cut(x, 256)) : d.ignoredClasses;
  return { ...r, dataset: { ...d, skipped, ignoredClasses } };
}

/** The meta.json of a model to import, checked and cleaned; throws an Error saying which field is wrong. */
export function parseImportedMeta(raw: unknown): ModelMeta {
  parseModelMeta(raw); // a newer schema version, a missing field: said in its words
  const r = schema.safeParse(trimmed(raw));
  if (!r.success) {
    const issue = r.error.issues[0]!;
    const at = issue.path.length > 0 ? `${issue.path.join('.')}: ` : '';
    throw new Error(`meta.json ${at}${issue.message}`);
  }
  const made = Date.parse(r.data.createdAt);
  if (Math.abs(made - idTime(r.data.id)) > 24 * 3600 * 1000) throw new Error(`meta.json createdAt: ${r.data.createdAt} is not when model ${r.data.id} was made`);
  // whether it was made current, and against which model, was another installation's decision: here it is
  // one more version, not a candidate that lost to a model this installation never had
  const { promotion: _elsewhere, ...meta } = r.data;
  return parseModelMeta(meta);
}
