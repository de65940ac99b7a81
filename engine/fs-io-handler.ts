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
      return loadArtifacts(dir, HEAD_LIMITS);
    },
  };
}

/** How large a model folder's files may be: model.json, and all its weight files together. */
export interface ArtifactLimits {
  modelJson: number;
  weights: number;
}
/** a trained head: one dense unit on at most a few thousand features (a few KB of weights) */
export const HEAD_LIMITS: ArtifactLimits = { modelJson: 1 << 20, weights: 1 << 20 };
/** a base the user installed: MobileNetV2's model.json is about 100 KB, its 1.4 width's weights 24 MB */
export const BASE_LIMITS: ArtifactLimits = { modelJson: 16 << 20, weights: 256 << 20 };

/**
 * Reads model.json and its weight shards (any number, in manifest order), within `limits`. Each a small plain
 * file: these folders are the user's (a model folder, a base they installed), and a pipe there would hang the
 * engine, a manifest naming one large file over and over fill its memory.
 */
export async function loadArtifacts(dir: string, limits: ArtifactLimits): Promise<tf.io.ModelArtifacts> {
  const json = JSON.parse((await readModelFile(dir, MODEL_JSON, limits.modelJson)).toString('utf8')) as tf.io.ModelJSON;
  if (!json.modelTopology || !Array.isArray(json.weightsManifest)) throw new Error(`${join(dir, MODEL_JSON)} is not a tfjs layers model`);
  const specs: tf.io.WeightsManifestEntry[] = [];
  const buffers: ArrayBuffer[] = [];
  let left = limits.weights;
  for (const group of json.weightsManifest) {
    specs.push(...group.weights);
    for (const p of group.paths) {
      const buf = await readModelFile(dir, safeRelativePath(p), left, `the ${limits.weights} bytes of weights a model of this kind can have`);
      left -= buf.length;
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

/** <dir>/<name> read whole as a small plain file (small-file.ts), at most `max` bytes; a missing one fails as fs.readFile fails. */
export async function readModelFile(dir: string, name: string, max: number, what?: string): Promise<Buffer> {
  const file = join(dir, name);
  let bytes: Buffer | null;
  try {
    bytes = await readSmallFile(file, max, what === undefined ? {} : { what });
  } catch (err) {
    throw err instanceof SmallFileRefused ? new Error(`${file} ${err.message}`) : err;
  }
  if (!bytes) throw Object.assign(new Error(`ENOENT: no such file or directory, open '${file}'`), { code: 'ENOENT', errno: -2, syscall: 'open', path: file });
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
