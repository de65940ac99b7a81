/**
 * The one path by which samples are judged, for evaluate and predict alike (and for the validation set while
 * training): each image's judge views (the photo and its mirror) are embedded, their features averaged (the
 * head is linear, so this averages the logits), and the head gives P(happy).
 */
import type { SkippedFile } from '../../common/engine-types.js';
import { JUDGE_VIEWS } from '../augment.js';
import type { CallContext } from '../call-context.js';
import { predictHead, type Matrix } from '../head.js';
import type { ResolvedModel } from '../models/resolve.js';
import { sampleName, type SampleRef } from '../samples.js';
import { embeddingOptions, type EngineServices } from './services.js';

/** P(happy) of one sample and its content hash, or why it could not be judged. */
type Judgement = { pHappy: number; hash: string } | { error: string };

interface Judged {
  /** one per sample, in order */
  judgements: Judgement[];
  failures: SkippedFile[];
  /** feature vectors computed by the base in this call, and found in the cache */
  features: { computed: number; cached: number };
}

export async function judgeSamples(services: EngineServices, model: ResolvedModel, samples: readonly SampleRef[], ctx: CallContext): Promise<Judged> {
  const store = await services.features.forBase(model.base);
  const out = await store.features(samples.map((sample) => ({ sample, views: () => JUDGE_VIEWS })), embeddingOptions(ctx));
  const { x, rows } = judgeRows(model.base.dim, out.vectors);
  const p = predictHead(model.head, x);
  const reasons = new Map(out.failures.map((f) => [f.file, f.reason]));
  const byIndex = new Map(rows.map((i, row) => [i, p[row]!]));
  const judgements = samples.map((s, i): Judgement => {
    const pHappy = byIndex.get(i);
    const hash = out.hashes[i];
    return pHappy === undefined || !hash ? { error: reasons.get(sampleName(s)) ?? 'could not be read' } : { pHappy, hash };
  });
  return { judgements, failures: out.failures, features: { computed: out.computed, cached: out.cached } };
}

/** One row per judged image, the mean of its views' features; `rows[r]` is the index of row r's image. Failed images are left out. */
export function judgeRows(dim: number, vectors: ReadonlyArray<Float32Array[] | null>): { x: Matrix; rows: number[] } {
  const rows = vectors.flatMap((v, i) => (v ? [i] : []));
  const x: Matrix = { n: rows.length, dim, data: new Float32Array(rows.length * dim) };
  rows.forEach((i, row) => x.data.set(meanVector(vectors[i]!), row * dim));
  return { x, rows };
}

function meanVector(views: readonly Float32Array[]): Float32Array {
  if (views.length === 1) return views[0]!;
  const out = new Float32Array(views[0]!.length);
  for (const v of views) for (let i = 0; i < out.length; i++) out[i]! += v[i]! / views.length;
  return out;
}
