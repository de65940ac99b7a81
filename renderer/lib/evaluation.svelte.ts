/**
 * One model's evaluation in the Models view: on its own validation images or on a folder the user chose,
 * with progress and cancel, the result kept (with its drilled-in confusion-matrix cell) until another one
 * arrives: a cancelled or failed run leaves the shown result, its cell and its report as they were, and
 * "Save report..." writes the report of the result shown (its own source), never of the run that did not finish.
 */
import type { HappySadApi } from '../../common/api.js';
import type { EvalResult, JudgedImage } from '../../common/engine-types.js';
import { isCancelled } from '../../common/errors.js';
import { probabilityToLabel, type Label } from '../../common/labels.js';
import type { EngineClient, RunningCall } from './engine.js';
import { errorMessage } from './errors.js';

/**
 * At most this many photos of a clicked cell are shown (the most wrong): each is a full-size image, and a
 * large folder's cell would otherwise make thousands of them at once.
 */
export const CELL_SHOWN = 40;

export type EvalSourceChoice = { kind: 'validation' } | { kind: 'folder'; dir: string };
export interface Cell {
  actual: Label;
  predicted: Label;
}

/** How wrong a judgement is: the probability it gave to the wrong class. */
export function wrongness(image: JudgedImage): number {
  return image.label === 'happy' ? 1 - image.pHappy : image.pHappy;
}

/** The images of one confusion-matrix cell, the most wrong first (then by file, for a stable order). */
export function cellImages(images: readonly JudgedImage[], cell: Cell): JudgedImage[] {
  return images
    .filter((i) => i.label === cell.actual && probabilityToLabel(i.pHappy) === cell.predicted)
    .sort((a, b) => wrongness(b) - wrongness(a) || (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
}

export class Evaluation {
  state = $state<'idle' | 'running' | 'done' | 'failed' | 'cancelled'>('idle');
  progress = $state<{ done: number; total: number } | null>(null);
  result = $state<EvalResult | null>(null);
  error = $state<string | null>(null);
  cell = $state<Cell | null>(null);
  saving = $state(false);
  savedReport = $state<string | null>(null);
  saveError = $state<string | null>(null);
  private call: RunningCall<'evaluate'> | null = null;

  constructor(
    readonly modelId: string,
    private readonly engine: EngineClient,
    private readonly files: HappySadApi['files'],
  ) {}

  get cellImages(): JudgedImage[] {
    return this.result && this.cell ? cellImages(this.result.images, this.cell) : [];
  }

  private params(source: EvalSourceChoice, report?: string) {
    return { model: this.modelId, ...(source.kind === 'folder' && { data: source.dir }), ...(report !== undefined && { report }) };
  }

  async run(source: EvalSourceChoice): Promise<void> {
    this.call?.cancel();
    // the shown result, its cell and its saved report stay until a new result replaces them
    this.state = 'running';
    this.progress = null;
    this.error = null;
    this.saveError = null;
    const call = this.engine.start('evaluate', this.params(source), {
      onProgress: (e) => {
        if (e.type === 'embedding') this.progress = { done: e.done, total: e.total };
      },
    });
    this.call = call;
    try {
      const result = await call.result;
      if (this.call !== call) return;
      this.result = result;
      this.cell = null;
      this.savedReport = null;
      this.state = 'done';
    } catch (err) {
      if (this.call !== call) return;
      // said even with an older result on screen: the user sees that what is shown is not the new run
      if (isCancelled(err)) this.state = 'cancelled';
      else {
        this.error = errorMessage(err);
        this.state = 'failed';
      }
    } finally {
      if (this.call === call) this.call = null;
    }
  }

  /** Asks for a folder, then evaluates on it. */
  async chooseFolder(): Promise<void> {
    let dir: string | undefined;
    try {
      [dir] = await this.files.choose('evaluation-data');
    } catch (err) {
      this.error = errorMessage(err);
      this.state = 'failed';
      return;
    }
    if (dir) await this.run({ kind: 'folder', dir });
  }

  cancel(): void {
    this.call?.cancel();
  }

  select(cell: Cell | null): void {
    this.cell = cell && this.cell && this.cell.actual === cell.actual && this.cell.predicted === cell.predicted ? null : cell;
  }

  /** The evaluation shown, written as the HTML report into a folder the user chooses (features come from the cache). */
  async saveReport(): Promise<void> {
    const shown = this.result;
    if (!shown) return;
    this.saveError = null;
    let dir: string | undefined;
    try {
      [dir] = await this.files.choose('export-folder');
    } catch (err) {
      this.saveError = errorMessage(err);
      return;
    }
    if (!dir) return;
    this.saving = true;
    try {
      const source: EvalSourceChoice = shown.source.kind === 'folder' ? { kind: 'folder', dir: shown.source.dir } : { kind: 'validation' };
      const r = await this.engine.call('evaluate', this.params(source, dir));
      this.savedReport = r.report ?? null;
      if (r.reportError) this.saveError = r.reportError;
    } catch (err) {
      this.saveError = errorMessage(err);
    } finally {
      this.saving = false;
    }
  }
}
