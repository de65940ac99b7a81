/**
 * Plain data that crosses the engine's boundary (worker thread, IPC, CLI JSON). No behaviour here: every
 * runtime (engine, main, preload, renderer, CLI) may import it.
 */
import type { Label } from './labels.js';

export const BASE_IDS = ['face-expression', 'face-expression-emotion', 'mobilenet-v2'] as const;
export type BaseId = (typeof BASE_IDS)[number];

export type BackendKind = 'gpu' | 'native-cpu' | 'wasm' | 'cpu';
export const BACKEND_KINDS: readonly BackendKind[] = ['gpu', 'native-cpu', 'wasm', 'cpu'];

export interface BackendAttempt {
  candidate: string;
  ok: boolean;
  /** why this candidate was skipped; absent for the winner */
  reason?: string;
}

export interface BackendInfo {
  /** tfjs backend name in use: 'tensorflow', 'wasm' or 'cpu' */
  name: string;
  kind: BackendKind;
  /** human-readable: "GPU (CUDA) via tfjs-node-gpu", "WebAssembly (SIMD, 1 thread)"... */
  label: string;
  attempts: BackendAttempt[];
}

/** Ranges of the random transforms, in the spirit of Keras' ImageDataGenerator. */
export interface AugmentConfig {
  /** how many augmented views per training image, besides the original */
  variants: number;
  flip: boolean;
  maxRotationDeg: number;
  /** fraction of the image side */
  maxShift: number;
  /** 0.1 means zoom in [0.9, 1.1] */
  maxZoom: number;
  /** 0.2 means brightness x [0.8, 1.2] */
  maxBrightness: number;
}

export interface EarlyStoppingConfig {
  patience: number;
  minDelta: number;
}

export interface ReduceLrConfig {
  factor: number;
  patience: number;
  minLr: number;
  minDelta: number;
  /** epochs to wait after a reduction before counting again */
  cooldown: number;
}

export interface HeadHyperparameters {
  epochs: number;
  batchSize: number;
  learningRate: number;
  /** dropout on the base's features while training */
  dropout: number;
  /** L2 pull of the head's kernel towards its starting point (the warm start), per sample */
  l2ToStart: number;
  earlyStopping: EarlyStoppingConfig;
  reduceLr: ReduceLrConfig;
}

export interface EpochLog {
  epoch: number;
  loss: number;
  accuracy: number;
  valLoss: number | null;
  valAccuracy: number | null;
  lr: number;
  seconds: number;
}

export interface SkippedFile {
  file: string;
  reason: string;
}

export interface ClassCounts {
  happy: number;
  sad: number;
}

/**
 * What a training used. One vocabulary, one count: `train` and `validation` count only the images that were
 * actually read (a file found but not decodable is not counted), and `skipped` lists every file that was
 * left out, with the reason: not an image file, or an image that could not be read. (In a TrainResult,
 * `failed` repeats the subset of `skipped` that were images which could not be read, for older readers.)
 * Straight after a folder scan, before any image is read, the counts are those of the files found.
 */
export interface DatasetSummary {
  root: string;
  /** 'folders': train/ and validation/ were given; 'split': validation was split off train */
  validationFrom: 'folders' | 'split';
  /**
   * with 'split': the share of each class held out for validation, the images with the lowest seeded hash of
   * their path (a retrain may then move a few back to train: its parent learned from them). Absent from models
   * saved before it was recorded: those were split by a shuffle at the share their counts give.
   */
  validationSplit?: number;
  /**
   * 'shuffle': split by a seeded shuffle instead (a model saved before the rank split, and its retrains on the
   * same folder, which split it as it was split)
   */
  validationRule?: 'shuffle';
  /** the cap on training images per class the folder was read with (--max-per-class), null: none; absent from models saved before it was recorded */
  maxPerClass?: number | null;
  train: ClassCounts;
  validation: ClassCounts;
  /** class folders other than happy/sad that were left out (angry, neutral...) */
  ignoredClasses: string[];
  /**
   * happy/ and sad/ folders at the top of a folder that has train/: not read (train/ and validation/ are);
   * absent when there are none
   */
  unusedBesideTrain?: string[];
  skipped: SkippedFile[];
  /** images from the saved-prediction library, counted in train and validation above (retrain with collected data) */
  library?: LibraryUsage;
}

/**
 * A training-data folder as a training would read it, before any image is read (inspectData): the counts are
 * those of the image files found (an image that cannot be decoded is only found out when training reads it).
 */
