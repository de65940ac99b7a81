/**
 * The Train view in Chromium with the real engine (issue 7's acceptance for training): a small real dataset
 * (30 happy + 30 sad FER2013 faces in the notebook's layout) chosen from File > Choose Training Data...; its
 * summary; Start -> the chart holds at least two epochs of points while the training still runs (the engine
 * is held between epochs by the bridge's epoch gate, so nothing is timed); leaving the view keeps the chart;
 * Stop leaves the previous current model; a finished run adds a version that the Models view lists; a folder
 * dropped on the Train view becomes its training data; a failure says what failed and changes nothing.
 */
import assert from 'node:assert/strict';
import { existsSync, writeFileSync } from 'node:fs';
import { copyFile, mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { BrowserContext, Page } from 'playwright-core';
import type { ModelInfo } from '../../common/engine-types.js';
import { alignedAxes } from '../../renderer/lib/chart-ticks.js';
import { withDataLock } from '../../engine/data-lock.js';
import { FACES, SHARED_DATASETS, tempDir } from '../helpers/tmp.js';
import { bridgeFor, buildRenderer, dragFiles, launch, needsChromium, openApp, screenshots, type AppPage, type Bridge } from './helpers.js';

const FER = join(SHARED_DATASETS, 'fer2013-happy-sad');
const skip = needsChromium || (existsSync(FER) ? false : `no dataset at ${FER}`);

const RUN = '[data-testid="train-run"]';
const CHART = '[data-testid="train-chart"]';

/** The chart's own data, as it mirrors it: epochs of training points, of validation points, the best epoch. */
async function chartData(page: Page): Promise<{ epochs: number; valEpochs: number; best: string | null }> {
  const box = page.locator(CHART);
  return { epochs: Number(await box.getAttribute('data-epochs')), valEpochs: Number(await box.getAttribute('data-val-epochs')), best: await box.getAttribute('data-best') };
}

describe('Train view in Chromium with the real engine', { skip }, () => {
  let context: BrowserContext;
  let bridge: Bridge;
  let app: AppPage;
  let data: string;
  let before1: ModelInfo;

  before(async () => {
    // the notebook's layout: 40 + 40 to train on (enough for a second look), 6 + 6 to validate, an expression that is left out and a stray file
    data = await tempDir('happysad-fer60-');
    for (const label of ['happy', 'sad'] as const) {
      const files = (await readdir(join(FER, 'train', label))).sort().slice(0, 46);
      for (const [i, f] of files.entries()) {
        const split = i < 40 ? 'train' : 'validation';
        await mkdir(join(data, split, label), { recursive: true });
        await copyFile(join(FER, 'train', label, f), join(data, split, label, f));
      }
    }
    // a happy/ folder beside train/ (another layout left over): not read, and said
    await mkdir(join(data, 'happy'));
    await copyFile(join(FACES, 'happy', (await readdir(join(FACES, 'happy')))[0]!), join(data, 'happy', 'x.jpg'));
    await mkdir(join(data, 'train', 'angry'));
    await copyFile(join(FACES, 'sad', (await readdir(join(FACES, 'sad')))[0]!), join(data, 'train', 'angry', 'a.jpg'));
    await writeFile(join(data, 'train', 'happy', 'notes.txt'), 'not an image');

    const rendererDir = await buildRenderer();
    bridge = await bridgeFor(rendererDir, { epochGate: true });
    // a model that is current before the window opens: the one a stopped run must leave current
    await bridge.engine.call('train', { data: FACES, epochs: 2, validationSplit: 0.3 });
    before1 = (await bridge.engine.call('listModels', {}))[0]!;
    assert.equal(before1!.current, true);
    context = await launch();
    app = await openApp(context, bridge);
  });
  after(async () => {
    bridge?.epochs?.open();
    await context?.close();
    await bridge?.close();
  });

  test('File > Choose Training Data...: counts per split and class, the left-out expression and the skipped file', async () => {
    const { page } = app;
    await page.keyboard.press('Control+2');
    await page.getByTestId('train-empty').waitFor();
    assert.equal(await page.getByTestId('train-start').isDisabled(), true, 'nothing to train on yet');
    await screenshots(page, 'train-empty');

    bridge.chooseNext('training-data', [data]);
    bridge.menu('choose-training-data');
    const counts = page.getByTestId('train-counts');
    await counts.waitFor();
    assert.deepEqual(bridge.log.choose, ['training-data']);
    assert.deepEqual(
      bridge.log.calls.filter((c) => c.method === 'inspectData').map((c) => (c.params as { data: string }).data),
      [data],
    );
    assert.equal(await counts.locator('tr[data-split="train"]').innerText(), 'Train\t40\t40\t80');
    assert.equal(await counts.locator('tr[data-split="validation"]').innerText(), 'Validation\t6\t6\t12');
    assert.match(await page.getByTestId('train-ignored').innerText(), /^Left out \(other expressions\): angry \(1 image\)$/);
    await page.getByTestId('train-skipped').locator('summary').click();
    assert.match(await page.getByTestId('train-skipped').innerText(), /1 file skipped[\s\S]*notes\.txt\s*not an image file \(\.txt\)/);
    assert.equal(await page.getByTestId('train-unused').innerText(), 'Not read: happy/ beside train/ (train/ and validation/ are).');
    assert.equal(await page.getByTestId('train-warning').count(), 0, '40 + 40 is balanced and enough');
    await screenshots(page, 'train-data');
    assert.equal(await page.getByTestId('train-start').isDisabled(), false);
    // a number out of range is brought into it, and the field shows what training will use
    const epochs = page.getByTestId('train-epochs');
    await epochs.fill('0');
    await epochs.press('Tab');
    assert.equal(await epochs.inputValue(), '1');
    await epochs.fill('');
    await epochs.press('Tab');
    assert.equal(await epochs.inputValue(), '1', 'an empty field goes back to the setting');
    await epochs.fill('40');
    await epochs.press('Tab');
    assert.equal(await epochs.inputValue(), '40');
    assert.deepEqual(app.problems, []);
  });

  test('Start: the chart holds two epochs of points while the training still runs, and keeps them when the view is left', async () => {
    const { page } = app;
    const gate = bridge.epochs!;
    gate.holdAfter(2); // the engine finishes epoch 2, then waits
    await page.getByTestId('train-start').click();
    await page.locator(`${RUN}[data-phase="running"] ${CHART}[data-epochs="2"]`).waitFor();
    const mid = await chartData(page);
    assert.equal(mid.epochs, 2);
    assert.equal(mid.valEpochs, 2);
    assert.equal(await page.locator(RUN).getAttribute('data-phase'), 'running', 'still running');
    assert.equal(await page.getByTestId('train-stop').isVisible(), true);
    assert.match(await page.getByTestId('train-stage').innerText(), /^Training: epoch 2 of 40$/);
    assert.match(await page.getByTestId('train-backend').innerText(), /WebAssembly/);
    const train = bridge.log.calls.find((c) => c.method === 'train');
    assert.deepEqual(train?.params, { data, base: 'face-expression', epochs: 40, batchSize: 32, learningRate: 0.001, seed: 42 }, 'the defaults; no split share with a validation folder');
    assert.deepEqual(bridge.log.states.at(-1), { training: true, hasModel: true }, 'main is told: Stop Training enabled');

    // away and back: the same chart, with the same points (a mark on its canvas survives: nothing was re-created)
    await page.locator(`${CHART} canvas`).evaluate((el) => (el as unknown as { dataset: Record<string, string> }).dataset['mark'] = 'first');
    await page.keyboard.press('Control+1');
    // the Models view refreshes the model list, and tells main the app's state again: still training
    const told = bridge.log.states.length;
    await page.keyboard.press('Control+3');
    while (bridge.log.states.length === told) await new Promise((r) => setTimeout(r, 20));
    assert.deepEqual(bridge.log.states.at(-1), { training: true, hasModel: true }, 'Stop Training stays enabled while the Models view is shown');
    await page.keyboard.press('Control+2');
    assert.equal((await chartData(page)).epochs, 2);
    assert.equal(await page.locator(`${CHART} canvas[data-mark="first"]`).count(), 1);
    await screenshots(page, 'train-running');
    assert.equal(await page.locator(RUN).getAttribute('data-phase'), 'running', 'screenshots took no time off the gate');
  });

  test('Stop mid-run: nothing is saved and the previous model stays current, as the view and the status bar say', async () => {
    const { page } = app;
    await page.getByTestId('train-stop').click();
    await page.locator(`${RUN}[data-phase="stopped"]`).waitFor();
    // Start took the place of Stop, and its focus
    await page.locator('[data-testid="train-start"]:focus').waitFor();
    const models = await bridge.engine.call('listModels', {});
    assert.deepEqual(
      models.map((m) => [m.id, m.current]),
      [[before1.id, true]],
    );
    assert.match(await page.getByTestId('train-outcome').innerText(), /Training stopped\. Nothing was saved: .* is still the current model\./);
    assert.equal(await page.getByTestId('current-model').getAttribute('title'), before1.id);
    assert.equal((await chartData(page)).epochs, 2, 'the stopped run keeps its curves');
    assert.equal(await page.getByTestId('train-start').isDisabled(), false);
  });

  test('a run to its end adds a version, listed in Models; the view compares it with the model that was current', async () => {
    const { page, problems } = app;
    const gate = bridge.epochs!;
    gate.holdAfter(3);
    await page.getByTestId('train-epochs').fill('12');
    await page.getByTestId('train-epochs').dispatchEvent('change');
    await page.getByTestId('train-start').click();
    await page.locator(`${RUN}[data-phase="running"] ${CHART}[data-epochs="3"]`).waitFor();
    assert.equal((await chartData(page)).epochs, 3, 'the chart restarted with the new run');
    // Stop took the place of Start, and its focus (not left on the page)
    const focused = () =>
      page.evaluate(() => {
        const active = (globalThis as unknown as { document: { activeElement: { tagName: string; getAttribute(name: string): string | null } | null } }).document.activeElement;
        return active?.getAttribute('data-testid') ?? active?.tagName;
      });
    assert.equal(await focused(), 'train-stop');
    // each step is said once as it begins (not every epoch)
    assert.match(await page.getByTestId('train-announce').innerText(), /^Training: epoch \d+ of 12/);
    // a click on the chart (nothing there takes the focus): when the run ends, the focus is left where it is,
    // not pulled to Start (a screen reader reading the curves would be taken away from them)
    await page.locator(CHART).click({ position: { x: 20, y: 20 } });
    assert.equal(await focused(), 'BODY');
    gate.open();
    await page.locator(`${RUN}[data-phase="done"]`).waitFor();
    assert.equal(await focused(), 'BODY', 'left alone');
    // the outcome is said (the box itself is inserted with its text, which a live region would not announce)
    await page.locator('[data-testid="train-announce"]', { hasText: 'Done.' }).waitFor();
    assert.equal(await page.getByTestId('train-announce').innerText(), (await page.getByTestId('train-outcome').innerText()).replace(/\s+/g, ' ').trim());

    assert.equal(await page.locator(`${CHART} canvas[data-mark="first"]`).count(), 1, 'one chart for the stopped run and this one: updated in place');
    const models = await bridge.engine.call('listModels', {});
    assert.equal(models.length, 2);
    const made = models.find((m) => m.id !== before1.id)!;
    const chart = await chartData(page);
    assert.equal(chart.epochs, made.history.length, 'every epoch is on the chart');
    assert.equal(chart.best, String(made.best.epoch), 'the best epoch is marked');
    // the loss and accuracy axes are set from this run's figures, with as many intervals each (one shared grid)
    const h = made.history;
    const axes = alignedAxes([...h.map((l) => l.loss), ...h.flatMap((l) => (l.valLoss === null ? [] : [l.valLoss]))], [...h.map((l) => l.accuracy), ...h.flatMap((l) => (l.valAccuracy === null ? [] : [l.valAccuracy]))]);
    assert.equal(await page.locator(CHART).getAttribute('data-axes'), `0-${axes.loss.max}/5 ${axes.accuracy.min}-1/5`);
    const outcome = await page.getByTestId('train-outcome').innerText();
    if (made.current) assert.match(outcome, /is now the current one/);
    else assert.match(outcome, /was kept as a candidate; .* stays current/);
    const compare = await page.getByTestId('train-compare').innerText();
    assert.match(compare, /On the same 12 validation images/);
    assert.equal(await page.getByTestId('new-accuracy').innerText(), `${(made.validation!.accuracy * 100).toFixed(1)}%`);
    assert.match(compare, new RegExp(`Before \\(`), 'the previous current model is the other column');
    // 80 training images: enough for a second look, which judged some validation faces again; the view says so
    assert.equal(made.secondLook?.trainedOn, 24, 'learned from the 30 % of the 80 training images the first head was least sure of');
    const note = (await page.getByTestId('train-second-look').innerText()).match(/^These figures include its second look: the (\d+) of 12 validation faces it was unsure of were judged again with a second network too\. The curves above show its first look\.$/);
    assert.ok(note && Number(note[1]) >= 1 && Number(note[1]) <= 12, String(note));
    await screenshots(page, 'train-finished');

    await page.keyboard.press('Control+3');
    const row = page.locator(`[data-testid="model-row"][data-model-id="${made.id}"]`);
    await row.waitFor();
    assert.equal(await page.getByTestId('model-row').count(), 2);
    assert.equal(await row.getByTestId('model-base').innerText(), 'Face expression, with a second look');
    assert.equal(await row.getByTestId('model-base').getAttribute('title'), `Faces it is unsure of are judged again with the emotion network too (learned from ${made.secondLook!.trainedOn} images)`);
    const older = page.locator(`[data-testid="model-row"][data-model-id="${before1.id}"]`);
    assert.equal(await older.getByTestId('model-base').innerText(), 'Face expression', 'a model on 14 images has none');
    await screenshots(page, 'models-second-look');
    bridge.changeSettings({ language: 'id' });
    await row.getByText('Ekspresi wajah, dengan tinjauan kedua').waitFor();
    await screenshots(page, 'models-second-look-id');
    bridge.changeSettings({ language: null });
    await row.getByText('Face expression, with a second look').waitFor();
    assert.deepEqual(problems, []);
  });

  test('a folder dropped on the Train view becomes its training data (elsewhere a drop is judged)', async () => {
    const { page, problems } = app;
    const small = await tempDir('happysad-small-');
    for (const label of ['happy', 'sad'] as const) {
      await mkdir(join(small, label));
      for (const f of (await readdir(join(FACES, label))).sort().slice(0, label === 'happy' ? 10 : 3)) await copyFile(join(FACES, label, f), join(small, label, f));
    }
    await page.keyboard.press('Control+2');
    const drop = await dragFiles(page, [small]);
    assert.equal(await page.getByTestId('drop-overlay').getAttribute('data-purpose'), 'train');
    await drop();
    await page.locator(`[data-testid="train-data"] .folder[title="${small}"]`).waitFor();
    await page.getByTestId('train-warning').first().waitFor();
    const warnings = await page.getByTestId('train-warning').allInnerTexts();
    assert.match(warnings.join('\n'), /^Too few training images \(8 happy, 2 sad\): with fewer than 10 images of a class/m, 'worded by the app from the figures');
    assert.equal(await page.locator(RUN).count(), 0, 'a new folder starts a new session');
    assert.equal(await page.locator('[data-testid="prediction-card"]').count(), 0, 'nothing was judged');
    await screenshots(page, 'train-warnings');
    // in Bahasa Indonesia: the engine's figures, worded in the language chosen
    bridge.changeSettings({ language: 'id' });
    await page.getByRole('heading', { name: 'Latih', level: 1 }).waitFor();
    assert.match((await page.getByTestId('train-warning').allInnerTexts()).join('\n'), /^Gambar latihan terlalu sedikit \(8 senang, 2 sedih\): dengan kurang dari 10 gambar per kelas/m);
    await screenshots(page, 'train-warnings-id');
    bridge.changeSettings({ language: null });
    await page.getByRole('heading', { name: 'Train', level: 1 }).waitFor();
    // the run says the same warnings when it reaches them, worded the same way
    await page.getByTestId('train-start').click();
    await page.locator(`${RUN}[data-phase="done"]`).waitFor();
    assert.deepEqual(await page.getByTestId('run-warning').allInnerTexts(), warnings);
    assert.deepEqual(problems, []);
  });

  test('a failure says what failed and changes nothing', async () => {
    const { page, problems } = app;
    const models = await bridge.engine.call('listModels', {});
    const current = models.find((m) => m.current)!;
    // the folder loses its sad photos after it was chosen
    const small = (await page.locator('[data-testid="train-data"] .folder').getAttribute('title'))!;
    await rm(join(small, 'sad'), { recursive: true });
    await page.getByTestId('train-start').click();
    await page.locator(`${RUN}[data-phase="failed"]`).waitFor();
    // the folder is read again: its card says what is wrong with it now, in the app's words, and the outcome points there
    await page.getByTestId('train-problem').waitFor();
    assert.equal(await page.getByTestId('train-problem').innerText(), 'No sad training images in this folder: put them in a folder named sad next to happy (or in train/sad next to train/happy).');
    const outcome = await page.getByTestId('train-outcome').innerText();
    assert.match(outcome, /^Training failed: the training data cannot be used as it is now \(see Training data below\)\./);
    assert.match(outcome, /Nothing was changed: .* is still the current model\.$/);
    assert.deepEqual(
      (await bridge.engine.call('listModels', {})).map((m) => [m.id, m.current]),
      models.map((m) => [m.id, m.current]),
    );
    assert.equal(await page.getByTestId('current-model').getAttribute('title'), current.id);
    assert.equal(await page.locator(CHART).count(), 0, 'no empty chart for a run without an epoch');
    assert.equal(await page.getByTestId('train-elapsed').count(), 0, 'no 0:00 elapsed row for a run without an epoch');
    await screenshots(page, 'train-failed');
    assert.deepEqual(problems, []);
  });

  test('another model made current while this one trained (another window, the CLI): it is kept as a candidate, and the view says which stays current and why', async () => {
    const { page, problems } = app;
    const other = before1.id;
    // no model current when the run is judged (a first model is made current whatever its figures) ...
    await rm(join(bridge.home, 'models', 'current.json'));
    await page.keyboard.press('Control+2');
    bridge.chooseNext('training-data', [data]);
    bridge.menu('choose-training-data');
    await page.locator(`[data-testid="train-data"] .folder[title="${data}"]`).waitFor();
    await page.getByTestId('train-epochs').fill('3');
    await page.getByTestId('train-epochs').dispatchEvent('change');
    // ... and, while it waits to save (the models' lock held here, as another process holds it while it writes),
    // another process makes `other` current
    let release!: () => void;
    let locked!: () => void;
    const held = withDataLock(bridge.home, 'models', () => new Promise<void>((r) => ((release = r), locked())));
    await new Promise<void>((r) => (locked = r));
    const saving = new Promise<void>((r) => (bridge.onProgress = (method, e) => method === 'train' && e.type === 'stage' && e.stage === 'saving' && r()));
    await page.getByTestId('train-start').click();
    await saving;
    writeFileSync(join(bridge.home, 'models', 'current.json'), JSON.stringify({ id: other }));
    release();
    await held;
    await page.locator(`${RUN}[data-phase="done"]`).waitFor();
    delete bridge.onProgress;
    // the status bar asks the engine again after a run: it names the model made current meanwhile once that answer is in
    await page.locator(`[data-testid="current-model"][title="${other}"]`).waitFor({ timeout: 15_000 });
    const said = (await page.getByTestId('train-outcome').innerText()).replace(/\s+/g, ' ');
    const parts = said.match(/^Done\. The new model \((.+)\) was kept as a candidate; (.+) stays current\. (.+) was made current while this model was being trained \(in another window, or by the command line\), so the two were not compared\.$/);
    assert.ok(parts && parts[2] === parts[3] && parts[1] !== parts[2], said);
    const kept = (await bridge.engine.call('listModels', {})).filter((m) => m.promotion?.why?.kind === 'overtaken');
    assert.deepEqual(kept.map((m) => [m.current, m.promotion?.madeCurrent, m.promotion?.why]), [[false, false, { kind: 'overtaken', asked: false, previous: null, current: other }]]);
    await screenshots(page, 'train-overtaken');
    assert.deepEqual(problems, []);
  });

  test('a chosen folder that is gone: said on the data card, in the language of the app', async () => {
    const { page, problems } = app;
    const gone = join(await tempDir('happysad-gone-'), 'moved-away');
    bridge.changeSettings({ language: 'id' });
    await page.getByRole('heading', { name: 'Latih', level: 1 }).waitFor();
    bridge.chooseNext('training-data', [gone]);
    bridge.menu('choose-training-data');
    await page.locator(`[data-testid="train-data"] .folder[title="${gone}"]`).waitFor();
    await page.getByTestId('train-problem').waitFor();
    assert.equal(await page.getByTestId('train-problem').innerText(), `${gone}: folder tidak ada`);
    assert.equal(await page.getByTestId('train-start').isDisabled(), true);
    bridge.changeSettings({ language: null });
    await page.getByRole('heading', { name: 'Train', level: 1 }).waitFor();
    // kept as the engine wrote it, so it follows a language switch made after it was said
    assert.equal(await page.getByTestId('train-problem').innerText(), `${gone}: no such folder`);
    assert.deepEqual(problems, []);
  });
});
