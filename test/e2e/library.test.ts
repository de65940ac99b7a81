/**
 * The saved-prediction library in Chromium with the real engine (issue 8's acceptance): photos dropped on the
 * window are judged, kept in the library and shown in the Library view, and are on disk under
 * <home>/library/happy_predicted|sad_predicted; correcting one moves its file to the other folder (and undo
 * moves it back); "Retrain with collected data", from the menu command, shows the counts it will use, trains,
 * and a new version appears in Models, current or kept as a candidate with its reason. Then the library is
 * filled with 500+ photos and the virtualised grid is looked at.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { copyFile, mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { BrowserContext, Page } from 'playwright-core';
import sharp from 'sharp';
import type { LibraryItem } from '../../common/library-types.js';
import { composeScene } from '../helpers/pasted-faces.js';
import { FACES, tempDir } from '../helpers/tmp.js';
import { until } from '../helpers/until.js';
import { bridgeFor, buildRenderer, dropFiles, launch, needsChromium, openApp, screenshots, settle, waitForJudged, type AppPage, type Bridge, type PageGlobals } from './helpers.js';

const TILE = '[data-testid="library-tile"]';

describe('Library view in Chromium with the real engine', { skip: needsChromium }, () => {
  let context: BrowserContext;
  let bridge: Bridge;
  let app: AppPage;
  /** per class: the fixture photos the first model is trained on, and the ones dropped on the window */
  const trainedOn: string[] = [];
  const dropped: string[] = [];
  /** the first model's training data folder */
  let data: string;

  before(async () => {
    const rendererDir = await buildRenderer();
    bridge = await bridgeFor(rendererDir);
    // a first model, trained on 6 photos of each class; the other 4 of each are new to it (the library's)
    data = await tempDir('happysad-train-');
    for (const label of ['happy', 'sad'] as const) {
      await mkdir(join(data, label));
      const files = (await readdir(join(FACES, label))).sort();
      for (const [i, f] of files.entries()) {
        if (i < 6) {
          await copyFile(join(FACES, label, f), join(data, label, f));
          trainedOn.push(join(FACES, label, f));
        } else dropped.push(join(FACES, label, f));
      }
    }
    await bridge.engine.call('train', { data, epochs: 3, validationSplit: 0.3, seed: 1 });
    context = await launch();
  });
  after(async () => {
    await context?.close();
    await bridge?.close();
  });

  const list = async (): Promise<LibraryItem[]> => (await bridge.engine.call('libraryList', {})).items;
  const tile = (page: Page, id: string) => page.locator(`${TILE}[data-id="${id}"]`);
  /** waits (no time limit) until the grid holds exactly n photos and has rendered some of them */
  const waitForTotal = (page: Page, n: number) =>
    page.waitForFunction((a) => (globalThis as PageGlobals).__bridge.count(a.grid) === 1 && (globalThis as PageGlobals).__bridge.count(a.tile) > 0, { grid: `[data-testid="library-grid"][data-total="${n}"]`, tile: TILE }, { timeout: 0 });

  test('dropped photos are judged, kept in the library on disk, shown in the Library view; a card confirms', async () => {
    app = await openApp(context, bridge);
    const { page } = app;
    await dropFiles(page, dropped);
    await waitForJudged(page, dropped.length);
    assert.ok(
      bridge.log.calls.filter((c) => c.method === 'predict').every((c) => (c.params as { save?: boolean }).save === true),
      'every prediction is saved (the setting is on by default)',
    );

    // on disk, in the notebook's layout, one file per photo, in the folder of its predicted label
    const items = await list();
    assert.equal(items.length, dropped.length);
    for (const item of items) {
      assert.ok(existsSync(item.file), item.file);
      assert.equal(dirname(item.file), join(dirname(dirname(item.file)), `${item.label}_predicted`));
      assert.equal(basename(dirname(dirname(item.file))), 'library');
      assert.ok(dropped.includes(item.originalPath!), 'saved from the dropped file');
    }

    // the card's Confirm button (keyboard: focus it, Enter) marks it confirmed in the library
    const card = page.locator('[data-testid="prediction-card"]').first();
    const name = await card.locator('.name').getAttribute('title');
    await card.getByTestId('confirm').focus();
    await page.keyboard.press('Enter');
    await card.locator('[data-testid="review"][data-review="confirmed"]').waitFor();
    assert.equal((await list()).find((i) => i.originalPath === name)?.review, 'confirmed');

    // thumbnails that cannot be cached (as on a full disk: a file where their folder would go) still show
    const { home } = await bridge.engine.call('info', {});
    const blocker = join(home, 'cache', 'thumbnails');
    await mkdir(dirname(blocker), { recursive: true });
    await writeFile(blocker, 'in the way');

    // the Library view: one tile per saved photo, its label and review state as the engine says
    await page.keyboard.press('Control+4');
    await waitForTotal(page, dropped.length);
    // (loaded or failed: a thumbnail that failed is a placeholder, or an image that did not decode)
    await page.waitForFunction((a) => {
      const b = (globalThis as PageGlobals).__bridge;
      return b.count(a.thumb) === b.count(`${a.thumb} img`) + b.count(`${a.thumb} .placeholder`) && b.imagesSettled();
    }, { thumb: `${TILE} .thumb` }, { timeout: 0 });
    const shown = await page.locator(`${TILE} .thumb`).evaluateAll((thumbs) => thumbs.map((t) => {
      const img = t.querySelector('img');
      return img ? `${img.src.slice(0, 5)} ${img.naturalWidth > 0}` : 'placeholder';
    }));
    assert.deepEqual(new Set(shown), new Set(['blob: true']), 'made in memory, not cached, and shown');
    await rm(blocker);
    assert.equal(await page.locator(TILE).count(), dropped.length);
    for (const item of await list()) {
      const t = tile(page, item.id);
      assert.equal(await t.getAttribute('data-label'), item.label);
      assert.equal(await t.getAttribute('data-review'), item.review);
    }
    const counts = await bridge.engine.call('libraryList', { limit: 1 });
    assert.match(await page.getByTestId('filter-label').innerText(), new RegExp(`${counts.counts.happy}[\\s\\S]*${counts.counts.sad}`));
    assert.deepEqual(app.problems, []);
  });

  test('correcting a photo moves its file to the other folder; undo moves it back; the Correct button again', async () => {
    const { page } = app;
    const target = (await list()).find((i) => i.review === 'unreviewed')!;
    const other = target.label === 'happy' ? 'sad' : 'happy';
    // until something is done, the message row teaches selection
    assert.match(await page.getByTestId('library-hint').innerText(), /^Click to select · Shift-click for a range · (Ctrl|⌘)\+A for all · Double-click or Enter to view$/);
    await tile(page, target.id).click();
    assert.equal(await tile(page, target.id).getAttribute('aria-selected'), 'true');
    await page.keyboard.press('x');
    await page.locator(`${TILE}[data-id="${target.id}"][data-label="${other}"]`).waitFor();
    const moved = (await list()).find((i) => i.id === target.id)!;
    assert.equal(moved.review, 'corrected');
    assert.equal(basename(dirname(moved.file)), `${other}_predicted`);
    assert.ok(existsSync(moved.file), 'the file is in the other folder');
    assert.ok(!existsSync(target.file), 'and no longer in the first');
    await page.getByTestId('reveal').click();
    while (bridge.log.reveals.length === 0) await new Promise((r) => setTimeout(r, 10));
    assert.deepEqual(bridge.log.reveals, [moved.file], 'reveal shows the selected photo where it now is');
    // what was done is said in full, on its own row (it was cut to "…" beside the count in a narrow window)
    const said = page.getByTestId('library-message');
    assert.match(await said.innerText(), /^Corrected 1: each now has the other label, and its file is in that label’s folder\.$/);
    assert.equal(await page.getByTestId('library-hint').count(), 0, 'the hint gives way to what was done');
    // a long name loses its middle, never its end: the digits that tell the photos apart stay in view
    assert.equal(await tile(page, target.id).locator('.name .tail').innerText(), moved.originalName.slice(-8));
    await screenshots(page, 'library-review');
    type Box = { getBoundingClientRect(): { right: number } };
    type Cut = { scrollWidth: number; clientWidth: number };
    for (const size of [{ width: 900, height: 600 }, { width: 1280, height: 800 }]) {
      await page.setViewportSize(size);
      const inside = await said.evaluate((el) => (el as unknown as Box).getBoundingClientRect().right <= ((el as unknown as { closest(s: string): Box }).closest('.actionbar').getBoundingClientRect().right + 0.5));
      assert.equal(inside, true, `the message stays inside the action bar at ${size.width} px`);
      const count = await page.getByTestId('library-count').evaluate((el) => (el as unknown as Cut).scrollWidth <= (el as unknown as Cut).clientWidth);
      assert.equal(count, true, `the count beside it is not cut at ${size.width} px`);
    }

    await page.keyboard.press('Control+z');
    await page.locator(`${TILE}[data-id="${target.id}"][data-label="${target.label}"][data-review="unreviewed"]`).waitFor();
    assert.ok(existsSync(target.file) && !existsSync(moved.file), 'undo moved it back');

    await tile(page, target.id).click();
    await page.getByTestId('review-correct').click();
    await page.locator(`${TILE}[data-id="${target.id}"][data-label="${other}"]`).waitFor();
    assert.ok(existsSync((await list()).find((i) => i.id === target.id)!.file));

    // the rest: filtered to the ones to review, all selected (Ctrl+A), confirmed (C)
    await page.getByTestId('filter-review').locator('[data-value="unreviewed"]').click();
    const toReview = (await list()).filter((i) => i.review === 'unreviewed').length;
    await waitForTotal(page, toReview);
    await page.keyboard.press('Control+a');
    await page.getByTestId('library-count').filter({ hasText: `${toReview} selected` }).waitFor();
    await page.keyboard.press('c');
    await page.getByTestId('library-empty-filtered').waitFor();
    assert.equal((await list()).filter((i) => i.review === 'unreviewed').length, 0);
    await page.getByRole('button', { name: 'Show All' }).click();
    await waitForTotal(page, dropped.length);
    assert.deepEqual(app.problems, []);
  });

  test('"Retrain with collected data" from the menu: its counts first, then a new version in Models, current or candidate with its reason', async () => {
    const { page } = app;
    const before = await bridge.engine.call('listModels', {});
    // the current model as an earlier version saved it (its folder split by a shuffle, no share recorded), and its
    // folder grown since (mirrored copies: new content): split again as it was, some of the images it learned
    // from fall in the validation share, and the retrain counts them in training instead
    const metaFile = join(bridge.home, 'models', before.find((m) => m.current)!.id, 'meta.json');
    const meta = JSON.parse(await readFile(metaFile, 'utf8')) as { dataset: { validationSplit?: number } };
    delete meta.dataset.validationSplit;
    await writeFile(metaFile, JSON.stringify(meta));
    for (const label of ['happy', 'sad'] as const) {
      for (const f of (await readdir(join(data, label))).sort().slice(0, 2)) await sharp(join(data, label, f)).flop().jpeg({ quality: 92 }).toFile(join(data, label, `mirrored-${f}`));
    }
    const expected = await bridge.engine.call('retrainPreview', {});
    assert.equal(expected.ready, true, expected.reason);
    assert.ok(expected.learned && expected.learned > 0, 'some validation images were learned: else the note is not shown');

    const dialog = page.getByTestId('retrain-dialog');
    // closed while it counts: the count is cancelled in the engine too (the bridge holds it; a cancel lets it go)
    const held = bridge.hold('retrainPreview');
    try {
      bridge.menu('retrain-with-collected-data');
      await dialog.getByTestId('retrain-counting').waitFor();
      await until(() => held.pending() === 1);
      assert.equal(held.pending(), 1, 'the preview waits in the bridge');
      await dialog.getByRole('button', { name: 'Cancel' }).click();
      await dialog.waitFor({ state: 'hidden' });
      await until(() => held.pending() === 0);
      assert.equal(held.pending(), 0, 'closing the dialog cancelled it');
    } finally {
      held.release();
    }
    // a current model whose list of learned images is damaged: none can be checked, and the dialog says so
    const samplesFile = join(bridge.home, 'models', expected.fromModel!, 'samples.json');
    const kept = await readFile(samplesFile);
    await writeFile(samplesFile, '{"schemaVersion":1,"trained":[],"validation":[]}');
    try {
      bridge.menu('retrain-with-collected-data');
      await dialog.getByTestId('retrain-preview').waitFor();
      assert.equal(await dialog.getByTestId('retrain-learned').innerText(), 'Which of these photos the current model already learned from cannot be checked (its list of them is missing or damaged): any it learned from would judge the new version too kindly.');
      await screenshots(page, 'library-retrain-unchecked');
      await dialog.getByRole('button', { name: 'Cancel' }).click();
      await dialog.waitFor({ state: 'hidden' });
    } finally {
      await writeFile(samplesFile, kept);
    }

    bridge.menu('retrain-with-collected-data');
    await dialog.getByTestId('retrain-preview').waitFor();
    const row = await dialog.getByTestId('retrain-library-row').innerText();
    assert.match(row, new RegExp(`${expected.library.train.happy} happy · ${expected.library.train.sad} sad`), 'the library photos it will train on');
    assert.match(row, new RegExp(`${expected.library.used.confirmed} confirmed, ${expected.library.used.corrected} corrected`));
    // no unreviewed photo to take: the choice to take them is not offered
    assert.equal(expected.library.notUsed.unreviewed, 0);
    assert.equal(await dialog.getByTestId('retrain-include-unreviewed').count(), 0);
    assert.equal(await dialog.getByTestId('retrain-total-train').innerText(), `${expected.total.train.happy} happy · ${expected.total.train.sad} sad`);
    assert.equal(await dialog.getByTestId('retrain-learned').innerText(), `${expected.learned} photo${expected.learned === 1 ? ' of the validation share goes' : 's of the validation share go'} to training instead: the current model already learned from ${expected.learned === 1 ? 'it' : 'them'}, so ${expected.learned === 1 ? 'it' : 'they'} cannot judge the new version fairly.`);
    await screenshots(page, 'library-retrain-preview');

    // closed with Escape while it runs (it goes on): its outcome is what the dialog shows when opened next
    const heldRun = bridge.hold('retrainWithLibrary');
    await dialog.getByTestId('retrain-start').click();
    await page.locator('[data-testid="retrain-dialog"][data-phase="running"]').waitFor();
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
    heldRun.release();
    await page.locator('[data-testid="retrain-dialog"][data-phase="done"], [data-testid="retrain-dialog"][data-phase="failed"]').waitFor({ state: 'attached' });
    bridge.menu('retrain-with-collected-data');
    await page.locator('[data-testid="retrain-dialog"][data-phase="done"], [data-testid="retrain-dialog"][data-phase="failed"]').waitFor();
    assert.equal(await dialog.getAttribute('data-phase'), 'done', await dialog.innerText());
    const call = bridge.log.calls.find((c) => c.method === 'retrainWithLibrary');
    assert.deepEqual(call?.params, { expect: expected.fingerprint }, 'it trains on exactly what it announced');

    const outcome = dialog.getByTestId('retrain-outcome');
    const newId = (await outcome.getAttribute('data-model-id'))!;
    const madeCurrent = (await outcome.getAttribute('data-made-current')) === 'true';
    const after = await bridge.engine.call('listModels', {});
    assert.equal(after.length, before.length + 1);
    const made = after.find((m) => m.id === newId)!;
    assert.equal(made.current, madeCurrent);
    // why, worded by the app from the figures: the models by their names, percentages as the app writes them
    const why = made.promotion!.why!;
    assert.equal(why.kind, 'compared');
    const reason = await dialog.getByTestId('retrain-reason').innerText();
    assert.match(reason, /^(Made current as you asked\. )?(More|As|Less) accurate (than|as) /);
    assert.ok(why.kind === 'compared' && reason.includes(`${(why.accuracy * 100).toFixed(1)}%`), reason);
    assert.ok(why.kind === 'compared' && !reason.includes(why.previous), `the previous model by its name, not its id: ${reason}`);
    // what the retrain said as it ran is shown with its outcome, one line each
    const said = bridge.log.warnings.filter((w) => w.method === 'retrainWithLibrary');
    assert.ok(said.length > 0, 'it moved learned images to training and says so: else this checks nothing');
    const shown = await dialog.getByTestId('run-warning').allInnerTexts();
    assert.equal(shown.length, said.length, shown.join('\n'));
    const moved = shown.find((w) => w.startsWith(`${expected.learned} validation image${expected.learned === 1 ? ' was' : 's were'} moved to training: model `));
    assert.ok(moved, shown.join('\n'));
    assert.ok(!moved.includes(expected.fromModel!), `the model by its name, not its id: ${moved}`);
    await screenshots(page, 'library-retrain-outcome');

    await dialog.getByTestId('retrain-show-models').click();
    const modelRow = page.locator(`[data-testid="model-row"][data-model-id="${newId}"]`);
    await modelRow.waitFor();
    assert.equal(await modelRow.getAttribute('data-current'), String(madeCurrent));
    if (!madeCurrent) {
      assert.equal(await modelRow.getByTestId('candidate').innerText(), 'Candidate');
      assert.equal(await modelRow.getByTestId('promotion').innerText(), `Why: ${reason}`);
    }
    assert.deepEqual(app.problems, []);
  });

  test('500+ photos: a virtualised grid (only rows in view rendered), sorted least sure first, select all; screenshots', async () => {
    // distinct photos (the library keeps identical bytes once): variants of the fixtures made with sharp
    const dir = await tempDir('happysad-many-');
    const faces = [...trainedOn, ...dropped];
    const entries: Array<{ file: string; predicted: 'happy' | 'sad'; confidence: number; modelId: string }> = [];
    let n = 0;
    for (const [fi, face] of faces.entries()) {
      const label = face.includes(`${join('faces', 'happy')}`) ? 'happy' : 'sad';
      for (let k = 0; k < 26; k++) {
        const file = join(dir, `${label}-${String(fi).padStart(2, '0')}-${String(k).padStart(2, '0')}.jpg`);
        let img = sharp(face).resize(112 + k, 112 + k);
        if (k % 2 === 1) img = img.flop();
        await img.modulate({ brightness: 0.85 + (k % 13) * 0.025 }).jpeg({ quality: 85 }).toFile(file);
        // a seeded spread of confidences, some of them the wrong way round
        const confidence = 0.5 + ((n * 37) % 50) / 100;
        entries.push({ file, predicted: n % 7 === 0 ? (label === 'happy' ? 'sad' : 'happy') : label, confidence, modelId: 'zero-shot' });
        n++;
      }
    }
    for (let i = 0; i < entries.length; i += 100) await bridge.engine.call('librarySave', { items: entries.slice(i, i + 100) });
    const total = (await bridge.engine.call('libraryList', { limit: 1 })).total;
    assert.ok(total >= 500, `${total} photos in the library`);

    // thumbnails that cannot be cached come in memory (blob: URLs): those scrolled out of view are let go
    const { home } = await bridge.engine.call('info', {});
    const blocker = join(home, 'cache', 'thumbnails');
    await rm(blocker, { recursive: true, force: true });
    await writeFile(blocker, 'in the way');

    await app.page.close();
    app = await openApp(context, bridge);
    const { page } = app;
    // every object URL the page lets go of, noted (the page's own revokeObjectURL, wrapped before any is made)
    type Revoked = { __revoked: Set<string>; URL: { revokeObjectURL(u: string): void } };
    await page.evaluate(() => {
      const g = globalThis as unknown as Revoked;
      g.__revoked = new Set();
      const revoke = g.URL.revokeObjectURL.bind(g.URL);
      g.URL.revokeObjectURL = (u: string) => {
        g.__revoked.add(u);
        revoke(u);
      };
    });
    await page.keyboard.press('Control+4');
    await waitForTotal(page, total);
    const rendered = await page.locator(TILE).count();
    assert.ok(rendered > 0 && rendered < 120, `only the rows in view are rendered (${rendered} of ${total})`);
    await page.waitForFunction((thumb) => {
      const b = (globalThis as PageGlobals).__bridge;
      return b.count(thumb) > 0 && b.count(thumb) === b.count(`${thumb} img`) && b.imagesSettled();
    }, `${TILE} .thumb`, { timeout: 0 });
    const firstShown = await page.locator(`${TILE} .thumb img`).evaluateAll((imgs) => imgs.map((i) => (i as unknown as { src: string }).src));
    assert.ok(firstShown.length > 0 && firstShown.every((u) => u.startsWith('blob:')), `in memory: ${firstShown.slice(0, 3).join(', ')}`);
    assert.equal(await page.evaluate((urls) => urls.filter((u) => (globalThis as unknown as Revoked).__revoked.has(u)).length, firstShown), 0, 'in view: kept');

    await page.getByTestId('sort').selectOption('least-sure');
    const least = await bridge.engine.call('libraryList', { sort: 'least-sure', limit: 3 });
    await page.locator(`${TILE}[data-index="0"][data-id="${least.items[0]!.id}"]`).waitFor();
    await screenshots(page, 'library-500');

    // the end of the list is reachable: scrolled to the bottom, the last photo is rendered
    await page.getByTestId('library-grid').evaluate((el) => el.scrollTo({ top: el.scrollHeight }));
    await page.locator(`${TILE}[data-index="${total - 1}"]`).waitFor();
    assert.ok((await page.locator(TILE).count()) < 120);
    await page.waitForFunction((urls) => urls.every((u) => (globalThis as unknown as Revoked).__revoked.has(u)), firstShown, { timeout: 30_000 });
    // not one in view now came from before
    const nowShown = await page.locator(`${TILE} .thumb img`).evaluateAll((imgs) => imgs.map((i) => (i as unknown as { src: string }).src));
    assert.equal(nowShown.filter((u) => firstShown.includes(u)).length, 0);
    await rm(blocker);
    await page.getByTestId('library-grid').evaluate((el) => el.scrollTo({ top: 0 }));
    await page.locator(`${TILE}[data-index="0"]`).waitFor();

    // select all (every one, not only those rendered), shift-click a range
    await page.getByTestId('library-grid').focus();
    await page.keyboard.press('Control+a');
    await page.getByTestId('library-count').filter({ hasText: `${total} selected` }).waitFor();
    await page.keyboard.press('Escape');
    await tile(page, least.items[0]!.id).click();
    await page.locator(`${TILE}[data-index="5"]`).click({ modifiers: ['Shift'] });
    await page.getByTestId('library-count').filter({ hasText: '6 selected' }).waitFor();
    await settle(page);
    await screenshots(page, 'library-500-selected');
    assert.deepEqual(app.problems, []);
  });

  test('a photo with two faces says so on its tile, each face’s result in its title; a photo with none says that; one face says nothing', async () => {
    const dir = await tempDir('happysad-scenes-');
    const [happy, sad] = [dropped.find((f) => f.includes(join('faces', 'happy')))!, dropped.find((f) => f.includes(join('faces', 'sad')))!];
    const two = join(dir, 'two-friends.jpg');
    await writeFile(two, await composeScene(820, 480, [{ file: happy, box: { x: 60, y: 80, width: 240, height: 240 } }, { file: sad, box: { x: 460, y: 110, width: 200, height: 200 } }], 5));
    const one = join(dir, 'one-face.jpg');
    await writeFile(one, await composeScene(640, 480, [{ file: happy, box: { x: 200, y: 120, width: 220, height: 220 } }], 6));
    const none = join(dir, 'no-face.jpg');
    await writeFile(none, await composeScene(640, 480, [], 7));

    const { page } = app;
    await page.keyboard.press('Control+1');
    await dropFiles(page, [two, one, none]);
    await waitForJudged(page, 3);
    const saved = new Map((await list()).filter((i) => [two, one, none].includes(i.originalPath!)).map((i) => [i.originalPath!, i]));
    assert.equal(saved.get(two)!.faces?.length, 2, 'both faces are kept with the image');
    assert.equal(saved.get(one)!.faces?.length, 1, 'one face found in the one-face scene');
    assert.equal(saved.get(none)!.face, 'none found');

    await page.keyboard.press('Control+4');
    await page.getByTestId('sort').selectOption('newest');
    const note = (file: string) => tile(page, saved.get(file)!.id).getByTestId('tile-faces');
    // the note is rendered with its tile, so once the tiles are there it is there or it is missing (the newest
    // three are the first row: a limit, so that a grid that never shows them fails instead of waiting forever)
    for (const file of [two, one, none]) await tile(page, saved.get(file)!.id).waitFor({ timeout: 120_000 });
    assert.equal(await note(two).count(), 1, 'two faces: a note');
    assert.equal((await note(two).innerText()).trim(), '2 faces');
    // the tooltip: every face, largest first, each with its own label
    const title = (await note(two).getAttribute('title'))!;
    const listed = title.replace(/^Faces found: /, '').split(', ');
    assert.deepEqual(listed.map((f) => f.split(' ')[0]), saved.get(two)!.faces!.map((f) => (f.label === 'happy' ? 'Happy' : 'Sad')), `the title lists each face: ${title}`);
    assert.ok((await tile(page, saved.get(two)!.id).getAttribute('aria-label'))!.endsWith(`, ${title}`), 'the tile’s accessible name says it too');
    assert.equal((await note(none).innerText()).trim(), 'No face');
    assert.match((await tile(page, saved.get(none)!.id).getAttribute('aria-label'))!, /No face found: the whole photo was judged$/);
    assert.equal(await note(one).count(), 0, 'one face: no note');
    const whole = async (file: string) => ((await tile(page, saved.get(file)!.id).locator('img').getAttribute('class')) ?? '').split(/\s+/).includes('whole');
    assert.equal(await whole(two), true, 'several faces: the whole photo (object-fit: contain), every face in view');
    assert.equal(await whole(one), false, 'one face: the tile filled as every other');
    await screenshots(page, 'library-faces');
    assert.deepEqual(app.problems, []);
  });

  test('the viewer: a saved photo large with each face outlined and labelled; arrows step, C confirms, Escape closes onto the grid', async () => {
    const { page } = app;
    const two = (await list()).find((i) => i.faces?.length === 2 && i.originalName === 'two-friends.jpg');
    assert.ok(two, 'the two-face photo of the test before is in the library');
    await page.keyboard.press('Control+4');
    await page.getByTestId('sort').selectOption('newest');
    const twoTile = tile(page, two.id);
    await twoTile.waitFor({ timeout: 120_000 });
    const at = Number(await twoTile.getAttribute('data-index'));
    const total = Number(await page.getByTestId('library-grid').getAttribute('data-total'));
    const viewer = page.getByTestId('library-viewer');
    /** waits for a check that reads the page (a limit, so that one never true fails and says which) */
    const eventually = async (check: () => Promise<boolean>, ms: number) => {
      for (const t0 = Date.now(); !(await check()); await new Promise((r) => setTimeout(r, 50))) {
        if (Date.now() - t0 > ms) assert.fail(`not so after ${ms} ms: ${check.toString()}`);
      }
    };
    assert.equal(await viewer.isVisible(), false, 'closed until asked');

    await twoTile.dblclick();
    await viewer.waitFor();
    const boxes = viewer.getByTestId('face-box');
    await eventually(async () => (await boxes.count()) === 2, 30_000);
    assert.deepEqual(await boxes.evaluateAll((els) => els.map((e) => e.getAttribute('data-label'))), two.faces!.map((f) => f.label), 'each face with its own label, largest first');
    // the boxes are in the photo's own pixels: the viewBox is the photo as displayed (820x480 as it was made)
    assert.equal(await viewer.getByTestId('faces').getAttribute('viewBox'), '0 0 820 480');
    assert.equal(await viewer.getByTestId('viewer-position').innerText(), `${at + 1} of ${total}`);
    assert.equal(await viewer.getByTestId('viewer-label').innerText(), two.label === 'happy' ? 'HAPPY' : 'SAD');
    assert.equal(await viewer.getByRole('heading', { level: 2 }).innerText(), 'two-friends.jpg');
    // two faces: the photo's verdict is said to be the largest face's (the other may say the opposite)
    assert.match(await viewer.getByTestId('viewer-label').locator('..').innerText(), /The model said (Happy|Sad) for the largest face, [<>]?\d+% sure/);
    await screenshots(page, 'library-viewer');
    bridge.changeSettings({ language: 'id' });
    await viewer.getByText('Konfirmasi', { exact: false }).first().waitFor();
    await screenshots(page, 'library-viewer-id');
    bridge.changeSettings({ language: null });
    await viewer.getByText('Confirm', { exact: false }).first().waitFor();

    // a step away and back: the position and the photo follow
    const step = at + 1 < total ? 1 : -1;
    await page.keyboard.press(step === 1 ? 'ArrowRight' : 'ArrowLeft');
    await eventually(async () => (await viewer.getByTestId('viewer-position').innerText()) === `${at + step + 1} of ${total}`, 30_000);
    assert.notEqual(await viewer.getByRole('heading', { level: 2 }).innerText(), 'two-friends.jpg');
    await page.keyboard.press(step === 1 ? 'ArrowLeft' : 'ArrowRight');
    await eventually(async () => (await viewer.getByTestId('viewer-position').innerText()) === `${at + 1} of ${total}`, 30_000);

    // C: this photo confirmed, in the viewer and in the library
    assert.equal(two.review, 'unreviewed');
    await page.keyboard.press('c');
    await eventually(async () => (await viewer.getByTestId('viewer-review').getAttribute('data-review')) === 'confirmed', 30_000);
    assert.equal((await list()).find((i) => i.id === two.id)!.review, 'confirmed');

    // Escape: closed, the grid's selection on the photo last shown, the keys back on the grid (undo)
    await page.keyboard.press('Escape');
    await viewer.waitFor({ state: 'hidden' });
    assert.equal(await twoTile.getAttribute('aria-selected'), 'true');
    await page.getByTestId('library-count').filter({ hasText: '1 selected' }).waitFor();
    await page.keyboard.press('Control+z');
    await eventually(async () => (await list()).find((i) => i.id === two.id)!.review === 'unreviewed', 30_000);
    // Enter on the grid opens the selected photo again
    await page.getByTestId('library-grid').focus();
    await page.keyboard.press('Enter');
    await viewer.waitFor();
    assert.equal(await viewer.getByTestId('viewer-position').innerText(), `${at + 1} of ${total}`);
    // Confirm clicked: the button is disabled while its review runs, which leaves the focus nowhere; the keys
    // still reach the viewer
    await viewer.getByTestId('viewer-confirm').click();
    await eventually(async () => (await viewer.getByTestId('viewer-review').getAttribute('data-review')) === 'confirmed', 30_000);
    await page.keyboard.press(step === 1 ? 'ArrowRight' : 'ArrowLeft');
    await eventually(async () => (await viewer.getByTestId('viewer-position').innerText()) === `${at + step + 1} of ${total}`, 30_000);
    await page.keyboard.press(step === 1 ? 'ArrowLeft' : 'ArrowRight');
    await eventually(async () => (await viewer.getByTestId('viewer-position').innerText()) === `${at + 1} of ${total}`, 30_000);
    await page.keyboard.press('Escape');
    await viewer.waitFor({ state: 'hidden' });
    await page.keyboard.press('Control+z');
    await eventually(async () => (await list()).find((i) => i.id === two.id)!.review === 'unreviewed', 30_000);

    // a photo in which no face was found: no box, and the viewer says the whole photo was judged
    const none = (await list()).find((i) => i.face === 'none found' && i.originalName === 'no-face.jpg');
    assert.ok(none, 'the no-face photo of the test before');
    await tile(page, none.id).dblclick();
    await viewer.waitFor();
    await viewer.getByText('No face found: the whole photo was judged').waitFor({ timeout: 30_000 });
    assert.equal(await viewer.getByTestId('face-box').count(), 0);
    await screenshots(page, 'library-viewer-no-face');
    await page.keyboard.press('Escape');
    await viewer.waitFor({ state: 'hidden' });

    // a photo whose file was overwritten on disk since (no image any more; one not shown large yet, so that no
    // cached picture answers): a broken picture, its facts and buttons stay
    const one = (await list()).find((i) => i.originalName === 'one-face.jpg')!;
    const bytes = await readFile(one.file);
    await writeFile(one.file, 'not an image any more');
    try {
      await tile(page, one.id).dblclick();
      await viewer.waitFor();
      await viewer.getByTestId('viewer-broken').waitFor({ timeout: 30_000 });
      assert.equal(await viewer.getByTestId('viewer-confirm').isEnabled(), true);
      assert.equal(await viewer.getByRole('heading', { level: 2 }).innerText(), 'one-face.jpg');
      await screenshots(page, 'library-viewer-broken');
      await page.keyboard.press('Escape');
      await viewer.waitFor({ state: 'hidden' });
    } finally {
      await writeFile(one.file, bytes);
    }

    // undo pressed while the review it undoes still runs: it waits for it, instead of saying there is nothing to undo
    await tile(page, two.id).click();
    await page.keyboard.press('c');
    await page.keyboard.press('Control+z');
    await page.getByTestId('library-message').filter({ hasText: 'Undone.' }).waitFor({ timeout: 30_000 });
    assert.equal((await list()).find((i) => i.id === two.id)!.review, 'unreviewed');
    assert.deepEqual(app.problems, []);
  });

  test('"Save new predictions" off: dropped photos are judged, not kept, and the Predict view says so; on again: kept', async () => {
    app = await openApp(context, bridge);
    const { page } = app;
    const before = (await list()).length;
    // photos the library has not seen (it keeps one copy of each content): mirrored copies of two of ours
    const dir = await tempDir('happysad-new-');
    const fresh = [join(dir, 'mirrored-1.jpg'), join(dir, 'mirrored-2.jpg')];
    for (const [i, file] of fresh.entries()) await sharp(dropped[i]!).flop().jpeg({ quality: 92 }).toFile(file);
    await page.keyboard.press('Control+4');
    const toggle = page.getByTestId('save-predictions');
    assert.equal(await toggle.isChecked(), true, 'on by default');
    assert.equal(await toggle.getAttribute('role'), 'switch');
    // main failing to store it: the switch goes back to what is stored
    const failed = bridge.settingsFailNext('settings.json: disk full');
    await toggle.click();
    await failed;
    await page.waitForFunction((sel) => (globalThis as unknown as { document: { querySelector(s: string): { checked: boolean } | null } }).document.querySelector(sel)?.checked === true, '[data-testid="save-predictions"]', { timeout: 30_000 });
    assert.equal(bridge.settings.savePredictions, true);
    await page.getByTestId('setting-error').waitFor({ timeout: 30_000 });
    assert.match(await page.getByTestId('setting-error').innerText(), /The setting could not be saved: .*disk full/);
    await screenshots(page, 'library-setting-failed');
    // the bridge answered with an HTTP error, which Chromium logs; nothing else went wrong
    assert.deepEqual(app.problems.filter((p) => !/Failed to load resource: the server responded with a status of 500/.test(p)), []);
    app.problems.length = 0;
    await page.getByText('Save new predictions', { exact: true }).click(); // its label turns it, as a switch's should
    assert.equal(await toggle.isChecked(), false);
    await page.getByTestId('setting-error').waitFor({ state: 'detached', timeout: 30_000 });
    assert.deepEqual(bridge.log.settingsPatches.at(-1), { savePredictions: false }, 'main is told, and keeps it');
    assert.equal(bridge.settings.savePredictions, false);
    await screenshots(page, 'library-not-saving');
    // the longest words of the header: Indonesian
    bridge.changeSettings({ language: 'id' });
    await page.getByText('Simpan prediksi baru', { exact: true }).waitFor();
    await screenshots(page, 'library-not-saving-id');
    bridge.changeSettings({ language: null });
    await page.getByText('Save new predictions', { exact: true }).waitFor();

    await page.keyboard.press('Control+1');
    await page.getByTestId('not-saving').waitFor();
    await dropFiles(page, [fresh[0]!]);
    await waitForJudged(page, 1);
    const card = page.locator('[data-testid="prediction-card"]').first();
    assert.equal(await card.getAttribute('data-state'), 'done', 'judged all the same');
    assert.equal(await card.getByTestId('review').count(), 0, 'nothing to confirm: it was not kept');
    const lastPredict = bridge.log.calls.filter((c) => c.method === 'predict').at(-1);
    assert.equal((lastPredict?.params as { save?: boolean } | undefined)?.save ?? false, false, 'the engine is not asked to keep it');
    assert.equal((await list()).length, before, 'the library is as it was');
    await screenshots(page, 'predict-not-saving');
    bridge.changeSettings({ language: 'id' });
    await page.getByText('Prediksi baru tidak disimpan', { exact: false }).waitFor();
    await screenshots(page, 'predict-not-saving-id');
    bridge.changeSettings({ language: null });
    await page.getByRole('heading', { name: 'Predict', level: 1 }).waitFor();

    // on again, from the Library view: the next photo is kept. Once in CI the switch was still off just after
    // Space (not seen again in 8 runs here, 5 of them under load): the switch is pressed only once it is shown
    // and has the focus, and what follows waits for the setting instead of reading it at once
    await page.keyboard.press('Control+4');
    await toggle.waitFor({ state: 'visible' });
    await toggle.focus();
    type Doc = { document: { activeElement: unknown; querySelector(s: string): { checked?: boolean } | null } };
    await page.waitForFunction((sel) => (globalThis as unknown as Doc).document.activeElement === (globalThis as unknown as Doc).document.querySelector(sel), '[data-testid="save-predictions"]', { timeout: 30_000 });
    await page.keyboard.press('Space');
    await page.waitForFunction((sel) => (globalThis as unknown as Doc).document.querySelector(sel)?.checked === true, '[data-testid="save-predictions"]', { timeout: 30_000 });
    await until(() => bridge.settings.savePredictions === true);
    assert.equal(bridge.settings.savePredictions, true, 'main is told, and keeps it');
    await page.keyboard.press('Control+1');
    assert.equal(await page.getByTestId('not-saving').count(), 0);
    await dropFiles(page, [fresh[1]!]);
    await waitForJudged(page, 2);
    await page.locator('[data-testid="prediction-card"] [data-testid="review"]').first().waitFor();
    assert.equal((await list()).length, before + 1);
    assert.deepEqual(app.problems, []);
  });
});
