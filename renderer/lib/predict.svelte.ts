/**
 * The Predict view's batch: images and folders are queued, judged in chunks (one engine call per chunk, so
 * cards fill in as results arrive and a batch of hundreds never holds the page), and can be stopped.
 */
import type { Prediction } from '../../common/engine-types.js';
import type { Label } from '../../common/labels.js';
import type { ReviewState } from '../../common/library-types.js';
import { isCancelled } from '../../common/errors.js';
import type { EngineClient, RunningCall } from './engine.js';
import { errorMessage } from './errors.js';

/** Images per engine call: small enough that cards appear steadily, large enough to keep the engine busy. */
export const CHUNK_SIZE = 24;

const IMAGE_EXTENSIONS = new Set(['jpg', 'jpeg', 'jpe', 'jfif', 'png', 'webp', 'gif', 'tif', 'tiff', 'bmp', 'dib', 'avif', 'heic', 'heif']);

export function looksLikeImage(path: string): boolean {
  const name = baseName(path);
  const dot = name.lastIndexOf('.');
  return dot > 0 && IMAGE_EXTENSIONS.has(name.slice(dot + 1).toLowerCase());
}

export function baseName(path: string): string {
  const parts = path.split(/[\\/]/).filter(Boolean);
  return parts[parts.length - 1] ?? path;
}

export type PredictItem =
  | { key: number; path: string; name: string; state: 'pending' }
  /** a folder whose images are not listed yet */
  | { key: number; path: string; name: string; state: 'folder' }
  | {
      key: number;
      path: string;
      name: string;
      state: 'done';
      label: Label;
      confidence: number;
      happy: number;
      sad: number;
      modelId: string;
      /**
       * the faces to outline on the preview, largest first, in the pixels of the image as displayed (`size`);
       * absent when the image is judged whole (a face crop already, or no face found)
       */
      faces?: PreviewFace[];
      size?: { width: number; height: number };
      /** no face was found: the whole image was judged */
      noFace?: boolean;
      /** its id in the library, when it was saved there; its review state and final label there */
      savedId?: string;
      review?: ReviewState;
      finalLabel?: Label;
    }
  | { key: number; path: string; name: string; state: 'error'; reason: string };

export interface PreviewFace {
  box: { x: number; y: number; width: number; height: number };
  label: Label;
  confidence: number;
}

type Job = { kind: 'files'; paths: string[] } | { kind: 'folder'; path: string };

export class PredictBatch {
  items = $state<PredictItem[]>([]);
  running = $state(false);
  /** images judged (or failed) in the batch now running, and how many it holds so far */
  done = $state(0);
  total = $state(0);
  /** the last batch was stopped by the user: how many it had judged */
  stopped = $state<{ done: number; total: number } | null>(null);

  private nextKey = 1;
  private queue: Job[] = [];
  private current: RunningCall<'predict'> | null = null;
  private cancelled = false;
  private folderTotal = 0;
  private folderDone = 0;

  /** save: whether predictions are kept in the library (the savePredictions setting) */
  constructor(
    private readonly engine: EngineClient,
    private readonly save: () => boolean = () => false,
  ) {}

  /**
   * Confirms or corrects a judged image in the library (it moves folder on disk when corrected); the card
   * shows its review state. Rejects with the engine's error.
   */
  async review(key: number, action: 'confirm' | 'correct'): Promise<void> {
    const item = this.items.find((x) => x.key === key);
    if (item?.state !== 'done' || !item.savedId) return;
    const r = await this.engine.call('libraryReview', { ids: [item.savedId], action });
    const saved = r.items.find((x) => x.id === item.savedId);
    const i = this.items.findIndex((x) => x.key === key);
    const now = this.items[i];
    if (saved && now?.state === 'done') this.items[i] = { ...now, review: saved.review, finalLabel: saved.label };
  }

  get counts(): { happy: number; sad: number; failed: number; judged: number } {
    let happy = 0;
    let sad = 0;
    let failed = 0;
    for (const it of this.items) {
      if (it.state === 'done') it.label === 'happy' ? happy++ : sad++;
      else if (it.state === 'error') failed++;
    }
    return { happy, sad, failed, judged: happy + sad + failed };
  }

  /** Queues images and folders; judging starts at once (or after the calls already queued). */
  add(paths: readonly string[]): void {
    const unique = [...new Set(paths.filter((p) => p.length > 0))];
    if (unique.length === 0) return;
    if (!this.running) {
      this.done = 0;
      this.total = 0;
      this.stopped = null;
    }
    const files: string[] = [];
    for (const path of unique) {
      if (looksLikeImage(path)) {
        files.push(path);
        this.upsert({ key: 0, path, name: baseName(path), state: 'pending' });
        this.total++;
      } else {
        this.upsert({ key: 0, path, name: baseName(path), state: 'folder' });
        this.queue.push({ kind: 'folder', path });
      }
    }
    for (let i = 0; i < files.length; i += CHUNK_SIZE) this.queue.push({ kind: 'files', paths: files.slice(i, i + CHUNK_SIZE) });
    if (!this.running) void this.run();
  }