export interface DataInspection {
  summary: DatasetSummary;
  /** image files in each left-out class folder (summary.ignoredClasses), train and validation together */
  ignoredImages: Record<string, number>;
  /** what training would warn about: few images of a class, imbalance, validation lacking a class */
  warnings: string[];
  /** the same as figures, one for each warning, for a sentence in the app's language */
  warningDetails: DataWarning[];
  /** why training would refuse the folder (a class without training images), or null when it can train */
  problem: string | null;
  /** the same as figures */
  problemDetails: DataProblem | null;
}

/** A warning about training data, as figures: the app words it (common/i18n/data-text.ts). */
export type DataWarning =
  /** fewer than `min` training images of the classes in `few` */
  | { kind: 'fewImages'; few: Label[]; train: ClassCounts; min: number }
  /** more than `maxRatio` times as many training images of one class as of the other */
  | { kind: 'imbalance'; more: Label; fewer: Label; train: ClassCounts; maxRatio: number }
  /** validation without an image of these classes: no model can be scored on it */
  | { kind: 'validationLacks'; missing: Label[] };

/** Why a folder cannot be trained on, as figures: no training image of the `missing` classes; `found`: other expressions' folders. */
export interface DataProblem {
  kind: 'noTrainingImages';
  missing: Label[];
  found: string[];
}

/** The library's part of a training set: how many of its images, and which were eligible. */
export interface LibraryUsage {
  dir: string;
  train: ClassCounts;
  validation: ClassCounts;
  includeUnreviewed: boolean;
  minConfidence: number | null;
}

/**
 * Why a new model was or was not made current, as figures rather than words: the app says it in the user's
 * language (common/i18n/promotion.ts); `reason` says the same in English for the CLI and logs. `asked`: the
 * caller's asking, not the figures, made the new model current (the figures alone would have kept it).
 */
export type PromotionWhy = { asked: boolean } & (
  /** no model was current before */
  | { kind: 'first' }
  /** the current model could not be judged on the new run's validation images */
  | { kind: 'notJudged'; previous: string; error: string }
  /** there were no validation figures to compare the two on */
  | { kind: 'notCompared'; previous: string | null; problem: string | null }
  /**
   * Both judged on the same `n` validation images. `loss` and `previousLoss` are set when equal accuracy left
   * the loss to decide (null where a model had none: a diverged model's loss is not a number);
   * `tolerancePoints`: how many accuracy points worse the new model could be and still win. `leftOut`:
   * validation images not counted, because the current model was trained on them (absent: none).
   */
  | { kind: 'compared'; previous: string; n: number; accuracy: number; previousAccuracy: number; loss: number | null; previousLoss: number | null; tolerancePoints: number; leftOut?: number }
  /**
   * It would have been made current (against `previous`, the model current when it was compared; null: none
   * was), but `current` was made current meanwhile (another training or the user, in another window or the
   * CLI): it was not compared with that one, so it was kept as a candidate
   */
  | { kind: 'overtaken'; previous: string | null; current: string }
);

/** Whether a new model was made current when it was saved, and why (the same validation images for both). */
export interface PromotionNote {
  madeCurrent: boolean;
  reason: string;
  /** absent in models saved before it existed */
  why?: PromotionWhy;
}

export interface Confusion {
  /** actual class -> predicted class -> count */
  happy: { happy: number; sad: number };
  sad: { happy: number; sad: number };
}

export interface Metrics {
  n: number;
  accuracy: number;
  balancedAccuracy: number;
  loss: number;
  confusion: Confusion;
  perClass: Record<Label, { precision: number; recall: number }>;
}

export interface MobileNetSource {
  /** URL of a tfjs layers model.json; weight files are fetched relative to it */
  url?: string;
  /** expected sha256 (hex) per file name, e.g. {"model.json": "...", "group1-shard1of1.bin": "..."} */
  sha256?: Record<string, string>;
  /** import from a local folder (model.json + weights) instead of downloading */
  dir?: string;
}

export interface TrainParams {
  /** a dataset folder (train/ + validation/, or happy/ + sad/) */
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
  /** make the new model current even when it scores lower than the current one on the same validation images */
  use?: boolean;
}

export interface BestEpoch {
  epoch: number;
  valAccuracy: number | null;
  valLoss: number | null;
}

/** A model's figures on a set of validation images; null figures: it could not be judged there. */
export interface ModelScore {
  modelId: string;
  valAccuracy: number | null;
  valLoss: number | null;
  sadRecall: number | null;
}

