/**
 * Whether a newly trained model replaces the current one. The rule (decide, pure): the new model becomes
 * current when it is at least as good as the current model on the SAME validation images (more of them right;
 * as many right and a lower or equal loss), when no model was current yet (the zero-shot fallback does not
 * count), when the current model cannot be judged at all, or when the caller asked for it (`use`). The
 * evaluation (judgeCurrentModel) judges the current model on the new run's validation images through the one
 * judge path that evaluate and predict use.
 */
import type { Metrics, ModelScore, Promotion, PromotionWhy } from '../../common/engine-types.js';
import { isCancelled } from '../../common/errors.js';
import { labelToTarget, type Label } from '../../common/labels.js';
import type { CallContext } from '../call-context.js';
import { computeMetrics } from '../metrics.js';
import { resolveModel } from '../models/resolve.js';
import type { SampleRef } from '../samples.js';
import { count, percent } from '../words.js';
import { inputReason } from '../../common/i18n/reasons.js';
import { judgeSamples } from './judge.js';
import { learnedBy } from './learned-to-train.js';
import type { EngineServices } from './services.js';

interface Scored {
  modelId: string;
  /** on the validation images; null when it has no figures there */
  metrics: Metrics | null;
}

export interface PromotionInput {
  /** the new model, on the validation images of its run */
  candidate: Scored;
  /** the model current before the run, on the same images; null when none was; error: it could not be judged */
  current: (Scored & { error?: string }) | null;
  /** the caller asked to make the new model current whatever the figures */
  use: boolean;
  /** why the validation images cannot judge a model (then candidate.metrics is null) */
  validationProblem?: string | null;
  /** validation images left out of the comparison: the current model was trained on them (its figures there flatter it) */
  leftOut?: number;
}

const loss4 = (x: number) => x.toFixed(4);
const correct = (m: Metrics) => m.confusion.happy.happy + m.confusion.sad.sad;
const orNull = (x: number | undefined) => (x === undefined || Number.isNaN(x) ? null : x);

function score(s: Scored): ModelScore {
  return { modelId: s.modelId, valAccuracy: orNull(s.metrics?.accuracy), valLoss: orNull(s.metrics?.loss), sadRecall: orNull(s.metrics?.perClass.sad.recall) };
}

/** A loss as compared and shown: 4 decimals; null when there is none to compare (a diverged model's NaN). */
const shownLoss = (x: number) => (Number.isFinite(x) ? Number(loss4(x)) : null);

/**
 * Pure: the rule above, with a reason in one plain sentence that quotes the figures compared, and the same as
 * figures (`why`; its `asked` is true only where the asking, not the figures, made the new model current).
 */
export function decide({ candidate, current, use, validationProblem, leftOut = 0 }: PromotionInput): Promotion {
  const previous = current ? score(current) : null;
  const made = (reason: string, why: PromotionWhy): Promotion => ({ madeCurrent: true, reason, why, previous });
  const kept = (reason: string, why: PromotionWhy): Promotion => ({ madeCurrent: false, reason, why, previous });
  if (!current) return made(inputReason(use ? 'reason.firstModelAsked' : 'reason.firstModel'), { kind: 'first', asked: false });
  if (current.error !== undefined) {
    return made(`${use ? 'made current as asked; ' : ''}the current model ${current.modelId} could not be judged (${current.error})`, { kind: 'notJudged', asked: false, previous: current.modelId, error: current.error });
  }

  const a = candidate.metrics;
  const b = current.metrics;
  if (!a || !b || a.n === 0 || a.n !== b.n) {
    const why = validationProblem ?? 'there are no validation figures to compare';
    const figures: PromotionWhy = { kind: 'notCompared', asked: use, previous: current.modelId, problem: validationProblem ?? null };
    return use ? made(`made current as asked; ${why}, so it was not compared with the previous model ${current.modelId}`, figures) : kept(`${why}, so it cannot be compared with the current model ${current.modelId}`, figures);
  }
  const same = `on the same ${count(a.n, 'validation image')}`;
  // Compared as shown: right answers exactly, losses at the 4 decimals printed, so the sentence never contradicts the decision.
  const tied = correct(a) === correct(b);
  const [lossA, lossB] = [shownLoss(a.loss), shownLoss(b.loss)];
  const better = correct(a) > correct(b) || (tied && lossA !== null && (lossB === null || lossA <= lossB));
  const who = better || use ? `the previous model ${current.modelId}` : `the current model ${current.modelId}`;
  const apart = leftOut > 0 ? ` (${leftOutWords(leftOut)})` : '';
  const figures = tied
    ? `val acc ${percent(a.accuracy)} for both ${same}${apart}, ${better ? 'and' : 'but'} val loss ${loss4(a.loss)} vs ${loss4(b.loss)} for ${who}`
    : `val acc ${percent(a.accuracy)} vs ${percent(b.accuracy)} for ${who} ${same}${apart}`;
  const why: PromotionWhy = {
    kind: 'compared',
    asked: use && !better,
    previous: current.modelId,
    n: a.n,
    accuracy: a.accuracy,
    previousAccuracy: b.accuracy,
    loss: tied ? lossA : null,
    previousLoss: tied ? lossB : null,
    tolerancePoints: 0,
    ...(leftOut > 0 && { leftOut }),
  };
  if (better) return made(figures, why);
  return use ? made(`made current as asked; ${figures}`, why) : kept(figures, why);
}

