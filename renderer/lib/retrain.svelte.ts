/**
 * "Retrain with collected data": the panel first shows retrainPreview's counts (how many photos of each kind
 * the retrain will use), then runs retrainWithLibrary with `expect` = that preview's fingerprint (the engine
 * refuses when the photos changed since), with its progress, and ends with the new version: made current, or
 * kept as a candidate with the reason. Opened from the Library view's button and from the menu command.
 */
import type { ProgressEvent } from '../../common/engine-types.js';
import { withWarning, type RunWarning } from './run-warnings.js';
import { isCancelled } from '../../common/errors.js';
import type { LibraryRetrainResult, RetrainPreview } from '../../common/library-types.js';
import type { EngineClient, RunningCall } from './engine.js';
import { errorMessage } from './errors.js';

export type RetrainPhase = 'preview' | 'running' | 'done' | 'failed' | 'stopped';

export type RetrainProgress = { kind: 'preparing' } | { kind: 'reading'; done: number; total: number } | { kind: 'epoch'; epoch: number; epochs: number };

export const DEFAULT_MIN_CONFIDENCE = 0.9;

export class RetrainFlow {
  open = $state(false);
  phase = $state<RetrainPhase>('preview');
  includeUnreviewed = $state(false);
  minConfidence = $state(DEFAULT_MIN_CONFIDENCE);
  preview = $state<RetrainPreview | null>(null);
  previewError = $state<string | null>(null);
  progress = $state<RetrainProgress>({ kind: 'preparing' });
  result = $state<LibraryRetrainResult | null>(null);
  error = $state<string | null>(null);
  /** what the retrain said as it ran (few images, validation images moved to training...), shown with its outcome */
  warnings = $state<RunWarning[]>([]);

  private call: RunningCall<'retrainWithLibrary'> | null = null;
  private previewGen = 0;
  private previewCall: RunningCall<'retrainPreview'> | null = null;

  constructor(
    private readonly engine: EngineClient,
    /** told when a retrain starts and ends (menus, the model list) */
    private readonly hooks: { started(): void; ended(changed: boolean): void | Promise<void> },
  ) {}

  get running(): boolean {
    return this.phase === 'running';
  }

  /** a run ended while the panel was closed (Escape during the run): its outcome is shown when it opens next */
  private unseen = false;

  /** Opens the panel on a fresh preview (or on the retrain that is running, or on one that ended unseen). */
  show(): void {
    this.open = true;
    if (this.phase === 'running') return;
    if (this.unseen) {
      this.unseen = false;
      return;
    }
    this.phase = 'preview';
    this.result = null;
    this.error = null;
    void this.loadPreview();
  }

  close(): void {
    this.open = false;
    this.stopPreview();
  }

  setIncludeUnreviewed(on: boolean): void {
    this.includeUnreviewed = on;
    void this.loadPreview();
  }

  async loadPreview(): Promise<void> {
    // a preview replaced or no longer wanted stops hashing the folder in the engine
    this.stopPreview();
    const gen = this.previewGen;
    this.preview = null;
    this.previewError = null;
    const call = this.engine.start('retrainPreview', this.options());
    this.previewCall = call;
    try {
      const p = await call.result;
      if (gen === this.previewGen) this.preview = p;
    } catch (err) {
      if (gen === this.previewGen) this.previewError = errorMessage(err);
    } finally {
      if (this.previewCall === call) this.previewCall = null;
    }
  }

  private stopPreview(): void {
    this.previewGen++;
    this.previewCall?.cancel();
    this.previewCall = null;
  }

  async start(): Promise<void> {
    const preview = this.preview;
    if (!preview?.ready || this.phase === 'running') return;
    this.phase = 'running';
    this.progress = { kind: 'preparing' };
    this.warnings = [];
    this.hooks.started();
    let changed = false;
    this.call = this.engine.start('retrainWithLibrary', { ...this.options(), expect: preview.fingerprint }, { onProgress: (e) => this.onProgress(e) });
    try {
      this.result = await this.call.result;
      this.phase = 'done';
      changed = true;
    } catch (err) {
      if (isCancelled(err)) this.phase = 'stopped';
      else {
        this.error = errorMessage(err);
        this.phase = 'failed';
      }
    } finally {
      this.call = null;
      this.unseen = !this.open;
      await this.hooks.ended(changed);
    }
  }

  stop(): void {
    this.call?.cancel();
  }

  private options(): { includeUnreviewed?: boolean; minConfidence?: number } {
    return this.includeUnreviewed ? { includeUnreviewed: true, minConfidence: this.minConfidence } : {};
  }

  private onProgress(e: ProgressEvent): void {
    if (e.type === 'embedding') this.progress = { kind: 'reading', done: e.done, total: e.total };
    else if (e.type === 'epoch') this.progress = { kind: 'epoch', epoch: e.epoch, epochs: e.epochs };
    else if (e.type === 'warning') this.warnings = withWarning(this.warnings, e);
  }
}
