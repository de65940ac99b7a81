/**
 * The Train view's session: the chosen training-data folder and its summary (inspectData), the settings, and
 * the training that runs with its progress, curves and outcome. It lives in the AppModel, not in the view, so
 * that leaving the view and coming back finds the same run and the same chart.
 *
 * The curves are plain data mutated in place (`curves`) with a reactive counter (`curveVersion`) bumped per
 * event: the chart redraws at most once per animation frame from them, whatever the rate of events.
 */
import { DEFAULT_AUGMENT, DEFAULT_BASE, DEFAULT_HYPERPARAMETERS, DEFAULT_SEED, DEFAULT_VALIDATION_SPLIT } from '../../common/defaults.js';
import type { AugmentConfig, BaseId, DataInspection, EpochLog, ProgressEvent, TrainParams, TrainResult } from '../../common/engine-types.js';
import { withWarning, type RunWarning } from './run-warnings.js';
import { isCancelled } from '../../common/errors.js';
import type { EngineClient, RunningCall } from './engine.js';
import { errorMessage } from './errors.js';

export type TrainPhase = 'idle' | 'running' | 'done' | 'stopped' | 'failed';

export type TrainStage =
  | { kind: 'starting' }
  | { kind: 'reading' }
  | { kind: 'loading-base' }
  | { kind: 'downloading-base'; bytes: number; totalBytes: number | null }
  | { kind: 'features'; done: number; total: number; cached: number }
  | { kind: 'training'; epoch: number; epochs: number }
  | { kind: 'saving' };

export const AUGMENT_STRENGTHS = ['light', 'normal', 'strong'] as const;
export type AugmentStrength = (typeof AUGMENT_STRENGTHS)[number];

export interface TrainSettings {
  base: BaseId;
  epochs: number;
  batchSize: number;
  learningRate: number;
  /** share of each class held out when the folder has no validation/ */
  validationSplit: number;
  seed: number;
  augment: boolean;
  augmentStrength: AugmentStrength;
}

export const DEFAULT_TRAIN_SETTINGS: TrainSettings = {
  base: DEFAULT_BASE,
  epochs: DEFAULT_HYPERPARAMETERS.epochs,
  batchSize: DEFAULT_HYPERPARAMETERS.batchSize,
  learningRate: DEFAULT_HYPERPARAMETERS.learningRate,
  validationSplit: DEFAULT_VALIDATION_SPLIT,
  seed: DEFAULT_SEED,
  augment: true,
  augmentStrength: 'normal',
};

/** Augmentation for a strength: 'normal' is the engine's default; light halves its ranges, strong widens them with more views. */
export function augmentFor(on: boolean, strength: AugmentStrength): Partial<AugmentConfig> {
  if (!on) return { variants: 0 };
  if (strength === 'normal') return {};
  const scale = strength === 'light' ? 0.5 : 1.5;
  const d = DEFAULT_AUGMENT;
  return {
    variants: strength === 'light' ? 1 : 4,
    maxRotationDeg: d.maxRotationDeg * scale,
    maxShift: d.maxShift * scale,
    maxZoom: d.maxZoom * scale,
    maxBrightness: d.maxBrightness * scale,
  };
}

/** The train request for a folder and settings; the validation share only matters when the folder has no validation/. */
export function trainParamsFor(folder: string, s: TrainSettings, validationFrom: 'folders' | 'split' | null): TrainParams {
  const augment = augmentFor(s.augment, s.augmentStrength);
  return {
    data: folder,
    base: s.base,
    epochs: s.epochs,
    batchSize: s.batchSize,
    learningRate: s.learningRate,
    seed: s.seed,
    ...(validationFrom !== 'folders' && { validationSplit: s.validationSplit }),
    ...(Object.keys(augment).length > 0 && { augment }),
  };
}

/** What the chart draws: every finished epoch, the epoch in progress, and the marks. */
export interface Curves {
  epochs: EpochLog[];
  /** the epoch in progress: the running mean of its batches' losses, at epoch - 1 + its share done */
  live: { x: number; loss: number } | null;
  /** epochs that began with a lower learning rate than the one before (a plateau cut) */
  lrCuts: number[];
  /** the best epoch: early stopping's (once known), else the lowest monitored loss so far */
  best: number | null;
  /** the planned number of epochs (the x axis' extent while running) */
  planned: number;
}

const emptyCurves = (planned = 0): Curves => ({ epochs: [], live: null, lrCuts: [], best: null, planned });

export interface TrainHooks {
  /** the model that is current before a run (null: the built-in one) */
  currentModel(): string | null;
  started(): void;
  ended(changed: boolean): void | Promise<void>;
}

