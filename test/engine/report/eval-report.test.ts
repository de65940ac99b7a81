import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { EvalResult, JudgedImage } from '../../../common/engine-types.js';
import { calibrationTable, computeMetrics, rocCurve } from '../../../engine/metrics.js';
import { evalReportHtml, mostConfidentlyWrong } from '../../../engine/report/eval-report.js';
import { reportFigures } from '../../helpers/report.js';

function result(images: JudgedImage[]): EvalResult {
  const p = images.map((i) => i.pHappy);
  const y = images.map((i) => (i.label === 'happy' ? 1 : 0));
  return {
    ...computeMetrics(p, y),
    backend: 'wasm', msPerImage: 1, features: { computed: 0, cached: 0 }, modelId: '20261204-101010-abcd',
    source: { kind: 'folder', dir: '/data/<faces>' }, images, roc: rocCurve(p, y), calibration: calibrationTable(p, y),
    misclassified: [], failed: [], skipped: [], trainedOn: 0, warnings: ['a "quoted" <warning>'],
  };
}

const IMAGES: JudgedImage[] = [
  { file: '/d/happy/a.jpg', label: 'happy', pHappy: 0.9 },
  { file: '/d/happy/b.jpg', label: 'happy', pHappy: 0.3 },
  { file: '/d/happy/c<x>.jpg', label: 'happy', pHappy: 0.05 },
  { file: '/d/sad/d.jpg', label: 'sad', pHappy: 0.2 },
  { file: '/d/sad/e.jpg', label: 'sad', pHappy: 0.5 },
];

test('the most confidently wrong images: only wrong ones, the surest first', () => {
  // c: 95 % sure it is sad (wrong), b: 70 %, e: P(happy) 0.5 is called happy (wrong, 50 %)
  assert.deepEqual(mostConfidentlyWrong(IMAGES).map((i) => i.file), ['/d/happy/c<x>.jpg', '/d/happy/b.jpg', '/d/sad/e.jpg']);
  assert.equal(mostConfidentlyWrong(IMAGES, 1).length, 1);
});

test('report: every figure carries the exact value of the result; text is escaped; nothing external', () => {
  const r = result(IMAGES);
  const html = evalReportHtml(r, { generatedAt: '2026-12-04T00:00:00.000Z', appVersion: '0.1.0', thumbnails: { '/d/happy/b.jpg': 'data:image/jpeg;base64,AAAA' } });
  const figures = reportFigures(html);
  const expect: Record<string, number> = {
    n: 5, accuracy: 2 / 5, balancedAccuracy: (1 / 3 + 1 / 2) / 2, loss: r.loss, 'roc.auc': r.roc.auc, 'calibration.ece': r.calibration.ece,
    'confusion.happy.happy': 1, 'confusion.happy.sad': 2, 'confusion.sad.happy': 1, 'confusion.sad.sad': 1,
    'perClass.happy.precision': 0.5, 'perClass.happy.recall': 1 / 3, 'perClass.sad.precision': 1 / 3, 'perClass.sad.recall': 0.5,
  };
  for (const [name, value] of Object.entries(expect)) {
    const shown = figures.get(name);
    assert.ok(shown && shown.length > 0, `${name} is shown`);
    for (const v of shown) assert.equal(Number(v), value, name);
  }
  assert.match(html, /<td class="miss"><span data-figure="confusion.happy.sad" data-value="2">2<\/span><\/td>/);
  assert.match(html, /a &quot;quoted&quot; &lt;warning&gt;/);
  assert.match(html, /c&lt;x&gt;\.jpg/);
  assert.doesNotMatch(html, /c<x>/);
  assert.match(html, /<img src="data:image\/jpeg;base64,AAAA" alt="b\.jpg">/);
  assert.equal((html.match(/<figure /g) ?? []).length, 3, 'the three wrong images');
  assert.doesNotMatch(html, /<script|<link|https?:|src="(?!data:)/i, 'no scripts, no links, no external sources');
  assert.match(html, /Content-Security-Policy" content="default-src 'none'; img-src data:;/);
  // when, for people (the machine's local time), with the exact instant kept for machines
  const local = new Date('2026-12-04T00:00:00.000Z');
  const two = (n: number) => String(n).padStart(2, '0');
  // (India's and Nepal's clocks are not on the hour: minutes from the same local time)
  assert.match(html, new RegExp(`<time datetime="2026-12-04T00:00:00\\.000Z">${local.getDate()} ${local.getMonth() === 11 ? 'December' : 'November'} ${local.getFullYear()}, ${two(local.getHours())}:${two(local.getMinutes())}</time>`));
});

test('report of one class only: AUC and undefined ratios are n/a (null in the data), not NaN', () => {
  const html = evalReportHtml(result(IMAGES.filter((i) => i.label === 'happy')), { generatedAt: 'x', appVersion: 'y', thumbnails: {} });
  const figures = reportFigures(html);
  assert.deepEqual(figures.get('roc.auc'), ['null', 'null']);
  assert.deepEqual(figures.get('perClass.sad.recall'), ['null']);
  assert.doesNotMatch(html, /NaN/);
  assert.match(html, /ROC AUC<\/dt><dd><span data-figure="roc.auc" data-value="null">n\/a/);
});

test('report: shares written as the app writes them ("40.0%"); the reliability chart a dot per bin sized by its count, no line', () => {
  const many: JudgedImage[] = [...IMAGES, ...Array.from({ length: 6 }, (_, i) => ({ file: `/d/happy/m${i}.jpg`, label: 'happy' as const, pHappy: 0.95 }))];
  const html = evalReportHtml(result(many), { generatedAt: 'x', appVersion: 'y', thumbnails: {} });
  assert.match(html, /data-figure="accuracy" data-value="[^"]+">\d+\.\d%</);
  assert.doesNotMatch(html, /\d %/, 'no space before a percent sign');
  const chart = html.slice(html.indexOf('aria-label="Reliability chart"'));
  const svg = chart.slice(0, chart.indexOf('</svg>'));
  assert.doesNotMatch(svg, /<polyline/, 'no line joining the bins');
  const dots = [...svg.matchAll(/<circle class="dot" [^>]*r="([\d.]+)" data-n="(\d+)"/g)].map((m) => ({ r: Number(m[1]), n: Number(m[2]) }));
  assert.equal(dots.reduce((s, d) => s + d.n, 0), many.length, 'every image in a dot');
  const most = Math.max(...dots.map((d) => d.n));
  // sized by count: more images, a larger dot; the fullest bin's is the largest drawn, none vanishes
  const byCount = [...dots].sort((a, b) => a.n - b.n);
  byCount.slice(1).forEach((d, i) => assert.ok(d.r >= byCount[i]!.r, `${d.n} images: r ${d.r} not below ${byCount[i]!.n} images' ${byCount[i]!.r}`));
  for (const d of dots) assert.ok(d.r >= 2.5 && d.r <= 11, `r ${d.r}`);
  assert.equal(dots.find((d) => d.n === most)!.r, 11);
  const small = dots.find((d) => d.n === 1)!;
  const big = dots.find((d) => d.n === most)!;
  assert.ok(big.r > small.r + 4, `the fullest bin's dot (${big.r}) is much larger than a one-image bin's (${small.r})`);
});
