/** Plain-text output of the library, models and "retrain --library" commands. Pure. */
import type { ClassCounts, ModelInfo } from '../common/engine-types.js';
import type { LibraryListResult, LibraryRetrainResult, LibraryReviewResult, RetrainPreview, ReviewAction } from '../common/library-types.js';
import { count, localTime, num, pct, secondLookSentence } from './format.js';

const classes = (c: ClassCounts) => `${c.happy} happy / ${c.sad} sad`;

export function libraryLines(r: LibraryListResult): string {
  const c = r.counts;
  const head = `Library ${r.dir}: ${count(c.all, 'image')} (${c.happy} happy, ${c.sad} sad; ${c.unreviewed} unreviewed, ${c.confirmed} confirmed, ${c.corrected} corrected)`;
  const lines = r.items.map((i) => [i.id.slice(0, 12), i.label.padEnd(5), i.review.padEnd(10), (i.confidence === null ? 'by hand' : pct(i.confidence)).padStart(7), i.file].join('  '));
  const shown = r.items.length < r.total ? [`... ${count(r.total - r.items.length, 'more image')} (raise --limit, or use --json)`] : [];
  const filtered = r.total < c.all ? [`${count(r.total, 'image')} match.`] : [];
  return [head, ...filtered, ...lines, ...shown].join('\n');
}

export function reviewLine(action: ReviewAction, r: LibraryReviewResult): string {
  const lines: string[] = [];
  if (action === 'delete') lines.push(`Deleted ${count(r.deleted.length, 'image')}.`);
  else if (action === 'confirm') lines.push(`Confirmed ${count(r.items.length, 'image')}.`);
  else {
    for (const label of ['happy', 'sad'] as const) {
      const n = r.items.filter((i) => i.label === label).length;
      if (n) lines.push(`${count(n, 'image')} now ${label}${r.items.some((i) => i.label === label && i.review === 'corrected') ? ` (in ${label}_predicted)` : ''}.`);
    }
  }
  if (r.missing.length) lines.push(`Not in the library: ${r.missing.join(', ')}.`);
  if (r.undo) lines.push('Undo with "happysad library undo".');
  return lines.join('\n');
}

export function modelLines(models: readonly ModelInfo[]): string {
  if (models.length === 0) return 'No model trained yet: predictions use the base\'s own happy-vs-sad head (zero-shot).';
  return models
    .map((m) => {
      const d = m.dataset;
      const lib = d.library ? `, of which library ${d.library.train.happy + d.library.train.sad + d.library.validation.happy + d.library.validation.sad}` : '';
      const val = m.validation ? `val ${pct(m.validation.accuracy)}, sad recall ${pct(m.validation.perClass.sad.recall)}` : 'no validation';
      const imported = m.importedAt ? `imported ${localTime(m.importedAt, true)}` : '';
      const status = [m.current ? 'current' : m.promotion && !m.promotion.madeCurrent ? 'candidate' : '', imported].filter(Boolean).join(', ');
      return `${m.current ? '*' : ' '} ${m.id}  ${m.base.id}  ${val}  train ${classes(d.train)}${lib}  ${localTime(m.createdAt)}${status ? `  ${status}` : ''}${m.promotion && !m.current ? `\n    ${m.promotion.reason}` : ''}`;
    })
    .join('\n');
}

export function previewLines(p: RetrainPreview): string {
  const d = p.dataset;
  const l = p.library;
  return [
    `Retrain ${p.fromModel ? `from model ${p.fromModel}` : 'from the zero-shot head'} (${p.base}) with:`,
    d.missing ? `  training data: none (${d.missing})` : `  training data ${d.root}: train ${classes(d.train)}, validation ${classes(d.validation)}`,
    `  library: train ${classes(l.train)}, validation ${classes(l.validation)} (${l.used.confirmed} confirmed, ${l.used.corrected} corrected${p.includeUnreviewed ? `, ${l.used.unreviewed} unreviewed at least ${pct(p.minConfidence ?? 0)} sure` : ''})`,
    ...(l.notUsed.unreviewed + l.notUsed.belowConfidence + l.notUsed.alreadyInTrainingData
      ? [
          `  not used: ${[
            l.notUsed.unreviewed ? `${l.notUsed.unreviewed} unreviewed (--include-unreviewed)` : '',
            l.notUsed.belowConfidence ? `${l.notUsed.belowConfidence} unreviewed below ${pct(p.minConfidence ?? 0)}` : '',
            l.notUsed.alreadyInTrainingData ? `${l.notUsed.alreadyInTrainingData} already in the training data` : '',
          ]
            .filter(Boolean)
            .join(', ')}`,
        ]
      : []),
    ...(p.learned ? [`  moved to train: ${p.learned === 1 ? '1 validation image' : `${p.learned} validation images`} the current model learned from (judged, ${p.learned === 1 ? 'it' : 'they'} would flatter the new model)`] : []),
    ...(p.learned === null ? ['  not checked: which validation images the current model learned from (its samples.json is missing or damaged); those would flatter the new model'] : []),
    `  in all: train ${classes(p.total.train)}, validation ${classes(p.total.validation)}`,
    ...(p.ready ? [] : [`Cannot retrain: ${p.reason}.`]),
  ].join('\n');
}

export function retrainSummary(r: LibraryRetrainResult): string {
  const e = r.embedding;
  return [
    `Model ${r.modelId} saved${r.promotion.madeCurrent ? ' and made current' : ' as a candidate'} (${r.backend}, ${r.seconds.toFixed(1)} s; features: ${e.views - e.cached} computed, ${e.cached} from the cache).`,
    `${r.promotion.reason[0]!.toUpperCase()}${r.promotion.reason.slice(1)}.`,
    `Best epoch ${r.best.epoch} of ${r.epochs}${r.stoppedEarly ? ' (stopped early)' : ''}: val_acc ${pct(r.best.valAccuracy)}, val_loss ${num(r.best.valLoss)}${r.secondLook && r.validation ? `; ${secondLookSentence(r)}` : '.'}`,
    ...r.failed.slice(0, 20).map((f) => `Skipped ${f.file}: ${f.reason}`),
    ...(r.failed.length > 20 ? [`... and ${count(r.failed.length - 20, 'more skipped file')} (all of them are in --json output)`] : []),
  ].join('\n');
}
