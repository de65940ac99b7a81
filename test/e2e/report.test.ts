/**
 * `happysad eval --report DIR`: the report's figures equal the ones `eval --json` printed in the same run, and
 * the file opens in Chromium with every network request refused (none is attempted: it is self-contained),
 * its thumbnails drawn. Screenshots in light and dark. On ../shared/datasets/photos-happy-sad when it is
 * there, else on the fixture faces.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { test } from 'node:test';
import { runCli } from '../helpers/cli.js';
import { jsonFigure, reportFigures } from '../helpers/report.js';
import { FACES, SHARED_DATASETS, tempDir } from '../helpers/tmp.js';
import { launch, needsChromium, SCREENSHOTS, SIZES } from './helpers.js';

const PHOTOS = join(SHARED_DATASETS, 'photos-happy-sad');
const DATA = existsSync(PHOTOS) ? PHOTOS : FACES;

test('eval --report: figures equal --json; opens in Chromium without network; thumbnails drawn', { skip: needsChromium }, async () => {
  const home = await tempDir();
  const out = join(await tempDir(), 'report');
  const r = await runCli(['eval', '--data', DATA, '--report', out, '--home', home, '--json']);
  assert.equal(r.code, 0, r.stderr);
  const html0 = await readFile(r.json.report, 'utf8');
  assert.equal(r.json.report, join(out, `report-${r.json.modelId}.html`));
  // a second report into the same folder leaves the first one as it was
  const again = await runCli(['eval', '--data', DATA, '--report', out, '--home', home, '--json']);
  assert.equal(again.code, 0, again.stderr);
  assert.equal(again.json.report, join(out, `report-${r.json.modelId}-2.html`));
  assert.equal(await readFile(r.json.report, 'utf8'), html0);
  const html = await readFile(r.json.report, 'utf8');

  const figures = reportFigures(html);
  assert.equal(figures.size, 14, `${[...figures.keys()]}`);
  for (const [name, shown] of figures) {
    if (name === 'modelId') continue;
    const want = jsonFigure(r.json, name);
    for (const v of shown) assert.equal(v === 'null' ? null : Number(v), want, name);
  }
  assert.match(html, new RegExp(`data-figure="modelId">${r.json.modelId}<`));
  const wrong = r.json.confusion.happy.sad + r.json.confusion.sad.happy;
  assert.equal((html.match(/<figure /g) ?? []).length, Math.min(24, wrong));

  const context = await launch();
  try {
    const page = await context.newPage();
    const attempted: string[] = [];
    await page.route('**', (route) => {
      const url = route.request().url();
      if (url.startsWith('file:')) return route.continue();
      attempted.push(url);
      return route.abort();
    });
    await page.goto(pathToFileURL(r.json.report).href);
    await page.waitForLoadState('load');
    assert.deepEqual(attempted, [], 'no request left the file');
    // (a string: the Node-side tests have no DOM types)
    const drawn = await page.evaluate<number>('[...document.images].filter((i) => i.complete && i.naturalWidth > 0).length');
    assert.equal(drawn, await page.locator('figure img').count());
    assert.ok(drawn > 0 || wrong === 0);
    // the whole page (a report is read by scrolling), in light and dark
    await mkdir(SCREENSHOTS, { recursive: true });
    for (const colorScheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme });
      for (const size of SIZES) {
        await page.setViewportSize(size);
        await page.screenshot({ path: join(SCREENSHOTS, `eval-report-${colorScheme}-${size.width}x${size.height}.png`), fullPage: true });
      }
    }
  } finally {
    await context.close();
  }
});
