/**
 * The foundation issue's acceptance figures, measured on the real pipeline through the real CLI with a cold
 * cache: FER2013 train/validation from ../shared/datasets (skipped where that folder is absent).
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { copyFile, mkdir, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import sharp from 'sharp';
import { runCli } from '../helpers/cli.js';
import { slow } from '../helpers/slow.js';
import { SHARED_DATASETS, tempDir } from '../helpers/tmp.js';

const FER = join(SHARED_DATASETS, 'fer2013-happy-sad');
const PHOTOS = join(SHARED_DATASETS, 'photos-happy-sad');
const opts = existsSync(FER) ? slow : { skip: `${FER} is not here` };
const pct = (x: number) => `${(100 * x).toFixed(1)} %`;

test('[slow] FER2013 2000 images: val accuracy >= 0.88 (cold wall time reported); eval on photos; predict 100 files', opts, async (t) => {
  const home = await tempDir();
  const t0 = performance.now();
  const train = await runCli(['train', '--data', FER, '--home', home, '--json']);
  const wall = (performance.now() - t0) / 1000;
  assert.equal(train.code, 0, train.stderr);
  const r = train.json;
  t.diagnostic(`train full: wall ${wall.toFixed(1)} s (engine ${r.seconds.toFixed(1)} s), ${r.epochs} epochs, best epoch ${r.best.epoch}, val_acc ${pct(r.best.valAccuracy)}, val_loss ${r.best.valLoss.toFixed(4)}, ${r.backend}`);
  assert.ok(r.best.valAccuracy >= 0.88, `val accuracy ${r.best.valAccuracy}`);
  // the model as it judges: its second look, learned from the 30 % of the training images its first head was least sure of
  t.diagnostic(`with its second look: val accuracy ${pct(r.validation.accuracy)}, sad recall ${pct(r.validation.perClass.sad.recall)}, ${r.secondLook?.asked} of ${r.validation.n} faces judged again`);
  assert.equal(r.secondLook?.trainedOn, 600);
  assert.ok(r.validation.accuracy >= 0.9, `val accuracy with the second look ${r.validation.accuracy}`);
  // no wall-clock limit here: the same training took 55 s one day and 108 s another on the same machine;
  // the wall time is in the diagnostic above

  const ev = await runCli(['eval', '--data', PHOTOS, '--home', home, '--json']);
  assert.equal(ev.code, 0, ev.stderr);
  const e = ev.json;
  t.diagnostic(
    `eval photos-happy-sad: n ${e.n}, accuracy ${pct(e.accuracy)}, balanced ${pct(e.balancedAccuracy)}, loss ${e.loss.toFixed(4)}, ` +
      `happy P/R ${pct(e.perClass.happy.precision)}/${pct(e.perClass.happy.recall)}, sad P/R ${pct(e.perClass.sad.precision)}/${pct(e.perClass.sad.recall)}, ` +
      `confusion ${JSON.stringify(e.confusion)}, ${e.msPerImage.toFixed(1)} ms/image`,
  );
  assert.equal(e.n, 120);
  assert.ok(e.accuracy >= 0.75, `photos accuracy ${e.accuracy}`);

  // most colour photos in that collection are "sad": judge greyscale copies too, so colour cannot help
  const grey = await tempDir();
  for (const c of ['happy', 'sad']) {
    await mkdir(join(grey, c));
    for (const f of await readdir(join(PHOTOS, c))) await sharp(join(PHOTOS, c, f)).greyscale().jpeg({ quality: 95 }).toFile(join(grey, c, f));
  }
  const g = (await runCli(['eval', '--data', grey, '--home', home, '--json'])).json;
  t.diagnostic(`eval photos-happy-sad greyscale: accuracy ${pct(g.accuracy)}, balanced ${pct(g.balancedAccuracy)}, sad recall ${pct(g.perClass.sad.recall)}`);
  assert.ok(g.accuracy >= 0.75, `greyscale photos accuracy ${g.accuracy}`);

  // 100 files: 96 photos with 4 broken files in between
  const dir = await tempDir();
  const photos = [...(await readdir(join(PHOTOS, 'happy'))).map((f) => join(PHOTOS, 'happy', f)), ...(await readdir(join(PHOTOS, 'sad'))).map((f) => join(PHOTOS, 'sad', f))].slice(0, 96);
  for (const [i, p] of photos.entries()) await copyFile(p, join(dir, `img${String(i * 2).padStart(3, '0')}.jpg`));
  for (const i of [11, 51, 101, 151]) await writeFile(join(dir, `img${String(i).padStart(3, '0')}.jpg`), i === 51 ? '' : 'broken');
  const t1 = performance.now();
  const pr = await runCli(['predict', dir, '--home', home, '--json']);
  const results = pr.json.results as Array<{ error?: string }>;
  t.diagnostic(`predict folder of 100: ${results.length} results, ${results.filter((x) => x.error).length} errors, exit ${pr.code}, ${((performance.now() - t1) / 1000).toFixed(1)} s`);
  assert.equal(pr.code, 1);
  assert.equal(results.length, 100);
  assert.equal(results.filter((x) => x.error).length, 4);
});

test("[slow] FER2013 at the notebook's scale (9 + 9 images): val accuracy >= 0.85", opts, async (t) => {
  const home = await tempDir();
  const t0 = performance.now();
  const train = await runCli(['train', '--data', FER, '--max-per-class', '9', '--home', home, '--json']);
  assert.equal(train.code, 0, train.stderr);
  const r = train.json;
  t.diagnostic(`train 9+9: wall ${((performance.now() - t0) / 1000).toFixed(1)} s, ${r.epochs} epochs, best epoch ${r.best.epoch}, val_acc ${pct(r.best.valAccuracy)} on ${r.dataset.validation.happy + r.dataset.validation.sad} validation images`);
  assert.deepEqual(r.dataset.train, { happy: 9, sad: 9 });
  assert.ok(r.best.valAccuracy >= 0.85, `val accuracy ${r.best.valAccuracy}`);
});
