/**
 * The evaluation report: one self-contained HTML file made from an evaluation result alone (a pure function,
 * so that the CLI and the app write the same report, and a test can check its figures against the JSON). No
 * scripts, no network, no other files: the charts are inline SVG, the thumbnails data: URIs, and a
 * Content-Security-Policy in the page forbids anything else. Every figure carries its exact value in a
 * data-value attribute (data-figure names it), as the JSON has it.
 */
import type { EvalResult, JudgedImage } from '../../common/engine-types.js';
import { probabilityToLabel, type Label } from '../../common/labels.js';
import { wrongness } from '../metrics.js';

export interface ReportOptions {
  /** ISO time the report was made (given, so that the function stays pure) */
  generatedAt: string;
  appVersion: string;
  /** data: URI of a thumbnail per image file; images without one are listed by name only */
  thumbnails: Readonly<Record<string, string>>;
}

/** How many of the most confidently wrong images the report shows. */
export const REPORT_WRONG_IMAGES = 24;

/** The wrong images, the surest first (the probability given to the wrong class, descending; then by file). */
export function mostConfidentlyWrong(images: readonly JudgedImage[], limit = REPORT_WRONG_IMAGES): JudgedImage[] {
  return images
    .filter((i) => probabilityToLabel(i.pHappy) !== i.label)
    .sort((a, b) => wrongness(b.pHappy, b.label) - wrongness(a.pHappy, a.label) || (a.file < b.file ? -1 : a.file > b.file ? 1 : 0))
    .slice(0, limit);
}

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
/** as the app writes a share ("86.7%", formatPercent in English) */
const pct = (x: number) => (Number.isFinite(x) ? `${(x * 100).toFixed(1)}%` : 'n/a');
/** a confidence: never "100.0%" short of certainty */
const sure = (x: number) => (x >= 0.9995 && x < 1 ? '>99.9%' : pct(x));
const fixed = (x: number, d: number) => (Number.isFinite(x) ? x.toFixed(d) : 'n/a');
/** the exact value as JSON has it (NaN is null there) */
const raw = (x: number | null) => (x === null || !Number.isFinite(x) ? 'null' : String(x));
const figure = (name: string, value: number, text: string) => `<span data-figure="${name}" data-value="${raw(value)}">${text}</span>`;
const basename = (f: string) => f.split(/[\\/]/).pop() ?? f;