export class TrainSession {
  folder = $state<string | null>(null);
  inspection = $state<DataInspection | null>(null);
  inspecting = $state(false);
  inspectError = $state<string | null>(null);
  settings = $state<TrainSettings>({ ...DEFAULT_TRAIN_SETTINGS });

  phase = $state<TrainPhase>('idle');
  stage = $state<TrainStage>({ kind: 'starting' });
  /** warnings said by the engine during the run */
  warnings = $state<RunWarning[]>([]);
  result = $state<TrainResult | null>(null);
  error = $state<string | null>(null);
  /** the model that was current when the run started (null: the built-in one) */
  previousModel = $state<string | null>(null);
  /** ms since the epoch, for elapsed time and ETA; `now` ticks every second while running */
  startedAt = $state(0);
  endedAt = $state(0);
  now = $state(0);
  stageStartedAt = $state(0);
  /** epochs finished in this run (reactive; the curves themselves are in `curves`) */
  epochsDone = $state(0);

  /** plain data, mutated in place; read it when curveVersion changes */
  readonly curves: Curves = emptyCurves();
  curveVersion = $state(0);

  private call: RunningCall<'train'> | null = null;
  private inspectGen = 0;
  private ticker: ReturnType<typeof setInterval> | null = null;
  private batchLossSum = 0;
  private batchCount = 0;
  private batchEpoch = 0;

  constructor(
    private readonly engine: EngineClient,
    private readonly hooks: TrainHooks,
  ) {}

  get running(): boolean {
    return this.phase === 'running';
  }

  get canStart(): boolean {
    return this.phase !== 'running' && this.folder !== null && !this.inspecting && this.inspection !== null && this.inspection.problem === null;
  }

  /** Takes a folder (chosen, dropped, from the menu) and reads its summary. Ignored while a run goes on. */
  setFolder(folder: string): void {
    if (this.running) return;
    this.folder = folder;
    if (this.phase !== 'idle') this.resetRun();
    void this.inspect();
  }

  updateSettings(patch: Partial<TrainSettings>): void {
    const splitChanged = patch.validationSplit !== undefined && patch.validationSplit !== this.settings.validationSplit;
    this.settings = { ...this.settings, ...patch };
    // the split's counts follow the share (the seed picks which images, not how many)
    if (splitChanged && this.inspection?.summary.validationFrom === 'split') void this.inspect();
  }

  resetSettings(): void {
    const split = this.settings.validationSplit;
    this.settings = { ...DEFAULT_TRAIN_SETTINGS };
    if (split !== DEFAULT_TRAIN_SETTINGS.validationSplit && this.inspection?.summary.validationFrom === 'split') void this.inspect();
  }

  async inspect(): Promise<void> {
    const folder = this.folder;
    if (!folder) return;
    const gen = ++this.inspectGen;
    this.inspecting = true;
    this.inspectError = null;
    try {
      const r = await this.engine.call('inspectData', { data: folder, validationSplit: this.settings.validationSplit, seed: this.settings.seed });
      if (gen === this.inspectGen) this.inspection = r;
    } catch (err) {
      if (gen === this.inspectGen) {
        this.inspection = null;
        this.inspectError = errorMessage(err);
      }
    } finally {
      if (gen === this.inspectGen) this.inspecting = false;
    }
  }

  async start(): Promise<void> {
    if (!this.canStart || !this.folder) return;
    this.resetRun();
    const params = trainParamsFor(this.folder, this.settings, this.inspection?.summary.validationFrom ?? null);
    this.curves.planned = params.epochs ?? DEFAULT_HYPERPARAMETERS.epochs;
    this.previousModel = this.hooks.currentModel();
    this.phase = 'running';
    this.startedAt = this.now = this.stageStartedAt = Date.now();
    this.ticker = setInterval(() => (this.now = Date.now()), 1000);
    this.hooks.started();
    let changed = false;
    this.call = this.engine.start('train', params, { onProgress: (e) => this.onProgress(e) });
    try {
      const result = await this.call.result;
      this.result = result;
      this.curves.best = result.best.epoch;
      this.curves.live = null;
      this.bumpCurves();
      this.phase = 'done';
      changed = true;
    } catch (err) {
      if (isCancelled(err)) this.phase = 'stopped';
      else {
        this.error = errorMessage(err);
        this.phase = 'failed';
        // the folder may have changed since it was read (a failure's usual cause): its card says how it is now
        void this.inspect();
      }
      this.curves.live = null;
      this.bumpCurves();
    } finally {
      this.call = null;
      if (this.ticker) clearInterval(this.ticker);
      this.ticker = null;
      this.endedAt = this.now = Date.now();
      await this.hooks.ended(changed);
    }
  }

