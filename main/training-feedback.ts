/**
 * What the OS shows about a training: its progress on the taskbar / dock icon (from the engine's embedding and
 * epoch progress) and, when a training that ran longer than a few seconds ends or fails, a notification.
 * Cancelled trainings end quietly, and so do those the app's quitting stopped (the engine is 'stopped' then).
 */
import type { CallOutcome } from '../common/api.js';
import type { EngineResult } from '../common/engine-contract.js';
import type { ProgressEvent } from '../common/engine-types.js';
import type { MessageKey } from '../common/i18n/index.js';
import type { TrainObserver } from './bridge.js';

/** Trainings shorter than this end without a notification. */
export const NOTIFY_AFTER_SECONDS = 5;

/** The overall fraction done: features first (half the bar), then epochs; null for events that say nothing. */
export function trainFraction(e: ProgressEvent): number | null {
  if (e.type === 'embedding') return e.total > 0 ? 0.5 * (e.done / e.total) : null;
  if (e.type === 'epoch') return e.epochs > 0 ? 0.5 + 0.5 * Math.min(1, e.epoch / e.epochs) : null;
  return null;
}

export interface FeedbackOptions {
  /** fraction 0..1; -1 removes the bar */
  setProgress(fraction: number): void;
  notify(title: string, body: string): void;
  t(key: MessageKey, params?: Record<string, string | number>): string;
  now?(): number;
}

export class TrainingFeedback implements TrainObserver {
  private readonly startedAt = new Map<unknown, number>();
  private readonly now: () => number;

  constructor(private readonly options: FeedbackOptions) {
    this.now = options.now ?? (() => performance.now());
  }

  started(sender: unknown): void {
    this.startedAt.set(sender, this.now());
    this.options.setProgress(0);
  }

  progress(_sender: unknown, event: ProgressEvent): void {
    const f = trainFraction(event);
    if (f !== null) this.options.setProgress(f);
  }

  ended(sender: unknown, outcome: CallOutcome<EngineResult<'train'>>): void {
    const began = this.startedAt.get(sender) ?? this.now();
    this.startedAt.delete(sender);
    this.options.setProgress(-1);
    if ((this.now() - began) / 1000 < NOTIFY_AFTER_SECONDS) return;
    const { t } = this.options;
    if (outcome.ok) {
      const acc = outcome.value.best.valAccuracy;
      const body =
        acc === null || acc === undefined
          ? t('notify.trainDoneBodyNoValidation', { model: outcome.value.modelId })
          : t('notify.trainDoneBody', { model: outcome.value.modelId, accuracy: `${(acc * 100).toFixed(1)} %` });
      this.options.notify(t('notify.trainDoneTitle'), body);
    } else if (outcome.error.code !== 'cancelled' && outcome.error.code !== 'stopped') {
      this.options.notify(t('notify.trainFailedTitle'), outcome.error.message);
    }
  }
}
