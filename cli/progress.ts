import type { ProgressEvent } from '../common/engine-types.js';
import { count, pct, num } from './format.js';

/**
 * Turns engine progress into terminal lines: stages, warnings and epochs always, frequent events (features, batches,
 * downloads) at most once per `minGapMs` and whenever one arrives after that gap, so a long step is never
 * silent for more than about a second (events come every few hundred ms). The clock is injected so the thinning is testable.
 */
export class ProgressPrinter {
  private last = -Infinity;

  constructor(
    private readonly write: (line: string) => void,
    private readonly now: () => number = () => performance.now(),
    private readonly minGapMs = 700,
  ) {}

  handle(e: ProgressEvent): void {
    const line = this.line(e);
    if (line === null) return;
    this.last = this.now();
    this.write(line);
  }

  private due(final: boolean): boolean {
    return final || this.now() - this.last >= this.minGapMs;
  }

  private line(e: ProgressEvent): string | null {
    switch (e.type) {
      case 'stage':
        return e.message;
      case 'embedding':
        return this.due(e.done === e.total) ? `  features: ${e.done}/${count(e.total, 'image')} read, ${count(e.cached, 'view')} from the cache` : null;
      case 'download':
        return this.due(e.totalBytes !== null && e.bytes >= e.totalBytes) && e.totalBytes ? `  downloading ${e.file}: ${Math.round((100 * e.bytes) / e.totalBytes)} %` : null;
      case 'batch':
        return this.due(false) ? `  epoch ${e.epoch}: step ${e.batch}/${e.batches}, loss ${num(e.loss)}` : null;
      case 'warning':
        return `Warning: ${e.message}`;
      case 'epoch':
        return `  epoch ${e.epoch}/${e.epochs}  loss ${num(e.loss)}  acc ${pct(e.accuracy)}  val_loss ${num(e.valLoss)}  val_acc ${pct(e.valAccuracy)}  lr ${e.lr.toExponential(1)}`;
    }
  }
}
