/**
 * What the Train view says about a training-data folder before training, in the app's language: worded here
 * from the figures the engine gives with its English sentences (DataWarning, DataProblem).
 */
import type { DataProblem, DataWarning } from '../engine-types.js';
import type { MessageKey } from './index.js';

export interface DataWording {
  t: (key: MessageKey, params?: Record<string, string | number>) => string;
  /** a number with the given decimals, in the UI's locale */
  number: (n: number, digits: number) => string;
}

export function dataWarningText(w: DataWarning, { t, number }: DataWording): string {
  switch (w.kind) {
    case 'fewImages': {
      const min = number(w.min, 0);
      if (w.few.length === 2) return t('data.fewBoth', { happy: number(w.train.happy, 0), sad: number(w.train.sad, 0), min });
      return t(w.few[0] === 'happy' ? 'data.fewHappy' : 'data.fewSad', { count: number(w.train[w.few[0]!], 0), min });
    }
    case 'imbalance':
      return t(w.more === 'happy' ? 'data.moreHappy' : 'data.moreSad', {
        ratio: number(w.train[w.more] / w.train[w.fewer], 1),
        more: number(w.train[w.more], 0),
        fewer: number(w.train[w.fewer], 0),
      });
    case 'validationLacks':
      if (w.missing.length === 2) return t('data.noValidation');
      return t(w.missing[0] === 'happy' ? 'data.validationNoHappy' : 'data.validationNoSad');
  }
}

export function dataProblemText(p: DataProblem, { t }: DataWording): string {
  const key: MessageKey = p.missing.length === 2 ? 'data.noTrainingBoth' : p.missing[0] === 'happy' ? 'data.noTrainingHappy' : 'data.noTrainingSad';
  // the other expressions' folders keep their own names: they are what the user called them
  return p.found.length ? `${t(key)} ${t('data.otherFolders', { list: p.found.join(', ') })}` : t(key);
}