  stop(): void {
    this.call?.cancel();
  }

  /** Seconds since the run started (to its end once it ended). */
  get elapsedSeconds(): number {
    if (this.phase === 'idle') return 0;
    return Math.max(0, ((this.phase === 'running' ? this.now : this.endedAt) - this.startedAt) / 1000);
  }

  /**
   * Seconds left in the step now running, from its pace so far: reading features by images done, training by
   * epochs done (early stopping may end it sooner: an upper bound). Null when there is nothing to go by yet.
   */
  get etaSeconds(): number | null {
    if (this.phase !== 'running') return null;
    const spent = (this.now - this.stageStartedAt) / 1000;
    const s = this.stage;
    if (s.kind === 'features' && s.done > 0 && s.total > s.done) return (spent / s.done) * (s.total - s.done);
    if (s.kind === 'training' && this.epochsDone > 0) return (spent / this.epochsDone) * Math.max(0, s.epochs - this.epochsDone);
    return null;
  }

  private resetRun(): void {
    this.phase = 'idle';
    this.stage = { kind: 'starting' };
    this.warnings = [];
    this.result = null;
    this.error = null;
    this.epochsDone = 0;
    Object.assign(this.curves, emptyCurves(this.curves.planned));
    this.batchLossSum = this.batchCount = this.batchEpoch = 0;
    this.bumpCurves();
  }

  private setStage(stage: TrainStage): void {
    if (stage.kind !== this.stage.kind) this.stageStartedAt = Date.now();
    this.stage = stage;
  }

  private onProgress(e: ProgressEvent): void {
    switch (e.type) {
      case 'stage':
        if (e.stage === 'scanning') this.setStage({ kind: 'reading' });
        else if (e.stage === 'loading-base') this.setStage({ kind: 'loading-base' });
        else if (e.stage === 'downloading-base') this.setStage({ kind: 'downloading-base', bytes: 0, totalBytes: null });
        else if (e.stage === 'embedding') this.setStage({ kind: 'features', done: 0, total: 0, cached: 0 });
        else if (e.stage === 'training') this.setStage({ kind: 'training', epoch: 0, epochs: this.curves.planned });
        else if (e.stage === 'saving') this.setStage({ kind: 'saving' });
        return;
      case 'download':
        this.setStage({ kind: 'downloading-base', bytes: e.bytes, totalBytes: e.totalBytes });
        return;
      case 'embedding':
        this.setStage({ kind: 'features', done: e.done, total: e.total, cached: e.cached });
        return;
      case 'warning':
        this.warnings = withWarning(this.warnings, e);
        return;
      case 'batch':
        this.onBatch(e.epoch, e.batch, e.batches, e.loss);
        return;
      case 'epoch':
        this.onEpoch(e);
        return;
    }
  }

  private onBatch(epoch: number, batch: number, batches: number, loss: number): void {
    if (epoch !== this.batchEpoch) {
      this.batchEpoch = epoch;
      this.batchLossSum = this.batchCount = 0;
    }
    this.batchLossSum += loss;
    this.batchCount += 1;
    this.curves.live = { x: epoch - 1 + batch / batches, loss: this.batchLossSum / this.batchCount };
    if (this.stage.kind !== 'training') this.setStage({ kind: 'training', epoch: epoch - 1, epochs: this.curves.planned });
    this.bumpCurves();
  }

  private onEpoch(e: ProgressEvent & { type: 'epoch' }): void {
    const log: EpochLog = { epoch: e.epoch, loss: e.loss, accuracy: e.accuracy, valLoss: e.valLoss, valAccuracy: e.valAccuracy, lr: e.lr, seconds: e.seconds };
    const c = this.curves;
    const prev = c.epochs.at(-1);
    if (prev && log.lr < prev.lr) c.lrCuts.push(log.epoch);
    c.epochs.push(log);
    c.planned = e.epochs;
    c.live = null;
    // early stopping watches the validation loss (the training loss without validation); the lowest so far is its best
    const monitored = (l: EpochLog) => l.valLoss ?? l.loss;
    const best = c.best === null ? undefined : c.epochs[c.best - 1];
    if (!best || monitored(log) < monitored(best)) c.best = log.epoch;
    this.epochsDone = c.epochs.length;
    this.setStage({ kind: 'training', epoch: e.epoch, epochs: e.epochs });
    this.bumpCurves();
  }

  private bumpCurves(): void {
    this.curveVersion += 1;
  }
}
