/**
 * The app's shared state: which view is shown, the engine's backend and status, the model versions and the
 * settings. One instance, made in main.ts from window.api and handed to the views.
 */
import type { HappySadApi } from '../../common/api.js';
import type { BackendInfo, EngineInfo, ModelInfo } from '../../common/engine-types.js';
import type { EngineStatus, Settings } from '../../common/ipc.js';
import { EngineClient } from './engine.js';
import { LibraryStore } from './library.svelte.js';
import { PredictBatch } from './predict.svelte.js';
import { RetrainFlow } from './retrain.svelte.js';
import { TrainSession } from './train.svelte.js';
import { errorMessage } from './errors.js';
import { modelNames } from './model-names.js';
import { formatModelTime, resolveLanguage, setLanguage, t } from './i18n.svelte.js';

export const VIEWS = ['predict', 'train', 'models', 'library'] as const;
export type View = (typeof VIEWS)[number];

/** 'zero-shot': the built-in model (the base's own happy-vs-sad output), used before any training. */
export const ZERO_SHOT = 'zero-shot';

export class AppModel {
  view = $state<View>('predict');
  info = $state<EngineInfo | null>(null);
  backend = $state<BackendInfo | null>(null);
  /** the engine could not start, crashed, or could not be restarted: what to tell the user */
  engineProblem = $state<{ kind: 'start-failed' | 'crashed' | 'restart-failed'; detail: string } | null>(null);
  models = $state<ModelInfo[]>([]);
  modelsLoaded = $state(false);
  settings = $state<Settings>({ language: null, savePredictions: true });
  aboutOpen = $state(false);
  readonly engine: EngineClient;
  /** the Predict view's images; kept here so that they outlive the view */
  readonly batch: PredictBatch;
  /** the saved-prediction library (its view) */
  readonly library: LibraryStore;
  /** "Retrain with collected data": the Library view's button and the menu command open the same panel */
  readonly retrain: RetrainFlow;
  /** the Train view's folder, settings and run; kept here so that a run and its chart outlive the view */
  readonly trainer: TrainSession;

  /** A current model to act on (the engine names none when current.json is damaged or names a model that is gone). */
  private get hasModel(): boolean {
    return this.info?.currentModel != null;
  }

  constructor(readonly api: HappySadApi) {
    this.engine = new EngineClient(api.engine);
    // every prediction made in the app is kept in the library unless the setting says not to
    this.batch = new PredictBatch(this.engine, () => this.settings.savePredictions);
    this.library = new LibraryStore(this.engine, api.files);
    this.retrain = new RetrainFlow(this.engine, {
      started: () => this.api.app.setState({ training: true, hasModel: this.hasModel }),
      ended: () => this.refresh(),
    });
    this.trainer = new TrainSession(this.engine, {
      currentModel: () => this.info?.currentModel ?? null,
      started: () => this.api.app.setState({ training: true, hasModel: this.hasModel }),
      ended: () => this.refresh(),
    });
    setLanguage(resolveLanguage(null, api.app.osLocale));
  }

  get currentModel(): ModelInfo | null {
    return this.models.find((m) => m.current) ?? null;
  }

  /** every model's name, made again when the list or the language changes (formatModelTime reads the language) */
  private names = $derived(modelNames(this.models, formatModelTime));

  /** What to call a model: when it was made ("Nov 29, 2:22 PM"); see modelNames for two made close together. */
  modelName(id: string): string {
    if (id === ZERO_SHOT) return t('model.zeroShot');
    return this.names.get(id) ?? id;
  }

  /** Listens to main, then tells it so (main flushes what it queued), then loads the engine's state. */
  async start(): Promise<void> {
    const { app, engine } = this.api;
    engine.onStatus((s) => this.onStatus(s));
    app.onSettingsChanged((s) => this.applySettings(s));
    try {
      this.applySettings(await app.getSettings());
    } catch {
      // settings unavailable: defaults (follow the OS language)
    }
    await this.refresh();
  }

  applySettings(settings: Settings): void {
    this.settings = settings;
    setLanguage(resolveLanguage(settings.language, this.api.app.osLocale));
  }

  /**
   * Shown at once; then what main kept (it validates and stores the patch, and tells every window). Main
   * refusing or failing puts the previous settings back, so that a switch never shows what is not stored, and
   * the caller is told why.
   */
  async updateSettings(patch: Partial<Settings>): Promise<void> {
    const before = this.settings;
    this.applySettings({ ...before, ...patch });
    try {
      this.applySettings(await this.api.app.setSettings(patch));
    } catch (err) {
      this.applySettings(before);
      throw err;
    }
  }

  /** Engine info and the model list; tells main whether a trained model exists (menu items follow). */
  async refresh(): Promise<void> {
    try {
      const [info, models] = await Promise.all([this.engine.call('info', {}), this.engine.call('listModels', {})]);
      this.info = info;
      this.backend = info.backend;
      this.models = models;
      this.modelsLoaded = true;
      if (this.engineProblem?.kind === 'start-failed') this.engineProblem = null;
    } catch (err) {
      this.engineProblem = { kind: 'start-failed', detail: errorMessage(err) };
    }
    // a refresh also comes while a training runs (the Models view shown): main's Stop Training must stay enabled
    this.api.app.setState({ training: this.trainer.running || this.retrain.running, hasModel: this.hasModel });
  }

  async useModel(id: string): Promise<void> {
    await this.engine.call('useModel', { id });
    await this.refresh();
  }

  private onStatus(status: EngineStatus): void {
    if (status.state === 'ready') {
      this.backend = status.backend;
      if (this.engineProblem?.kind !== 'start-failed') this.engineProblem = null;
      void this.refresh();
    } else if (status.state === 'crashed') this.engineProblem = { kind: 'crashed', detail: status.detail };
    else this.engineProblem = { kind: 'restart-failed', detail: status.message };
  }
}

