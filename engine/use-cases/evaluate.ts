import type { EvalParams, EvalResult, EvalSource, SkippedFile } from '../../common/engine-types.js';
import { labelToTarget, probabilityToLabel } from '../../common/labels.js';
import type { CallContext } from '../call-context.js';
import { scanEvalSet, type Sample } from '../dataset.js';
import { inputReason } from '../../common/i18n/reasons.js';
import { badInput, EngineError, throwIfAborted } from '../errors.js';
import { stat } from 'node:fs/promises';
import { calibrationTable, computeMetrics, rocCurve } from '../metrics.js';
import { resolveModel } from '../models/resolve.js';
import { count } from '../words.js';
import { learnedBy } from './learned-to-train.js';
import { judgeSamples } from './judge.js';
import { modelValidationImages } from './model-validation.js';
import { writeEvalReport } from '../report/write-report.js';
import type { EngineServices } from './services.js';

/**
 * Judges a labelled folder (happy/ and sad/, or the validation/ part of a training layout), or without a
 * folder the model's own validation images, and scores the model. Every judged image is in the result with
 * its P(happy), so that any figure (a confusion-matrix cell, a calibration bin) can be traced to its images.
 * Warns when some of the images judged were in the model's training data (by content hash, so a copied or
 * renamed file counts too): the figures then overstate how it does on new photos.
 */
export async function evaluate(services: EngineServices, params: EvalParams, ctx: CallContext = {}): Promise<EvalResult> {
  const ref = params.model ?? 'current';
  let samples: Array<Sample & { hash?: string }>;
  let skipped: SkippedFile[] = [];
  let source: EvalSource;
  if (params.data !== undefined) {
    ({ samples, skipped } = await scanEvalSet(params.data));
    source = { kind: 'folder', dir: params.data };
  } else {
    const id = ref === 'current' ? ((await services.registry.currentId()) ?? 'zero-shot') : ref;
    const v = await modelValidationImages(services, id, ctx);
    samples = v.samples;
    source = { kind: 'validation', modelId: id, root: v.root, missing: v.missing };
    if (v.missing) ctx.progress?.({ type: 'warning', message: `${count(v.missing, 'validation image')} of model ${id} could not be found any more in ${v.root}; the figures are on the ${count(samples.length, 'image')} found` });
  }
  // a report that cannot go where it was asked is said before the judging, not after it
  if (params.report !== undefined) {
    const st = await stat(params.report).catch(() => null);
    if (st && !st.isDirectory()) throw badInput(inputReason('reason.reportIsFile', { path: params.report }));
  }
  throwIfAborted(ctx.signal);
  const model = await resolveModel(services.registry, services.bases, ref, ctx);
  try {
    ctx.progress?.({ type: 'stage', stage: 'evaluating', message: `Evaluating ${model.id} on ${count(samples.length, 'image')}` });
    const t0 = performance.now();
    const { judgements, failures, features } = await judgeSamples(services, model, samples, ctx);
    const ms = (performance.now() - t0) / Math.max(1, samples.length);
    const judged = samples.flatMap((s, i) => {
      const j = judgements[i]!;
      return 'pHappy' in j ? [{ ...s, pHappy: j.pHappy, hash: j.hash }] : [];
    });
    if (judged.length === 0 && failures.length > 0) {
      const [first] = failures;
      const figures = { file: first!.file, error: first!.reason, count: failures.length };
      throw badInput(inputReason(failures.length === 1 ? 'reason.noneJudgedOne' : 'reason.noneJudged', figures));
    }
    const bad = judged.find((s) => !Number.isFinite(s.pHappy));
    if (bad) throw badInput(inputReason('reason.noProbability', { id: model.id, file: bad.file }));
    const misclassified = judged
      .map((s) => ({ file: s.file, label: s.label, predicted: probabilityToLabel(s.pHappy), confidence: Math.max(s.pHappy, 1 - s.pHappy) }))
      .filter((m) => m.label !== m.predicted);

    const pHappy = judged.map((s) => s.pHappy);
    const targets = judged.map((s) => labelToTarget(s.label));
    // counted for the model's own validation images too: a retrained model's may be among its parent's training images
    const trainedOn = await countTrainedOn(services, model.id, judged.map((s) => s.hash));
    const warnings: string[] = [];
    if (source.kind === 'validation' && source.missing) warnings.push(`${count(source.missing, 'validation image')} could not be found any more in ${source.root}`);
    if (trainedOn) {
      // the missing images were said as they were found, before the judging: said once
      warnings.push(trainedOnWarning(trainedOn, judged.length, model.id));
      ctx.progress?.({ type: 'warning', message: warnings.at(-1)! });
    }
    const result: EvalResult = {
      ...computeMetrics(pHappy, targets),
      backend: services.backend.label,
      msPerImage: ms,
      features,
      modelId: model.id,
      source,
      images: judged.map((s) => ({ file: s.file, label: s.label, pHappy: s.pHappy })),
      roc: rocCurve(pHappy, targets),
      calibration: calibrationTable(pHappy, targets),
      misclassified,
      failed: failures,
      skipped,
      trainedOn,
      warnings,
    };
    if (params.report !== undefined) {
      throwIfAborted(ctx.signal);
      ctx.progress?.({ type: 'stage', stage: 'saving', message: `Writing the report in ${params.report}` });
      try {
        result.report = await writeEvalReport(params.report, result);
      } catch (err) {
        // the figures took the judging of every image: they are returned, and the report's failure with them
        if (!(err instanceof EngineError)) throw err;
        result.reportError = err.message;
      }
    }
    return result;
  } finally {
    model.head.dispose();
  }
}

/** How many of `hashes` the model was trained on; 0 for zero-shot (trained on none of the user's images), null when unknown. */
async function countTrainedOn(services: EngineServices, modelId: string, hashes: readonly string[]): Promise<number | null> {
  const trained = await learnedBy(services, modelId);
  return trained && hashes.filter((h) => trained.has(h)).length;
}

function trainedOnWarning(k: number, n: number, modelId: string): string {
  const which = k === n ? (n === 1 ? 'the image judged was' : `all ${n.toLocaleString('en-US')} images judged were`) : `${k.toLocaleString('en-US')} of the ${count(n, 'image')} judged ${k === 1 ? 'was' : 'were'}`;
  return `${which} in the training data of model ${modelId} (same content), so these figures overstate how it does on new photos`;
}
