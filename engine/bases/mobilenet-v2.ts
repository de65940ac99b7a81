import { createHash } from 'node:crypto';
import { stat, writeFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import * as tf from '../tf.js';
import { writeDirAtomic } from '../atomic-fs.js';
import { badInput, throwIfAborted } from '../errors.js';
import { BASE_LIMITS, loadArtifacts, readModelFile, safeRelativePath } from '../fs-io-handler.js';
import type { MobileNetSource } from '../../common/engine-types.js';
import { GREY_INPUT, type FrozenBase } from './base.js';

/**
 * ImageNet MobileNetV2 1.0/224 without its classifier (the notebook's base), as a tfjs layers model. Not
 * shipped: fetched on first use into <home>/base-models, or imported from a folder.
 */
const DEFAULT_MOBILENET_URL =
  'https://storage.googleapis.com/teachable-machine-models/mobilenet_v2_weights_tf_dim_ordering_tf_kernels_1.0_224_no_top/model.json';
const MAX_DOWNLOAD_BYTES = 100 * 1024 * 1024;
const INTEGRITY_FILE = 'integrity.json';
/** What to do when the download fails, typically on a machine without internet. */
const OFFLINE_HINT =
  'Without internet, fetch model.json and its weight files on a machine that has internet, copy them into a folder here and import that folder with --base-dir DIR';

interface DownloadHooks {
  signal?: AbortSignal;
  onProgress?(file: string, bytes: number, totalBytes: number | null): void;
  fetchImpl?: typeof fetch;
  timeoutMs?: number;
}

/** Where a source lives in the cache: one folder per URL. */
export function mobilenetCacheDir(home: string, url: string): string {
  return join(home, 'base-models', 'mobilenet-v2', createHash('sha256').update(url).digest('hex').slice(0, 16));
}

const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

/**
 * Returns a folder holding a verified copy of the model: imported from `source.dir`, or downloaded from
 * `source.url` (default: the public TF.js copy). Integrity: every file is checked against `source.sha256`
 * when given; the weight files must have exactly the size their manifest implies; the digests seen are
 * written to integrity.json and checked again on every later load, so a damaged cache is noticed.
 */
export async function ensureMobileNet(home: string, source: MobileNetSource, hooks: DownloadHooks = {}): Promise<string> {
  const url = source.dir ? `file-import:${source.dir}` : (source.url ?? DEFAULT_MOBILENET_URL);
  const dir = mobilenetCacheDir(home, url);
  if (await exists(join(dir, INTEGRITY_FILE))) {
    try {
      await verifyFolder(dir, source.sha256);
      return dir;
    } catch {
      await rm(dir, { recursive: true, force: true }); // damaged or no longer trusted: fetch again
    }
  }
  const files = source.dir ? await readFromFolder(source.dir) : await download(url, hooks);
  checkFiles(files, source.sha256, source.dir ?? url);
  await writeDirAtomic(dir, async (tmp) => {
    const digests: Record<string, string> = {};
    for (const [name, bytes] of files) {
      await writeFile(join(tmp, name), bytes);
      digests[name] = sha256(bytes);
    }
    await writeFile(join(tmp, INTEGRITY_FILE), JSON.stringify({ source: url, sha256: digests }, null, 2));
  }).catch(async (err) => {
    if ((err as NodeJS.ErrnoException).code === 'ENOTEMPTY' || (err as NodeJS.ErrnoException).code === 'EEXIST') return; // a concurrent download won
    throw err;
  });
  return dir;
}

async function download(url: string, hooks: DownloadHooks): Promise<Map<string, Uint8Array>> {
  const files = new Map<string, Uint8Array>();
  const modelJson = await fetchBytes(url, hooks);
  files.set('model.json', modelJson);
  const json = parseModelJson(modelJson, url);
  for (const group of json.weightsManifest) {
    for (const p of group.paths) {
      const name = safeRelativePath(p);
      if (name.includes('/') || name.includes('\\')) throw new Error(`${url}: weight file "${p}" must sit next to model.json`);
      files.set(name, await fetchBytes(new URL(p, url).href, hooks));
    }
  }
  return files;
}

async function fetchBytes(url: string, hooks: DownloadHooks): Promise<Uint8Array> {
  throwIfAborted(hooks.signal);
  const name = url.split('/').pop() ?? url;
  const timeout = AbortSignal.timeout(hooks.timeoutMs ?? 60_000);
  const signal = hooks.signal ? AbortSignal.any([hooks.signal, timeout]) : timeout;
  let res: Response;
  // said before connecting: a slow server is a download under way, not a silence
  hooks.onProgress?.(name, 0, null);
  try {
    res = await (hooks.fetchImpl ?? fetch)(url, { signal, redirect: 'follow' });
  } catch (err) {
    throwIfAborted(hooks.signal);
    const cause = (err as { cause?: { code?: string; message?: string } }).cause;
    // no network, or no such server: the user's to fix (or to work around with --base-dir), not a bug
    throw badInput(`cannot download ${url}: ${cause?.code ?? cause?.message ?? (err as Error).message}. ${OFFLINE_HINT}`);
  }
  if (!res.ok) throw badInput(`cannot download ${url}: HTTP ${res.status}. ${OFFLINE_HINT}`);
  const total = Number(res.headers.get('content-length')) || null;
  if (total && total > MAX_DOWNLOAD_BYTES) throw new Error(`${url} is ${total} bytes, more than a MobileNetV2 can be`);
  const chunks: Uint8Array[] = [];
  let bytes = 0;
  const tooLarge = new Error(`${url} is larger than ${MAX_DOWNLOAD_BYTES} bytes`);
  try {
    for await (const chunk of (res.body ?? []) as unknown as AsyncIterable<Uint8Array>) {
      bytes += chunk.length;
      if (bytes > MAX_DOWNLOAD_BYTES) throw tooLarge;
      chunks.push(chunk);
      hooks.onProgress?.(name, bytes, total);
    }
  } catch (err) {
    if (err === tooLarge) throw err;
    throwIfAborted(hooks.signal);
    // the connection broke off, or the time ran out, part way: as offline, the user's to retry or work around
    const limit = (hooks.timeoutMs ?? 60_000) / 1000;
    const why = timeout.aborted ? `it took longer than ${Number.isInteger(limit) ? limit : limit.toFixed(1)} s` : `the connection broke off (${(err as Error).message})`;
    throw badInput(`cannot download ${url}: ${why} after ${bytes} bytes. ${OFFLINE_HINT}`);
  }
  return Buffer.concat(chunks);
}

function parseModelJson(bytes: Uint8Array, where: string): tf.io.ModelJSON {
  let json: tf.io.ModelJSON;
  try {
    json = JSON.parse(Buffer.from(bytes).toString('utf8')) as tf.io.ModelJSON;
  } catch {
    throw new Error(`${where}: model.json is not valid JSON`);
  }
  if (!json.modelTopology || !Array.isArray(json.weightsManifest)) throw new Error(`${where}: not a tfjs layers model (no modelTopology/weightsManifest)`);
  return json;
}

const DTYPE_BYTES: Record<string, number> = { float32: 4, int32: 4, uint8: 1, uint16: 2, float16: 2, bool: 1 };

/** Checks configured digests and that the weight files hold exactly what the manifest describes. */
function checkFiles(files: Map<string, Uint8Array>, expected: Record<string, string> | undefined, where: string): void {
  for (const [name, digest] of Object.entries(expected ?? {})) {
    const bytes = files.get(name);
    if (!bytes) throw new Error(`${where}: expected file ${name} is missing`);
    const seen = sha256(bytes);
    if (seen !== digest.toLowerCase()) throw new Error(`${where}: checksum mismatch for ${name} (sha256 ${seen}, expected ${digest})`);
  }
  const json = parseModelJson(files.get('model.json')!, where);
  for (const group of json.weightsManifest) {
    const want = group.weights.reduce((sum, w) => sum + w.shape.reduce((a, b) => a * b, 1) * DTYPE_BYTES[w.quantization?.dtype ?? w.dtype]!, 0);
    const have = group.paths.reduce((sum, p) => sum + (files.get(safeRelativePath(p))?.length ?? NaN), 0);
    if (have !== want) throw new Error(`${where}: weight files hold ${have} bytes, the manifest needs ${want}`);
  }
}

/** The folder's model.json and weight files, each a plain file and all within BASE_LIMITS (the user's folder: a pipe there would hang the engine). */
async function readFromFolder(dir: string): Promise<Map<string, Uint8Array>> {
  const files = new Map<string, Uint8Array>();
  const modelJson = await readModelFile(dir, 'model.json', BASE_LIMITS.modelJson).catch((err: NodeJS.ErrnoException) => {
    throw err.code === 'ENOENT' ? new Error(`${dir}: no model.json here`) : err;
  });
  files.set('model.json', modelJson);
  let left = BASE_LIMITS.weights;
  for (const group of parseModelJson(modelJson, dir).weightsManifest) {
    for (const p of group.paths) {
      const bytes = await readModelFile(dir, safeRelativePath(p), left, WEIGHTS_LIMIT);
      left -= bytes.length;
      files.set(safeRelativePath(p), bytes);
    }
  }
  return files;
}

const WEIGHTS_LIMIT = `the ${BASE_LIMITS.weights} bytes of weights a base can have`;
/** integrity.json: a digest per file */
const MAX_INTEGRITY_JSON = 1 << 20;

async function readIntegrity(dir: string): Promise<Record<string, string>> {
  return (JSON.parse((await readModelFile(dir, INTEGRITY_FILE, MAX_INTEGRITY_JSON)).toString('utf8')) as { sha256: Record<string, string> }).sha256;
}

async function verifyFolder(dir: string, expected: Record<string, string> | undefined): Promise<void> {
  const recorded = await readIntegrity(dir);
  const files = new Map<string, Uint8Array>();
  let left = BASE_LIMITS.modelJson + BASE_LIMITS.weights;
  for (const name of Object.keys(recorded)) {
    const bytes = await readModelFile(dir, safeRelativePath(name), left, WEIGHTS_LIMIT);
    left -= bytes.length;
    files.set(name, bytes);
  }
  checkFiles(files, { ...recorded, ...(expected ?? {}) }, dir);
}

async function exists(p: string): Promise<boolean> {
  return stat(p).then(
    () => true,
    () => false,
  );
}

/** Loads a verified folder as a frozen base: images scaled to [-1, 1], features global-average-pooled. */
export async function loadMobileNetBase(dir: string): Promise<FrozenBase> {
  const digests = await readIntegrity(dir);
  const model = await tf.loadLayersModel({ load: () => loadArtifacts(dir, BASE_LIMITS) });
  const shape = model.inputs[0]!.shape;
  const size = shape[1];
  if (shape.length !== 4 || !size || shape[2] !== size || shape[3] !== 3) throw new Error(`${dir}: expected a square RGB input, got [${shape.join(', ')}]`);
  const outShape = model.outputs[0]!.shape;
  const dim = outShape[outShape.length - 1]!;
  const fingerprint = createHash('sha256').update(JSON.stringify(Object.entries(digests).sort())).digest('hex').slice(0, 16);
  return {
    id: 'mobilenet-v2',
    fingerprint,
    inputSize: size,
    dim,
    greyInput: GREY_INPUT['mobilenet-v2'],
    embed: (images) =>
      tf.tidy(() => {
        const x = tf.sub(tf.div(tf.cast(images, 'float32'), 127.5), 1);
        const y = model.predict(x) as tf.Tensor;
        return (y.rank === 4 ? tf.mean(y, [1, 2]) : y) as tf.Tensor2D;
      }),
    recipe: { kind: 'mobilenet-v2', dir },
    dispose: () => model.dispose(),
  };
}

