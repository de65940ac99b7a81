import assert from 'node:assert/strict';
import { mkdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { capPerClass, folderTrainingSet, recordedSplit, scanDataset, scanEvalSet, shuffledSplit, stableSplit, type Sample } from '../../engine/dataset.js';
import type { DatasetSummary } from '../../common/engine-types.js';
import { tempDir } from '../helpers/tmp.js';

async function tree(root: string, files: string[]): Promise<void> {
  for (const f of files) {
    await mkdir(join(root, f, '..'), { recursive: true });
    await writeFile(join(root, f), 'x');
  }
}
const countsOf = (ds: { train: Sample[]; validation: Sample[] }) => {
  const c = { happy: 0, sad: 0 };
  for (const s of [...ds.train, ...ds.validation]) c[s.label]++;
  return c;
};
const names = (n: number, ext = 'jpg') => Array.from({ length: n }, (_, i) => `img${String(i).padStart(3, '0')}.${ext}`);

test('notebook layout, matched case-insensitively, with other expressions and non-images reported', async () => {
  const root = await tempDir();
  await tree(root, [
    ...names(5).map((n) => `Train/HAPPY/${n}`),
    ...names(4).map((n) => `Train/Sad/${n}`),
    ...names(3).map((n) => `Train/angry/${n}`),
    ...names(2).map((n) => `train-neutral-not-a-split/${n}`),
    'Train/happy-notes.txt',
    'Train/HAPPY/readme.txt',
    'Train/HAPPY/.DS_Store',
    ...names(2).map((n) => `Validation/happy/${n}`),
    ...names(3).map((n) => `Validation/sad/${n}`),
    ...names(1).map((n) => `Validation/fear/${n}`),
  ]);
  const ds = await scanDataset(root);
  assert.equal(ds.summary.validationFrom, 'folders');
  assert.deepEqual(ds.summary.train, { happy: 5, sad: 4 });
  assert.deepEqual(ds.summary.validation, { happy: 2, sad: 3 });
  assert.deepEqual(ds.summary.ignoredClasses, ['angry', 'fear']);
  assert.deepEqual(ds.summary.skipped.map((s) => [s.file.slice(root.length + 1), s.reason]), [['Train/HAPPY/readme.txt', 'not an image file (.txt)']]);
  assert.equal(ds.train[0]!.file, join(root, 'Train', 'HAPPY', 'img000.jpg'));
  assert.equal(ds.summary.unusedBesideTrain, undefined, 'no class folder beside train/');
  // happy/ and sad/ beside train/: not read, and said
  await tree(root, [...names(2).map((n) => `happy/${n}`), ...names(2).map((n) => `Sad/${n}`)]);
  const beside = await scanDataset(root);
  assert.deepEqual(beside.summary.train, { happy: 5, sad: 4 }, 'train/ is what is read');
  assert.deepEqual([...beside.summary.unusedBesideTrain!].sort(), ['Sad', 'happy']);
});

test('symbolic links are followed: a linked class folder, a linked image; a broken link is reported, a loop read once', async () => {
  const root = await tempDir();
  const elsewhere = await tempDir();
  await tree(elsewhere, names(3).map((n) => `sad-faces/${n}`));
  await tree(root, [...names(2).map((n) => `train/happy/${n}`), ...names(1).map((n) => `validation/happy/${n}`), ...names(1).map((n) => `validation/sad/${n}`)]);
  await symlink(join(elsewhere, 'sad-faces'), join(root, 'train', 'sad'));
  await tree(elsewhere, ['more-happy/extra.jpg']);
  await symlink(join(elsewhere, 'more-happy', 'extra.jpg'), join(root, 'train', 'happy', 'linked.jpg'));
  await symlink(join(elsewhere, 'gone.jpg'), join(root, 'train', 'happy', 'broken.jpg'));
  await symlink(join(root, 'train'), join(root, 'train', 'happy', 'loop'));
  await symlink(root, join(elsewhere, 'sad-faces', 'up'));
  // two links to each other: no folder, no file, and not "a link to nothing" either
  await symlink('cycle-b.jpg', join(root, 'train', 'happy', 'cycle-a.jpg'));
  await symlink('cycle-a.jpg', join(root, 'train', 'happy', 'cycle-b.jpg'));
  const ds = await scanDataset(root);
  assert.deepEqual(ds.summary.train, { happy: 3, sad: 3 });
  assert.ok(ds.train.some((s) => s.file === join(root, 'train', 'happy', 'linked.jpg') && s.label === 'happy'));
  assert.deepEqual(ds.summary.skipped.map((s) => [s.file.slice(root.length + 1), s.reason]), [
    ['train/happy/broken.jpg', 'a link to nothing (broken symbolic link)'],
    ['train/happy/cycle-a.jpg', 'a symbolic link that leads back to itself'],
    ['train/happy/cycle-b.jpg', 'a symbolic link that leads back to itself'],
    ['train/happy/loop', 'a link back to a folder above it'],
    ['train/sad/up', 'a link back to a folder above it'],
  ]);
});

test('a folder reached through several links is read once (links to links, two by two, would read it 2^depth times)', async () => {
  const root = await tempDir();
  const elsewhere = await tempDir();
  await tree(elsewhere, ['d3/img000.jpg']);
  for (const d of [0, 1, 2]) await mkdir(join(elsewhere, `d${d}`), { recursive: true });
  for (const d of [0, 1, 2]) for (const link of ['a', 'b']) await symlink(join(elsewhere, `d${d + 1}`), join(elsewhere, `d${d}`, link));
  await tree(root, names(2).map((n) => `sad/${n}`));
  await mkdir(join(root, 'happy'));
  await symlink(join(elsewhere, 'd0'), join(root, 'happy', 'in'));
  const ds = await scanDataset(root, { validationSplit: 0 });
  assert.equal(ds.train.filter((s) => s.label === 'happy').length, 1, 'the one image, once');
  assert.equal(ds.summary.skipped.filter((s) => s.reason === 'a folder already read (through another link)').length, 3);
});

test("a link from one class's folder into another's is skipped and said: its images would count under both labels", async () => {
  const root = await tempDir();
  await tree(root, [...names(3).map((n) => `happy/${n}`), ...names(2).map((n) => `sad/${n}`)]);
  await symlink(join(root, 'sad'), join(root, 'happy', 'also-sad'));
  await symlink(join(root, 'sad', 'img000.jpg'), join(root, 'happy', 'linked.jpg'));
  await mkdir(join(root, 'sad', 'sub'));
  await symlink(join(root, 'happy', 'img001.jpg'), join(root, 'sad', 'sub', 'from-happy.jpg'));
  const ds = await scanDataset(root, { validationSplit: 0 });
  assert.deepEqual(countsOf(ds), { happy: 3, sad: 2 });
  assert.deepEqual(ds.summary.skipped.map((s) => [s.file.slice(root.length + 1), s.reason]), [
    ['happy/also-sad', 'a link into the sad folder (its images would be counted under both classes)'],
    ['happy/linked.jpg', 'a link to an image of the sad folder (it would be counted under both classes)'],
    ['sad/sub/from-happy.jpg', 'a link to an image of the happy folder (it would be counted under both classes)'],
  ]);
});

test('without validation/, a seeded split of 20 % per class, the share recorded', async () => {
  const root = await tempDir();
  await tree(root, [...names(50).map((n) => `happy/${n}`), ...names(30).map((n) => `sad/${n}`)]);
  const a = await scanDataset(root, { seed: 7 });
  assert.equal(a.summary.validationFrom, 'split');
  assert.equal(a.summary.validationSplit, 0.2);
  assert.deepEqual(a.summary.validation, { happy: 10, sad: 6 });
  assert.deepEqual(a.summary.train, { happy: 40, sad: 24 });
  const b = await scanDataset(root, { seed: 7 });
  assert.deepEqual(b.validation, a.validation, 'same seed, same split');
  const c = await scanDataset(root, { seed: 8 });
  assert.notDeepEqual(c.validation, a.validation, 'another seed, another split');
  const all = new Set([...a.train, ...a.validation].map((s) => s.file));
  assert.equal(all.size, 80, 'no image lost or duplicated');
  const half = await scanDataset(root, { seed: 7, validationSplit: 0.5 });
  assert.deepEqual(half.summary.validation, { happy: 25, sad: 15 });
});

test('a folder that grows moves few of its training images into validation (a retrain learned them); the same folder elsewhere splits the same', async () => {
  const root = await tempDir();
  const before = [...names(60).map((n) => `happy/${n}`), ...names(40).map((n) => `sad/${n}`)];
  const grown = [...names(30).map((n) => `happy/new-${n}`), ...names(20).map((n) => `sad/new-${n}`)];
  await tree(root, before);
  const moved = async (rule: 'stable' | 'shuffle') => {
    const dir = await tempDir();
    await tree(dir, before);
    const a = await scanDataset(dir, { seed: 42, splitRule: rule });
    await tree(dir, grown);
    const b = new Set((await scanDataset(dir, { seed: 42, splitRule: rule })).validation.map((s) => s.file));
    return { moved: a.train.filter((s) => b.has(s.file)).length, validation: b.size };
  };
  const stable = await moved('stable');
  const shuffle = await moved('shuffle');
  assert.equal(stable.validation, 30);
  // only the images just past the cut can move in: by their hashes, 2 of 30 here; the shuffle moved 18
  assert.ok(stable.moved <= 3, `${stable.moved} of the training images moved into validation`);
  assert.ok(shuffle.moved >= 15, `the shuffle moved ${shuffle.moved}: else this compares nothing`);
  const here = await scanDataset(root, { seed: 42 });
  const elsewhere = await tempDir();
  await tree(elsewhere, before);
  const there = await scanDataset(elsewhere, { seed: 42 });
  assert.deepEqual(there.validation.map((s) => s.file.slice(elsewhere.length)), here.validation.map((s) => s.file.slice(root.length)));
});

test('models saved before the share was recorded are split again by their shuffle, at the share their counts give', async () => {
  const root = await tempDir();
  await tree(root, [...names(50).map((n) => `happy/${n}`), ...names(30).map((n) => `sad/${n}`)]);
  const legacy = await scanDataset(root, { seed: 7, splitRule: 'shuffle' });
  assert.deepEqual(legacy.summary.validation, { happy: 10, sad: 6 }, 'exactly the share of each class');
  assert.deepEqual([legacy.summary.validationSplit, legacy.summary.validationRule], [0.2, 'shuffle'], 'a shuffled split records its share and rule: its retrains split the folder as it was split');
  assert.notDeepEqual(legacy.validation, (await scanDataset(root, { seed: 7 })).validation, 'not the rank split');

  const summary = (over: Partial<DatasetSummary>): DatasetSummary => ({ root, validationFrom: 'split', train: { happy: 40, sad: 24 }, validation: { happy: 10, sad: 6 }, ignoredClasses: [], skipped: [], ...over });
  assert.deepEqual(recordedSplit(summary({ validationSplit: 0.3 })), { validationSplit: 0.3 });
  assert.deepEqual(recordedSplit(summary({ validationSplit: 0.3, validationRule: 'shuffle' })), { validationSplit: 0.3, splitRule: 'shuffle' });
  assert.deepEqual(recordedSplit(summary({})), { splitRule: 'shuffle', validationSplit: 0.2 });
  // a library retrain's counts include the library's images: the folder's own share is without them
  const lib = { dir: '/lib', train: { happy: 8, sad: 8 }, validation: { happy: 2, sad: 2 }, includeUnreviewed: false, minConfidence: null };
  assert.deepEqual(recordedSplit(summary({ train: { happy: 48, sad: 32 }, validation: { happy: 12, sad: 8 }, library: lib })), { splitRule: 'shuffle', validationSplit: 0.2 });
  assert.deepEqual(recordedSplit(summary({ validationFrom: 'folders' })), {});
});

test('--max-per-class caps training images (first by name), never validation', async () => {
  const root = await tempDir();
  await tree(root, [...names(12).map((n) => `train/happy/${n}`), ...names(12).map((n) => `train/sad/${n}`), ...names(5).map((n) => `validation/happy/${n}`), ...names(5).map((n) => `validation/sad/${n}`)]);
  const ds = await scanDataset(root, { maxPerClass: 3 });
  assert.deepEqual(ds.summary.train, { happy: 3, sad: 3 });
  assert.deepEqual(ds.summary.validation, { happy: 5, sad: 5 });
  assert.deepEqual(ds.train.filter((s) => s.label === 'sad').map((s) => s.file.slice(-10)), ['img000.jpg', 'img001.jpg', 'img002.jpg']);
});

test('pure helpers: split keeps tiny classes in train and lends one of any other, cap keeps order', () => {
  const s = (label: 'happy' | 'sad', i: number): Sample => ({ file: `/d/${label}/${label}${i}`, label });
  for (const split of [(x: Sample[], f: number) => stableSplit(x, f, 1, '/d'), (x: Sample[], f: number) => shuffledSplit(x, f, 1)]) {
    const { train, validation } = split([s('happy', 0), s('sad', 0), s('sad', 1)], 0.2);
    assert.deepEqual(train.filter((x) => x.label === 'happy').length, 1, 'a single image stays in train');
    assert.equal(validation.length, 1, 'a class of two lends one');
    // a fraction near 1 rounds up to a whole class: one image of each stays to train on
    const twenty = (['happy', 'sad'] as const).flatMap((label) => Array.from({ length: 20 }, (_, i) => s(label, i)));
    const most = split(twenty, 0.99);
    assert.deepEqual([most.train.filter((x) => x.label === 'happy').length, most.train.filter((x) => x.label === 'sad').length], [1, 1]);
    assert.equal(most.validation.length, 38);
  }
  assert.deepEqual(capPerClass([s('happy', 0), s('sad', 0), s('happy', 1), s('happy', 2)], 2).map((x) => x.file), ['/d/happy/happy0', '/d/sad/sad0', '/d/happy/happy1']);
});

test('missing folders and missing classes are clear errors', async () => {
  const root = await tempDir();
  await assert.rejects(scanDataset(join(root, 'nope')), /nope: no such folder/);
  await tree(root, [...names(3).map((n) => `train/happy/${n}`), ...names(2).map((n) => `train/angry/${n}`)]);
  await assert.rejects(scanDataset(root), /no sad training images in .*other folders \(not used\): angry/);
});

test('eval sets: happy/ and sad/, or the validation/ part of a train layout', async () => {
  const flat = await tempDir();
  await tree(flat, [...names(2).map((n) => `Happy/${n}`), ...names(3).map((n) => `sad/${n}`)]);
  assert.equal((await scanEvalSet(flat)).samples.length, 5);
  const split = await tempDir();
  await tree(split, [...names(4).map((n) => `train/happy/${n}`), ...names(1).map((n) => `val/happy/${n}`), ...names(2).map((n) => `val/sad/${n}`)]);
  assert.equal((await scanEvalSet(split)).samples.length, 3);
  await assert.rejects(scanEvalSet(await tempDir()), /no images found/);
});

test('as a training set: every image once as a labelled sample, tagged with its split; the same summary', async () => {
  const root = await tempDir();
  await tree(root, [...names(6).map((n) => `happy/${n}`), ...names(5).map((n) => `sad/${n}`), 'sad/notes.txt']);
  const ds = await scanDataset(root, { seed: 3 });
  const set = await folderTrainingSet(root, { seed: 3 });
  assert.deepEqual(set.summary, ds.summary);
  assert.deepEqual(set.samples, [...ds.train.map((s) => ({ ...s, split: 'train' })), ...ds.validation.map((s) => ({ ...s, split: 'validation' }))]);
  assert.equal(set.samples.length, 11);
  assert.equal(set.samples.filter((s) => s.split === 'validation').length, 2, '20 % of each class');
});
