import { DEFAULT_SEED, DEFAULT_VALIDATION_SPLIT } from '../common/defaults.js';
import { readdir, realpath, stat } from 'node:fs/promises';
import { dirname, extname, join, sep } from 'node:path';
import { badInput, fsReason, notFound } from './errors.js';
import { IMAGE_EXTENSIONS } from './image-decode.js';
import type { ClassCounts, DataProblem, DatasetSummary, SkippedFile } from '../common/engine-types.js';
import type { Label } from '../common/labels.js';
import { inputReason } from '../common/i18n/reasons.js';
import { createRng, shuffled } from './random.js';
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

interface ScanOptions {
  /** fraction of each class split off for validation when there is no validation/ folder */
  validationSplit?: number;
  seed?: number;
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
  kind: 'dir' | 'file' | 'other' | 'broken-link';
  link: boolean;
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
    entries.map(async (e): Promise<Entry> => ({ name: e.name, link: e.isSymbolicLink(), kind: e.isSymbolicLink() ? await linkKind(join(dir, e.name)) : e.isDirectory() ? 'dir' : e.isFile() ? 'file' : 'other' })),
  );
  return out.sort((a, b) => compareNames(a.name, b.name));
}

async function linkKind(path: string): Promise<Entry['kind']> {
  try {
    const st = await stat(path);
    return st.isDirectory() ? 'dir' : st.isFile() ? 'file' : 'other';
  } catch {
    return 'broken-link';
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
    skipped.push({ file: dir, reason: `a link into the ${other} folder (its images would be counted under both classes)` });
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
    else if (e.kind !== 'file') skipped.push({ file: path, reason: inputReason('reason.notFile') });
    else if (!IMAGE_EXTENSIONS.has(extname(e.name).toLowerCase())) skipped.push({ file: path, reason: extname(e.name) ? inputReason('reason.notImageFile', { extension: extname(e.name) }) : inputReason('reason.notImageFileNoExtension') });
    else {
      const into = e.link ? otherClassOf(await realpath(path).catch(() => path), others) : null;
      if (into) skipped.push({ file: path, reason: `a link to an image of the ${into} folder (it would be counted under both classes)` });
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

/** Splits off `fraction` of each class, chosen by a seeded shuffle; both parts keep file-name order. */
export function stratifiedSplit(samples: readonly Sample[], fraction: number, seed: number): { train: Sample[]; validation: Sample[] } {
  const train: Sample[] = [];
  const validation: Sample[] = [];
  for (const label of ['happy', 'sad'] as const) {
    const ofClass = samples.filter((s) => s.label === label);
    // a class with a single image cannot lend one to validation without leaving nothing to learn from; nor can
    // any split take a class's last image (a fraction near 1 rounds up to all of them)
    const nVal = ofClass.length < 2 ? 0 : Math.min(ofClass.length - 1, Math.max(1, Math.round(ofClass.length * fraction)));
    const picked = new Set(shuffled(ofClass, createRng(seed ^ (label === 'happy' ? 0x9e37 : 0x79b9))).slice(0, nVal));
    for (const s of ofClass) (picked.has(s) ? validation : train).push(s);
  }
  return { train, validation };
}

/** The first `n` of each class, in file-name order. */
export function capPerClass(samples: readonly Sample[], n: number): Sample[] {
  const seen = { happy: 0, sad: 0 };
  return samples.filter((s) => seen[s.label]++ < n);
}

/**
 * Reads a dataset in the notebook's layout (train/{happy,sad}, validation/{happy,sad}), or a plain
 * {happy,sad} folder. Without validation/, a stratified, seeded split of train is used. Never refuses a
 * folder that can be listed: a class without training images is for the caller to judge (missingClasses).
 */
export async function readDatasetLayout(root: string, opts: ScanOptions = {}): Promise<Dataset> {
  const fraction = opts.validationSplit ?? DEFAULT_VALIDATION_SPLIT;
  const seed = opts.seed ?? DEFAULT_SEED;
  const skipped: SkippedFile[] = [];
  const ignoredClasses: string[] = [];
  const ignoredImages = opts.countIgnored ? new Map<string, number>() : undefined;
  const entries = await listDir(root);
  const trainDir = findDir(entries, TRAIN_DIRS);
  const valDir = findDir(entries, VALIDATION_DIRS);

  let train: Sample[];
  let validation: Sample[];
  let validationFrom: DatasetSummary['validationFrom'];
  if (trainDir) {
    train = await scanClassFolders(join(root, trainDir), skipped, ignoredClasses, ignoredImages);
    if (valDir) {
      validation = await scanClassFolders(join(root, valDir), skipped, ignoredClasses, ignoredImages);
      validationFrom = 'folders';
    } else {
      ({ train, validation } = stratifiedSplit(train, fraction, seed));
      validationFrom = 'split';
    }
  } else {
    const all = await scanClassFolders(root, skipped, ignoredClasses, ignoredImages);
    ({ train, validation } = stratifiedSplit(all, fraction, seed));
    validationFrom = 'split';
  }
  if (opts.maxPerClass !== undefined) train = capPerClass(train, opts.maxPerClass);
  return {
    train,
    validation,
    summary: { root, validationFrom, train: countClasses(train), validation: countClasses(validation), ignoredClasses, skipped },
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