/**
 * Whether a newly trained model replaced the current one. It does when it is at least as good on the SAME
 * validation images (the current model is judged on the new run's validation images, through the same judge
 * path: higher accuracy wins; equal accuracy, the lower or equal loss wins), when no model was current yet,
 * or when the caller asked for it (`use`).
 */
export interface Promotion {
  madeCurrent: boolean;
  /** one plain sentence: why, with the figures compared */
  reason: string;
  /** the same as figures, for a sentence in the app's language */
  why: PromotionWhy;
  /** the model that was current before this training, judged on the same validation images; null when there was none */
  previous: ModelScore | null;
}

/**
 * Where a training's time went, in seconds. The steps run one after another (their wall times add up to about
 * `total`); inside `embed`, reading, hashing, decoding, augmenting and the network overlap one another on
 * several threads, so those are busy times summed over the threads that did them.
 */
export interface TrainTimings {
  /** listing the dataset folder */
  scan: number;
  /** every image's features: from the cache, or read, hashed, decoded, augmented and run through the base */
  embed: number;
  /** head training (every epoch, validation included) */
  head: number;
  /** the second look: the emotion network on the faces it learns from and is asked about, and its head's training (about 0 without one) */
  secondLook: number;
  /** judging the current model for the promotion rule, and writing the new model */
  save: number;
  total: number;
  read: number;
  hash: number;
  decode: number;
  augment: number;
  network: number;
  /** threads that ran the network: the engine thread, or the embedding workers */
  embedThreads: number;
}

export interface TrainResult {
  modelId: string;
  backend: string;
  seconds: number;
  epochs: number;
  best: BestEpoch;
  history: EpochLog[];
  /** counts of the images actually read; every file left out is in dataset.skipped (see DatasetSummary) */
  dataset: DatasetSummary;
  /** images: samples embedded; views: feature vectors used; cached: of those, found in the cache */
  embedding: { images: number; views: number; cached: number; seconds: number };
  stoppedEarly: boolean;
  /** the images of dataset.skipped that could not be read (a subset of it, kept for older readers) */
  failed: SkippedFile[];
  /**
   * The new model's figures on the validation images that were read (the best epoch's weights). Null when
   * validation lacks a class: a model that always answers the present class would score 100 % there, so no
   * validation figure is claimed (see `warnings`).
   */
  validation: Metrics | null;
  /**
   * The model's second look, when one was trained (face-expression base, enough images): `trainedOn` training
   * images it learned from, `asked` validation faces it judged again. `best` is the first head's alone, so that
   * what the second look adds can be seen.
   */
  secondLook?: { trainedOn: number; asked: number };
  promotion: Promotion;
  /** problems with the data, said before training started (also sent as 'warning' progress events) */
  warnings: string[];
  timings?: TrainTimings;
}

export interface EvalParams {
  /** a labelled folder; absent: the model's own validation images (not for zero-shot) */
  data?: string;
  /** a model id, 'current' (default), or 'zero-shot' */
  model?: string;
  /** also write the HTML report (report-<model>.html, numbered when taken: never replacing one) into this folder */
  report?: string;
}

/** One judged image of an evaluation. */
export interface JudgedImage {
  file: string;
  /** its true class (its folder) */
  label: Label;
  pHappy: number;
}

/** A point of the ROC curve of P(happy) as the score for "happy": called happy when P(happy) >= threshold. */
export interface RocPoint {
  /** null: the first point, where no image is called happy */
  threshold: number | null;
  /** sad images called happy, as a share of the sad images */
  fpr: number;
  /** happy images called happy, as a share of the happy images */
  tpr: number;
}

export interface Roc {
  points: RocPoint[];
  /** NaN (null in JSON) when one class is missing */
  auc: number;
}

/** One bin of P(happy) in a reliability (calibration) table. */
export interface CalibrationBin {
  from: number;
  to: number;
  n: number;
  /** the images' mean P(happy); null for an empty bin */
  meanPHappy: number | null;
  /** the share of them that are happy; null for an empty bin */
  happyShare: number | null;
}

export interface Calibration {
  bins: CalibrationBin[];
  /** expected calibration error: the bins' |mean P(happy) - happy share|, weighted by their image counts */
  ece: number;
}

/** What was evaluated: a folder, or the model's own validation images (found again in its training data folder). */
export type EvalSource = { kind: 'folder'; dir: string } | { kind: 'validation'; modelId: string; root: string; missing: number };

export interface Misclassified {
  file: string;
  label: Label;
  predicted: Label;
  confidence: number;
}

