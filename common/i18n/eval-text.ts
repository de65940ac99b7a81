/**
 * What an evaluation warns about, in the app's language, from the result's own figures (`source.missing`,
 * `trainedOn`, `n`): the engine's `warnings` are the same in English, for the CLI.
 */
import type { EvalResult } from '../engine-types.js';
import type { MessageKey } from './index.js';

export interface EvalWording {
  t: (key: MessageKey, params?: Record<string, string | number>) => string;
  /** a whole number in the UI's locale */
  number: (n: number) => string;
}

export function evalWarningsText(r: Pick<EvalResult, 'n' | 'source' | 'trainedOn'>, { t, number }: EvalWording): string[] {
  const out: string[] = [];
  if (r.source.kind === 'validation' && r.source.missing > 0) {
    out.push(t(r.source.missing === 1 ? 'eval.missingOne' : 'eval.missingMany', { count: number(r.source.missing), folder: r.source.root }));
  }
  const k = r.trainedOn ?? 0;
  if (k > 0) {
    const key: MessageKey = k === r.n ? (r.n === 1 ? 'eval.trainedOnTheOne' : 'eval.trainedOnAll') : k === 1 ? 'eval.trainedOnOneOf' : 'eval.trainedOnSome';
    out.push(t(key, { count: number(k), total: number(r.n) }));
  }
  return out;
}
