/**
 * The Models view and the status bar with trained models (two versions trained by the real engine before
 * the window opens): the current one is marked, its validation accuracy shows, and switching current
 * changes what the status bar names and what Predict uses.
 */
import assert from 'node:assert/strict';
import { basename, join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { BrowserContext } from 'playwright-core';
import type { ModelInfo } from '../../common/engine-types.js';
import { existsSync } from 'node:fs';
import { cp, mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import type { Locator, Page } from 'playwright-core';
import type { EvalResult } from '../../common/engine-types.js';
import { runCli } from '../helpers/cli.js';
import { FACES, SHARED_DATASETS, tempDir } from '../helpers/tmp.js';
import { bridgeFor, buildRenderer, dropFiles, launch, needsChromium, openApp, screenshots, SCREENSHOTS, settle, SIZES, waitForJudged, type AppPage, type Bridge, type PageGlobals } from './helpers.js';
import { until } from '../helpers/until.js';

const PHOTOS = join(SHARED_DATASETS, 'photos-happy-sad');
/** a folder to evaluate on, chosen in the dialog: the real photos when they are here */
const EVAL_FOLDER = existsSync(PHOTOS) ? PHOTOS : FACES;
const LABELS = ['happy', 'sad'] as const;
/** as renderer/lib/evaluation.svelte.ts's CELL_SHOWN (a runes module, not importable here): the photos shown of one cell */
const CELL_SHOWN = 40;

/** The files of one confusion-matrix cell of an eval result, the most wrong first (as the view orders them). */
function cellFiles(r: EvalResult, actual: 'happy' | 'sad', predicted: 'happy' | 'sad'): string[] {
  const wrong = (i: EvalResult['images'][number]) => (i.label === 'happy' ? 1 - i.pHappy : i.pHappy);
  return r.images
    .filter((i) => i.label === actual && (i.pHappy >= 0.5 ? 'happy' : 'sad') === predicted)
    .sort((a, b) => wrong(b) - wrong(a) || (a.file < b.file ? -1 : 1))
    .map((i) => i.file);
}

/**
 * As screenshots(), with `target` scrolled into the middle of the view at each size: resizing the window moves
 * what is scrolled to, so one scroll before the screenshots shows it at one size only.
 */
async function screenshotsShowing(page: Page, name: string, target: Locator): Promise<void> {
  await mkdir(SCREENSHOTS, { recursive: true });
  await page.mouse.move(8, 300);
  for (const colorScheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme });
    for (const size of SIZES) {
      await page.setViewportSize(size);
      await target.evaluate((el) => (el as unknown as { scrollIntoView(o: object): void }).scrollIntoView({ block: 'center' }));
      await settle(page);
      await page.screenshot({ path: join(SCREENSHOTS, `${name}-${colorScheme}-${size.width}x${size.height}.png`) });
    }
  }
  await page.emulateMedia({ colorScheme: 'light' });
  await page.setViewportSize(SIZES[1]!);
}

/** Clicks each cell of the shown confusion matrix and checks it opens exactly the photos of that cell in `r`. */
async function checkEveryCell(page: Page, r: EvalResult): Promise<void> {
  for (const actual of LABELS) {
    for (const predicted of LABELS) {
      const cell = page.locator(`[data-testid="cm-cell"][data-actual="${actual}"][data-predicted="${predicted}"]`);
      assert.equal(await cell.innerText(), String(r.confusion[actual][predicted]), `${actual} -> ${predicted} count`);
      await cell.click();
      await page.locator(`[data-testid="cell-images"][data-actual="${actual}"][data-predicted="${predicted}"]`).waitFor();
      const shown = await page.evaluate((sel) => (globalThis as PageGlobals).__bridge.attributes(sel, 'data-file'), '[data-testid="cell-image"]');
      const all = cellFiles(r, actual, predicted);
      assert.deepEqual(shown, all.slice(0, CELL_SHOWN), `${actual} -> ${predicted}: exactly its photos, most wrong first, at most ${CELL_SHOWN}`);
      const more = page.getByTestId('cell-more');
      if (all.length > CELL_SHOWN) assert.match(await more.innerText(), new RegExp(`The first ${CELL_SHOWN} are shown; ${all.length - CELL_SHOWN} more are not`));
      else assert.equal(await more.count(), 0);
    }
  }
}

