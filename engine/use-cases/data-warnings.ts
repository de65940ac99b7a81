/**
 * Degenerate training data, said before training starts. Pure: from the counts of the images that were
 * actually read.
 */
import type { ClassCounts, DataWarning } from '../../common/engine-types.js';
import { inputReason } from '../../common/i18n/reasons.js';
import { count } from '../words.js';

/** Below this many training images of a class, a model is mostly noise. */
const MIN_PER_CLASS = 10;
/** Above this ratio between the classes' training images, a model leans towards the larger one. */
const MAX_IMBALANCE = 3;

const CLASSES = ['happy', 'sad'] as const;

interface DataCheck {
  warnings: string[];
  /** the same warnings as figures, in the same order */
  details: DataWarning[];
  /**
   * Why the validation images cannot judge a model, or null when they can. A validation set without an image
   * of a class cannot: a model that always answers the other class scores 100 % on it. Training then reports
   * no validation figure at all (null, not a flattering number), early stopping watches the training loss, and
   * the new model is not compared with the current one.
   */
  validationProblem: string | null;
}

export function checkTrainingData(train: ClassCounts, validation: ClassCounts): DataCheck {
  const warnings: string[] = [];
  const details: DataWarning[] = [];
  // each warning with its figures, together, so that the two lists cannot fall out of step
  const warn = (detail: DataWarning, message: string) => {
    details.push(detail);
    warnings.push(message);
  };
  const few = CLASSES.filter((c) => train[c] < MIN_PER_CLASS);
  if (few.length) {
    const what = few.length === 1 ? count(train[few[0]!], `${few[0]} training image`) : `${train.happy.toLocaleString('en-US')} happy and ${train.sad.toLocaleString('en-US')} sad training images`;
    warn(
      { kind: 'fewImages', few: [...few], train: { ...train }, min: MIN_PER_CLASS },
      `only ${what}: with fewer than ${MIN_PER_CLASS} images of a class a model can hardly learn it, and its figures vary a lot from run to run`,
    );
  }
  const [big, small] = train.happy >= train.sad ? (['happy', 'sad'] as const) : (['sad', 'happy'] as const);
  if (train[small] > 0 && train[big] / train[small] > MAX_IMBALANCE) {
    warn(
      { kind: 'imbalance', more: big, fewer: small, train: { ...train }, maxRatio: MAX_IMBALANCE },
      `${(train[big] / train[small]).toFixed(1)} times as many ${big} as ${small} training images (${train[big].toLocaleString('en-US')} vs ${train[small].toLocaleString('en-US')}): ` +
        `the model will lean towards ${big}; add ${small} images or use fewer ${big} ones`,
    );
  }

  let validationProblem: string | null = null;
  const missing = CLASSES.filter((c) => validation[c] === 0);
  if (missing.length === 2) validationProblem = inputReason('reason.noValidationImages');
  else if (missing.length === 1) validationProblem = inputReason(missing[0] === 'happy' ? 'reason.validationNoHappy' : 'reason.validationNoSad');
  if (validationProblem) {
    const present = CLASSES.find((c) => validation[c] > 0);
    warn(
      { kind: 'validationLacks', missing: [...missing] },
      `${validationProblem}, so ${present ? `a model that always answered "${present}" would score 100 % there` : 'no model can be scored'}: ` +
        'no validation accuracy or loss is reported, early stopping watches the training loss, and the new model is not compared with the current one',
    );
  }
  return { warnings, details, validationProblem };
}