  /** Stops the batch: the call in flight is cancelled and the images not judged yet are dropped. */
  stop(): void {
    if (!this.running) return;
    this.cancelled = true;
    this.queue = [];
    this.current?.cancel();
  }

  clear(): void {
    this.stop();
    this.items = [];
    this.done = 0;
    this.total = 0;
    this.stopped = null;
  }

  private upsert(item: PredictItem): void {
    const i = this.items.findIndex((x) => x.path === item.path);
    if (i >= 0) {
      this.items[i] = { ...item, key: this.items[i]!.key };
      return;
    }
    this.items.push({ ...item, key: this.nextKey++ });
  }

  private async run(): Promise<void> {
    this.running = true;
    this.cancelled = false;
    try {
      while (this.queue.length > 0 && !this.cancelled) {
        const job = this.queue.shift()!;
        if (job.kind === 'files') await this.judgeFiles(job.paths);
        else await this.judgeFolder(job.path);
      }
    } finally {
      if (this.cancelled) {
        this.stopped = { done: this.done, total: this.total };
        this.items = this.items.filter((it) => it.state !== 'pending' && it.state !== 'folder');
      }
      this.current = null;
      this.running = false;
    }
  }

  private async judgeFiles(paths: string[]): Promise<void> {
    this.current = this.engine.start('predict', { inputs: paths, ...(this.save() && { save: true }) });
    try {
      const { results, modelId } = await this.current.result;
      results.forEach((r, i) => this.settle(paths[i] ?? r.file, r, modelId));
    } catch (err) {
      if (isCancelled(err) || this.cancelled) return;
      const reason = errorMessage(err);
      for (const path of paths) this.settle(path, { file: path, error: reason }, '');
    }
  }

  private async judgeFolder(folder: string): Promise<void> {
    this.folderTotal = 0;
    this.folderDone = 0;
    this.current = this.engine.start(
      'predict',
      { inputs: [folder], ...(this.save() && { save: true }) },
      {
        onProgress: (e) => {
          if (e.type !== 'embedding') return;
          // the folder's images count once the engine has listed them
          this.total += e.total - this.folderTotal;
          this.folderTotal = e.total;
          this.done += e.done - this.folderDone;
          this.folderDone = e.done;
        },
      },
    );
    try {
      const { results, modelId } = await this.current.result;
      // the folder's card gives way to one card per image (or to its reason when it holds none)
      const at = this.items.findIndex((x) => x.path === folder);
      const made = results.map((r) => this.itemFor(r.file, r, modelId, this.nextKey++));
      this.total += results.length - this.folderTotal;
      this.done += results.length - this.folderDone;
      if (at >= 0) this.items.splice(at, 1, ...made);
      else this.items.push(...made);
    } catch (err) {
      if (isCancelled(err) || this.cancelled) return;
      this.total += 1 - this.folderTotal;
      this.done += 1 - this.folderDone;
      this.upsert({ key: 0, path: folder, name: baseName(folder), state: 'error', reason: errorMessage(err) });
    }
  }

  private settle(path: string, r: Prediction, modelId: string): void {
    const i = this.items.findIndex((x) => x.path === path && x.state === 'pending');
    const item = this.itemFor(path, r, modelId, i >= 0 ? this.items[i]!.key : this.nextKey++);
    if (i >= 0) this.items[i] = item;
    else this.items.push(item);
    this.done++;
  }

  private itemFor(path: string, r: Prediction, modelId: string, key: number): PredictItem {
    const name = baseName(path);
    if ('error' in r) return { key, path, name, state: 'error', reason: r.error };
    const item: PredictItem = { key, path, name, state: 'done', label: r.label, confidence: r.confidence, happy: r.probabilities.happy, sad: r.probabilities.sad, modelId };
    const faces = r.faces ?? [];
    const whole = faces.length === 1 && r.size !== undefined && faces[0]!.box.x === 0 && faces[0]!.box.y === 0 && faces[0]!.box.width === r.size.width && faces[0]!.box.height === r.size.height;
    if (r.face === 'none found') item.noFace = true;
    else if (faces.length > 0 && !whole && r.size) {
      item.faces = faces.map((f) => ({ box: f.box, label: f.label, confidence: f.confidence }));
      item.size = r.size;
    }
    // saved again: the library's record (and its review) is looked up when the card is reviewed
    return r.saved ? { ...item, savedId: r.saved.id, review: 'unreviewed', finalLabel: r.label } : item;
  }
}
