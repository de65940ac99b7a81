import { DEFAULT_SEED, DEFAULT_VALIDATION_SPLIT } from '../common/defaults.js';
import { readdir, realpath, stat } from 'node:fs/promises';
import { dirname, extname, join, relative, sep } from 'node:path';
import { badInput, fsReason, notFound } from './errors.js';
import { IMAGE_EXTENSIONS } from './image-decode.js';
import type { ClassCounts, DataProblem, DatasetSummary, SkippedFile } from '../common/engine-types.js';
import type { Label } from '../common/labels.js';
import { inputReason } from '../common/i18n/reasons.js';
import { createRng, deriveSeed, shuffled } from './random.js';
import type { TrainingSet } from './samples.js';

/**
 * Dataset folders: the adapter from a folder layout (train/ + validation/, or happy/ + sad/) to the labelled
 * samples that training takes, and the labelled folders that evaluation reads.
 */

export interface Sample {
  /** absolute or as-given path */
  file: string;
  label: Label;
}

interface Dataset {
  train: Sample[];
  validation: Sample[];
  summary: DatasetSummary;
  /** with countIgnored: image files per left-out class folder (train and validation together) */
  ignoredImages?: Record<string, number>;
}

export interface ScanOptions {
  /** fraction of each class split off for validation when there is no validation/ folder */
  validationSplit?: number;
  seed?: number;
  /**
   * how a folder without validation/ is split: 'stable' (stableSplit, the default) or 'shuffle' (shuffledSplit:
   * how models saved before DatasetSummary.validationSplit was recorded were split, to find their images again)
   */
  splitRule?: 'stable' | 'shuffle';
  /** keep only the first N training images per class (by file name); validation is never capped */
  maxPerClass?: number;
  /** also count the images in the folders that are left out (Dataset.ignoredImages); training does not need them */
  countIgnored?: boolean;
}

const CLASS_ALIASES: Record<string, Label> = { happy: 'happy', happiness: 'happy', sad: 'sad', sadness: 'sad' };
const TRAIN_DIRS = new Set(['train', 'training']);
const VALIDATION_DIRS = new Set(['validation', 'valid', 'val']);
const SILENT_FILES = new Set(['.ds_store', 'thumbs.db', 'desktop.ini']);

/** Byte-wise order, the same on every OS and locale. */
function compareNames(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** A folder entry, symbolic links followed: a linked folder is a folder, a linked image an image. */
interface Entry {
  name: string;
  kind: 'dir' | 'file' | 'other' | 'broken-link' | 'link-loop' | 'unreadable';
  link: boolean;
  /** kind 'unreadable': why */
  reason?: string;
}

async function listDir(dir: string): Promise<Entry[]> {
  let entries: import('node:fs').Dirent[];
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw notFound(inputReason('reason.noSuchFolderAt', { path: dir }), dir);
    if (code === 'ENOTDIR') throw badInput(inputReason('reason.notFolderAt', { path: dir }));
    throw badInput(inputReason('reason.folderUnreadableAt', { path: dir, error: fsReason(err) }));
  }
  const out = await Promise.all(
    entries.map(async (e): Promise<Entry> => ({ name: e.name, link: e.isSymbolicLink(), ...(e.isSymbolicLink() ? await linkKind(join(dir, e.name)) : { kind: e.isDirectory() ? 'dir' : e.isFile() ? 'file' : 'other' }) })),
  );
  return out.sort((a, b) => compareNames(a.name, b.name));
}

async function linkKind(path: string): Promise<Pick<Entry, 'kind' | 'reason'>> {
  try {
    const st = await stat(path);
    return { kind: st.isDirectory() ? 'dir' : st.isFile() ? 'file' : 'other' };
  } catch (err) {
    // only a target that is not there is "a link to nothing"; a loop, or a folder on the way that cannot be entered, says so
    const code = (err as NodeJS.ErrnoException).code;
    return code === 'ENOENT' ? { kind: 'broken-link' } : code === 'ELOOP' ? { kind: 'link-loop' } : { kind: 'unreadable', reason: fsReason(err) };
  }
}

/**
 * Image files under `dir` (recursively, links followed), sorted; anything else is reported as skipped. A link
 * back to a folder above (a loop) is skipped: followed, it would also read the other class's folder. A folder
 * reached again through another link is read once: links to links, two by two, would otherwise read one
 * image 2^depth times (12 levels: 4096 times, 3.7 s; each level doubles it).
 */