export interface EvalResult extends Metrics {
  backend: string;
  /** wall time of judging per image; see `features` for whether that included computing the features */
  msPerImage: number;
  /** feature vectors (two views per image: the photo and its mirror; the emotion network's too for faces a second look was asked about) computed in this call, or found in the cache */
  features: { computed: number; cached: number };
  modelId: string;
  source: EvalSource;
  /** every judged image, in the order they were found: a confusion-matrix cell is the images with that label and prediction */
  images: JudgedImage[];
  roc: Roc;
  calibration: Calibration;
  misclassified: Misclassified[];
  failed: SkippedFile[];
  skipped: SkippedFile[];
  /** how many of the judged images were in the model's training data (by content hash); null when unknown (a model saved without its sample list) */
  trainedOn: number | null;
  warnings: string[];
  /** the report written, when one was asked for */
  report?: string;
  /** why the report asked for could not be written (the figures above stand) */
  reportError?: string;
}

export interface PredictParams {
  /** image files, or folders whose images are predicted */
  inputs: string[];
  model?: string;
  /** also take the images in subfolders of a folder (in byte-wise order of their paths) */
  recursive?: boolean;
  /** keep every judged image in the library (<home>/library) */
  save?: boolean;
}

/** A face's place in the image as it is displayed (EXIF orientation applied), in pixels of the original file. */
export interface FaceBox {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** How one face found in an image is judged. */
export interface FacePrediction {
  box: FaceBox;
  label: Label;
  confidence: number;
  probabilities: { happy: number; sad: number };
}

/**
 * `label`, `confidence` and `probabilities` are those of the largest face (consumers from before faces were
 * detected keep working). `faces`: every face found, largest first; the whole image as the one face when it is
 * a face crop already. No face found: the whole image is judged, `faces` is empty and `face` says so.
 * `size`: the image's displayed size, which the boxes are in.
 */
export type Prediction =
  | {
      file: string;
      label: Label;
      confidence: number;
      probabilities: { happy: number; sad: number };
      faces?: FacePrediction[];
      face?: 'none found';
      size?: { width: number; height: number };
      saved?: { id: string; seenBefore: boolean };
    }
  | { file: string; error: string };

export interface PredictResult {
  results: Prediction[];
  modelId: string;
  backend: string;
  /** with save: how many images were stored (new), seen again, or could not be saved */
  library?: { saved: number; seenBefore: number; failed: SkippedFile[] };
}

/** A saved model version as the engine reports it. */
export interface ModelInfo {
  id: string;
  createdAt: string;
  appVersion: string;
  /** source: where a downloadable base came from, so that the model finds it again in the cache */
  /** greyInput: the faces went into the base in grey (absent: saved before that was recorded) */
  base: { id: BaseId; fingerprint: string; dim: number; greyInput?: boolean; source?: MobileNetSource };
  parentModel: string | null;
  dataset: DatasetSummary;
  hyperparameters: HeadHyperparameters & { seed: number };
  augment: AugmentConfig;
  history: EpochLog[];
  best: BestEpoch;
  validation: Metrics | null;
  backend: string;
  seconds: number;
  current: boolean;
  promotion?: PromotionNote;
  /** when it was imported into this installation (absent: trained here); dataset.root is then another installation's folder */
  importedAt?: string;
  /** its second look: faces it is unsure of (P(happy) within `margin` of 0.5) are judged again with human's emotion network too, by a head trained on `trainedOn` images */
  secondLook?: { margin: number; trainedOn: number };
}

/** What importModel did: the model's id, whether it was copied in (false: one with its id was here already), whether it is now current. */
export interface ImportModelResult {
  id: string;
  added: boolean;
  madeCurrent: boolean;
}

export interface EngineInfo {
  backend: BackendInfo;
  home: string;
  currentModel: string | null;
  /** models/current.json is there but names no model (damaged, or edited by hand): why; the zero-shot head judges meanwhile */
  currentProblem?: string;
  appVersion: string;
}

export type StageName = 'scanning' | 'loading-base' | 'downloading-base' | 'embedding' | 'training' | 'saving' | 'evaluating' | 'predicting';

export type ProgressEvent =
  | { type: 'stage'; stage: StageName; message: string }
  | { type: 'embedding'; done: number; total: number; cached: number }
  | { type: 'download'; file: string; bytes: number; totalBytes: number | null }
  | { type: 'batch'; epoch: number; batch: number; batches: number; loss: number }
  | ({ type: 'epoch'; epochs: number } & EpochLog)
  /** a problem the user should know about, said when it is found (e.g. degenerate data, before training starts) */
  | { type: 'warning'; message: string; /** a warning about the training data, as figures for the app to word */ detail?: DataWarning };
