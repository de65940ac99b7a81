import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { validateRequest } from '../../../common/engine-contract.js';
import { folderTrainingSet } from '../../../engine/dataset.js';
import { inspectData } from '../../../engine/use-cases/inspect-data.js';
import { tempDir } from '../../helpers/tmp.js';

async function tree(root: string, files: string[]): Promise<void> {
  for (const f of files) {
    await mkdir(join(root, f, '..'), { recursive: true });
    await writeFile(join(root, f), 'x');
  }
}
const names = (n: number) => Array.from({ length: n }, (_, i) => `img${String(i).padStart(3, '0')}.jpg`);

test('notebook layout: counts per split and class, other expressions, skipped files with reasons, no warning when fine', async () => {
  const root = await tempDir();
  await tree(root, [
    ...names(12).map((n) => `train/happy/${n}`),
    ...names(11).map((n) => `train/sad/${n}`),
    ...names(4).map((n) => `train/angry/${n}`),
    'train/sad/notes.txt',
    ...names(3).map((n) => `validation/happy/${n}`),
    ...names(2).map((n) => `validation/sad/${n}`),
    ...names(1).map((n) => `validation/neutral/${n}`),
  ]);
  const r = await inspectData({ data: root });
  assert.deepEqual(r.summary.train, { happy: 12, sad: 11 });
  assert.deepEqual(r.summary.validation, { happy: 3, sad: 2 });
  assert.equal(r.summary.validationFrom, 'folders');
  assert.deepEqual(r.summary.ignoredClasses, ['angry', 'neutral']);
  assert.deepEqual(r.ignoredImages, { angry: 4, neutral: 1 });
  assert.deepEqual(r.summary.skipped, [{ file: join(root, 'train', 'sad', 'notes.txt'), reason: 'not an image file (.txt)' }]);
  assert.deepEqual(r.warnings, []);
  assert.equal(r.problem, null);
});

test('the same counts that training uses, for the same validation share (the seed picks which images, not how many)', async () => {
  const root = await tempDir();
  await tree(root, [...names(40).map((n) => `happy/${n}`), ...names(25).map((n) => `sad/${n}`)]);
  for (const opts of [{}, { seed: 3, validationSplit: 0.4 }]) {
    const r = await inspectData({ data: root, ...opts });
    const set = await folderTrainingSet(root, opts);
    assert.deepEqual(r.summary, set.summary);
    assert.equal(r.summary.validationFrom, 'split');
  }
  assert.deepEqual((await inspectData({ data: root, validationSplit: 0.4 })).summary.validation, { happy: 16, sad: 10 });
});

test('few images of a class and a heavy imbalance are warned about, as training would', async () => {
  const root = await tempDir();
  await tree(root, [...names(40).map((n) => `train/happy/${n}`), ...names(6).map((n) => `train/sad/${n}`), ...names(2).map((n) => `validation/happy/${n}`), ...names(2).map((n) => `validation/sad/${n}`)]);
  const r = await inspectData({ data: root });
  assert.equal(r.problem, null);
  assert.equal(r.warnings.length, 2);
  assert.match(r.warnings[0]!, /^only 6 sad training images/);
  assert.match(r.warnings[1]!, /^6\.7 times as many happy as sad training images \(40 vs 6\)/);
  assert.deepEqual(r.warningDetails.map((w) => w.kind), ['fewImages', 'imbalance'], 'the same warnings as figures');
  assert.equal(r.problemDetails, null);
});

test('a folder training would refuse is described, not thrown: which class is missing and what was found', async () => {
  const root = await tempDir();
  await tree(root, [...names(5).map((n) => `happy/${n}`), ...names(3).map((n) => `fear/${n}`), 'fear/x.txt']);
  const r = await inspectData({ data: root });
  assert.deepEqual(r.summary.train.sad, 0);
  assert.deepEqual(r.ignoredImages, { fear: 3 }, 'images only');
  assert.equal(r.problem, `no sad training images in ${root}: expected folders happy and sad in it, or train/happy and train/sad (validation/ optional); other folders (not used): fear`);
  assert.deepEqual(r.problemDetails, { kind: 'noTrainingImages', missing: ['sad'], found: ['fear'] }, 'the same as figures, for the app to word');
  assert.deepEqual(r.warnings, []);
  assert.deepEqual(r.warningDetails, []);
});

test('a missing folder or a file is a clear error naming it', async () => {
  const root = await tempDir();
  await assert.rejects(inspectData({ data: join(root, 'nope') }), (e: Error) => e.message === `${join(root, 'nope')}: no such folder`);
  await writeFile(join(root, 'a.jpg'), 'x');
  await assert.rejects(inspectData({ data: join(root, 'a.jpg') }), (e: Error) => e.message === `${join(root, 'a.jpg')}: not a folder`);
});

test('the contract takes the folder and the split settings, nothing a training alone needs', () => {
  assert.deepEqual(validateRequest('inspectData', { data: '/d', seed: 1, validationSplit: 0.3 }).params, { data: '/d', seed: 1, validationSplit: 0.3 });
  assert.throws(() => validateRequest('inspectData', { data: '/d', epochs: 3 }), /inspectData: parameters: Unrecognized key: "epochs"/);
  assert.throws(() => validateRequest('inspectData', { data: '' }), /inspectData: data: must not be empty/);
});
