import { readFile, writeFile } from 'node:fs/promises';
import { join, normalize, isAbsolute } from 'node:path';
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

/** Reads model.json and its weight shards (any number, in manifest order). */
export async function loadArtifacts(dir: string): Promise<tf.io.ModelArtifacts> {
  const json = JSON.parse(await readFile(join(dir, MODEL_JSON), 'utf8')) as tf.io.ModelJSON;
  if (!json.modelTopology || !Array.isArray(json.weightsManifest)) throw new Error(`${join(dir, MODEL_JSON)} is not a tfjs layers model`);
  const specs: tf.io.WeightsManifestEntry[] = [];
  const buffers: ArrayBuffer[] = [];
  for (const group of json.weightsManifest) {
    specs.push(...group.weights);
    for (const p of group.paths) {
      const buf = await readFile(join(dir, safeRelativePath(p)));
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

/** Weight paths come from a file that may have been downloaded: never let one point outside its folder. */
export function safeRelativePath(p: string): string {
  const n = normalize(p);
  if (!p || isAbsolute(p) || n.startsWith('..') || /^[a-z]+:/i.test(p) || n.includes('\0')) {
    throw new Error(`unsafe weights path "${p}" in model.json`);
  }
  return n;
}
