import type { BackendInfo, EvalResult, PredictResult, TrainResult } from '../common/engine-types.js';

export const pct = (x: number | null | undefined) => (x === null || x === undefined || Number.isNaN(x) ? 'n/a' : `${(x * 100).toFixed(1)} %`);
/** A confidence as shown: never "100.0 %" for a probability short of 1 (0.99996 would round to it). */
export const sure = (x: number) => (x >= 0.9995 && x < 1 ? '>99.9 %' : pct(x));
export const num = (x: number | null | undefined, d = 4) => (x === null || x === undefined || Number.isNaN(x) ? 'n/a' : x.toFixed(d));

/** "1 image", "2 images", "1,024 images" */
export function count(n: number, noun: string, plural = `${noun}s`): string {
  return `${n.toLocaleString('en-US')} ${n === 1 ? noun : plural}`;
}

/**
 * A stored time (meta.json keeps ISO UTC) as this computer's clock reads it, "2026-12-07 21:23:01" or with
 * `date` only "2026-12-07": what `date` prints here and what the desktop app shows, not a UTC figure read as
 * local. A text that is no time is shown as it is.
 */
export function localTime(iso: string, date = false): string {
  const t = new Date(iso);
  if (Number.isNaN(t.getTime())) return iso;
  const two = (n: number) => String(n).padStart(2, '0');
  const day = `${t.getFullYear()}-${two(t.getMonth() + 1)}-${two(t.getDate())}`;
  return date ? day : `${day} ${two(t.getHours())}:${two(t.getMinutes())}:${two(t.getSeconds())}`;
}

const MAX_LISTED = 20;

/** Skipped files, one line each, up to MAX_LISTED: a folder of thousands must not flood the terminal. */
function skippedLines(skipped: ReadonlyArray<{ file: string; reason: string }>): string[] {
  const lines = skipped.slice(0, MAX_LISTED).map((s) => `Skipped ${s.file}: ${s.reason}`);
  if (skipped.length > MAX_LISTED) lines.push(`... and ${count(skipped.length - MAX_LISTED, 'more skipped file')} (all of them are in --json output)`);
  return lines;
}

/** How to make current a model left aside (by training, or by an import): "happysad models use ID" */
export const makeCurrentHint = (id: string) => `make it current with "happysad models use ${id}"`;

export function trainSummary(r: TrainResult): string {
  const d = r.dataset;
  const p = r.promotion;
  const v = r.validation;
  return [
    p.madeCurrent ? `Model ${r.modelId} saved and made current: ${p.reason}.` : `Model ${r.modelId} saved but NOT made current: ${p.reason} (${makeCurrentHint(r.modelId)}).`,
    `Trained in ${r.seconds.toFixed(1)} s on ${r.backend}.`,
    `Data: train ${d.train.happy} happy / ${d.train.sad} sad, validation ${d.validation.happy} happy / ${d.validation.sad} sad (${d.validationFrom === 'folders' ? 'validation/ folder' : 'split from train'})` +
      `${d.skipped.length ? `; ${count(d.skipped.length, 'file')} skipped` : ''}.`,
    d.ignoredClasses.length ? `Ignored class folders: ${d.ignoredClasses.join(', ')}.` : '',
    d.unusedBesideTrain?.length ? `Not read: ${d.unusedBesideTrain.map((n) => `${n}/`).join(', ')} beside train/ (train/ and validation/ are).` : '',
    v
      ? `Best epoch ${r.best.epoch} of ${r.epochs}${r.stoppedEarly ? ' (stopped early)' : ''}: val_acc ${pct(r.best.valAccuracy)}, val_loss ${num(r.best.valLoss)}` +
        (r.secondLook ? `; ${secondLookSentence(r)}` : `, sad recall ${pct(v.perClass.sad.recall)} on ${count(v.n, 'validation image')}.`)
      : `Best epoch ${r.best.epoch} of ${r.epochs}${r.stoppedEarly ? ' (stopped early)' : ''}, by training loss: no validation figures (see the warning above).`,
    r.secondLook && !v ? `Its second look learned from ${count(r.secondLook.trainedOn, 'training image')}.` : '',
    ...skippedLines(d.skipped),
  ]
    .filter(Boolean)
    .join('\n');
}

/** What the model as it judges scored, its second look included: "with its second look (…): accuracy …, sad recall … on N validation images." */
export function secondLookSentence(r: Pick<TrainResult, 'secondLook' | 'validation'>): string {
  const v = r.validation!;
  const look = r.secondLook!;
  return `with its second look (faces it was unsure of judged again, ${look.asked} of ${v.n}; learned from ${count(look.trainedOn, 'training image')}): accuracy ${pct(v.accuracy)}, sad recall ${pct(v.perClass.sad.recall)} on ${count(v.n, 'validation image')}.`;
}

