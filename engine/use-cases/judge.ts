/**
 * The one path by which samples are judged, for evaluate and predict alike (and for the validation set while
 * training): each image's judge views (the photo and its mirror) are embedded, their features averaged (the
 * head is linear, so this averages the logits), and the head gives P(happy); a face it is unsure of is judged
 * again by the model's second look, when it has one (second-look.ts).
 */
import type { SkippedFile } from '../../common/engine-types.js';
import { JUDGE_VIEWS } from '../augment.js';
import type { CallContext } from '../call-context.js';
import { visibleBox, type Box } from '../faces/face-crops.js';
import { meanVector, predictHead, type Matrix } from '../head.js';
import type { ResolvedModel } from '../models/resolve.js';
import { inputReason } from '../../common/i18n/reasons.js';
import { sampleName, type SampleRef } from '../samples.js';
import { lookAgain, type FirstLook } from './second-look.js';
import { embeddingOptions, type EngineServices } from './services.js';

/**
 * P(happy) of one sample (of its largest face, or of the whole image when it is judged whole) and its content
 * hash, or why it could not be judged. With faces asked: each face's box and P(happy), largest first, empty
 * when none was found; the whole image as the one face when it is a face crop already.
 */
type Judgement = { pHappy: number; hash: string; faces?: JudgedFace[]; noFace?: boolean; size?: { width: number; height: number } } | { error: string };

export interface JudgedFace {
  box: Box;
  pHappy: number;
}

interface Judged {
  /** one per sample, in order */
  judgements: Judgement[];
  failures: SkippedFile[];
  /** feature vectors computed by the networks in this call, and found in the cache */
  features: { computed: number; cached: number };
  /** faces judged again by the model's second look */
  secondLooks: number;
}

export async function judgeSamples(services: EngineServices, model: ResolvedModel, samples: readonly SampleRef[], ctx: CallContext, opts: { faces?: 'all'; flushLater?: boolean } = {}): Promise<Judged> {
  const store = await services.features.forBase(model.base);
  const out = await store.features(
    samples.map((sample) => ({ sample, views: () => JUDGE_VIEWS, ...(opts.faces && { faces: opts.faces }) })),
    { ...embeddingOptions(ctx), ...(opts.flushLater && { flushLater: true }) },
  );
  const { x, rows } = judgeRows(model.base.dim, out.vectors);
  const p = predictHead(model.head, x);
  // each face judged: the largest of each sample (row r of x), then, with all faces asked, the others
  const first: FirstLook[] = rows.map((i, r) => ({ sample: samples[i]!, hash: out.hashes[i]!, face: 0, features: x.data.subarray(r * x.dim, (r + 1) * x.dim), pHappy: p[r]! }));
  const others = new Map<number, number>(); // sample index -> index in `first` of its second face
  if (opts.faces) {
    for (const i of rows) {
      const each = out.faceVectors[i];
      if (!out.detections[i]?.faces.length || !each || each.length < 2) continue;
      // every face after the largest: its views averaged and judged by the same head
      const more = judgeRows(model.base.dim, each.slice(1));
      const pMore = predictHead(model.head, more.x);
      others.set(i, first.length);
      for (let k = 0; k < more.x.n; k++) first.push({ sample: samples[i]!, hash: out.hashes[i]!, face: k + 1, features: more.x.data.subarray(k * more.x.dim, (k + 1) * more.x.dim), pHappy: pMore[k]! });
    }
  }
  const second = await lookAgain(services, model.secondLook, first, ctx, opts);
  const reasons = new Map(out.failures.map((f) => [f.file, f.reason]));
  const byIndex = new Map(rows.map((i, row) => [i, second.pHappy[row]!]));
  const judgements = samples.map((s, i): Judgement => {
    const pHappy = byIndex.get(i);
    const hash = out.hashes[i];
    if (pHappy === undefined || !hash) return { error: reasons.get(sampleName(s)) ?? inputReason('reason.couldNotBeRead') };
    const d = out.detections[i];
    if (!opts.faces || !d) return { pHappy, hash };
    const size = { width: d.width, height: d.height };
    if (d.faces.length === 0) return { pHappy, hash, faces: [], noFace: true, size };
    const each = out.faceVectors[i]!;
    const from = others.get(i);
    return { pHappy, hash, size, faces: each.map((_, k) => ({ box: visibleBox(d.faces[k]!, d), pHappy: k === 0 ? pHappy : second.pHappy[from! + k - 1]! })) };
  });
  return { judgements, failures: out.failures, features: { computed: out.computed + second.computed, cached: out.cached + second.cached }, secondLooks: second.asked };
}

/** One row per judged image, the mean of its views' features; `rows[r]` is the index of row r's image. Failed images are left out. */
export function judgeRows(dim: number, vectors: ReadonlyArray<Float32Array[] | null>): { x: Matrix; rows: number[] } {
  const rows = vectors.flatMap((v, i) => (v ? [i] : []));
  const x: Matrix = { n: rows.length, dim, data: new Float32Array(rows.length * dim) };
  rows.forEach((i, row) => x.data.set(meanVector(vectors[i]!), row * dim));
  return { x, rows };
}
