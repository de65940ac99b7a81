/**
 * Plain data of the saved-prediction library and of "Retrain with collected data", as it crosses the engine's
 * boundary (worker thread, IPC, CLI JSON). The on-disk format is the engine's own (engine/library/).
 */
import type { BaseId, ClassCounts, FacePrediction, Promotion, TrainResult } from './engine-types.js';
import type { Label } from './labels.js';

export const REVIEW_STATES = ['unreviewed', 'confirmed', 'corrected'] as const;
/** unreviewed: as the model judged it; confirmed: its label is the model's and a person agreed (or dropped it in by hand); corrected: a person changed it */
export type ReviewState = (typeof REVIEW_STATES)[number];

export const REVIEW_ACTIONS = ['confirm', 'correct', 'delete'] as const;
export type ReviewAction = (typeof REVIEW_ACTIONS)[number];

export const LIBRARY_SORTS = ['newest', 'oldest', 'least-sure', 'most-sure', 'name'] as const;
/** least-sure: lowest confidence first (the ones worth reviewing); images dropped in by hand have none and come last */
export type LibrarySort = (typeof LIBRARY_SORTS)[number];

/** One saved image. Its id is the sha256 of its bytes: the same image saved twice is one item. */
export interface LibraryItem {
  id: string;
  /** absolute path of the stored file: <home>/library/<label>_predicted/<storedName> */
  file: string;
  storedName: string;
  /** the final label, which is always the folder the file is in */
  label: Label;
  review: ReviewState;
  /** what the model said; null for an image dropped into a folder by hand */
  predicted: Label | null;
  /** the model's confidence in `predicted` (0.5..1); null when dropped in by hand */
  confidence: number | null;
  /** the model that judged it ('zero-shot' or a model id); null when dropped in by hand */
  modelId: string | null;
  /** each face the model judged, largest first (absent: dropped in by hand, or saved before faces were detected) */
  faces?: FacePrediction[];
  /** no face was found: the whole image was judged */
  face?: 'none found';
  originalName: string;
  /** where it was saved from; null when dropped in by hand */
  originalPath: string | null;
  /** 'prediction': saved by predict; 'folder': found in a library folder (dropped in by hand, or the index was rebuilt) */
  source: 'prediction' | 'folder';
  savedAt: string;
  reviewedAt: string | null;
  /** how many times it was saved (the same image again is stored once) */
  seen: number;
  lastSeenAt: string;
}

export interface LibraryCounts {
  all: number;
  happy: number;
  sad: number;
  unreviewed: number;
  confirmed: number;
  corrected: number;
}

/** The action "undo" would revert, when there is one. */
export interface UndoInfo {
  action: ReviewAction;
  count: number;
  at: string;
}

export interface LibraryListParams {
  filter?: { label?: Label; review?: ReviewState };
  sort?: LibrarySort;
  offset?: number;
  limit?: number;
}

export interface LibraryListResult {
  items: LibraryItem[];
  /** of the whole library, whatever the filter */
  counts: LibraryCounts;
  /** items matching the filter (items is the page offset..offset+limit of them) */
  total: number;
  undo: UndoInfo | null;
  /** the library folder (for "reveal in file manager") */
  dir: string;
}

/** A prediction to keep: the engine reads the file, stores a copy once, and records what the model said. */
export interface LibrarySaveEntry {
  file: string;
  predicted: Label;
  confidence: number;
  modelId: string;
  faces?: FacePrediction[];
  face?: 'none found';
}

export interface LibrarySaveResult {
  saved: Array<{ file: string; id: string; item: LibraryItem; seenBefore: boolean }>;
  failed: Array<{ file: string; reason: string }>;
}

export interface LibraryReviewParams {
  ids: string[];
  action: ReviewAction;
  /** with 'correct': the label the images get (default: the other one); images that already have it are only marked reviewed */
  label?: Label;
}

export interface LibraryReviewResult {
  /** the items as they are now (none for delete) */
  items: LibraryItem[];
  deleted: string[];
  /** ids that are not in the library */
  missing: string[];
  undo: UndoInfo | null;
}

export interface LibraryUndoResult {
  /** what was undone; null when there was nothing to undo */
  undone: UndoInfo | null;
  /** the items it brought back or changed back */
  items: LibraryItem[];
}

export interface ThumbnailResult {
  /**
   * a JPEG made once with sharp and cached under <home>/cache/thumbnails; null when it could not be cached
   * (a read-only data folder, a full disk): `data` then holds it
   */
  path: string | null;
  /** the JPEG, base64, when `path` is null (a 256 px thumbnail is some 20 kB) */
  data?: string;
  width: number;
  height: number;
}

export interface RetrainOptions {
  /** also train on unreviewed images (their label is the model's guess), only those at least minConfidence sure */
  includeUnreviewed?: boolean;
  /** 0.5..1, default 0.9; only with includeUnreviewed */
  minConfidence?: number;
}

/** How many images of each kind a retrain with the library will use, before it starts. */
export interface RetrainPreview {
  /** the model it starts from and is compared with; null: none was trained yet (the base's own zero-shot head) */
  fromModel: string | null;
  base: BaseId;
  /** the current model's own training data, read again from its folder */
  dataset: {
    root: string | null;
    train: ClassCounts;
    validation: ClassCounts;
    /** why the folder's images are not used (it is gone, or there was none) */
    missing?: string;
  };
  library: {
    /** reviewed images (and unreviewed ones when opted in) trained on */
    train: ClassCounts;
    /** the stratified, seeded share of the reviewed images held out for validation */
    validation: ClassCounts;
    used: { confirmed: number; corrected: number; unreviewed: number };
    notUsed: {
      /** unreviewed, not opted in */
      unreviewed: number;
      /** unreviewed, opted in, but less sure than minConfidence */
      belowConfidence: number;
      /** the same image is already in the training data's folder: used from there */
      alreadyInTrainingData: number;
    };
  };
  total: { train: ClassCounts; validation: ClassCounts };
  /**
   * images of the split's validation share the current model learned from (its samples.json), counted in train
   * above instead: judged, they would flatter the new model, which starts from it (learned-to-train.ts). null:
   * the current model lists none (saved by an early version, or its samples.json damaged), so none could be
   * checked: the validation images may include some it learned from
   */
  learned: number | null;
  includeUnreviewed: boolean;
  minConfidence: number | null;
  /** false: a retrain would be refused, `reason` says why */
  ready: boolean;
  reason?: string;
  /** names exactly these images with these labels and splits; pass it to retrainWithLibrary as `expect` */
  fingerprint: string;
}

/** Whether the retrained model became the current one, decided on the same validation images for both. */
export interface RetrainPromotion extends Promotion {
  candidate: { accuracy: number; n: number };
  /** how much worse (in accuracy points) the new model may be and still become current */
  tolerancePoints: number;
}

export interface LibraryRetrainResult extends TrainResult {
  preview: RetrainPreview;
  promotion: RetrainPromotion;
}