/** "features computed", "features from the cache", or how many of each. */
function featuresNote(f: EvalResult['features']): string {
  if (f.cached === 0) return 'features computed';
  if (f.computed === 0) return 'features from the cache';
  return `${count(f.computed, 'feature vector')} computed, ${f.cached.toLocaleString('en-US')} from the cache`;
}

export function evalSummary(r: EvalResult): string {
  const c = r.confusion;
  const left = r.skipped.length + r.failed.length;
  return [
    `Model ${r.modelId} on ${count(r.n, 'image')} (${r.backend}): ${r.msPerImage.toFixed(1)} ms/image (${featuresNote(r.features)})${left ? `; ${count(left, 'file')} left out, listed below` : ''}`,
    ...(r.source.kind === 'validation' ? [`on its own validation images, found in ${r.source.root}${r.source.missing ? ` (${count(r.source.missing, 'image')} not found)` : ''}`] : []),
    `accuracy ${pct(r.accuracy)}  balanced accuracy ${pct(r.balancedAccuracy)}  loss ${num(r.loss)}`,
    `ROC AUC ${num(r.roc.auc, 3)}  calibration error (ECE) ${pct(r.calibration.ece)}`,
    `               predicted happy  predicted sad`,
    `actual happy   ${String(c.happy.happy).padStart(15)}  ${String(c.happy.sad).padStart(13)}`,
    `actual sad     ${String(c.sad.happy).padStart(15)}  ${String(c.sad.sad).padStart(13)}`,
    `happy: precision ${pct(r.perClass.happy.precision)}, recall ${pct(r.perClass.happy.recall)}`,
    `sad:   precision ${pct(r.perClass.sad.precision)}, recall ${pct(r.perClass.sad.recall)}`,
    ...r.misclassified.slice(0, MAX_LISTED).map((m) => `wrong: ${m.file} is ${m.label}, predicted ${m.predicted} (${sure(m.confidence)})`),
    ...(r.misclassified.length > MAX_LISTED ? [`... and ${count(r.misclassified.length - MAX_LISTED, 'more misclassified image')} (all of them are in --json output)`] : []),
    ...skippedLines([...r.skipped, ...r.failed]),
    ...(r.report ? [`Report: ${r.report}`] : []),
  ].join('\n');
}

/**
 * One line per image: file, label, confidence (of the largest face), as before faces were detected; then, when
 * the image held no face or several, a fourth column says so: "no face found (whole image judged)", or each
 * face's label, confidence and box (x,y width x height in the image as displayed), largest first.
 */
export function predictLines(r: PredictResult): string {
  return r.results
    .map((p) => {
      if ('error' in p) return `${p.file}\terror: ${p.error}`;
      const line = `${p.file}\t${p.label}\t${sure(p.confidence)}`;
      if (p.face === 'none found') return `${line}\tno face found (whole image judged)`;
      if (!p.faces || p.faces.length < 2) return line;
      const box = (b: { x: number; y: number; width: number; height: number }) => `${Math.round(b.x)},${Math.round(b.y)} ${Math.round(b.width)}x${Math.round(b.height)}`;
      return `${line}\t${count(p.faces.length, 'face')}: ${p.faces.map((f) => `${f.label} ${sure(f.confidence)} at ${box(f.box)}`).join('; ')}`;
    })
    .join('\n');
}

const NATIVE = new Set(['gpu', 'native-cpu']);

/**
 * The backend in one line, with the one reason that matters when a native one was not used; every attempt
 * with `verbose`.
 */
export function backendLine(b: BackendInfo, verbose: boolean): string {
  const skipped = b.attempts.filter((a) => !a.ok);
  let why = '';
  if (!NATIVE.has(b.kind)) {
    const notInstalled = skipped.filter((a) => /is not installed/.test(a.reason ?? ''));
    const nativeSkipped = skipped.filter((a) => /tfjs-node/.test(a.candidate));
    if (nativeSkipped.length && notInstalled.length === nativeSkipped.length) why = '; native TensorFlow not installed: see README, "GPU and backends"';
    else if (nativeSkipped.length) why = `; native TensorFlow skipped: ${nativeSkipped[nativeSkipped.length - 1]!.reason}`;
  }
  const details = verbose ? skipped.map((a) => `\n  skipped ${a.candidate}: ${a.reason}`).join('') : '';
  return `Backend: ${b.label}${why}${details}`;
}