const CSS = `
:root{color-scheme:light dark;--fg:#1d2330;--muted:#5b6474;--line:#d7dce4;--bg:#fff;--card:#f6f8fb;--happy:#d98a00;--sad:#3b6fd8;--bad:#c8372d;--good:#1f8a4c}
@media (prefers-color-scheme:dark){:root{--fg:#e6e9ef;--muted:#9aa3b2;--line:#363d4a;--bg:#16191f;--card:#1f232b;--happy:#f0a92e;--sad:#6f9bff;--bad:#ff6b5e;--good:#4cc47f}}
*{box-sizing:border-box}body{margin:0;font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--fg);background:var(--bg)}
main{max-width:1040px;margin:0 auto;padding:28px 24px 48px}h1{font-size:22px;margin:0 0 4px}h2{font-size:16px;margin:0 0 12px}
.sub{color:var(--muted);margin:0 0 20px}.grid{display:grid;grid-template-columns:repeat(auto-fit,minmax(300px,1fr));gap:16px;margin-bottom:16px;align-items:start}
section{background:var(--card);border:1px solid var(--line);border-radius:10px;padding:16px}
.figures{display:grid;grid-template-columns:repeat(auto-fit,minmax(140px,1fr));gap:12px;margin-bottom:16px}
.figures div{display:flex;flex-direction:column;justify-content:space-between;background:var(--card);border:1px solid var(--line);border-radius:10px;padding:12px}.figures dt{color:var(--muted);font-size:12px}.figures dd{margin:2px 0 0;font-size:22px;font-weight:600}
table{border-collapse:collapse;width:100%}th,td{padding:8px 10px;text-align:right;border-bottom:1px solid var(--line)}th:first-child,td:first-child{text-align:left}
th{font-weight:600;color:var(--muted);font-size:12px}.cm td.hit{color:var(--good);font-weight:700}.cm td.miss{color:var(--bad);font-weight:700}
svg{width:100%;height:auto;display:block}svg text{fill:var(--muted);font-size:11px}.axis{stroke:var(--line)}.diag{stroke:var(--muted);stroke-dasharray:4 4}
.curve{fill:none;stroke:var(--sad);stroke-width:2.5}.dot{fill:var(--happy);fill-opacity:.75;stroke:var(--happy);stroke-width:1}.bar{fill:var(--sad);opacity:.35}
.wrong{display:grid;grid-template-columns:repeat(auto-fill,minmax(120px,1fr));gap:12px}.wrong figure{margin:0;background:var(--bg);border:1px solid var(--line);border-radius:8px;overflow:hidden}
.wrong img{width:100%;aspect-ratio:1;object-fit:cover;display:block;background:var(--line)}.wrong .noimg{aspect-ratio:1;display:grid;place-items:center;color:var(--muted);font-size:12px}
.wrong figcaption{padding:6px 8px;font-size:12px}.wrong .name{color:var(--muted);overflow:hidden;text-overflow:ellipsis;white-space:nowrap}
.warn{border-color:var(--bad);margin-bottom:16px}.bins{margin-bottom:16px}.legend{color:var(--muted);font-size:12px;margin:6px 0 0}.mono{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:12px}footer{color:var(--muted);font-size:12px;margin-top:24px}
`;

function header(r: EvalResult): string {
  const what =
    r.source.kind === 'validation'
      ? `its own validation images (found in <span class="mono">${esc(r.source.root)}</span>${r.source.missing ? `; ${r.source.missing} not found` : ''})`
      : `<span class="mono">${esc(r.source.dir)}</span>`;
  return `<h1>Evaluation of model <span class="mono" data-figure="modelId">${esc(r.modelId)}</span></h1>
<p class="sub">On ${figure('n', r.n, String(r.n))} images from ${what}; backend ${esc(r.backend)}.</p>`;
}

function figures(r: EvalResult): string {
  const items: Array<[string, string, number, string]> = [
    ['Accuracy', 'accuracy', r.accuracy, pct(r.accuracy)],
    ['Balanced accuracy', 'balancedAccuracy', r.balancedAccuracy, pct(r.balancedAccuracy)],
    ['Loss (cross-entropy)', 'loss', r.loss, fixed(r.loss, 4)],
    ['ROC AUC', 'roc.auc', r.roc.auc, fixed(r.roc.auc, 3)],
    ['Calibration error (ECE)', 'calibration.ece', r.calibration.ece, pct(r.calibration.ece)],
  ];
  return `<dl class="figures">${items.map(([label, name, v, text]) => `<div><dt>${label}</dt><dd>${figure(name, v, text)}</dd></div>`).join('')}</dl>`;
}

function confusion(r: EvalResult): string {
  const cell = (a: Label, p: Label) => `<td class="${a === p ? 'hit' : 'miss'}">${figure(`confusion.${a}.${p}`, r.confusion[a][p], String(r.confusion[a][p]))}</td>`;
  return `<section><h2>Confusion matrix</h2><table class="cm"><thead><tr><th>actual \\ predicted</th><th>happy</th><th>sad</th></tr></thead><tbody>
<tr><td>happy</td>${cell('happy', 'happy')}${cell('happy', 'sad')}</tr><tr><td>sad</td>${cell('sad', 'happy')}${cell('sad', 'sad')}</tr></tbody></table></section>`;
}

