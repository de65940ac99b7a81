/**
 * Import of a model version: the folder Export Model writes (happysad-model-<id>), or a model folder copied
 * from another installation's data folder (models/<id>). Such a folder may come from anyone, so nothing in it
 * is copied as it is: each file is read once (a regular file, not a link or a pipe, of a bounded size), checked
 * as the app will use it, and written anew:
 * - the head must be the one this app trains (one dense unit, sigmoid, on the base's own number of features,
 *   finite weights): it is rebuilt from those weights, not loaded from the folder's model.json;
 * - meta.json must hold every field the app reads, within bounds (models/meta-schema.ts);
 * - samples.json, when there (another installation's folder), only content hashes.
 * It becomes current only when asked: an imported model was judged on someone else's photos. It is marked with
 * when it came in (`importedAt`): its training data folder is the other installation's, and the app says so
 * where it would otherwise look there (the Models view, an evaluation on its own validation images).
 */
import { stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { BaseId, ImportModelResult } from '../../common/engine-types.js';
import { GREY_INPUT } from '../bases/base.js';
import { inputReason } from '../../common/i18n/reasons.js';
import { badInput, EngineError, fsReason } from '../errors.js';
import { fileSystemHandler, HEAD_LIMITS } from '../fs-io-handler.js';
import { createHead } from '../head.js';
import { parseImportedMeta } from '../models/meta-schema.js';
import type { ModelMeta } from '../models/model-meta.js';
import { MAX_META_JSON, MAX_SAMPLES_JSON, wholeHashList, writeSamples } from '../models/registry.js';
import { readSmallFile, SmallFileRefused } from '../small-file.js';
import type { EngineServices } from './services.js';

/**
 * The features each base that ships with the app gives (checked against the bases themselves in the tests).
 * MobileNetV2 is the user's own download or import (its width decides its features): a head on it is taken
 * at its word, up to MAX_DIM, and its weights are checked against the installed ones when it is used.
 */
export const SHIPPED_DIMS: Partial<Record<BaseId, number>> = { 'face-expression': 256, 'face-expression-emotion': 512 };
const MAX_DIM = 4096;


class NotImportable extends Error {}

export async function importModel(services: EngineServices, { dir, use = false }: { dir: string; use?: boolean }): Promise<ImportModelResult> {
  if (services.readOnly) throw badInput(inputReason('reason.readOnlyImport', { home: services.home }));
  const st = await stat(dir).catch(() => null);
  if (!st?.isDirectory()) throw badInput(inputReason(st ? 'reason.notFolderAt' : 'reason.noSuchFolderAt', { path: dir }));
  const files = await readModelFiles(dir);
  let meta: ModelMeta;
  let head: { kernel: Float32Array; bias: number };
  let samples: { trained: string[]; validation: string[] } | null;
  try {
    meta = { ...importedMeta(parseJson(files.meta, 'meta.json')), importedAt: new Date().toISOString() };
    head = headWeights(parseJson(files.model, 'model.json'), files.weights, meta.base.dim);
    samples = files.samples ? parseSamples(parseJson(files.samples, 'samples.json')) : null;
  } catch (err) {
    if (!(err instanceof NotImportable)) throw err;
    throw badInput(inputReason('reason.importDamaged', { path: dir, error: err.message }));
  }
  let added: boolean;
  try {
    added = await services.registry.adopt(
      meta,
      async (tmp) => {
        const model = createHead(meta.base.dim, head);
        try {
          await model.save(fileSystemHandler(tmp));
        } finally {
          model.dispose();
        }
        await writeFile(join(tmp, 'meta.json'), JSON.stringify(meta, null, 2));
        if (samples) await writeSamples(tmp, samples);
      },
      { makeCurrent: use },
    );
  } catch (err) {
    if (err instanceof EngineError) throw err; // another process writing the models, a clash: said as such
    throw badInput(inputReason('reason.importFailed', { path: dir, error: fsReason(err) }));
  }
  return { id: meta.id, added, madeCurrent: use };
}

/** The folder's files, each read once; refused when one is missing, not a regular file, or too large. */
async function readModelFiles(dir: string): Promise<{ model: Buffer; weights: Buffer; meta: Buffer; samples: Buffer | null }> {
  const read = (name: string, max: number) => readRegularFile(dir, name, max);
  const [model, weights, meta] = await Promise.all([read('model.json', HEAD_LIMITS.modelJson), read('weights.bin', 4 * (MAX_DIM + 1)), read('meta.json', MAX_META_JSON)]);
  if (!model || !weights || !meta) throw badInput(inputReason('reason.importNoModel', { path: dir }));
  return { model, weights, meta, samples: await read('samples.json', MAX_SAMPLES_JSON) };
}

/**
 * The bytes of <dir>/<name>, or null when there is no such file. Not through a link (it would copy that file
 * into the data folder) and not from a pipe (it would hang the engine).
 */
async function readRegularFile(dir: string, name: string, max: number): Promise<Buffer | null> {
  try {
    return await readSmallFile(join(dir, name), max, { noFollow: true, what: `a model's can be (${max})` });
  } catch (err) {
    if (err instanceof SmallFileRefused) throw badInput(inputReason('reason.importDamaged', { path: dir, error: `${name} ${err.message}` }));
    throw badInput(inputReason('reason.importFailed', { path: dir, error: fsReason(err) }));
  }
}

function importedMeta(raw: unknown): ModelMeta {
  let meta: ModelMeta;
  try {
    meta = parseImportedMeta(raw);
  } catch (err) {
    throw new NotImportable((err as Error).message);
  }
  const dim = SHIPPED_DIMS[meta.base.id];
  if (dim !== undefined && meta.base.dim !== dim) throw new NotImportable(`meta.json says the ${meta.base.id} base gives ${meta.base.dim} features; it gives ${dim}`);
  if (meta.base.dim > MAX_DIM) throw new NotImportable(`meta.json says its base gives ${meta.base.dim} features, more than a base can (${MAX_DIM})`);
  // how its features were made, when it says otherwise than this app makes them, describes nothing here: dropped
  if (meta.base.greyInput !== undefined && meta.base.greyInput !== GREY_INPUT[meta.base.id]) {
    const { greyInput: _, ...base } = meta.base;
    return { ...meta, base };
  }
  return meta;
}

function parseJson(bytes: Buffer, name: string): unknown {
  try {
    return JSON.parse(bytes.toString('utf8'));
  } catch {
    throw new NotImportable(`${name} is not valid JSON`);
  }
}

/**
 * The kernel and bias of the head in model.json + weights.bin, when it is exactly the head this app trains
 * (createHead) on `dim` features: a Sequential of one Dense unit with a sigmoid, float32 weights [dim, 1]
 * and [1] in weights.bin, all finite. Anything else is refused before TensorFlow.js sees it (a layer of a
 * million units in a 1 KB model.json takes gigabytes to build).
 */
function headWeights(json: unknown, weights: Buffer, dim: number): { kernel: Float32Array; bias: number } {
  const fail = (why: string): never => {
    throw new NotImportable(why);
  };
  const j = json as { modelTopology?: { class_name?: unknown; config?: { layers?: unknown } }; weightsManifest?: unknown };
  const layers = j?.modelTopology?.config?.layers;
  if (j?.modelTopology?.class_name !== 'Sequential' || !Array.isArray(layers) || layers.length !== 1) fail('model.json is not a head of one layer');
  const layer = (layers as Array<{ class_name?: unknown; config?: Record<string, unknown> }>)[0]!;
  const c = layer.config ?? {};
  const shape = c.batch_input_shape;
  if (layer.class_name !== 'Dense' || c.units !== 1 || c.activation !== 'sigmoid' || c.use_bias === false) fail('model.json is not a head of one sigmoid unit');
  if (!Array.isArray(shape) || shape.length !== 2 || shape[1] !== dim) fail(`model.json's head does not take the ${dim} features of its base`);
  const manifest = j.weightsManifest as Array<{ paths?: unknown; weights?: Array<{ shape?: unknown; dtype?: unknown }> }> | undefined;
  const specs = Array.isArray(manifest) && manifest.length === 1 ? manifest[0]!.weights : undefined;
  const paths = Array.isArray(manifest) && manifest.length === 1 ? manifest[0]!.paths : undefined;
  const same = (a: unknown, b: number[]) => Array.isArray(a) && a.length === b.length && a.every((v, i) => v === b[i]);
  if (!(Array.isArray(paths) && paths.length === 1 && paths[0] === 'weights.bin')) fail('model.json must name weights.bin as its only weights file');
  if (!Array.isArray(specs) || specs.length !== 2 || !same(specs[0]!.shape, [dim, 1]) || !same(specs[1]!.shape, [1]) || specs.some((s) => (s.dtype ?? 'float32') !== 'float32')) {
    fail(`model.json's weights are not a [${dim}, 1] kernel and a bias`);
  }
  if (weights.length !== 4 * (dim + 1)) fail(`weights.bin is ${weights.length} bytes, not the ${4 * (dim + 1)} of its head`);
  const values = new Float32Array(dim + 1);
  for (let i = 0; i <= dim; i++) values[i] = weights.readFloatLE(4 * i);
  if (!values.every(Number.isFinite)) fail('weights.bin holds values that are not numbers');
  return { kernel: values.subarray(0, dim), bias: values[dim]! };
}

/**
 * samples.json: content hashes only (an older or damaged file is left out, as the registry reads it). A list
 * emptied or thinned by damage is written empty, which the registry reads as "cannot say": written thinned, it
 * would read as whole.
 */
function parseSamples(raw: unknown): { trained: string[]; validation: string[] } | null {
  const r = raw as { schemaVersion?: unknown; trained?: unknown; validation?: unknown } | null;
  if (r?.schemaVersion !== 1 || !Array.isArray(r.trained) || !Array.isArray(r.validation)) return null;
  return { trained: wholeHashList(r.trained) ?? [], validation: wholeHashList(r.validation) ?? [] };
}

