/**
 * The Models view and the status bar with trained models (two versions trained by the real engine before
 * the window opens): the current one is marked, its validation accuracy shows, and switching current
 * changes what the status bar names and what Predict uses.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { BrowserContext } from 'playwright-core';
import type { ModelInfo } from '../../common/engine-types.js';
import { FACES } from '../helpers/tmp.js';
import { bridgeFor, buildRenderer, dropFiles, launch, needsChromium, openApp, screenshots, waitForJudged, type AppPage, type Bridge } from './helpers.js';

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
    await screenshots(page, 'models-list');

    await otherRow.getByRole('button', { name: 'Use This Model' }).click();
    await page.locator(`[data-testid="model-row"][data-model-id="${other.id}"][data-current="true"]`).waitFor();
    assert.equal(await currentRow.getAttribute('data-current'), 'false');
    assert.equal((await bridge.engine.call('info', {})).currentModel, other.id, 'the engine switched');
    assert.equal(await page.getByTestId('current-model').getAttribute('title'), other.id);
    assert.deepEqual(bridge.log.calls.find((c) => c.method === 'useModel')?.params, { id: other.id });

    // Predict now judges with the model made current
    await page.keyboard.press('Control+1');
    await dropFiles(page, [join(FACES, 'sad', 'Anna_Jones_0001.jpg')]);
    await waitForJudged(page, 1);
    assert.equal(await page.locator('[data-testid="prediction-card"] .meta').getAttribute('title'), other.id);
    await screenshots(page, 'predict-trained-model');
    assert.deepEqual(problems, []);
  });
});
