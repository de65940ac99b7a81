import { writeFile } from 'node:fs/promises';
import { join, normalize, isAbsolute } from 'node:path';
import { readSmallFile, SmallFileRefused } from './small-file.js';
import * as tf from './tf.js';

const MODEL_JSON = 'model.json';
const WEIGHTS_BIN = 'weights.bin';

/**
 * tfjs IOHandler over a local folder (model.json + weights.bin), because `file://` needs tfjs-node,
 * which is not always there. Writes into `dir` as is: callers make it atomic with writeDirAtomic.
 */
export function fileSystemHandler(dir: string): tf.io.IOHandler {
  return {
    async save(artifacts: tf.io.ModelArtifacts): Promise<tf.io.SaveResult> {
      if (artifacts.modelTopology instanceof ArrayBuffer) throw new Error('binary model topologies are not supported');
      const weightData = artifacts.weightData ? tf.io.CompositeArrayBuffer.join(artifacts.weightData) : new ArrayBuffer(0);
      const modelJson = {
        format: artifacts.format,
        generatedBy: artifacts.generatedBy,
        convertedBy: artifacts.convertedBy,
        modelTopology: artifacts.modelTopology,
        trainingConfig: artifacts.trainingConfig,
        weightsManifest: [{ paths: [WEIGHTS_BIN], weights: artifacts.weightSpecs ?? [] }],
      };
      await writeFile(join(dir, WEIGHTS_BIN), new Uint8Array(weightData));
      await writeFile(join(dir, MODEL_JSON), JSON.stringify(modelJson));
      return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON({ ...artifacts, weightData }) };
    },
    async load(): Promise<tf.io.ModelArtifacts> {
      return loadArtifacts(dir);
    },
  };
}

/** A model.json is topology and a manifest: MobileNetV2's is about 100 KB */
const MAX_MODEL_JSON = 16 << 20;
/** a weight shard: MobileNetV2 1.4's are 4 MB each, a head's a few KB */
const MAX_WEIGHT_FILE = 256 << 20;

/**
 * Reads model.json and its weight shards (any number, in manifest order). Each a small plain file: these
 * folders are the user's (a model folder, a base they installed), and a pipe there would hang the engine.
 */
export async function loadArtifacts(dir: string): Promise<tf.io.ModelArtifacts> {
  const json = JSON.parse((await readModelFile(dir, MODEL_JSON, MAX_MODEL_JSON)).toString('utf8')) as tf.io.ModelJSON;
  if (!json.modelTopology || !Array.isArray(json.weightsManifest)) throw new Error(`${join(dir, MODEL_JSON)} is not a tfjs layers model`);
  const specs: tf.io.WeightsManifestEntry[] = [];
  const buffers: ArrayBuffer[] = [];
  for (const group of json.weightsManifest) {
    specs.push(...group.weights);
    for (const p of group.paths) {
      const buf = await readModelFile(dir, safeRelativePath(p), MAX_WEIGHT_FILE);
      buffers.push(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength) as ArrayBuffer);
    }
  }
  return {
    modelTopology: json.modelTopology,
    format: json.format,
    generatedBy: json.generatedBy,
    convertedBy: json.convertedBy,
    weightSpecs: specs,
    weightData: tf.io.CompositeArrayBuffer.join(buffers),
  };
}

async function readModelFile(dir: string, name: string, max: number): Promise<Buffer> {
  const file = join(dir, name);
  let bytes: Buffer | null;
  try {
    bytes = await readSmallFile(file, max);
  } catch (err) {
    throw err instanceof SmallFileRefused ? new Error(`${file} ${err.message}`) : err;
  }
  if (!bytes) throw Object.assign(new Error(`ENOENT: no such file, open '${file}'`), { code: 'ENOENT', path: file });
  return bytes;
}

/** Weight paths come from a file that may have been downloaded: never let one point outside its folder. */
export function safeRelativePath(p: string): string {
  const n = normalize(p);
  if (!p || isAbsolute(p) || n.startsWith('..') || /^[a-z]+:/i.test(p) || n.includes('\0')) {
    throw new Error(`unsafe weights path "${p}" in model.json`);
  }
  return n;
}
