import type { EvalResult, PredictResult, ProgressEvent, TrainResult } from '../common/engine-types.js';

const pct = (x: number | null | undefined) => (x === null || x === undefined || Number.isNaN(x) ? 'n/a' : `${(x * 100).toFixed(1)} %`);
const num = (x: number | null | undefined, d = 4) => (x === null || x === undefined || Number.isNaN(x) ? 'n/a' : x.toFixed(d));

/** One human line per progress event worth a line (batches and frequent embedding ticks are thinned). */
export function progressLine(e: ProgressEvent): string | null {
  switch (e.type) {
    case 'stage':
      return e.message;
    case 'embedding':
      return e.done === e.total || e.done % 512 < 16 ? `  features ${e.done}/${e.total} images (${e.cached} views from cache)` : null;
    case 'download':
      return e.totalBytes ? `  downloading ${e.file}: ${Math.round((100 * e.bytes) / e.totalBytes)} %` : null;
    case 'epoch':
      return `  epoch ${e.epoch}/${e.epochs}  loss ${num(e.loss)}  acc ${pct(e.accuracy)}  val_loss ${num(e.valLoss)}  val_acc ${pct(e.valAccuracy)}  lr ${e.lr.toExponential(1)}`;
    case 'batch':
      return null;
  }
}

const MAX_LISTED = 20;

/** Skipped files, one line each, up to MAX_LISTED: a folder of thousands must not flood the terminal. */
function skippedLines(skipped: ReadonlyArray<{ file: string; reason: string }>): string[] {
  const lines = skipped.slice(0, MAX_LISTED).map((s) => `Skipped ${s.file}: ${s.reason}`);
  if (skipped.length > MAX_LISTED) lines.push(`... and ${skipped.length - MAX_LISTED} more skipped files (all of them are in --json output)`);
  return lines;
}

export function trainSummary(r: TrainResult): string {
  const d = r.dataset;
  return [
    `Model ${r.modelId} saved and made current (${r.backend}, ${r.seconds.toFixed(1)} s).`,
    `Data: train ${d.train.happy} happy / ${d.train.sad} sad, validation ${d.validation.happy} happy / ${d.validation.sad} sad (${d.validationFrom === 'folders' ? 'validation/ folder' : 'split from train'}).`,
    d.ignoredClasses.length ? `Ignored class folders: ${d.ignoredClasses.join(', ')}.` : '',
    `Best epoch ${r.best.epoch} of ${r.epochs}${r.stoppedEarly ? ' (stopped early)' : ''}: val_acc ${pct(r.best.valAccuracy)}, val_loss ${num(r.best.valLoss)}.`,
    ...skippedLines([...d.skipped, ...r.failed]),
  ]
    .filter(Boolean)
    .join('\n');
}

export function evalSummary(r: EvalResult): string {
  const c = r.confusion;
  return [
    `Model ${r.modelId} on ${r.n} images (${r.backend}, ${r.msPerImage.toFixed(1)} ms/image)`,
    `accuracy ${pct(r.accuracy)}  balanced accuracy ${pct(r.balancedAccuracy)}  loss ${num(r.loss)}`,
    `               predicted happy  predicted sad`,
    `actual happy   ${String(c.happy.happy).padStart(15)}  ${String(c.happy.sad).padStart(13)}`,
    `actual sad     ${String(c.sad.happy).padStart(15)}  ${String(c.sad.sad).padStart(13)}`,
    `happy: precision ${pct(r.perClass.happy.precision)}, recall ${pct(r.perClass.happy.recall)}`,
    `sad:   precision ${pct(r.perClass.sad.precision)}, recall ${pct(r.perClass.sad.recall)}`,
    ...r.misclassified.map((m) => `wrong: ${m.file} is ${m.label}, predicted ${m.predicted} (${pct(m.confidence)})`),
    ...skippedLines([...r.skipped, ...r.failed]),
  ].join('\n');
}

export function predictLines(r: PredictResult): string {
  return r.results
    .map((p) => ('error' in p ? `${p.file}\terror: ${p.error}` : `${p.file}\t${p.label}\t${pct(p.confidence)}`))
    .join('\n');
}
