/**
 * The renderer's language: the one chosen in Settings, else the OS language (languageFor(osLocale)).
 * Every visible string goes through t(), which reads the language state, so templates re-render on a switch.
 */
import { languageFor, translate, type MessageKey } from '../../common/i18n/index.js';
import { localizeReason } from '../../common/i18n/reasons.js';
import { promotionText } from '../../common/i18n/promotion.js';
import { dataProblemText, dataWarningText, type DataWording } from '../../common/i18n/data-text.js';
import { evalWarningsText } from '../../common/i18n/eval-text.js';
import type { DataProblem, DataWarning, EvalResult, FacePrediction, PromotionNote } from '../../common/engine-types.js';
import type { Label } from '../../common/labels.js';
import type { Language } from '../../common/ipc.js';

let language = $state<Language>('en');

export function setLanguage(lang: Language): void {
  language = lang;
  document.documentElement.lang = lang;
}

export function currentLanguage(): Language {
  return language;
}

/** The language to show for a setting: null follows the OS. */
export function resolveLanguage(setting: Language | null, osLocale: string): Language {
  return setting ?? languageFor(osLocale);
}

export function t(key: MessageKey, params?: Record<string, string | number>): string {
  return translate(language, key, params);
}

/** The engine's reason for refusing a file, in the current language when it is one of its known reasons. */
export function reasonText(reason: string, modelName?: (id: string) => string): string {
  // a model named by its id in the engine's words is named as the app names it, where the caller can
  return localizeReason(reason, (key, params) => t(key, modelName && typeof params.id === 'string' ? { ...params, id: modelName(params.id) } : params));
}

/** Why a new model was or was not made current, in the current language; `modelName` names a model as the app does. */
export function promotionReason(p: Pick<PromotionNote, 'madeCurrent' | 'reason' | 'why'>, modelName: (id: string) => string): string {
  return promotionText(p, {
    t,
    percent: formatPercent,
    number: formatFixed,
    modelName,
    reason: reasonText,
  });
}

/** A number with exactly `digits` decimals, in the current language's format: 0.25, 4 -> "0.2500" / "0,2500". */
export function formatFixed(n: number, digits: number): string {
  return new Intl.NumberFormat(locale(), { minimumFractionDigits: digits, maximumFractionDigits: digits }).format(n);
}
const dataWording: DataWording = { t, number: formatFixed };

/** A warning about the training data, in the current language. */
export function dataWarning(w: DataWarning): string {
  return dataWarningText(w, dataWording);
}

/** Why a folder cannot be trained on, in the current language. */
export function dataProblem(p: DataProblem): string {
  return dataProblemText(p, dataWording);
}

/** What an evaluation warns about (images gone, images it was trained on), in the current language. */
export function evalWarnings(r: Pick<EvalResult, 'n' | 'source' | 'trainedOn'>): string[] {
  return evalWarningsText(r, { t, number: formatNumber });
}

/** BCP 47 tag for Intl formatting in the current language. */
function locale(): string {
  return language === 'id' ? 'id-ID' : 'en-US';
}

/** 0.874 -> "87.4%" / "87,4%" */
export function formatPercent(fraction: number, digits = 0): string {
  return new Intl.NumberFormat(locale(), { style: 'percent', minimumFractionDigits: digits, maximumFractionDigits: digits }).format(fraction);
}

/** A classifier's confidence: never "100%" (nor "0%") for what is only very likely. */
export function formatConfidence(p: number): string {
  if (p >= 0.995) return `>${formatPercent(0.99)}`;
  if (p <= 0.005) return `<${formatPercent(0.01)}`;
  return formatPercent(p);
}

/** A label as the app shows it ("Happy", "Sad"). */
export function labelName(l: Label): string {
  return t(l === 'happy' ? 'label.happy' : 'label.sad');
}

/** Every face of a judgement, largest first, with its label and confidence: "Faces found: Happy 92%, Sad 71%". */
export function facesSummary(faces: readonly Pick<FacePrediction, 'label' | 'confidence'>[]): string {
  return t('card.facesAria', { list: faces.map((f) => t('card.faceTag', { label: labelName(f.label), confidence: formatConfidence(f.confidence) })).join(', ') });
}

export function formatNumber(n: number): string {
  return new Intl.NumberFormat(locale()).format(n);
}

/** When a model was made, short: "Nov 29, 2:22 PM" (the year only when it is not this one; seconds when asked). */
export function formatModelTime(iso: string, seconds = false): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return new Intl.DateTimeFormat(locale(), {
    month: 'short',
    day: 'numeric',
    ...(d.getFullYear() !== new Date().getFullYear() && { year: 'numeric' }),
    hour: 'numeric',
    minute: '2-digit',
    ...(seconds && { second: '2-digit' }),
  }).format(d);
}

export function formatDate(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return new Intl.DateTimeFormat(locale(), { dateStyle: 'medium', timeStyle: 'short' }).format(d);
}

/** Singular/plural pick for counts ("1 image" / "2 images"); Indonesian uses the same word. */
export function plural(n: number, one: MessageKey, many: MessageKey, params: Record<string, string | number> = {}): string {
  return t(n === 1 ? one : many, { count: formatNumber(n), ...params });
}