/**
 * A promotion undone at saving: `current` was made current after the new model was judged against the model
 * current then (`prior.why`'s previous), so it is kept as a candidate instead (registry.save's `comparedWith`).
 */
export function overtaken(prior: Promotion, comparedWith: string | null, current: string): Promotion {
  return {
    madeCurrent: false,
    reason: `model ${current} was made current while this one was being trained, so the two were not compared`,
    why: { kind: 'overtaken', asked: false, previous: comparedWith, current },
    previous: prior.previous,
  };
}

/** Why a new model cannot be compared with the current one that was trained on all `n` of its validation images. */
export const learnedAllProblem = (n: number) => (n === 1 ? inputReason('reason.previousTrainedOnTheValidationImage') : inputReason('reason.previousTrainedOnAllValidation', { count: n }));

/** "3 validation images left out: the current model was trained on them" */
export const leftOutWords = (n: number) => `${count(n, 'validation image')} left out: the current model was trained on ${n === 1 ? 'it' : 'them'}`;

/**
 * The content hashes a saved model was trained on (learnedBy); empty for a model saved without that list (the
 * training says it could not check). Its figures on these images would flatter it: another seed or share
 * splits a folder without validation/ otherwise, so a new run's validation images may be the current model's
 * training images.
 */
export async function trainedOn(services: EngineServices, modelId: string): Promise<ReadonlySet<string>> {
  return (await learnedBy(services, modelId)) ?? new Set();
}

/** A validation image the new model judged: its sample (hash known), label, and the new model's P(happy). */
type JudgedValidation = SampleRef & { hash: string; label: Label; pHappy: number };

/**
 * The promotion of a new model: the current model (if any) judged on the validation images the new model was
 * judged on, less those the current model was trained on, both scored on the images both could judge, then
 * decide(). When the current model was trained on every one of them, the two cannot be compared there: the new
 * model is kept as a candidate (unless asked), as when there are no validation figures.
 */
export async function promote(
  services: EngineServices,
  candidate: { modelId: string; validation: JudgedValidation[] | null },
  opts: { use: boolean; validationProblem: string | null },
  ctx: CallContext = {},
): Promise<Promotion> {
  const currentId = await services.registry.currentId();
  const candidateScored = (images: readonly JudgedValidation[] | null): Scored => ({
    modelId: candidate.modelId,
    metrics: images ? computeMetrics(images.map((s) => s.pHappy), images.map((s) => labelToTarget(s.label))) : null,
  });
  if (!currentId || !candidate.validation) {
    return decide({ candidate: candidateScored(candidate.validation), current: currentId ? { modelId: currentId, metrics: null } : null, use: opts.use, validationProblem: opts.validationProblem });
  }
  // only images the current model was not trained on judge it fairly
  const trained = await trainedOn(services, currentId);
  const images = candidate.validation.filter((s) => !trained.has(s.hash));
  const leftOut = candidate.validation.length - images.length;
  if (images.length === 0) {
    // no image left to judge them both on: no evidence that the new model is better (a model trained on a
    // handful of the current one's images would otherwise replace it), so it is kept unless asked
    return decide({ candidate: candidateScored(candidate.validation), current: { modelId: currentId, metrics: null }, use: opts.use, validationProblem: learnedAllProblem(leftOut) });
  }
  let model;
  try {
    model = await resolveModel(services.registry, services.bases, currentId, ctx);
  } catch (err) {
    if (isCancelled(err)) throw err;
    return decide({ candidate: candidateScored(candidate.validation), current: { modelId: currentId, metrics: null, error: (err as Error).message }, use: opts.use });
  }
  try {
    ctx.progress?.({ type: 'stage', stage: 'evaluating', message: `Judging the current model ${currentId} on the same ${count(images.length, 'validation image')}` });
    const { judgements } = await judgeSamples(services, model, images, ctx);
    const both = images.flatMap((s, i) => {
      const j = judgements[i]!;
      return 'pHappy' in j ? [{ s, pCurrent: j.pHappy }] : [];
    });
    const current: Scored = {
      modelId: currentId,
      metrics: both.length ? computeMetrics(both.map((b) => b.pCurrent), both.map((b) => labelToTarget(b.s.label))) : null,
    };
    return decide({ candidate: candidateScored(both.map((b) => b.s)), current, use: opts.use, validationProblem: opts.validationProblem, leftOut });
  } finally {
    model.head.dispose();
  }
}