async function collectImages(dir: string, skipped: SkippedFile[], above: readonly string[] = [], read = new Set<string>(), others: readonly OtherClass[] = []): Promise<string[]> {
  const real = await realpath(dir).catch(() => dir);
  const other = otherClassOf(real, others);
  if (other) {
    skipped.push({ file: dir, reason: inputReason('reason.linkIntoOtherClass', { class: other }) });
    return [];
  }
  if (above.includes(real)) {
    skipped.push({ file: dir, reason: inputReason('reason.linkAbove') });
    return [];
  }
  if (read.has(real)) {
    skipped.push({ file: dir, reason: inputReason('reason.folderReadTwice') });
    return [];
  }
  read.add(real);
  const chain = [...above, real];
  const files: string[] = [];
  for (const e of await listDir(dir)) {
    const path = join(dir, e.name);
    if (e.name.startsWith('.') || SILENT_FILES.has(e.name.toLowerCase())) continue;
    if (e.kind === 'dir') files.push(...(await collectImages(path, skipped, chain, read, others)));
    else if (e.kind === 'broken-link') skipped.push({ file: path, reason: inputReason('reason.brokenLink') });
    else if (e.kind === 'link-loop') skipped.push({ file: path, reason: inputReason('reason.linkLoop') });
    else if (e.kind === 'unreadable') skipped.push({ file: path, reason: e.reason! });
    else if (e.kind !== 'file') skipped.push({ file: path, reason: inputReason('reason.notFile') });
    else if (!IMAGE_EXTENSIONS.has(extname(e.name).toLowerCase())) skipped.push({ file: path, reason: extname(e.name) ? inputReason('reason.notImageFile', { extension: extname(e.name) }) : inputReason('reason.notImageFileNoExtension') });
    else {
      const into = e.link ? otherClassOf(await realpath(path).catch(() => path), others) : null;
      if (into) skipped.push({ file: path, reason: inputReason('reason.linkToOtherClassImage', { class: into }) });
      else files.push(path);
    }
  }
  return files;
}

/** A class folder of the same dataset part, resolved, and its name as found. */
interface OtherClass {
  real: string;
  name: string;
}

function otherClassOf(real: string, others: readonly OtherClass[]): string | null {
  return others.find((o) => real === o.real || real.startsWith(o.real.endsWith(sep) ? o.real : o.real + sep))?.name ?? null;
}

/** `dir` and every folder above it, resolved: where a link inside a class folder must not lead. */
async function ancestors(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (let d = await realpath(dir).catch(() => dir); ; d = dirname(d)) {
    out.push(d);
    if (dirname(d) === d) return out;
  }
}

/**
 * Reads a folder whose subfolders are classes. happy/ and sad/ are matched case-insensitively; other
 * class folders are listed in `ignored`.
 */
async function scanClassFolders(dir: string, skipped: SkippedFile[], ignored: string[], ignoredImages?: Map<string, number>): Promise<Sample[]> {
  const samples: Sample[] = [];
  const entries = (await listDir(dir)).filter((e) => e.kind === 'dir' && !e.name.startsWith('.'));
  // where each class's images are: a link from one class's folder into another's would label them twice
  const classes = await Promise.all(
    entries.flatMap((e) => {
      const label = CLASS_ALIASES[e.name.toLowerCase()];
      return label ? [realpath(join(dir, e.name)).then((real) => ({ label, real, name: e.name }), () => null)] : [];
    }),
  );
  for (const e of entries) {
    const label = CLASS_ALIASES[e.name.toLowerCase()];
    if (!label) {
      if (!ignored.includes(e.name)) ignored.push(e.name);
      if (ignoredImages) ignoredImages.set(e.name, (ignoredImages.get(e.name) ?? 0) + (await collectImages(join(dir, e.name), [])).length);
      continue;
    }
    const others = classes.flatMap((c) => (c && c.label !== label ? [{ real: c.real, name: c.name }] : []));
    for (const file of await collectImages(join(dir, e.name), skipped, await ancestors(dir), new Set(), others)) samples.push({ file, label });
  }
  return samples;
}

function findDir(entries: Entry[], names: Set<string>): string | undefined {
  return entries.find((e) => e.kind === 'dir' && names.has(e.name.toLowerCase()))?.name;
}

function countClasses(samples: readonly Sample[]): ClassCounts {
  const c = { happy: 0, sad: 0 };
  for (const s of samples) c[s.label]++;
  return c;
}

