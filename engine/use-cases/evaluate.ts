import type { EvalParams, EvalResult } from '../../common/engine-types.js';
import { labelToTarget, probabilityToLabel } from '../../common/labels.js';
import type { CallContext } from '../call-context.js';
import { scanEvalSet } from '../dataset.js';
import { computeMetrics } from '../metrics.js';
import { resolveModel } from '../models/resolve.js';
import { count } from '../words.js';
import { judgeSamples } from './judge.js';
import type { EngineServices } from './services.js';

/**
 * Judges a labelled folder (happy/ and sad/, or the validation/ part of a training layout) and scores the
 * model. Warns when some of the images judged were in the model's training data (by content hash, so a
 * copied or renamed file counts too): the figures then overstate how it does on new photos.
 */
export async function evaluate(services: EngineServices, params: EvalParams, ctx: CallContext = {}): Promise<EvalResult> {
  const { samples, skipped } = await scanEvalSet(params.data);
  const model = await resolveModel(services.registry, services.bases, params.model ?? 'current', ctx);
  try {
    ctx.progress?.({ type: 'stage', stage: 'evaluating', message: `Evaluating ${model.id} on ${count(samples.length, 'image')}` });
    const t0 = performance.now();
    const { judgements, failures, features } = await judgeSamples(services, model, samples, ctx);
    const ms = (performance.now() - t0) / Math.max(1, samples.length);
    const judged = samples.flatMap((s, i) => {
      const j = judgements[i]!;
      return 'pHappy' in j ? [{ ...s, pHappy: j.pHappy, hash: j.hash }] : [];
    });
    const misclassified = judged
      .map((s) => ({ file: s.file, label: s.label, predicted: probabilityToLabel(s.pHappy), confidence: Math.max(s.pHappy, 1 - s.pHappy) }))
      .filter((m) => m.label !== m.predicted);

    const trainedOn = await countTrainedOn(services, model.id, judged.map((s) => s.hash));
    const warnings: string[] = [];
    if (trainedOn) warnings.push(trainedOnWarning(trainedOn, judged.length, model.id));
    for (const message of warnings) ctx.progress?.({ type: 'warning', message });
    return {
      ...computeMetrics(
        judged.map((s) => s.pHappy),
        judged.map((s) => labelToTarget(s.label)),
      ),
      backend: services.backend.label,
      msPerImage: ms,
      features,
      modelId: model.id,
      misclassified,
      failed: failures,
      skipped,
      trainedOn,
      warnings,
    };
  } finally {
    model.head.dispose();
  }
}

/** How many of `hashes` the model was trained on; 0 for zero-shot (trained on none of the user's images), null when unknown. */
async function countTrainedOn(services: EngineServices, modelId: string, hashes: readonly string[]): Promise<number | null> {
  if (modelId === 'zero-shot') return 0;
  const samples = await services.registry.readSamples(modelId);
  if (!samples) return null;
  const trained = new Set(samples.trained);
  return hashes.filter((h) => trained.has(h)).length;
}

function trainedOnWarning(k: number, n: number, modelId: string): string {
  const which = k === n ? (n === 1 ? 'the image judged was' : `all ${n.toLocaleString('en-US')} images judged were`) : `${k.toLocaleString('en-US')} of the ${count(n, 'image')} judged ${k === 1 ? 'was' : 'were'}`;
  return `${which} in the training data of model ${modelId} (same content), so these figures overstate how it does on new photos`;
}