function perClass(r: EvalResult): string {
  const row = (c: Label) =>
    `<tr><td>${c}</td><td>${figure(`perClass.${c}.precision`, r.perClass[c].precision, pct(r.perClass[c].precision))}</td><td>${figure(`perClass.${c}.recall`, r.perClass[c].recall, pct(r.perClass[c].recall))}</td><td>${r.confusion[c].happy + r.confusion[c].sad}</td></tr>`;
  return `<section><h2>Per class</h2><table><thead><tr><th>class</th><th>precision</th><th>recall</th><th>images</th></tr></thead><tbody>${row('happy')}${row('sad')}</tbody></table></section>`;
}

/** A square chart frame: x and y in [0, 1] mapped onto a 300 x 300 plot with margins for the axis labels. */
const W = 340;
const M = { left: 50, top: 10, size: 270 };
const px = (x: number) => (M.left + x * M.size).toFixed(1);
const py = (y: number) => (M.top + (1 - y) * M.size).toFixed(1);

function frame(xLabel: string, yLabel: string, body: string, title: string): string {
  const ticks = [0, 0.25, 0.5, 0.75, 1];
  return `<svg viewBox="0 0 ${W} ${W}" role="img" aria-label="${esc(title)}">
<rect class="axis" x="${M.left}" y="${M.top}" width="${M.size}" height="${M.size}" fill="none"/>
${ticks.map((t) => `<text x="${px(t)}" y="${M.top + M.size + 14}" text-anchor="middle">${t}</text><text x="${M.left - 6}" y="${(Number(py(t)) + 4).toFixed(1)}" text-anchor="end">${t}</text>`).join('')}
<line class="diag" x1="${px(0)}" y1="${py(0)}" x2="${px(1)}" y2="${py(1)}"/>
${body}
<text x="${M.left + M.size / 2}" y="${W - 4}" text-anchor="middle">${esc(xLabel)}</text>
<text transform="translate(12 ${M.top + M.size / 2}) rotate(-90)" text-anchor="middle">${esc(yLabel)}</text></svg>`;
}

function rocChart(r: EvalResult): string {
  const pts = r.roc.points.filter((p) => Number.isFinite(p.fpr) && Number.isFinite(p.tpr));
  const body = pts.length > 1 ? `<polyline class="curve" points="${pts.map((p) => `${px(p.fpr)},${py(p.tpr)}`).join(' ')}"/>` : '';
  return `<section><h2>ROC curve (happy as positive), AUC ${figure('roc.auc', r.roc.auc, fixed(r.roc.auc, 3))}</h2>${frame('sad images called happy (false positive rate)', 'happy images called happy (recall)', body, 'ROC curve')}</section>`;
}

/** A bin's dot: area in proportion to its count, from 2.5 px (one image) to 11 px (the fullest bin). */
function dotRadius(n: number, most: number): string {
  return (2.5 + 8.5 * Math.sqrt(n / Math.max(1, most))).toFixed(1);
}