/**
 * Splits off `fraction` of each class for validation (rounded; a class of one image keeps it to train on, any
 * other lends at least one and keeps at least one): the images whose seeded hash of their path in the dataset
 * folder (relative to `root`, '/' between folders) is lowest. An image's rank among its class never depends on
 * which other images are there, so a folder that grows moves only the few images near the cut from train into
 * validation (a shuffle moved most of them: a retrain's starting model learned its training images, and in
 * validation they flatter the new model's figures; the few left are moved back by the retrain, see
 * trainFromFolder). The same folder elsewhere splits the same way. Both parts keep file-name order.
 */
export function stableSplit(samples: readonly Sample[], fraction: number, seed: number, root: string): { train: Sample[]; validation: Sample[] } {
  const picked = new Set<Sample>();
  for (const label of ['happy', 'sad'] as const) {
    const ofClass = samples.filter((s) => s.label === label);
    const keyed = ofClass.map((s) => ({ s, key: splitKey(seed, root, s.file) })).sort((a, b) => a.key - b.key || compareNames(a.s.file, b.s.file));
    for (const k of keyed.slice(0, validationCount(ofClass.length, fraction))) picked.add(k.s);
  }
  return { train: samples.filter((s) => !picked.has(s)), validation: samples.filter((s) => picked.has(s)) };
}

/**
 * How many of a class of `n` go to validation: a class with a single image cannot lend one without leaving
 * nothing to learn from; nor can any split take a class's last image (a fraction near 1 rounds up to all of them).
 */
function validationCount(n: number, fraction: number): number {
  return n < 2 ? 0 : Math.min(n - 1, Math.max(1, Math.round(n * fraction)));
}

/** An image's rank key for stableSplit: the same on every OS (the path's separators made '/'). */
function splitKey(seed: number, root: string, file: string): number {
  return deriveSeed(seed, 'validation', relative(root, file).split(sep).join('/')) / 2 ** 32;
}

/**
 * Splits off `fraction` of each class, chosen by a seeded shuffle of the class: the split of models saved
 * before the split was stableSplit (they recorded no validationSplit), kept to find their images again. Adding
 * one image reshuffles them all. Both parts keep file-name order.
 */
export function shuffledSplit(samples: readonly Sample[], fraction: number, seed: number): { train: Sample[]; validation: Sample[] } {
  const train: Sample[] = [];
  const validation: Sample[] = [];
  for (const label of ['happy', 'sad'] as const) {
    const ofClass = samples.filter((s) => s.label === label);
    const nVal = validationCount(ofClass.length, fraction);
    const picked = new Set(shuffled(ofClass, createRng(seed ^ (label === 'happy' ? 0x9e37 : 0x79b9))).slice(0, nVal));
    for (const s of ofClass) (picked.has(s) ? validation : train).push(s);
  }
  return { train, validation };
}

/**
 * How to split a model's dataset folder again as it was split for it: the share and rule it recorded or, for a
 * model saved before they were recorded, a shuffle at the share its counts give (its library images, counted
 * with the folder's, left out). Nothing for a folder with its own validation/.
 */
export function recordedSplit(recorded: DatasetSummary): Pick<ScanOptions, 'validationSplit' | 'splitRule'> {
  if (recorded.validationFrom !== 'split') return {};
  if (recorded.validationSplit !== undefined) return { validationSplit: recorded.validationSplit, ...(recorded.validationRule === 'shuffle' && { splitRule: 'shuffle' as const }) };
  const lib = recorded.library;
  const nVal = recorded.validation.happy + recorded.validation.sad - (lib ? lib.validation.happy + lib.validation.sad : 0);
  const nAll = nVal + recorded.train.happy + recorded.train.sad - (lib ? lib.train.happy + lib.train.sad : 0);
  return { splitRule: 'shuffle', ...(nAll > 0 && { validationSplit: Math.min(0.9, Math.max(0.01, nVal / nAll)) }) };
}

/** The first `n` of each class, in file-name order. */
export function capPerClass(samples: readonly Sample[], n: number): Sample[] {
  const seen = { happy: 0, sad: 0 };
  return samples.filter((s) => seen[s.label]++ < n);
}

/**
 * Reads a dataset in the notebook's layout (train/{happy,sad}, validation/{happy,sad}), or a plain
 * {happy,sad} folder. Without validation/, a seeded split of each class is used (stableSplit). Never refuses a
 * folder that can be listed: a class without training images is for the caller to judge (missingClasses).
 */
