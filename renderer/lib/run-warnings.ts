/** What a training said while it ran, kept for the Train view's run and the retrain dialog alike. */
import type { DataWarning, ProgressEvent } from '../../common/engine-types.js';

export interface RunWarning {
  message: string;
  /** a warning about the training data, as figures for the app to word */
  detail?: DataWarning;
}

/** The warnings with the one a progress event said added (a new list: the views hold it as state). */
export function withWarning(warnings: readonly RunWarning[], e: Extract<ProgressEvent, { type: 'warning' }>): RunWarning[] {
  return [...warnings, { message: e.message, ...(e.detail && { detail: e.detail }) }];
}
