/**
 * The contract between the engine worker and whoever hosts it (the app's main process or the CLI).
 * Everything here crosses a thread boundary by structured clone: plain data only.
 */
import type { AugmentConfig } from './augment.js';
import type { BackendInfo } from './backend.js';
import type { BaseId } from './bases/base.js';
import type { DatasetSummary, SkippedFile } from './dataset.js';
import type { EpochLog, HeadHyperparameters } from './head.js';
import type { Label } from './labels.js';
import type { Metrics } from './metrics.js';

export interface MobileNetSource {
  /** URL of a tfjs layers model.json; weight files are fetched relative to it */
  url?: string;
  /** expected sha256 (hex) per file name, e.g. {"model.json": "...", "group1-shard1of1.bin": "..."} */
  sha256?: Record<string, string>;
  /** import from a local folder (model.json + weights) instead of downloading */
  dir?: string;
}

export interface TrainParams {
  data: string;
  base?: BaseId;
  epochs?: number;
  batchSize?: number;
  seed?: number;
  maxPerClass?: number;
  validationSplit?: number;
  learningRate?: number;
  augment?: Partial<AugmentConfig>;
  /** retrain: start from this saved model's head instead of the base's own */
  fromModel?: string;
  mobilenet?: MobileNetSource;
}

export interface TrainResult {
  modelId: string;
  backend: string;
  seconds: number;
  epochs: number;
  best: { epoch: number; valAccuracy: number | null; valLoss: number | null };
  history: EpochLog[];
  dataset: DatasetSummary;
  embedding: { images: number; views: number; cached: number; seconds: number };
  stoppedEarly: boolean;
  failed: SkippedFile[];
}

export interface EvalParams {
  data: string;
  /** a model id, 'current' (default), or 'zero-shot' */
  model?: string;
}

export interface EvalResult extends Metrics {
  backend: string;
  msPerImage: number;
  modelId: string;
  misclassified: Array<{ file: string; label: Label; predicted: Label; confidence: number }>;
  failed: SkippedFile[];
  skipped: SkippedFile[];
}

export interface PredictParams {
  /** image files, or folders whose images are predicted */
  inputs: string[];
  model?: string;
}

export type Prediction =
  | { file: string; label: Label; confidence: number; probabilities: { happy: number; sad: number } }
  | { file: string; error: string };

export interface PredictResult {
  results: Prediction[];
  modelId: string;
  backend: string;
}

export interface ModelMeta {
  id: string;
  createdAt: string;
  appVersion: string;
  /** source: where a downloadable base came from, so that the model finds it again in the cache */
  base: { id: BaseId; fingerprint: string; dim: number; source?: MobileNetSource };
  parentModel: string | null;
  dataset: DatasetSummary;
  hyperparameters: HeadHyperparameters & { seed: number };
  augment: AugmentConfig;
  history: EpochLog[];
  best: TrainResult['best'];
  validation: Metrics | null;
  backend: string;
  seconds: number;
}

export interface EngineInfo {
  backend: BackendInfo;
  home: string;
  currentModel: string | null;
}

export type StageName = 'scanning' | 'loading-base' | 'downloading-base' | 'embedding' | 'training' | 'saving' | 'evaluating' | 'predicting';

export type ProgressEvent =
  | { type: 'stage'; stage: StageName; message: string }
  | { type: 'embedding'; done: number; total: number; cached: number }
  | { type: 'download'; file: string; bytes: number; totalBytes: number | null }
  | { type: 'batch'; epoch: number; batch: number; batches: number; loss: number }
  | ({ type: 'epoch'; epochs: number } & EpochLog);

/** method name -> [params, result] */
export interface EngineMethods {
  info: [Record<string, never>, EngineInfo];
  train: [TrainParams, TrainResult];
  evaluate: [EvalParams, EvalResult];
  predict: [PredictParams, PredictResult];
  listModels: [Record<string, never>, ModelMeta[]];
  /** test hook, only honoured when the worker was started with allowTestHooks: kills the worker thread */
  crashForTest: [Record<string, never>, never];
}
export type EngineMethod = keyof EngineMethods;

export interface WorkerConfig {
  home: string;
  assetsDir: string;
  /** force a backend: a candidate id or kind ('wasm', 'cpu'...) */
  backend?: string;
  allowTestHooks?: boolean;
}

export type HostToWorker =
  | { kind: 'request'; id: number; method: EngineMethod; params: unknown }
  | { kind: 'cancel'; id: number };

export interface SerializedError {
  name: string;
  message: string;
  file?: string;
}

export type WorkerToHost =
  | { kind: 'ready'; backend: BackendInfo }
  | { kind: 'fatal'; error: SerializedError }
  | { kind: 'progress'; id: number; event: ProgressEvent }
  | { kind: 'result'; id: number; ok: true; value: unknown }
  | { kind: 'result'; id: number; ok: false; error: SerializedError };
