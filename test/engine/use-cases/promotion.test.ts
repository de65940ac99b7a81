import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { copyFile, cp, mkdir, readdir, readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { before, test } from 'node:test';
import { folderTrainingSet } from '../../../engine/dataset.js';
import { contentHash } from '../../../engine/samples.js';
import { evaluate } from '../../../engine/use-cases/evaluate.js';
import { decide } from '../../../engine/use-cases/promotion.js';
import { createServices, type EngineServices } from '../../../engine/use-cases/services.js';
import { trainFromFolder } from '../../../engine/use-cases/train.js';
import { useBestBackend } from '../../helpers/backend.js';
import { metricsOf as metrics } from '../../helpers/metrics.js';
import { ASSETS, FACES, tempDir } from '../../helpers/tmp.js';


test('decide: more right answers on the same images wins; a tie goes to the lower or equal loss', () => {
  const better = decide({ candidate: { modelId: 'new', metrics: metrics(358, 400, 0.3) }, current: { modelId: 'old', metrics: metrics(352, 400, 0.2) }, use: false });
  assert.equal(better.madeCurrent, true);
  assert.equal(better.reason, 'val acc 89.5 % vs 88.0 % for the previous model old on the same 400 validation images');
  assert.deepEqual(better.previous, { modelId: 'old', valAccuracy: 0.88, valLoss: 0.2, sadRecall: metrics(352, 400, 0.2).perClass.sad.recall });
  // the same as figures, for the app to word in its language: the loss only where it decided
  assert.deepEqual(better.why, { kind: 'compared', asked: false, previous: 'old', n: 400, accuracy: 0.895, previousAccuracy: 0.88, loss: null, previousLoss: null, tolerancePoints: 0 });

  const worse = decide({ candidate: { modelId: 'new', metrics: metrics(340, 400, 0.1) }, current: { modelId: 'old', metrics: metrics(352, 400, 0.2) }, use: false });
  assert.equal(worse.madeCurrent, false);
  assert.equal(worse.reason, 'val acc 85.0 % vs 88.0 % for the current model old on the same 400 validation images');

  const tieLower = decide({ candidate: { modelId: 'new', metrics: metrics(4, 4, 0.25) }, current: { modelId: 'old', metrics: metrics(4, 4, 0.3) }, use: false });
  assert.equal(tieLower.madeCurrent, true);
  assert.equal(tieLower.reason, 'val acc 100.0 % for both on the same 4 validation images, and val loss 0.2500 vs 0.3000 for the previous model old');
  assert.deepEqual(tieLower.why, { kind: 'compared', asked: false, previous: 'old', n: 4, accuracy: 1, previousAccuracy: 1, loss: 0.25, previousLoss: 0.3, tolerancePoints: 0 });
  const tieEqual = decide({ candidate: { modelId: 'new', metrics: metrics(4, 4, 0.3) }, current: { modelId: 'old', metrics: metrics(4, 4, 0.30000001) }, use: false });
  assert.equal(tieEqual.madeCurrent, true, 'equal (as printed) counts as good');
  const tieHigher = decide({ candidate: { modelId: 'new', metrics: metrics(4, 4, 0.5) }, current: { modelId: 'old', metrics: metrics(4, 4, 0.3) }, use: false });
  assert.equal(tieHigher.madeCurrent, false);
  assert.equal(tieHigher.reason, 'val acc 100.0 % for both on the same 4 validation images, but val loss 0.5000 vs 0.3000 for the current model old');
});

test('decide: no current model, a current model that cannot be judged, no validation figures, and "use"', () => {
  const first = decide({ candidate: { modelId: 'new', metrics: null }, current: null, use: false, validationProblem: 'validation has no sad image' });
  assert.deepEqual(first, { madeCurrent: true, reason: 'no model was current before', why: { kind: 'first', asked: false }, previous: null });
  const broken = decide({ candidate: { modelId: 'new', metrics: metrics(3, 4, 0.3) }, current: { modelId: 'old', metrics: null, error: 'model "old" is damaged' }, use: false });
  assert.equal(broken.madeCurrent, true);
  assert.match(broken.reason, /the current model old could not be judged \(model "old" is damaged\)/);
  assert.deepEqual(broken.why, { kind: 'notJudged', asked: false, previous: 'old', error: 'model "old" is damaged' });
  const blind = decide({ candidate: { modelId: 'new', metrics: null }, current: { modelId: 'old', metrics: null }, use: false, validationProblem: 'validation has no sad image' });
  assert.deepEqual(blind, {
    madeCurrent: false,
    reason: 'validation has no sad image, so it cannot be compared with the current model old',
    why: { kind: 'notCompared', asked: false, previous: 'old', problem: 'validation has no sad image' },
    previous: { modelId: 'old', valAccuracy: null, valLoss: null, sadRecall: null },
  });
  const asked = decide({ candidate: { modelId: 'new', metrics: metrics(1, 4, 2) }, current: { modelId: 'old', metrics: metrics(4, 4, 0.1) }, use: true });
  assert.equal(asked.madeCurrent, true);
  assert.equal(asked.reason, 'made current as asked; val acc 25.0 % vs 100.0 % for the previous model old on the same 4 validation images');
  assert.deepEqual(asked.why, { kind: 'compared', asked: true, previous: 'old', n: 4, accuracy: 0.25, previousAccuracy: 1, loss: null, previousLoss: null, tolerancePoints: 0 });
});

let services: EngineServices;
before(async () => {
  services = createServices(await tempDir(), ASSETS, await useBestBackend());
});

test('retrain --epochs 1 that does worse does not replace the better current model; --use does', async () => {
  const good = await trainFromFolder(services, { data: FACES, epochs: 20, seed: 5 });
  assert.equal(good.promotion.madeCurrent, true);
  assert.equal(good.promotion.previous, null);
  assert.equal(await services.registry.currentId(), good.modelId);
  // one epoch at a learning rate far too high: the head is thrown off
  const bad = await trainFromFolder(services, { data: FACES, epochs: 1, learningRate: 1, seed: 5, fromModel: 'current' });
  assert.equal(bad.promotion.madeCurrent, false, bad.promotion.reason);
  assert.equal(await services.registry.currentId(), good.modelId, 'the better model stays current');
  assert.equal(bad.promotion.previous?.modelId, good.modelId);
  assert.match(bad.promotion.reason, new RegExp(`for the current model ${good.modelId} on the same 4 validation images`));
  assert.ok(bad.validation && bad.validation.n === 4, 'the new model has its own validation figures');
  const saved = await services.registry.readMeta(bad.modelId);
  assert.ok(saved, 'it is saved all the same');
  assert.deepEqual(saved.promotion, { madeCurrent: false, reason: bad.promotion.reason, why: bad.promotion.why }, 'meta.json keeps the figures the app words the reason from');

  const forced = await trainFromFolder(services, { data: FACES, epochs: 1, learningRate: 1, seed: 5, fromModel: good.modelId, use: true });
  assert.equal(forced.promotion.madeCurrent, true);
  assert.match(forced.promotion.reason, /^made current as asked; /);
  assert.equal(await services.registry.currentId(), forced.modelId);
});

test('the previous model is judged on the new run\'s validation images it was not trained on, by the same path as evaluate', async () => {
  const own = createServices(await tempDir(), ASSETS, services.backend);
  const first = await trainFromFolder(own, { data: FACES, epochs: 3, seed: 1 });
  // another seed splits the same folder again: some of this run's validation images were the first model's training images
  const second = await trainFromFolder(own, { data: FACES, epochs: 3, seed: 2, validationSplit: 0.3 });
  const trained = new Set((await own.registry.readSamples(first.modelId))!.trained);
  const set = await folderTrainingSet(FACES, { seed: 2, validationSplit: 0.3 });
  const validation = set.samples.filter((x) => x.split === 'validation');
  const fair = [];
  for (const s of validation) if (!trained.has(contentHash(await readFile(s.file!)))) fair.push(s);
  assert.ok(fair.length > 0 && fair.length < validation.length, `the two splits overlap in part (${fair.length} of ${validation.length} fair): else this checks nothing`);
  // evaluate the first model on exactly those of the second run's validation images it did not train on
  const dir = await tempDir();
  for (const s of fair) {
    await mkdir(join(dir, s.label), { recursive: true });
    await copyFile(s.file!, join(dir, s.label, basename(s.file!)));
  }
  const e = await evaluate(own, { data: dir, model: first.modelId });
  assert.equal(e.n, fair.length);
  assert.deepEqual(second.promotion.previous, { modelId: first.modelId, valAccuracy: e.accuracy, valLoss: e.loss, sadRecall: e.perClass.sad.recall });
  const why = second.promotion.why;
  assert.ok(why?.kind === 'compared');
  assert.equal(why.n, fair.length);
  assert.equal(why.leftOut, validation.length - fair.length);
  const leftOut = validation.length - fair.length;
  assert.match(second.promotion.reason, new RegExp(`on the same ${fair.length} validation images? \\(${leftOut} validation images? left out: the current model was trained on (it|them)\\)`));
});

test('a current model trained on every one of the new run\'s validation images cannot be compared with it there: the new model is kept as a candidate (--use makes it current)', async () => {
  const own = createServices(await tempDir(), ASSETS, services.backend);
  const first = await trainFromFolder(own, { data: FACES, epochs: 3, seed: 1 });
  const trained = new Set((await own.registry.readSamples(first.modelId))!.trained);
  // validation/: two images of each class the first model was trained on, copied under other names
  const data = await tempDir();
  for (const label of ['happy', 'sad'] as const) {
    await cp(join(FACES, label), join(data, 'train', label), { recursive: true });
    await mkdir(join(data, 'validation', label), { recursive: true });
    let copied = 0;
    for (const name of (await readdir(join(FACES, label))).sort()) {
      if (copied < 2 && trained.has(contentHash(await readFile(join(FACES, label, name))))) await copyFile(join(FACES, label, name), join(data, 'validation', label, `seen-${copied++}.jpg`));
    }
  }
  const second = await trainFromFolder(own, { data, epochs: 3, seed: 3 });
  assert.equal(second.promotion.madeCurrent, false, second.promotion.reason);
  const problem = 'the model current before it was trained on all 4 of its validation images';
  assert.deepEqual(second.promotion.why, { kind: 'notCompared', asked: false, previous: first.modelId, problem });
  assert.equal(second.promotion.reason, `${problem}, so it cannot be compared with the current model ${first.modelId}`);
  assert.equal(await own.registry.currentId(), first.modelId, 'no evidence that the new model is better: the current one stays');
  const asked = await trainFromFolder(own, { data, epochs: 3, seed: 3, use: true });
  assert.deepEqual([asked.promotion.madeCurrent, asked.promotion.why], [true, { kind: 'notCompared', asked: true, previous: first.modelId, problem }]);
  assert.equal(await own.registry.currentId(), asked.modelId);
});

test('validation without a sad image: no validation figure is claimed; the first model still becomes current', async () => {
  const data = await tempDir();
  await cp(join(FACES, 'happy'), join(data, 'happy'), { recursive: true });
  await mkdir(join(data, 'sad'));
  await copyFile(join(FACES, 'sad', 'Anna_Jones_0001.jpg'), join(data, 'sad', 'only.jpg'));
  const own = createServices(await tempDir(), ASSETS, services.backend);
  const events: string[] = [];
  const details: unknown[] = [];
  const r = await trainFromFolder(own, { data, epochs: 3 }, {
    progress: (e) => {
      events.push(e.type === 'warning' ? `warning: ${e.message}` : e.type === 'stage' ? e.stage : e.type);
      if (e.type === 'warning') details.push(e.detail);
    },
  });
  assert.deepEqual(r.dataset.validation, { happy: 2, sad: 0 });
  assert.equal(r.validation, null);
  assert.deepEqual([r.best.valAccuracy, r.best.valLoss], [null, null], 'not "100 %, 0.0000"');
  assert.ok(r.history.every((h) => h.valAccuracy === null && h.valLoss === null));
  assert.ok(r.warnings.some((w) => /^validation has no sad image/.test(w)));
  assert.ok(r.warnings.some((w) => /^only 8 happy and 1 sad training images/.test(w)));
  const firstWarning = events.findIndex((e) => e.startsWith('warning: '));
  assert.ok(firstWarning >= 0 && firstWarning < events.indexOf('training'), `warnings come before training: ${events.join(', ')}`);
  assert.equal(events.filter((e) => e.startsWith('warning: ')).length, r.warnings.length);
  // each with its figures, for the app to word in its language
  assert.deepEqual(details, [
    { kind: 'fewImages', few: ['happy', 'sad'], train: { happy: 8, sad: 1 }, min: 10 },
    { kind: 'imbalance', more: 'happy', fewer: 'sad', train: { happy: 8, sad: 1 }, maxRatio: 3 },
    { kind: 'validationLacks', missing: ['sad'] },
  ]);
  assert.equal(r.promotion.madeCurrent, true);
  // a second such model cannot be compared: it is saved, not made current
  const again = await trainFromFolder(own, { data, epochs: 3 });
  assert.equal(again.promotion.madeCurrent, false);
  assert.equal(again.promotion.reason, `validation has no sad image, so it cannot be compared with the current model ${r.modelId}`);
});

test('another model made current while a new one trains (another process): the new one is kept as a candidate, not made current over it; --use makes it current all the same', async () => {
  const own = createServices(await tempDir(), ASSETS, services.backend);
  const bad = await trainFromFolder(own, { data: FACES, epochs: 1, learningRate: 1, seed: 5 });
  const other = await trainFromFolder(own, { data: FACES, epochs: 20, seed: 5, use: true });
  await own.registry.setCurrent(bad.modelId);
  // the other process: makes `other` current just as this training is about to save its model
  const meanwhile = { progress: (e: { type: string; stage?: string }) => e.type === 'stage' && e.stage === 'saving' && writeFileSync(join(own.home, 'models', 'current.json'), JSON.stringify({ id: other.modelId })) };
  const late = await trainFromFolder(own, { data: FACES, epochs: 20, seed: 5 }, meanwhile);
  assert.equal(late.promotion.previous?.modelId, bad.modelId, 'judged against the model current then');
  assert.equal(late.promotion.madeCurrent, false);
  assert.deepEqual(late.promotion.why, { kind: 'overtaken', asked: false, previous: bad.modelId, current: other.modelId });
  assert.equal(await own.registry.currentId(), other.modelId, 'the model made current meanwhile stays current');
  assert.deepEqual((await own.registry.readMeta(late.modelId))?.promotion, { madeCurrent: false, reason: late.promotion.reason, why: late.promotion.why });
  assert.equal(late.promotion.reason, `model ${other.modelId} was made current while this one was being trained, so the two were not compared`);

  await own.registry.setCurrent(bad.modelId);
  const asked = await trainFromFolder(own, { data: FACES, epochs: 20, seed: 5, use: true }, meanwhile);
  assert.equal(asked.promotion.madeCurrent, true);
  assert.equal(await own.registry.currentId(), asked.modelId, 'asked to be made current: it is');
});
