import { randomBytes } from 'node:crypto';
import { readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { writeDirAtomic, writeFileAtomic } from './atomic-fs.js';
import { badInput, notFound } from './errors.js';
import { fileSystemHandler } from './fs-io-handler.js';
import { parseModelMeta, type ModelMeta } from './model-meta.js';

/**
 * Trained models under <home>/models: one folder per version (model.json, weights.bin, meta.json) and
 * current.json naming the one in use. Folders appear whole or not at all.
 */
export function modelsDir(home: string): string {
  return join(home, 'models');
}

const ID_PATTERN = /^[0-9]{8}-[0-9]{6}-[0-9a-f]{4}$/;

export function newModelId(now: Date = new Date()): string {
  const iso = now.toISOString(); // 2026-11-28T10:15:30.123Z
  return `${iso.slice(0, 10).replaceAll('-', '')}-${iso.slice(11, 19).replaceAll(':', '')}-${randomBytes(2).toString('hex')}`;
}

export function isModelId(id: string): boolean {
  return ID_PATTERN.test(id);
}

export async function saveModel(home: string, head: tf.LayersModel, meta: ModelMeta, makeCurrent = true): Promise<void> {
  if (!isModelId(meta.id)) throw new Error(`invalid model id "${meta.id}"`);
  await writeDirAtomic(join(modelsDir(home), meta.id), async (tmp) => {
    await head.save(fileSystemHandler(tmp));
    await writeFile(join(tmp, 'meta.json'), JSON.stringify(meta, null, 2));
  });
  if (makeCurrent) await setCurrentModel(home, meta.id);
}

export async function setCurrentModel(home: string, id: string): Promise<void> {
  await readMeta(home, id); // refuse to point at something that is not a model
  await writeFileAtomic(join(modelsDir(home), 'current.json'), JSON.stringify({ id }) + '\n');
}

/** The id in current.json, or null when no model was trained yet. */
export async function currentModelId(home: string): Promise<string | null> {
  try {
    const { id } = JSON.parse(await readFile(join(modelsDir(home), 'current.json'), 'utf8')) as { id?: unknown };
    return typeof id === 'string' && isModelId(id) ? id : null;
  } catch {
    return null;
  }
}

export async function readMeta(home: string, id: string): Promise<ModelMeta> {
  if (!isModelId(id)) throw badInput(`"${id}" is not a model id (they look like 20261128-101530-ab12)`);
  try {
    return parseModelMeta(JSON.parse(await readFile(join(modelsDir(home), id, 'meta.json'), 'utf8')));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw notFound(`no model "${id}" in ${modelsDir(home)}`);
    throw badInput(`model "${id}" is damaged: ${(err as Error).message}`);
  }
}

export async function loadModel(home: string, id: string): Promise<{ head: tf.LayersModel; meta: ModelMeta }> {
  const meta = await readMeta(home, id);
  const dir = join(modelsDir(home), id);
  try {
    const head = await tf.loadLayersModel(fileSystemHandler(dir));
    return { head, meta };
  } catch (err) {
    throw badInput(`model "${id}" in ${dir} is damaged (${(err as Error).message.split('\n')[0]}); train again or pick another model`);
  }
}

/** All saved models, newest first. */
export async function listModels(home: string): Promise<ModelMeta[]> {
  let names: string[];
  try {
    names = await readdir(modelsDir(home));
  } catch {
    return [];
  }
  const metas: ModelMeta[] = [];
  for (const name of names.filter(isModelId)) {
    try {
      metas.push(await readMeta(home, name));
    } catch {
      // a damaged folder is not a model; leave it for the user to inspect
    }
  }
  return metas.sort((a, b) => (a.createdAt < b.createdAt ? 1 : -1));
}

/** Deletes a saved model; the current one is refused, so the app always has a model to judge with. */
export async function deleteModel(home: string, id: string): Promise<void> {
  await readMeta(home, id);
  if ((await currentModelId(home)) === id) throw badInput(`model ${id} is the current model; make another one current before deleting it`);
  await rm(join(modelsDir(home), id), { recursive: true, force: true });
}
