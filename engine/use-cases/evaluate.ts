import type { EvalParams, EvalResult } from '../../common/engine-types.js';
import { labelToTarget, probabilityToLabel } from '../../common/labels.js';
import type { CallContext } from '../call-context.js';
import { scanEvalSet } from '../dataset.js';
import { computeMetrics } from '../metrics.js';
import { resolveModel } from '../models/resolve.js';
import { judgeSamples } from './judge.js';
import type { EngineServices } from './services.js';

/** Judges a labelled folder (happy/ and sad/, or the validation/ part of a training layout) and scores the model. */
export async function evaluate(services: EngineServices, params: EvalParams, ctx: CallContext = {}): Promise<EvalResult> {
  const { samples, skipped } = await scanEvalSet(params.data);
  const model = await resolveModel(services.registry, services.bases, params.model ?? 'current', ctx);
  try {
    ctx.progress?.({ type: 'stage', stage: 'evaluating', message: `Evaluating ${model.id} on ${samples.length} images` });
    const t0 = performance.now();
    const { judgements, failures } = await judgeSamples(services, model, samples, ctx);
    const ms = (performance.now() - t0) / Math.max(1, samples.length);
    const judged = samples.flatMap((s, i) => {
      const j = judgements[i]!;
      return 'pHappy' in j ? [{ ...s, pHappy: j.pHappy }] : [];
    });
    const misclassified = judged
      .map((s) => ({ file: s.file, label: s.label, predicted: probabilityToLabel(s.pHappy), confidence: Math.max(s.pHappy, 1 - s.pHappy) }))
      .filter((m) => m.label !== m.predicted);
    return {
      ...computeMetrics(
        judged.map((s) => s.pHappy),
        judged.map((s) => labelToTarget(s.label)),
      ),
      backend: services.backend.label,
      msPerImage: ms,
      modelId: model.id,
      misclassified,
      failed: failures,
      skipped,
    };
  } finally {
    model.head.dispose();
  }
}
