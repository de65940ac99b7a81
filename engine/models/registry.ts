/**
 * Trained models under <home>/models: one folder per version (model.json, weights.bin, meta.json, and
 * samples.json: the content hashes it learned from) and current.json naming the one in use. Folders appear
 * whole or not at all; writers hold the 'models' lock.
 */
import { errorText } from '../../common/errors.js';
import { inputReason } from '../../common/i18n/reasons.js';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { lstat, readdir, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as tf from '../tf.js';
import { removeDirAtomic, writeDirAtomic, writeFileAtomic } from '../atomic-fs.js';
import { withDataLock } from '../data-lock.js';
import { badInput, notFound } from '../errors.js';
import { fileSystemHandler, HEAD_LIMITS, loadArtifacts } from '../fs-io-handler.js';
import { MODEL_ID_PATTERN } from '../../common/engine-contract.js';
import { isContentHash } from '../samples.js';
import { readSmallFile, SmallFileRefused } from '../small-file.js';
import { parseModelMeta, type ModelMeta } from './model-meta.js';


function isModelId(id: string): boolean {
  return MODEL_ID_PATTERN.test(id);
}

/** current.json holds an id: {"id":"20261128-101530-ab12"} and little else */
const CURRENT_MAX_BYTES = 4096;
/**
 * training keeps at most 200 skipped files in it (train.ts): a few hundred kilobytes, 3.7 MB for the longest
 * the schema allows (long non-ASCII paths, 1000 epochs of history); an imported one is refused past this
 */
export const MAX_META_JSON = 4 << 20;
/** a model this app saved is read with room to spare: one it wrote must never read back as damaged */
const OWN_META_JSON = 4 * MAX_META_JSON;
/** two 64-character hashes per image of an 80,000-image dataset, about 11 MB */
export const MAX_SAMPLES_JSON = 64 << 20;

export function newModelId(now: Date = new Date()): string {
  const iso = now.toISOString(); // 2026-11-28T10:15:30.123Z
  return `${iso.slice(0, 10).replaceAll('-', '')}-${iso.slice(11, 19).replaceAll(':', '')}-${randomBytes(2).toString('hex')}`;
}

/**
 * models/<id>/samples.json: which images a model has seen, by content hash (sha256 of the file's bytes), so
 * that an evaluation can say when it judges images the model was trained on, wherever those files now lie.
 */
export interface ModelSamples {
  schemaVersion: 1;
  /** every image whose features trained this head, its ancestors' included (a retrain starts from its parent's head) */
  trained: string[];
  /** the validation images of this model's own run (used to pick its best epoch and to compare it with the current model) */
  validation: string[];
}

/** samples.json as read: a list null when damage left it unable to say which images it holds. */
export interface StoredSamples {
  schemaVersion: 1;
  trained: string[] | null;
  validation: string[] | null;
}

/**
 * A list of content hashes as written, or null when it cannot say which images it held: a model learned from,
 * and was validated on, at least one image, so a list emptied or thinned by damage says nothing.
 */
export function wholeHashList(list: readonly unknown[]): string[] | null {
  const hashes = list.filter((h): h is string => typeof h === 'string' && isContentHash(h));
  return hashes.length > 0 && hashes.length === list.length ? hashes : null;
}

const SAMPLES_FILE = 'samples.json';

/** Writes <dir>/samples.json: each hash once, sorted. */
export async function writeSamples(dir: string, samples: Omit<ModelSamples, 'schemaVersion'>): Promise<void> {
  const file: ModelSamples = { schemaVersion: 1, trained: [...new Set(samples.trained)].sort(), validation: [...new Set(samples.validation)].sort() };
  await writeFile(join(dir, SAMPLES_FILE), JSON.stringify(file));
}

export class ModelRegistry {
  readonly dir: string;
  private readonly loaded = new Map<string, { meta: ModelMeta; artifacts: tf.io.ModelArtifacts }>();

  constructor(readonly home: string) {
    this.dir = join(home, 'models');
  }

  /**
   * Saves a new version (with the hashes of its samples, in the same atomic folder write); with makeCurrent it
   * also becomes the current model, in the same locked step. `comparedWith`: the model current when the new one
   * was judged against it (null: none was); if another has been made current since (a training or a `models
   * use` in another process), the new one is not made current but saved with the meta `overtaken` gives (called
   * with that model's id).
   */
  async save(
    head: tf.LayersModel,
    meta: ModelMeta,
    { makeCurrent, samples, comparedWith, overtaken }: { makeCurrent: boolean; samples?: Omit<ModelSamples, 'schemaVersion'>; comparedWith?: string | null; overtaken?: (current: string) => ModelMeta },
  ): Promise<void> {
    if (!isModelId(meta.id)) throw new Error(`invalid model id "${meta.id}"`);
    await withDataLock(this.home, 'models', async () => {
      const now = makeCurrent && comparedWith !== undefined ? await this.currentId() : null;
      const overtakenBy = now !== null && now !== comparedWith ? now : null;
      const written = overtakenBy && overtaken ? overtaken(overtakenBy) : meta;
      await writeDirAtomic(join(this.dir, meta.id), async (tmp) => {
        await head.save(fileSystemHandler(tmp));
        await writeFile(join(tmp, 'meta.json'), JSON.stringify(written, null, 2));
        if (samples) await writeSamples(tmp, samples);
      });
      if (makeCurrent && !overtakenBy) await this.writeCurrent(meta.id);
    });
  }

  /**
   * Brings in a model made elsewhere (an import): `fill` writes its files into a temporary folder that becomes
   * models/<id> whole, or nothing does. False when a model with its id is here already (then nothing is
   * written); a folder of that name that is no readable model is refused rather than replaced.
   */
  async adopt(meta: ModelMeta, fill: (tmpDir: string) => Promise<void>, { makeCurrent }: { makeCurrent: boolean }): Promise<boolean> {
    if (!isModelId(meta.id)) throw new Error(`invalid model id "${meta.id}"`);
    const dir = join(this.dir, meta.id);
    return withDataLock(this.home, 'models', async () => {
      const here = (await stat(dir).catch(() => null)) !== null;
      if (here) {
        try {
          // the whole model on disk, not its meta.json alone (nor a copy kept in memory): a folder missing its
          // weights is no model to keep
          await this.readMeta(meta.id);
          await loadArtifacts(dir, HEAD_LIMITS);
        } catch (err) {
          throw badInput(inputReason('reason.importClash', { id: meta.id, path: dir, error: errorText(err) }));
        }
      } else {
        await writeDirAtomic(dir, fill);
      }
      if (makeCurrent) await this.writeCurrent(meta.id);
      return !here;
    });
  }

  async setCurrent(id: string): Promise<ModelMeta> {
    return withDataLock(this.home, 'models', async () => {
      const meta = await this.readMeta(id); // refuse to point at something that is not a model
      await this.writeCurrent(id);
      return meta;
    });
  }

  /** The current model is never deleted, so the app always has a model to judge with. */
  async delete(id: string): Promise<void> {
    await withDataLock(this.home, 'models', async () => {
      await this.readMeta(id);
      if ((await this.currentId()) === id) throw badInput(inputReason('reason.deleteCurrent', { id }));
      this.loaded.delete(id);
      // a process killed halfway through leaves a hidden folder that is no model, never half a model
      await removeDirAtomic(join(this.dir, id));
    });
  }

  /**
   * The id in current.json, or null when no model was trained yet, or when the file is damaged or names a model
   * whose folder is not there (removed by hand): the built-in model judges then, and currentProblem says why.
   */
  async currentId(): Promise<string | null> {
    const id = this.namedCurrent();
    return id !== null && this.isThere(id) ? id : null;
  }

  /** A stat more per prediction (microseconds), so that no call fails on a model whose folder is gone. */
  private isThere(id: string): boolean {
    return existsSync(join(this.dir, id, 'meta.json'));
  }

  /** The model id current.json names, whether it is there or not; null when there is none or it is damaged. */
  private namedCurrent(): string | null {
    try {
      // read synchronously: a few dozen bytes asked on every prediction, where the promise version's four trips
      // through libuv's thread pool took 0.35 ms (about 4 % of a single image's whole prediction). Only a small
      // plain file: a pipe put there would block the engine's thread for good, a huge file fill its memory
      const file = join(this.dir, 'current.json');
      const st = statSync(file);
      if (!st.isFile() || st.size > CURRENT_MAX_BYTES) return null;
      const { id } = JSON.parse(readFileSync(file, 'utf8')) as { id?: unknown };
      return typeof id === 'string' && isModelId(id) ? id : null;
    } catch {
      return null;
    }
  }

  /**
   * Why current.json names no model while it is there: damaged (or edited by hand into something else), or
   * naming a model whose folder was removed by hand. Predictions then fall back to the zero-shot head, and the
   * app says so instead of leaving the user to wonder; null when it names a model that is there, or when there
   * is none (nothing trained yet).
   */
  async currentProblem(): Promise<string | null> {
    const file = join(this.dir, 'current.json');
    if (!(await lstat(file).catch(() => null))) return null;
    const id = this.namedCurrent();
    if (id === null) return inputReason('reason.currentDamaged', { path: file });
    if (!this.isThere(id)) return inputReason('reason.currentMissing', { path: file, id, folder: this.dir });
    return null;
  }

  async readMeta(id: string): Promise<ModelMeta> {
    if (!isModelId(id)) throw badInput(`"${id}" is not a model id (they look like 20261128-101530-ab12)`);
    // read by list() for every folder: a pipe named meta.json would hang the engine, a huge one fill its memory
    let bytes: Buffer | null;
    try {
      bytes = await readSmallFile(join(this.dir, id, 'meta.json'), OWN_META_JSON, { what: "a model's meta.json can be" });
    } catch (err) {
      throw badInput(inputReason('reason.modelDamaged', { id, error: err instanceof SmallFileRefused ? `meta.json ${err.message}` : (err as Error).message }));
    }
    if (!bytes) throw notFound(inputReason('reason.noSuchModel', { id, path: this.dir }));
    const text = bytes.toString('utf8');
    try {
      return parseModelMeta(JSON.parse(text));
    } catch (err) {
      throw badInput(inputReason('reason.modelDamaged', { id, error: (err as Error).message }));
    }
  }

  /**
   * The content hashes a model learned from and was validated on; null when it was saved without them (by an
   * older version) or the file cannot be read. Each list on its own is null when damage emptied or thinned it
   * (wholeHashList): a damaged training list leaves the validation list to judge the model on, and the other way
   * round.
   */
  async readSamples(id: string): Promise<StoredSamples | null> {
    if (!isModelId(id)) return null;
    try {
      const bytes = await readSmallFile(join(this.dir, id, SAMPLES_FILE), MAX_SAMPLES_JSON);
      if (!bytes) return null;
      const raw = JSON.parse(bytes.toString('utf8')) as Partial<ModelSamples>;
      if (raw.schemaVersion !== 1 || !Array.isArray(raw.trained) || !Array.isArray(raw.validation)) return null;
      return { schemaVersion: 1, trained: wholeHashList(raw.trained), validation: wholeHashList(raw.validation) };
    } catch {
      return null;
    }
  }

  /**
   * The caller disposes the returned head. A saved version never changes, so its files are read once per
   * registry and kept (a few kilobytes): a running engine builds the head from memory for each prediction.
   */
  async load(id: string): Promise<{ head: tf.LayersModel; meta: ModelMeta }> {
    const kept = this.loaded.get(id);
    if (kept) return { head: await tf.loadLayersModel(tf.io.fromMemory(kept.artifacts)), meta: kept.meta };
    const meta = await this.readMeta(id);
    const dir = join(this.dir, id);
    try {
      const artifacts = await loadArtifacts(dir, HEAD_LIMITS);
      const head = await tf.loadLayersModel(tf.io.fromMemory(artifacts));
      this.loaded.set(id, { meta, artifacts });
      return { head, meta };
    } catch (err) {
      throw badInput(inputReason('reason.modelDamagedIn', { id, path: dir, error: (err as Error).message.split('\n')[0]! }));
    }
  }

  /** All saved models, newest first; damaged folders are left out (and left for the user to inspect). */
  async list(): Promise<ModelMeta[]> {
    let names: string[];
    try {
      names = await readdir(this.dir);
    } catch {
      return [];
    }
    const metas: ModelMeta[] = [];
    for (const name of names.filter(isModelId)) {
      try {
        metas.push(await this.readMeta(name));
      } catch {
        // not a model
      }
    }
    return metas.sort((a, b) => (a.createdAt < b.createdAt ? 1 : -1));
  }

  private writeCurrent(id: string): Promise<void> {
    return writeFileAtomic(join(this.dir, 'current.json'), JSON.stringify({ id }) + '\n');
  }
}
