/**
 * The engine's facade: one per worker thread (and one per CLI run), holding the chosen backend and the shared
 * services (model registry, loaded bases, feature stores). Every method takes plain data and returns plain
 * data (common/engine-contract.ts); the work itself is done by the use cases in use-cases/.
 */
import type { DataInspection, EngineInfo, EvalParams, ImportModelResult, EvalResult, MobileNetSource, ModelInfo, PredictParams, PredictResult, TrainParams, TrainResult } from '../common/engine-types.js';
import { DEFAULT_BASE } from '../common/defaults.js';
import { selectBackend, type BackendInfo } from './backend.js';
import type { FeatureStoreOptions } from './features/feature-store.js';
import type { CallContext } from './call-context.js';
import type { ModelRegistry } from './models/registry.js';
import { toModelInfo } from './models/model-meta.js';
import { evaluate } from './use-cases/evaluate.js';
import { exportModel } from './use-cases/export-model.js';
import { importModel } from './use-cases/import-model.js';
import type {
  LibraryListParams,
  LibraryListResult,
  LibraryRetrainResult,
  LibraryReviewParams,
  LibraryReviewResult,
  LibrarySaveEntry,
  LibrarySaveResult,
  LibraryUndoResult,
  RetrainOptions,
  RetrainPreview,
  ThumbnailResult,
} from '../common/library-types.js';
import { libraryThumbnail, predictAndSave } from './use-cases/library.js';
import { retrainPreview, retrainWithLibrary, type LibraryRetrainParams } from './use-cases/library-retrain.js';
import { createServices, type EngineServices } from './use-cases/services.js';
import { inspectData, type InspectParams } from './use-cases/inspect-data.js';
import { trainFromFolder } from './use-cases/train.js';
import { APP_VERSION } from './version.js';
import { sweepStaleTemps } from './atomic-fs.js';

interface EngineOptions {
  home: string;
  assetsDir: string;
  backend?: string;
  /** used when a request names none */
  mobilenet?: MobileNetSource;
  /** the data folder cannot be written (checked by the host's owner): judge without caching, refuse to train */
  readOnly?: boolean;
  /** embedding workers and cache bound (features/feature-store.ts) */
  features?: FeatureStoreOptions;
}

export class Engine {
  readonly registry: ModelRegistry;
  private readonly services: EngineServices;

  private constructor(
    readonly options: EngineOptions,
    readonly backend: BackendInfo,
  ) {
    this.services = createServices(options.home, options.assetsDir, backend, options.mobilenet, options.readOnly, options.features);
    this.registry = this.services.registry;
  }

  static async create(options: EngineOptions): Promise<Engine> {
    const backend = await selectBackend(undefined, options.backend);
    return new Engine(options, backend);
  }

  /** Loads the default base and starts its embedding workers, so that the first request finds them ready. */
  async warmUp(): Promise<void> {
    const base = await this.services.bases.load(DEFAULT_BASE, undefined);
    await (await this.services.features.forBase(base)).warm();
  }

  /**
   * Before the engine's thread is stopped: the writes a call left for after its answer (a prediction's features
   * and face detections) are finished, and the embedding workers stopped. A CLI run ends right after its answer.
   */
  async close(): Promise<void> {
    await this.services.features.close();
  }

  /** Removes temporary files and folders that killed processes left in the data folder (none when it is read-only). */
  async tidyDataFolder(): Promise<string[]> {
    return this.options.readOnly ? [] : sweepStaleTemps(this.options.home);
  }

  async info(): Promise<EngineInfo> {
    const [currentModel, problem] = await Promise.all([this.registry.currentId(), this.registry.currentProblem()]);
    return { backend: this.backend, home: this.options.home, currentModel, ...(problem && { currentProblem: problem }), appVersion: APP_VERSION };
  }

  async listModels(): Promise<ModelInfo[]> {
    const current = await this.registry.currentId();
    return (await this.registry.list()).map((m) => toModelInfo(m, m.id === current));
  }

  async useModel({ id }: { id: string }): Promise<ModelInfo> {
    return toModelInfo(await this.registry.setCurrent(id), true);
  }

  async deleteModel({ id }: { id: string }): Promise<{ deleted: string }> {
    await this.registry.delete(id);
    return { deleted: id };
  }

  exportModel(params: { id: string; dir: string }): Promise<{ dir: string }> {
    return exportModel(this.services, params);
  }

  importModel(params: { dir: string; use?: boolean }): Promise<ImportModelResult> {
    return importModel(this.services, params);
  }

  train(params: TrainParams, ctx: CallContext = {}): Promise<TrainResult> {
    return trainFromFolder(this.services, params, ctx);
  }

  inspectData(params: InspectParams): Promise<DataInspection> {
    return inspectData(params);
  }

  evaluate(params: EvalParams, ctx: CallContext = {}): Promise<EvalResult> {
    return evaluate(this.services, params, ctx);
  }

  predict(params: PredictParams, ctx: CallContext = {}): Promise<PredictResult> {
    return predictAndSave(this.services, params, ctx);
  }

  libraryList(params: LibraryListParams): Promise<LibraryListResult> {
    return this.services.library.list(params);
  }

  librarySave({ items }: { items: LibrarySaveEntry[] }): Promise<LibrarySaveResult> {
    return this.services.library.save(items);
  }

  libraryReview(params: LibraryReviewParams): Promise<LibraryReviewResult> {
    return this.services.library.review(params);
  }

  libraryUndo(): Promise<LibraryUndoResult> {
    return this.services.library.undo();
  }

  thumbnail(params: { id: string; size?: number }): Promise<ThumbnailResult> {
    return libraryThumbnail(this.services, params);
  }

  retrainPreview(params: RetrainOptions, ctx: CallContext = {}): Promise<RetrainPreview> {
    return retrainPreview(this.services, params, ctx);
  }

  retrainWithLibrary(params: LibraryRetrainParams, ctx: CallContext = {}): Promise<LibraryRetrainResult> {
    return retrainWithLibrary(this.services, params, ctx);
  }
}