describe('Models view in Chromium with the real engine', { skip: needsChromium }, () => {
  let context: BrowserContext;
  let bridge: Bridge;
  let app: AppPage | null = null;
  let models: ModelInfo[];

  before(async () => {
    const rendererDir = await buildRenderer();
    bridge = await bridgeFor(rendererDir);
    for (const seed of [1, 2]) await bridge.engine.call('train', { data: FACES, epochs: 3, validationSplit: 0.3, seed });
    models = await bridge.engine.call('listModels', {});
    assert.equal(models.length, 2);
    context = await launch();
  });
  after(async () => {
    await context?.close();
    await bridge?.close();
  });

  const percent = (x: number) => `${(x * 100).toFixed(1)}%`;

  test('the status bar names the current model with its validation accuracy', async () => {
    app = await openApp(context, bridge);
    const current = models.find((m) => m.current)!;
    const status = app.page.getByTestId('current-model');
    assert.equal(await status.getAttribute('title'), current.id);
    assert.match(await status.innerText(), new RegExp(`${percent(current.validation!.accuracy).replace('.', '\\.')} validation accuracy`));
    assert.deepEqual(bridge.log.states.at(-1), { training: false, hasModel: true });
    assert.deepEqual(app.problems, []);
  });

  test('Models lists every version with the current one marked; switching current changes the status bar and Predict', async () => {
    const { page, problems } = app!;
    await page.keyboard.press('Control+3');
    const rows = page.getByTestId('model-row');
    await rows.first().waitFor();
    assert.equal(await rows.count(), 2);
    const current = models.find((m) => m.current)!;
    const other = models.find((m) => !m.current)!;
    const currentRow = page.locator(`[data-testid="model-row"][data-model-id="${current.id}"]`);
    const otherRow = page.locator(`[data-testid="model-row"][data-model-id="${other.id}"]`);
    assert.equal(await currentRow.getAttribute('data-current'), 'true');
    assert.match(await currentRow.innerText(), /Current/);
    assert.match(await currentRow.innerText(), new RegExp(percent(current.validation!.accuracy).replace('.', '\\.')));
    const trained = current.dataset.train.happy + current.dataset.train.sad;
    assert.match(await currentRow.innerText(), new RegExp(`${trained} images \\(${current.dataset.train.happy} happy, ${current.dataset.train.sad} sad\\)`));
    assert.equal(await currentRow.getByRole('button', { name: 'Use This Model' }).count(), 0, 'no switch button on the current one');
    // the figures stand in the same places on every card, the one with a Use button too
    const place = async (row: typeof currentRow) => {
      const [card, data] = [await row.boundingBox(), await row.getByTestId('model-data').boundingBox()];
      return [data!.x - card!.x, data!.y - card!.y].map(Math.round);
    };
    assert.deepEqual(await place(rows.nth(1)), await place(rows.nth(0)));
    const width = async (row: typeof currentRow) => Math.round((await row.locator('dl').boundingBox())!.width);
    assert.equal(await width(rows.nth(1)), await width(rows.nth(0)), 'the figures have the same width on both cards');
    await screenshots(page, 'models-list');

    await otherRow.getByRole('button', { name: 'Use This Model' }).click();
    await page.locator(`[data-testid="model-row"][data-model-id="${other.id}"][data-current="true"]`).waitFor();
    // the button went with the change: the focus is on that card's title, not lost to the page
    await otherRow.locator('h2:focus').waitFor();
    assert.equal(await currentRow.getAttribute('data-current'), 'false');
    assert.equal((await bridge.engine.call('info', {})).currentModel, other.id, 'the engine switched');
    assert.equal(await page.getByTestId('current-model').getAttribute('title'), other.id);
    assert.deepEqual(bridge.log.calls.find((c) => c.method === 'useModel')?.params, { id: other.id });

    // Predict now judges with the model made current
    await page.keyboard.press('Control+1');
    await dropFiles(page, [join(FACES, 'sad', 'Anna_Jones_0001.jpg')]);
    await waitForJudged(page, 1);
    // its tooltip: the card's sentence whole, and the model's id
    assert.match((await page.locator('[data-testid="prediction-card"] .meta').getAttribute('title')) ?? '', new RegExp(`^Model: .+ \\(${other.id}\\)$`));
    await screenshots(page, 'predict-trained-model');
    assert.deepEqual(problems, []);
  });

  test('a damaged current.json is said in Models (the built-in model judges meanwhile); making a version current mends it', async () => {
    const { page, problems } = app!;
    const file = join(bridge.home, 'models', 'current.json');
    const kept = await readFile(file);
    await writeFile(file, '{"id": "not a model id"');
    try {
      await page.keyboard.press('Control+1');
      await page.keyboard.press('Control+3'); // shown again: the list and the engine's info are fresh
      const banner = page.getByTestId('models-current-problem');
      await banner.waitFor();
      assert.equal(await banner.innerText(), `${file} is damaged and names no model: the built-in model judges until another is made current`);
      assert.equal(await page.locator('[data-testid="model-row"][data-current="true"]').count(), 0, 'none marked current');
      await screenshots(page, 'models-current-damaged');
      const first = page.getByTestId('model-row').first();
      await first.getByRole('button', { name: 'Use This Model' }).click();
      await page.locator('[data-testid="model-row"][data-current="true"]').waitFor();
      await banner.waitFor({ state: 'detached' });
      assert.equal((await bridge.engine.call('info', {})).currentProblem, undefined, 'current.json written anew');
    } finally {
      await writeFile(file, kept);
    }
    await page.keyboard.press('Control+1');
    await page.keyboard.press('Control+3');
    assert.deepEqual(problems, []);
  });

  test('Evaluate on its validation photos and on a chosen folder: each confusion-matrix cell shows exactly its photos, as eval --json says', async () => {
    const { page, problems } = app!;
    const home = (await bridge.engine.call('info', {})).home;
    const current = (await bridge.engine.call('listModels', {})).find((m) => m.current)!;
    await page.keyboard.press('Control+3');
    const row = page.locator(`[data-testid="model-row"][data-model-id="${current.id}"]`);
    await row.getByTestId('model-evaluate').click();
    await row.getByTestId('eval-validation').click();
    await row.getByTestId('confusion-matrix').waitFor();
    assert.deepEqual(bridge.log.calls.filter((c) => c.method === 'evaluate').at(-1)?.params, { model: current.id });

    // the same evaluation by the command line, on the same data folder
    const own = await runCli(['eval', '--model', current.id, '--home', home, '--json']);
    assert.equal(own.code, 0, own.stderr);
    const ownJson = own.json as EvalResult;
    assert.equal(ownJson.source.kind, 'validation');
    assert.equal(ownJson.n, current.dataset.validation.happy + current.dataset.validation.sad);
    assert.equal(await row.getByTestId('eval-accuracy').innerText(), percent(ownJson.accuracy));
    assert.equal(await row.getByTestId('eval-loss').innerText(), ownJson.loss.toFixed(3));
    // figures follow the language's number format (a comma in Indonesian), as the percentages beside them do
    await page.locator('#language-select').selectOption('id');
    await row.locator('[data-testid="eval-loss"]', { hasText: ',' }).waitFor();
    assert.equal(await row.getByTestId('eval-loss').innerText(), ownJson.loss.toFixed(3).replace('.', ','));
    assert.equal(await row.getByTestId('eval-auc').innerText(), ownJson.roc.auc.toFixed(3).replace('.', ','));
    await page.locator('#language-select').selectOption('');
    await row.locator('[data-testid="eval-loss"]', { hasText: '.' }).waitFor();
    await checkEveryCell(page, ownJson);
    // the training curves: one point per epoch of its history
    assert.deepEqual(await page.evaluate(() => (globalThis as PageGlobals).__bridge.attributes('[data-testid="history-chart"]', 'data-points')), [String(current.history.length), String(current.history.length)]);

    // on a folder chosen in the dialog
    bridge.chooseNext('evaluation-data', [EVAL_FOLDER]);
    await row.getByTestId('eval-folder').click();
    await row.locator('[data-testid="eval-source"]', { hasText: EVAL_FOLDER }).waitFor();
    const folder = await runCli(['eval', '--data', EVAL_FOLDER, '--model', current.id, '--home', home, '--json']);
    assert.equal(folder.code, 0, folder.stderr);
    const folderJson = folder.json as EvalResult;
    if (EVAL_FOLDER === PHOTOS) assert.ok(LABELS.some((a) => folderJson.confusion[a][a] > CELL_SHOWN), 'a cell of the real photos has more than are shown');
    await checkEveryCell(page, folderJson);

    // drilled into the cell with the most wrong photos, thumbnails loaded, for the screenshots
    const worst = LABELS.flatMap((a) => LABELS.filter((p) => p !== a).map((p) => ({ a, p, n: folderJson.confusion[a][p] }))).sort((x, y) => y.n - x.n)[0]!;
    await row.locator(`[data-testid="cm-cell"][data-actual="${worst.a}"][data-predicted="${worst.p}"]`).click();
    await row.locator(`[data-testid="cell-images"][data-actual="${worst.a}"][data-predicted="${worst.p}"]`).waitFor();
    if (worst.n > 0) assert.equal(await page.evaluate(() => (globalThis as PageGlobals).__bridge.imageLoaded('[data-testid="cell-image"] img')), true, 'the photos are served');
    // a long name loses its middle, never its end
    const longName = row.locator('[data-testid="cell-image"]').filter({ has: page.locator('.tail:not(:empty)') }).first();
    if (EVAL_FOLDER === PHOTOS) assert.ok((await longName.count()) > 0, 'the real photos have long names');
    if ((await longName.count()) > 0) {
      const file = basename((await longName.getAttribute('data-file'))!);
      assert.equal(await longName.locator('.tail').innerText(), file.slice(-8), file);
    }
    await settle(page);
    await screenshots(page, 'models-eval-cell');
    await screenshotsShowing(page, 'models-eval-history', row.getByTestId('eval-history'));
    assert.deepEqual(problems, []);
  });

  test('Save Report writes the HTML report of the same evaluation into the chosen folder', async () => {
    const { page } = app!;
    const out = await tempDir();
    const current = (await bridge.engine.call('listModels', {})).find((m) => m.current)!;
    bridge.chooseNext('export-folder', [out]);
    await page.getByTestId('eval-save-report').click();
    await page.getByTestId('eval-report-saved').waitFor();
    assert.ok((await stat(join(out, `report-${current.id}.html`))).size > 0);
    assert.match(await page.getByTestId('eval-report-saved').innerText(), new RegExp(`report-${current.id}\\.html`));
    const last = bridge.log.calls.filter((c) => c.method === 'evaluate').at(-1)?.params as { data?: string; report?: string };
    assert.deepEqual({ data: last.data, report: last.report }, { data: EVAL_FOLDER, report: out });
  });

  test('a cancelled evaluation leaves the result shown, its drilled-in cell, and the report saved of that result', async () => {
    const { page, problems } = app!;
    const current = (await bridge.engine.call('listModels', {})).find((m) => m.current)!;
    const row = page.locator(`[data-testid="model-row"][data-model-id="${current.id}"]`);
    await row.getByTestId('eval-validation').click();
    await row.locator('[data-testid="eval-source"]', { hasText: 'validation' }).waitFor();
    await row.locator('[data-testid="cm-cell"][data-actual="happy"][data-predicted="happy"]').click();
    await row.locator('[data-testid="cell-images"][data-actual="happy"][data-predicted="happy"]').waitFor();

    // a folder evaluation started, then cancelled while the bridge holds it
    const held = bridge.hold('evaluate');
    bridge.chooseNext('evaluation-data', [EVAL_FOLDER]);
    await row.getByTestId('eval-folder').click();
    await row.getByTestId('eval-running').waitFor();
    await row.getByTestId('eval-cancel').click();
    await row.getByTestId('eval-running').waitFor({ state: 'detached' });
    held.release();
    assert.equal(await row.locator('[data-testid="cell-images"][data-actual="happy"][data-predicted="happy"]').count(), 1, 'the drilled-in cell stays open');
    assert.match(await row.getByTestId('eval-source').innerText(), /validation/, 'the validation result is still the one shown');
    assert.equal(await row.getByText('Evaluation cancelled.').count(), 1, 'it says the run was cancelled, above the earlier result');

    // the report saved is the one of the result shown: its validation photos, not the cancelled folder
    const out = await tempDir();
    bridge.chooseNext('export-folder', [out]);
    await row.getByTestId('eval-save-report').click();
    await row.getByTestId('eval-report-saved').waitFor();
    const last = bridge.log.calls.filter((c) => c.method === 'evaluate').at(-1)?.params;
    assert.deepEqual(last, { model: current.id, report: out });
    assert.equal(await row.locator('[data-testid="cell-images"][data-actual="happy"][data-predicted="happy"]').count(), 1);
    assert.deepEqual(problems, []);
  });

  test('a file dialog that fails says why, for Evaluate on a Folder, Save Report and Export', async () => {
    const { page, problems } = app!;
    const current = (await bridge.engine.call('listModels', {})).find((m) => m.current)!;
    const row = page.locator(`[data-testid="model-row"][data-model-id="${current.id}"]`);
    /** clicks, waits for the dialog's answer and one frame, then says whether the message is shown */
    async function shown(kind: 'evaluation-data' | 'export-folder', testId: string, message: string): Promise<number> {
      bridge.chooseFails(kind, message);
      const answered = page.waitForResponse((r) => r.url().endsWith('/choose'));
      await row.getByTestId(testId).click();
      await answered;
      await page.evaluate('new Promise((r) => requestAnimationFrame(r))');
      return row.page().getByText(message).count();
    }
    assert.equal(await shown('evaluation-data', 'eval-folder', 'no folder dialog today'), 1);
    assert.equal(await shown('export-folder', 'eval-save-report', 'no report dialog today'), 1);
    assert.equal(await shown('export-folder', 'model-export', 'no export dialog today'), 1);
    // the bridge answered the failed dialogs with an HTTP error, which Chromium logs; nothing else went wrong
    assert.deepEqual(problems.filter((p) => !/Failed to load resource: the server responded with a status of 500/.test(p)), []);
    problems.length = 0;
  });

  test('an evaluation shows its progress and can be cancelled; Show Folder and Export act on the version', async () => {
    const { page, problems } = app!;
    const home = (await bridge.engine.call('info', {})).home;
    const other = (await bridge.engine.call('listModels', {})).find((m) => !m.current)!;
    const row = page.locator(`[data-testid="model-row"][data-model-id="${other.id}"]`);
    const held = bridge.hold('evaluate');
    await row.getByTestId('model-evaluate').click();
    await row.getByTestId('eval-validation').click();
    await row.getByTestId('eval-running').waitFor();
    assert.equal(await row.getByTestId('eval-validation').isDisabled(), true, 'one evaluation at a time');
    await row.getByTestId('eval-cancel').click();
    await row.getByText('Evaluation cancelled.').waitFor();
    held.release();

    await row.getByTestId('model-reveal').click();
    const out = await tempDir();
    bridge.chooseNext('export-folder', [out]);
    await row.getByTestId('model-export').click();
    await page.getByTestId('models-notice').waitFor();
    assert.match(await page.getByTestId('models-notice').innerText(), new RegExp(`Exported to ${join(out, `happysad-model-${other.id}`)}`));
    assert.ok((await stat(join(out, `happysad-model-${other.id}`, 'README.md'))).isFile());
    assert.deepEqual(bridge.log.reveals, [join(home, 'models', other.id)]);
    assert.deepEqual(problems, []);
  });

  test("the menu's Evaluate… opens the current version's evaluation, from any view; Export Model… exports the current version", async () => {
    const { page, problems } = app!;
    const current = (await bridge.engine.call('listModels', {})).find((m) => m.current)!;
    const row = page.locator(`[data-testid="model-row"][data-model-id="${current.id}"]`);
    await page.keyboard.press('Control+1');
    bridge.menu('evaluate');
    // limits on these waits: a menu command that does nothing must fail the test, not hang it
    await row.getByTestId('eval-validation').waitFor({ timeout: 60_000 });
    assert.equal(await page.getByRole('heading', { name: 'Models', level: 1 }).isVisible(), true);
    assert.equal(await row.getByTestId('model-evaluate').getAttribute('aria-expanded'), 'true');
    // again: it stays open (a menu command does not toggle it shut); commands arrive in order, so once the next
    // one has shown the Library, this one has been handled
    bridge.menu('evaluate');
    bridge.menu('view-library');
    await page.getByRole('heading', { name: 'Library', level: 1 }).waitFor({ timeout: 60_000 });
    assert.equal(await row.getByTestId('model-evaluate').getAttribute('aria-expanded'), 'true');

    const out = await tempDir();
    bridge.chooseNext('export-folder', [out]);
    await page.keyboard.press('Control+4');
    bridge.menu('export-model');
    // the notice of an earlier export may still be up: this one names the new folder
    await page.getByTestId('models-notice').filter({ hasText: `Exported to ${join(out, `happysad-model-${current.id}`)}` }).waitFor({ timeout: 60_000 });
    assert.ok((await stat(join(out, `happysad-model-${current.id}`, 'README.md'))).isFile());
    assert.equal(bridge.log.choose.at(-1), 'export-folder');

    // while an export runs, the menu's Export Model… waits as the disabled buttons do: no folder asked, no second export
    await page.keyboard.press('Control+3');
    const out2 = await tempDir();
    bridge.chooseNext('export-folder', [out2]);
    const held = bridge.hold('exportModel');
    await row.getByTestId('model-export').click();
    await until(() => held.pending() > 0, 60_000); // reaches the engine, waits there
    assert.equal(held.pending(), 1, 'the export is running');
    await page.waitForFunction(() => (globalThis as unknown as { document: { querySelector(s: string): { disabled: boolean } | null } }).document.querySelector('[data-testid="model-export"]')?.disabled === true, null, { timeout: 60_000 });
    const asked = bridge.log.choose.length;
    const exports = () => bridge.log.calls.filter((c) => c.method === 'exportModel').length;
    const started = exports();
    bridge.menu('export-model');
    bridge.menu('view-library');
    await page.getByRole('heading', { name: 'Library', level: 1 }).waitFor({ timeout: 60_000 });
    assert.equal(bridge.log.choose.length, asked, 'no folder asked for');
    assert.equal(exports(), started, 'no second export');
    held.release();
    await page.keyboard.press('Control+3');
    await page.getByTestId('models-notice').filter({ hasText: `Exported to ${join(out2, `happysad-model-${current.id}`)}` }).waitFor({ timeout: 60_000 });
    assert.deepEqual(problems, []);
  });

  test('delete refuses the current model (no button, and the engine says no); another is deleted after confirmation', async () => {
    const { page, problems } = app!;
    const list = await bridge.engine.call('listModels', {});
    const current = list.find((m) => m.current)!;
    const other = list.find((m) => !m.current)!;
    const currentRow = page.locator(`[data-testid="model-row"][data-model-id="${current.id}"]`);
    const otherRow = page.locator(`[data-testid="model-row"][data-model-id="${other.id}"]`);
    assert.equal(await currentRow.getByTestId('model-delete').count(), 0, 'no delete button on the current model');
    const refused = await page.evaluate((id) => (globalThis as unknown as { api: { engine: { call(c: string, m: string, p: unknown): Promise<{ ok: boolean; error?: { message: string } }> } } }).api.engine.call('del1', 'deleteModel', { id }), current.id);
    assert.equal(refused.ok, false);
    assert.match(refused.error!.message, /is the current model; make another one current before deleting it/);

    // an evaluation of it still running when it is deleted is cancelled with it (its panel opened, if an
    // earlier test left another one open)
    if ((await otherRow.getByTestId('model-evaluate').getAttribute('aria-expanded')) !== 'true') await otherRow.getByTestId('model-evaluate').click();
    const held = bridge.hold('evaluate');
    await otherRow.getByTestId('eval-validation').click();
    await otherRow.getByTestId('eval-running').waitFor();
    assert.equal(held.pending(), 1);

    // the question takes the focus on its safe answer; dismissed, the focus is back on Delete
    await otherRow.getByTestId('model-delete').click();
    await otherRow.locator('[data-testid="delete-no"]:focus').waitFor();
    await page.keyboard.press('Enter');
    await otherRow.locator('[data-testid="model-delete"]:focus').waitFor();
    await otherRow.getByTestId('model-delete').click();
    await otherRow.getByTestId('delete-confirm').waitFor();
    assert.equal(bridge.log.calls.some((c) => c.method === 'deleteModel' && (c.params as { id: string }).id === other.id), false, 'nothing deleted before the confirmation');
    await otherRow.getByTestId('delete-yes').click();
    await otherRow.waitFor({ state: 'detached' });
    await page.locator('h1#models-title:focus').waitFor();
    assert.deepEqual((await bridge.engine.call('listModels', {})).map((m) => m.id), [current.id]);
    // (the cancel was sent before the deletion, whose answer and the list refresh came back before the row went)
    assert.equal(held.pending(), 0, 'its running evaluation was cancelled');
    held.release();
    assert.deepEqual(problems, []);
  });

  test('Import Model… brings in an exported model, not made current; the same again imports nothing; a folder without a model is said', async () => {
    const { page, problems } = app!;
    const current = (await bridge.engine.call('listModels', {})).find((m) => m.current)!;
    const out = await tempDir();
    const { dir } = await bridge.engine.call('exportModel', { id: current.id, dir: out });
    // as if exported by another installation: another version
    const id = '20250101-120000-abcd';
    const theirs = join(out, `happysad-model-${id}`);
    await cp(dir, theirs, { recursive: true });
    const meta = JSON.parse(await readFile(join(theirs, 'meta.json'), 'utf8')) as { id: string; createdAt: string };
    await writeFile(join(theirs, 'meta.json'), JSON.stringify({ ...meta, id, createdAt: '2025-01-01T12:00:00.000Z' }));

    await page.keyboard.press('Control+3');
    bridge.chooseNext('model-folder', [theirs]);
    await page.getByTestId('models-import').click();
    await page.getByTestId('models-notice').filter({ hasText: /^Imported the model trained on .+\. Choose “Use This Model” to make it the current one\./ }).waitFor({ timeout: 60_000 });
    assert.equal(bridge.log.choose.at(-1), 'model-folder');
    const row = page.locator(`[data-testid="model-row"][data-model-id="${id}"]`);
    assert.equal(await row.getAttribute('data-current'), 'false', 'not current on arrival');
    assert.equal(await row.getByRole('button', { name: 'Use This Model' }).count(), 1);
    // marked as imported, its training folder as the other installation's; one trained here is not
    assert.equal(await row.getByTestId('imported').textContent(), 'Imported');
    assert.match((await row.getByTestId('imported').getAttribute('title')) ?? '', /^Imported .+: trained on another computer or data folder$/);
    assert.equal(await row.getByText('Training data (where it was made)').count(), 1);
    const here = page.locator(`[data-testid="model-row"][data-model-id="${current.id}"]`);
    assert.equal(await here.getByTestId('imported').count(), 0);
    await row.getByTestId('model-evaluate').click();
    assert.match((await row.getByTestId('eval-hint').textContent()) ?? '', /^This version was imported: the photos it was validated on may not be on this computer\./);
    await row.getByTestId('model-evaluate').click();
    assert.deepEqual((await bridge.engine.call('listModels', {})).map((m) => [m.id, m.current]).sort(), [[current.id, true], [id, false]].sort());
    // the button sits beside the title, as every view's header actions do
    const [title, button] = [await page.getByRole('heading', { name: 'Models', level: 1 }).boundingBox(), await page.getByTestId('models-import').boundingBox()];
    assert.ok(Math.abs(title!.y + title!.height / 2 - (button!.y + button!.height / 2)) < 2, `title ${JSON.stringify(title)}, button ${JSON.stringify(button)}`);
    await screenshots(page, 'models-imported');

    // the menu's Import Model…, the same folder: nothing imported, said so
    bridge.chooseNext('model-folder', [theirs]);
    bridge.menu('import-model');
    await page.getByTestId('models-notice').filter({ hasText: /^The model trained on .+ is here already: nothing was imported\./ }).waitFor({ timeout: 60_000 });
    assert.equal((await bridge.engine.call('listModels', {})).length, 2);

    // dropped on the window from another view: imported, not judged
    const dropped = '20250202-120000-beef';
    const droppedDir = join(out, `happysad-model-${dropped}`);
    await cp(dir, droppedDir, { recursive: true });
    await writeFile(join(droppedDir, 'meta.json'), JSON.stringify({ ...meta, id: dropped, createdAt: '2025-02-02T12:00:00.000Z' }));
    await page.keyboard.press('Control+1');
    const predictions = bridge.log.calls.filter((c) => c.method === 'predict').length;
    await dropFiles(page, [droppedDir]);
    await page.locator(`[data-testid="model-row"][data-model-id="${dropped}"]`).waitFor({ timeout: 60_000 });
    assert.equal(await page.getByRole('heading', { name: 'Models', level: 1 }).isVisible(), true);
    assert.equal(bridge.log.calls.filter((c) => c.method === 'predict').length, predictions, 'nothing judged');

    // the folder above it holds no model: the reason, naming the folder
    bridge.chooseNext('model-folder', [out]);
    await page.getByTestId('models-import').click();
    await page.getByTestId('models-error').filter({ hasText: `${out}: no model here (choose the folder Export Model made` }).waitFor({ timeout: 60_000 });
    assert.deepEqual(problems, []);
  });
});