export async function readDatasetLayout(root: string, opts: ScanOptions = {}): Promise<Dataset> {
  const fraction = opts.validationSplit ?? DEFAULT_VALIDATION_SPLIT;
  const seed = opts.seed ?? DEFAULT_SEED;
  const skipped: SkippedFile[] = [];
  const ignoredClasses: string[] = [];
  const ignoredImages = opts.countIgnored ? new Map<string, number>() : undefined;
  const stable = opts.splitRule !== 'shuffle';
  const split = (samples: Sample[]) => (stable ? stableSplit(samples, fraction, seed, root) : shuffledSplit(samples, fraction, seed));
  const entries = await listDir(root);
  const trainDir = findDir(entries, TRAIN_DIRS);
  const valDir = findDir(entries, VALIDATION_DIRS);

  let train: Sample[];
  let validation: Sample[];
  let validationFrom: DatasetSummary['validationFrom'];
  // happy/ and sad/ beside train/: not read, and said, so that nobody wonders why their images are not counted
  const unusedBesideTrain = trainDir ? entries.filter((e) => e.kind === 'dir' && CLASS_ALIASES[e.name.toLowerCase()] !== undefined).map((e) => e.name) : [];
  if (trainDir) {
    train = await scanClassFolders(join(root, trainDir), skipped, ignoredClasses, ignoredImages);
    if (valDir) {
      validation = await scanClassFolders(join(root, valDir), skipped, ignoredClasses, ignoredImages);
      validationFrom = 'folders';
    } else {
      ({ train, validation } = split(train));
      validationFrom = 'split';
    }
  } else {
    const all = await scanClassFolders(root, skipped, ignoredClasses, ignoredImages);
    ({ train, validation } = split(all));
    validationFrom = 'split';
  }
  if (opts.maxPerClass !== undefined) train = capPerClass(train, opts.maxPerClass);
  return {
    train,
    validation,
    summary: {
      root,
      validationFrom,
      ...(validationFrom === 'split' && { validationSplit: fraction, ...(!stable && { validationRule: 'shuffle' as const }) }),
      maxPerClass: opts.maxPerClass ?? null,
      train: countClasses(train),
      validation: countClasses(validation),
      ignoredClasses,
      ...(unusedBesideTrain.length > 0 && { unusedBesideTrain }),
      skipped,
    },
    ...(ignoredImages && { ignoredImages: Object.fromEntries(ignoredImages) }),
  };
}

/** Why a dataset cannot be trained on (a class without training images) as figures, or null when it can. */
export function missingClassesDetail(summary: DatasetSummary): DataProblem | null {
  const { train: counts, ignoredClasses } = summary;
  const missing = (['happy', 'sad'] as const).filter((l) => counts[l] === 0);
  return missing.length ? { kind: 'noTrainingImages', missing, found: [...ignoredClasses] } : null;
}

/** The same in one English sentence, or null when it can be trained on. */
export function missingClasses(summary: DatasetSummary): string | null {
  const detail = missingClassesDetail(summary);
  if (!detail) return null;
  const { root } = summary;
  return (
    `no ${detail.missing.join(' or ')} training images in ${root}: expected folders happy and sad in it, ` +
    `or train/happy and train/sad (validation/ optional)` +
    (detail.found.length ? `; other folders (not used): ${detail.found.join(', ')}` : '')
  );
}

/** readDatasetLayout, refusing a dataset without training images of both classes. */
export async function scanDataset(root: string, opts: ScanOptions = {}): Promise<Dataset> {
  const ds = await readDatasetLayout(root, opts);
  const problem = missingClasses(ds.summary);
  if (problem) throw badInput(problem);
  return ds;
}

/** A dataset folder as a training set: its train and validation images as labelled samples, and its summary. */
export async function folderTrainingSet(root: string, opts: ScanOptions = {}): Promise<TrainingSet> {
  const { train, validation, summary } = await scanDataset(root, opts);
  return {
    samples: [...train.map((s) => ({ ...s, split: 'train' as const })), ...validation.map((s) => ({ ...s, split: 'validation' as const }))],
    summary,
  };
}

/**
 * For evaluation: `dir` holds happy/ and sad/, or the train/validation layout (then validation/ is used).
 */
export async function scanEvalSet(dir: string): Promise<{ samples: Sample[]; skipped: SkippedFile[]; ignoredClasses: string[] }> {
  const skipped: SkippedFile[] = [];
  const ignoredClasses: string[] = [];
  const entries = await listDir(dir);
  const valDir = findDir(entries, VALIDATION_DIRS);
  const samples = await scanClassFolders(valDir ? join(dir, valDir) : dir, skipped, ignoredClasses);
  if (samples.length === 0) {
    throw badInput(inputReason('reason.noEvalImages', { path: dir }));
  }
  return { samples, skipped, ignoredClasses };
}
