/**
 * Import of a model version: the folder Export Model writes (happysad-model-<id>), or a model folder copied
 * from another installation's data folder (models/<id>). It is checked as the app will use it (meta.json
 * readable by this version, a base this app has, a head that loads and takes that base's features), then
 * copied whole into models/<id>. It becomes current only when asked: an imported model was judged on someone
 * else's photos.
 */
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { MODEL_ID_PATTERN } from '../../common/engine-contract.js';
import { BASE_IDS, type ImportModelResult } from '../../common/engine-types.js';
import { inputReason } from '../../common/i18n/reasons.js';
import { errorText } from '../../common/errors.js';
import { badInput, EngineError, fsReason } from '../errors.js';
import { loadArtifacts } from '../fs-io-handler.js';
import { parseModelMeta, type ModelMeta } from '../models/model-meta.js';
import * as tf from '../tf.js';
import type { EngineServices } from './services.js';

export async function importModel(services: EngineServices, { dir, use = false }: { dir: string; use?: boolean }): Promise<ImportModelResult> {
  if (services.readOnly) throw badInput(inputReason('reason.readOnlyImport', { home: services.home }));
  const st = await stat(dir).catch(() => null);
  if (!st?.isDirectory()) throw badInput(inputReason(st ? 'reason.notFolderAt' : 'reason.noSuchFolderAt', { path: dir }));
  const meta = await readImportMeta(dir);
  await checkHead(dir, meta);
  let added: boolean;
  try {
    added = await services.registry.adopt(dir, meta, { makeCurrent: use });
  } catch (err) {
    if (err instanceof EngineError) throw err; // another process writing the models: said as such
    throw badInput(inputReason('reason.importFailed', { path: dir, error: fsReason(err) }));
  }
  return { id: meta.id, added, madeCurrent: use };
}

async function readImportMeta(dir: string): Promise<ModelMeta> {
  let text: string;
  try {
    // all three, as Export Model writes them: a folder without them is not a model (a parent folder, say)
    for (const f of ['model.json', 'weights.bin']) await stat(join(dir, f));
    text = await readFile(join(dir, 'meta.json'), 'utf8');
  } catch {
    throw badInput(inputReason('reason.importNoModel', { path: dir }));
  }
  let meta: ModelMeta;
  try {
    meta = parseModelMeta(JSON.parse(text));
  } catch (err) {
    throw badInput(inputReason('reason.importDamaged', { path: dir, error: errorText(err) }));
  }
  if (typeof meta.id !== 'string' || !MODEL_ID_PATTERN.test(meta.id)) throw badInput(inputReason('reason.importDamaged', { path: dir, error: 'meta.json has no model id' }));
  const base = meta.base as Partial<ModelMeta['base']> | undefined;
  if (!base || !(BASE_IDS as readonly unknown[]).includes(base.id) || typeof base.dim !== 'number') {
    throw badInput(inputReason('reason.importUnknownBase', { path: dir, base: String(base?.id ?? '?') }));
  }
  return meta;
}

/** The head loads from this folder alone (one weights.bin) and takes the base's features, giving one probability. */
async function checkHead(dir: string, meta: ModelMeta): Promise<void> {
  let head: tf.LayersModel | null = null;
  try {
    const json = JSON.parse(await readFile(join(dir, 'model.json'), 'utf8')) as tf.io.ModelJSON;
    const paths = (json.weightsManifest ?? []).flatMap((g) => g.paths);
    if (paths.length !== 1 || paths[0] !== 'weights.bin') throw new Error('model.json must name weights.bin as its only weights file');
    head = await tf.loadLayersModel(tf.io.fromMemory(await loadArtifacts(dir)));
    const input = head.inputs[0]?.shape;
    const output = head.outputs[0]?.shape;
    if (head.inputs.length !== 1 || input?.length !== 2 || input[1] !== meta.base.dim || output?.length !== 2 || output[1] !== 1) {
      throw new Error(`the head takes [${String(input)}] and gives [${String(output)}], not the ${meta.base.dim} features of ${meta.base.id} and one probability`);
    }
  } catch (err) {
    throw badInput(inputReason('reason.importDamaged', { path: dir, error: errorText(err).split('\n')[0]! }));
  } finally {
    head?.dispose();
  }
}