function reliability(r: EvalResult): { chart: string; table: string } {
  const bins = r.calibration.bins;
  const most = Math.max(1, ...bins.map((b) => b.n));
  const bars = bins.map((b) => `<rect class="bar" x="${px(b.from)}" y="${py((b.n / most) * 0.25)}" width="${((b.to - b.from) * M.size - 2).toFixed(1)}" height="${((b.n / most) * 0.25 * M.size).toFixed(1)}"><title>${b.n} images</title></rect>`);
  const filled = bins.filter((b) => b.n > 0 && b.meanPHappy !== null && b.happyShare !== null);
  // one dot per bin, its area in proportion to the images in it, and no line between them: a line through
  // bins of one or two images drew 0 -> 1 -> 0 spikes that looked like a finding
  const dots = filled.map((b) => `<circle class="dot" cx="${px(b.meanPHappy!)}" cy="${py(b.happyShare!)}" r="${dotRadius(b.n, most)}" data-n="${b.n}"><title>${b.n} images: mean P(happy) ${pct(b.meanPHappy!)}, happy ${pct(b.happyShare!)}</title></circle>`);
  const rows = bins
    .filter((b) => b.n > 0)
    .map((b, i) => `<tr data-bin="${i}"><td>${b.from.toFixed(1)}–${b.to.toFixed(1)}</td><td>${b.n}</td><td>${pct(b.meanPHappy!)}</td><td>${pct(b.happyShare!)}</td></tr>`)
    .join('');
  return {
    chart: `<section><h2>Reliability (calibration), ECE ${figure('calibration.ece', r.calibration.ece, pct(r.calibration.ece))}</h2>
${frame('mean P(happy) in the bin', 'share that is happy', bars.join('') + dots.join(''), 'Reliability chart')}
<p class="legend">A dot per bin, its area in proportion to its images; on the diagonal: as sure as right.</p></section>`,
    // beside the charts it would leave a hole under the ROC curve: a section of its own
    table: `<section class="bins"><h2>Reliability table (bins of P(happy); bars above: how many images)</h2>
<table><thead><tr><th>P(happy)</th><th>images</th><th>mean P(happy)</th><th>happy</th></tr></thead><tbody>${rows}</tbody></table></section>`,
  };
}

function wrongImages(r: EvalResult, thumbnails: ReportOptions['thumbnails']): string {
  const wrong = mostConfidentlyWrong(r.images);
  const total = r.confusion.happy.sad + r.confusion.sad.happy;
  if (wrong.length === 0) return `<section><h2>Wrong images</h2><p>None: every image was judged right.</p></section>`;
  const cards = wrong.map((i) => {
    const predicted = i.label === 'happy' ? 'sad' : 'happy';
    const thumb = thumbnails[i.file];
    return `<figure data-wrong="${esc(i.file)}">${thumb ? `<img src="${esc(thumb)}" alt="${esc(basename(i.file))}">` : '<div class="noimg">no preview</div>'}
<figcaption><div><b>${i.label}</b>, judged ${predicted} (${sure(wrongness(i.pHappy, i.label))})</div><div class="name" title="${esc(i.file)}">${esc(basename(i.file))}</div></figcaption></figure>`;
  });
  return `<section><h2>The most confidently wrong images (${wrong.length} of ${total})</h2><div class="wrong">${cards.join('')}</div></section>`;
}

export function evalReportHtml(r: EvalResult, opts: ReportOptions): string {
  const calibration = reliability(r);
  const warnings = r.warnings.length ? `<section class="warn"><h2>Warnings</h2><ul>${r.warnings.map((w) => `<li>${esc(w)}</li>`).join('')}</ul></section>` : '';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; img-src data:; style-src 'unsafe-inline'">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>HappySad evaluation of ${esc(r.modelId)}</title><style>${CSS}</style></head>
<body><main>
${header(r)}
${warnings}
${figures(r)}
<div class="grid">${confusion(r)}${perClass(r)}</div>
<div class="grid">${rocChart(r)}${calibration.chart}</div>
${calibration.table}
${wrongImages(r, opts.thumbnails)}
<footer>Made by HappySad Studio ${esc(opts.appVersion)} on <time datetime="${esc(opts.generatedAt)}">${esc(readableTime(opts.generatedAt))}</time>. ${r.failed.length + r.skipped.length ? `${r.failed.length + r.skipped.length} files were skipped or could not be read.` : ''}</footer>
</main></body></html>
`;
}

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

/**
 * "7 December 2026, 00:44": the time on the machine that wrote the report, for people (the ISO form stays in
 * datetime). Spelled here, not by Intl: ICU versions word it differently ("4 December 2026 at 00:00").
 */
function readableTime(iso: string): string {
  const t = new Date(iso);
  if (Number.isNaN(t.getTime())) return iso;
  const two = (n: number) => String(n).padStart(2, '0');
  return `${t.getDate()} ${MONTHS[t.getMonth()]} ${t.getFullYear()}, ${two(t.getHours())}:${two(t.getMinutes())}`;
}
