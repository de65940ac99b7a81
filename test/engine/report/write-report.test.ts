import assert from 'node:assert/strict';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import type { EvalResult, JudgedImage } from '../../../common/engine-types.js';
import { calibrationTable, computeMetrics, rocCurve } from '../../../engine/metrics.js';
import { writeEvalReport } from '../../../engine/report/write-report.js';
import { damagedJpeg } from '../../helpers/images.js';
import { FACES, tempDir } from '../../helpers/tmp.js';

function result(images: JudgedImage[]): EvalResult {
  const p = images.map((i) => i.pHappy);
  const y = images.map((i) => (i.label === 'happy' ? 1 : 0));
  return {
    ...computeMetrics(p, y), backend: 'wasm', msPerImage: 1, features: { computed: 0, cached: 0 }, modelId: 'zero-shot',
    source: { kind: 'folder', dir: FACES }, images, roc: rocCurve(p, y), calibration: calibrationTable(p, y),
    misclassified: [], failed: [], skipped: [], trainedOn: 0, warnings: [],
  };
}

test('report file: small JPEG thumbnails of the wrong images inlined; an unreadable one is named without a preview; written whole', async () => {
  const [face] = (await readdir(join(FACES, 'sad'))).sort();
  const images: JudgedImage[] = [
    { file: join(FACES, 'sad', face!), label: 'sad', pHappy: 0.9 },
    { file: '/nonexistent/gone.jpg', label: 'happy', pHappy: 0.2 },
    { file: join(FACES, 'happy', 'x-right.jpg'), label: 'happy', pHappy: 0.8 },
  ];
  const dir = join(await tempDir(), 'new', 'folder');
  const file = await writeEvalReport(dir, result(images), new Date('2026-12-04T10:00:00Z'));
  assert.equal(file, join(dir, 'report-zero-shot.html'));
  assert.deepEqual(await readdir(dir), ['report-zero-shot.html'], 'no temporary file left');
  const html = await readFile(file, 'utf8');
  const thumbs = [...html.matchAll(/<img src="data:image\/jpeg;base64,([^"]+)"/g)].map((m) => Buffer.from(m[1]!, 'base64'));
  assert.equal(thumbs.length, 1, 'one readable wrong image');
  assert.ok(thumbs[0]!.length < 20_000, `${thumbs[0]!.length} bytes`);
  assert.deepEqual([...thumbs[0]!.subarray(0, 2)], [0xff, 0xd8], 'a JPEG');
  assert.match(html, /<figure data-wrong="\/nonexistent\/gone\.jpg"><div class="noimg">no preview<\/div>/);
  assert.doesNotMatch(html, /x-right\.jpg/, 'right images are not among the wrong ones');
  assert.match(html, /datetime="2026-12-04T10:00:00\.000Z"/);

  await assert.rejects(writeEvalReport(join(file, 'inside-a-file'), result(images)), /cannot write the report .*inside-a-file\/report-zero-shot\.html: part of the path is a file, not a folder$/);
});

test('report file: one already in the folder is never replaced; the next one is numbered', async () => {
  const dir = await tempDir();
  const images: JudgedImage[] = [{ file: '/nonexistent/gone.jpg', label: 'happy', pHappy: 0.2 }];
  const first = await writeEvalReport(dir, result(images), new Date('2026-12-04T10:00:00Z'));
  const second = await writeEvalReport(dir, result(images), new Date('2026-12-04T11:00:00Z'));
  const third = await writeEvalReport(dir, { ...result(images), modelId: '../odd/id' }, new Date('2026-12-04T12:00:00Z'));
  assert.deepEqual([first, second, third], [join(dir, 'report-zero-shot.html'), join(dir, 'report-zero-shot-2.html'), join(dir, 'report-_odd_id.html')]);
  assert.match(await readFile(first, 'utf8'), /datetime="2026-12-04T10:00:00\.000Z"/, 'the first report is as it was');
  assert.match(await readFile(second, 'utf8'), /datetime="2026-12-04T11:00:00\.000Z"/);
  assert.deepEqual((await readdir(dir)).sort(), ['report-_odd_id.html', 'report-zero-shot-2.html', 'report-zero-shot.html'], 'no temporary file left');
});

test('report file: a wrong image judged despite a damaged run of bytes (libjpeg only warns) is shown, not named only', async () => {
  const file = join(await tempDir(), 'damaged.jpg');
  await writeFile(file, await damagedJpeg(320, 240));
  const html = await readFile(await writeEvalReport(await tempDir(), result([{ file, label: 'sad', pHappy: 0.9 }])), 'utf8');
  assert.equal([...html.matchAll(/<img src="data:image\/jpeg;base64,/g)].length, 1);
  assert.doesNotMatch(html, /no preview/);
});
