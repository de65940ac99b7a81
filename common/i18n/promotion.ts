/**
 * Why a new model was or was not made current, in the app's language: worded here from the figures the engine
 * stores (PromotionWhy), since the engine's own sentence (`reason`) is English. Models saved before the figures
 * were stored have only the sentence; it is shown as it is (translated when it is one of the plain reasons).
 */
import type { PromotionNote, PromotionWhy } from '../engine-types.js';
import type { MessageKey } from './index.js';

export interface PromotionWording {
  t: (key: MessageKey, params?: Record<string, string | number>) => string;
  /** a fraction as a percentage with the given decimals: 0.875, 1 -> "87.5%" */
  percent: (fraction: number, digits: number) => string;
  /** a number with the given decimals, in the UI's locale */
  number: (n: number, digits: number) => string;
  /** how the app names a model (its time) */
  modelName: (id: string) => string;
  /** one of the engine's English reasons, in the UI's language where it is a known one */
  reason: (text: string) => string;
}

function figures(w: PromotionWhy, madeCurrent: boolean, f: PromotionWording): string {
  const said = verdict(w, madeCurrent, f);
  // validation images the current model was trained on were not counted: said, so that "the same N" adds up
  if (w.kind !== 'compared' || !w.leftOut) return said;
  return `${said} ${w.leftOut === 1 ? f.t('promotion.leftOutOne') : f.t('promotion.leftOut', { count: f.number(w.leftOut, 0) })}`;
}

function verdict(w: PromotionWhy, madeCurrent: boolean, f: PromotionWording): string {
  const { t } = f;
  switch (w.kind) {
    case 'first':
      return t('promotion.first');
    case 'overtaken':
      return t('promotion.overtaken', { current: f.modelName(w.current) });
    case 'notJudged':
      return t('promotion.notJudged', { previous: f.modelName(w.previous), error: f.reason(w.error) });
    case 'notCompared':
      if (w.previous === null) return t('promotion.noValidation');
      return w.problem === null ? t('promotion.notCompared', { previous: f.modelName(w.previous) }) : t('promotion.notComparedWhy', { previous: f.modelName(w.previous), problem: f.reason(w.problem) });
    case 'compared': {
      const diff = (w.accuracy - w.previousAccuracy) * 100;
      // two accuracies that differ are never shown alike (one image in 2,400 is 0.04 points)
      const digits = digitsToTell(w.accuracy, w.previousAccuracy, f.percent, 1);
      const params = {
        previous: f.modelName(w.previous),
        count: f.number(w.n, 0),
        accuracy: f.percent(w.accuracy, digits),
        previousAccuracy: f.percent(w.previousAccuracy, digits),
        tolerance: f.number(w.tolerancePoints, Number.isInteger(w.tolerancePoints) ? 0 : 1),
      };
      if (Math.abs(diff) <= 1e-9 && w.tolerancePoints <= 0) {
        // equal accuracy under training's rule: the loss decided
        if (w.loss === null || w.previousLoss === null) return t(madeCurrent && !w.asked ? 'promotion.asAccurate' : 'promotion.lossUnknown', params);
        const losses = { ...params, loss: f.number(w.loss, 4), previousLoss: f.number(w.previousLoss, 4) };
        return t(w.loss <= w.previousLoss ? 'promotion.lowerLoss' : 'promotion.higherLoss', losses);
      }
      if (diff > 1e-9) return t('promotion.moreAccurate', params);
      if (diff >= -1e-9) return t('promotion.asAccurate', params);
      if (w.tolerancePoints <= 0) return t('promotion.lessAccurate', params);
      return t(diff >= -w.tolerancePoints - 1e-9 ? 'promotion.withinAllowance' : 'promotion.beyondAllowance', params);
    }
  }
}

/**
 * How many decimals, from `from` up to 4, `format` needs so that two figures that differ do not read alike
 * ("90.0% against 90.0%" for 2,161 and 2,160 right of 2,401); `from` when they are equal or cannot be told apart.
 */
export function digitsToTell(a: number, b: number, format: (x: number, digits: number) => string, from: number): number {
  if (!Number.isFinite(a) || !Number.isFinite(b) || Math.abs(a - b) < 1e-12) return from;
  let digits = from;
  while (digits < 4 && format(a, digits) === format(b, digits)) digits++;
  return digits;
}

/** The sentence for a promotion: from its figures when it has them, else its stored reason. */
export function promotionText(p: Pick<PromotionNote, 'madeCurrent' | 'reason' | 'why'>, f: PromotionWording): string {
  const w = p.why;
  if (!w) return f.reason(p.reason);
  const said = figures(w, p.madeCurrent, f);
  return w.asked && p.madeCurrent ? f.t('promotion.asked', { why: said }) : said;
}
