import { readdir, stat } from 'node:fs/promises';
import { extname, join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { DEFAULT_AUGMENT, JUDGE_VIEWS, variantParams } from './augment.js';
import type { AugmentConfig } from '../common/engine-types.js';
import { selectBackend, type BackendInfo } from './backend.js';
import type { BaseId, FrozenBase } from './bases/base.js';
import { loadFaceExpressionBase } from './bases/face-expression.js';
import { ensureMobileNet, loadMobileNetBase } from './bases/mobilenet-v2.js';
import { scanDataset, scanEvalSet, type Sample, type SkippedFile } from './dataset.js';
import { embedFiles, type EmbedOutcome, type EmbedRequest } from './embed-images.js';
import { EmbeddingCache } from './embedding-cache.js';
import { badInput, throwIfAborted } from './errors.js';
import { createHead, DEFAULT_HYPERPARAMETERS, predictHead, trainHead, type HeadHyperparameters, type Matrix } from './head.js';
import { IMAGE_EXTENSIONS } from './image-decode.js';
import { labelToTarget, probabilityToLabel } from '../common/labels.js';
import { computeMetrics } from './metrics.js';
import { withDataLock } from './data-lock.js';
import { ModelRegistry, newModelId } from './models/registry.js';
import { DEFAULT_BASE, resolveModel, ZERO_SHOT, type ResolvedModel } from './models/resolve.js';
import { BaseLoader } from './bases/loader.js';
import type { CallContext } from './handlers.js';
import type {
  EngineInfo, EvalParams, EvalResult, MobileNetSource, ModelInfo, PredictParams, PredictResult, Prediction,
  ProgressEvent, TrainParams, TrainResult,
} from '../common/engine-types.js';
import { MODEL_META_SCHEMA, toModelInfo, type ModelMeta } from './models/model-meta.js';
import { APP_VERSION } from './version.js';
import { deriveSeed } from './random.js';

export { ZERO_SHOT };

export interface EngineOptions {
  home: string;
  assetsDir: string;
  backend?: string;
  /** used when a request names none */
  mobilenet?: MobileNetSource;
  /** the data folder cannot be written: features are not cached, models cannot be saved */
  readOnly?: boolean;
}


/**
 * The engine: one per worker thread, holding the chosen backend, loaded bases and the embedding caches.
 * Every method takes plain data and returns plain data (see protocol.ts).
 */
export class Engine {
  readonly registry: ModelRegistry;
  private readonly bases: BaseLoader;
  private readonly caches = new Map<string, Promise<EmbeddingCache>>();

  private constructor(
    readonly options: EngineOptions,
    readonly backend: BackendInfo,
  ) {
    this.registry = new ModelRegistry(options.home);
    this.bases = new BaseLoader(options.home, options.assetsDir, options.mobilenet);
  }

  static async create(options: EngineOptions): Promise<Engine> {
    const backend = await selectBackend(undefined, options.backend);
    return new Engine(options, backend);
  }

  async info(): Promise<EngineInfo> {
    return { backend: this.backend, home: this.options.home, currentModel: await this.registry.currentId(), appVersion: APP_VERSION };
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

  async train(params: TrainParams, ctx: CallContext = {}): Promise<TrainResult> {
    const t0 = performance.now();
    if (this.options.readOnly) throw badInput(`the data folder ${this.options.home} is read-only: a trained model could not be saved`);
    const seed = params.seed ?? 42;
    const hp: HeadHyperparameters = {
      ...DEFAULT_HYPERPARAMETERS,
      ...(params.epochs !== undefined && { epochs: params.epochs }),
      ...(params.batchSize !== undefined && { batchSize: params.batchSize }),
      ...(params.learningRate !== undefined && { learningRate: params.learningRate }),
    };
    const augment: AugmentConfig = { ...DEFAULT_AUGMENT, ...params.augment };
    ctx.progress?.({ type: 'stage', stage: 'scanning', message: `Reading ${params.data}` });
    const dataset = await scanDataset(params.data, {
      seed,
      ...(params.maxPerClass !== undefined && { maxPerClass: params.maxPerClass }),
      ...(params.validationSplit !== undefined && { validationSplit: params.validationSplit }),
    });
    throwIfAborted(ctx.signal);

    let parent: ResolvedModel | null = null;
    if (params.fromModel) parent = await this.resolveModel(params.fromModel, ctx);
    try {
      return await this.trainFrom(params, ctx, { t0, seed, hp, augment, dataset, parent });
    } finally {
      parent?.head.dispose();
    }
  }

  private async trainFrom(
    params: TrainParams,
    ctx: CallContext,
    { t0, seed, hp, augment, dataset, parent }: { t0: number; seed: number; hp: HeadHyperparameters; augment: AugmentConfig; dataset: Awaited<ReturnType<typeof scanDataset>>; parent: ResolvedModel | null },
  ): Promise<TrainResult> {
    const base = parent?.base ?? (await this.loadBase(params.base ?? DEFAULT_BASE, params.mobilenet, ctx));
    if (parent && params.base && params.base !== base.id) {
      throw badInput(`model ${parent.id} uses the ${base.id} base; it cannot be retrained on ${params.base}`);
    }

    ctx.progress?.({ type: 'stage', stage: 'embedding', message: `Computing ${base.id} features` });
    const tEmbed = performance.now();
    const views = (s: Sample) => Array.from({ length: augment.variants + 1 }, (_, v) => variantParams(augment, seed, s.file, v));
    const requests = [
      ...dataset.train.map((s) => ({ file: s.file, views: views(s) })),
      ...dataset.validation.map((s) => ({ file: s.file, views: [...JUDGE_VIEWS] })),
    ];
    const emb = await this.embed(base, requests, ctx);
    const embedSeconds = (performance.now() - tEmbed) / 1000;

    const nTrain = dataset.train.length;
    const trainSet = toMatrix(base.dim, dataset.train, emb.vectors.slice(0, nTrain), 'each-view');
    const valSet = toMatrix(base.dim, dataset.validation, emb.vectors.slice(nTrain), 'average');
    if (!trainSet.y.some((t) => t === 1) || !trainSet.y.some((t) => t === 0)) {
      throw badInput(`${params.data}: after skipping unreadable files, one class has no training images left`);
    }

    ctx.progress?.({ type: 'stage', stage: 'training', message: `Training on ${nTrain} images` });
    const head = createHead(base.dim, parent ? headWeights(parent.head) : base.zeroShotHead, deriveSeed(seed, 'init'));
    try {
      const result = await trainHead(head, trainSet, valSet.x.n ? valSet : null, hp, deriveSeed(seed, 'head'), {
        ...(ctx.signal && { signal: ctx.signal }),
        onEpoch: (log) => ctx.progress?.({ type: 'epoch', epochs: hp.epochs, ...log }),
        onBatch: throttle(250, (epoch, batch, batches, loss) => ctx.progress?.({ type: 'batch', epoch, batch, batches, loss })),
      });
      const bestLog = result.history[result.bestEpoch - 1];
      const validation = valSet.x.n ? computeMetrics(predictHead(head, valSet.x), valSet.y) : null;
      const id = newModelId();
      const seconds = (performance.now() - t0) / 1000;
      const best = { epoch: result.bestEpoch, valAccuracy: bestLog?.valAccuracy ?? null, valLoss: bestLog?.valLoss ?? null };
      const failed = emb.failures;
      const meta: ModelMeta = {
        schemaVersion: MODEL_META_SCHEMA,
        id,
        createdAt: new Date().toISOString(),
        appVersion: APP_VERSION,
        base: { id: base.id, fingerprint: base.fingerprint, dim: base.dim, ...(base.id === 'mobilenet-v2' && { source: parent?.source ?? params.mobilenet ?? this.options.mobilenet ?? {} }) },
        parentModel: parent?.id ?? null,
        dataset: { ...dataset.summary, skipped: [...dataset.summary.skipped, ...failed].slice(0, 200) },
        hyperparameters: { ...hp, seed },
        augment,
        history: result.history,
        best,
        validation,
        backend: this.backend.label,
        seconds,
      };
      ctx.progress?.({ type: 'stage', stage: 'saving', message: `Saving model ${id}` });
      throwIfAborted(ctx.signal);
      await this.registry.save(head, meta, { makeCurrent: true });
      return {
        modelId: id,
        backend: this.backend.label,
        seconds: (performance.now() - t0) / 1000,
        epochs: result.history.length,
        best,
        history: result.history,
        dataset: dataset.summary,
        embedding: { images: requests.length, views: emb.cached + emb.computed, cached: emb.cached, seconds: embedSeconds },
        stoppedEarly: result.stoppedEarly,
        failed,
      };
    } finally {
      head.dispose();
    }
  }

  async evaluate(params: EvalParams, ctx: CallContext = {}): Promise<EvalResult> {
    const { samples, skipped } = await scanEvalSet(params.data);
    const model = await this.resolveModel(params.model ?? 'current', ctx);
    try {
      ctx.progress?.({ type: 'stage', stage: 'evaluating', message: `Evaluating ${model.id} on ${samples.length} images` });
      const t0 = performance.now();
      const emb = await this.embed(model.base, samples.map((s) => ({ file: s.file, views: [...JUDGE_VIEWS] })), ctx);
      const set = toMatrix(model.base.dim, samples, emb.vectors, 'average');
      const p = predictHead(model.head, set.x);
      const ms = (performance.now() - t0) / Math.max(1, samples.length);
      const kept = samples.filter((_, i) => emb.vectors[i]);
      const misclassified = kept
        .map((s, i) => ({ file: s.file, label: s.label, predicted: probabilityToLabel(p[i]!), confidence: Math.max(p[i]!, 1 - p[i]!) }))
        .filter((m) => m.label !== m.predicted);
      return {
        ...computeMetrics(p, set.y),
        backend: this.backend.label,
        msPerImage: ms,
        modelId: model.id,
        misclassified,
        failed: emb.failures,
        skipped,
      };
    } finally {
      model.head.dispose();
    }
  }

  async predict(params: PredictParams, ctx: CallContext = {}): Promise<PredictResult> {
    const entries = await expandInputs(params.inputs);
    const files = entries.filter((e) => !e.error).map((e) => e.file);
    const model = await this.resolveModel(params.model ?? 'current', ctx);
    try {
      ctx.progress?.({ type: 'stage', stage: 'predicting', message: `Predicting ${files.length} images with ${model.id}` });
      const emb = await this.embed(model.base, files.map((file) => ({ file, views: [...JUDGE_VIEWS] })), ctx);
      const okIdx = files.map((_, i) => i).filter((i) => emb.vectors[i]);
      const x: Matrix = { n: okIdx.length, dim: model.base.dim, data: new Float32Array(okIdx.length * model.base.dim) };
      okIdx.forEach((i, row) => x.data.set(meanVector(emb.vectors[i]!), row * model.base.dim));
      const p = predictHead(model.head, x);
      const failures = new Map(emb.failures.map((f) => [f.file, f.reason]));
      const byIndex = new Map(okIdx.map((i, row) => [i, p[row]!]));
      const judged = files.map((file, i): Prediction => {
        const ph = byIndex.get(i);
        if (ph === undefined) return { file, error: failures.get(file) ?? 'could not be read' };
        const label = probabilityToLabel(ph);
        return { file, label, confidence: label === 'happy' ? ph : 1 - ph, probabilities: { happy: ph, sad: 1 - ph } };
      });
      let next = 0;
      const results = entries.map((e): Prediction => (e.error ? { file: e.file, error: e.error } : judged[next++]!));
      return { results, modelId: model.id, backend: this.backend.label };
    } finally {
      model.head.dispose();
    }
  }

  private resolveModel(ref: string, ctx: CallContext): Promise<ResolvedModel> {
    return resolveModel(this.registry, this.bases, ref, ctx);
  }

  private loadBase(id: BaseId, source: MobileNetSource | undefined, ctx: CallContext): Promise<FrozenBase> {
    return this.bases.load(id, source, ctx);
  }

  /** Embeds through the base's cache; what was computed is kept even when the request is cancelled. */
  private async embed(base: FrozenBase, requests: EmbedRequest[], ctx: CallContext): Promise<EmbedOutcome> {
    const cache = await this.cache(base);
    try {
      return await embedFiles(base, cache, requests, {
        ...(ctx.signal && { signal: ctx.signal }),
        onProgress: (done, total, cached) => ctx.progress?.({ type: 'embedding', done, total, cached }),
      });
    } finally {
      await cache.flush();
    }
  }

  private cache(base: FrozenBase): Promise<EmbeddingCache> {
    const key = `${base.id}-${base.fingerprint}`;
    let c = this.caches.get(key);
    if (!c) {
      const home = this.options.home;
      c = EmbeddingCache.open(this.options.readOnly ? null : join(home, 'cache', 'embeddings'), base.id, base.fingerprint, base.dim, (fn) => withDataLock(home, `cache-${key}`, fn));
      this.caches.set(key, c);
    }
    return c;
  }
}

/**
 * Training rows: one per view. Judging rows: one per image, the mean of its views' features (the head is
 * linear, so this averages the logits). Failed files are left out.
 */
function toMatrix(dim: number, samples: readonly Sample[], vectors: Array<Float32Array[] | null>, mode: 'each-view' | 'average'): { x: Matrix; y: Float32Array } {
  const rows: Float32Array[] = [];
  const targets: number[] = [];
  samples.forEach((s, i) => {
    const views = vectors[i];
    if (!views) return;
    for (const v of mode === 'average' ? [meanVector(views)] : views) {
      rows.push(v);
      targets.push(labelToTarget(s.label));
    }
  });
  const data = new Float32Array(rows.length * dim);
  rows.forEach((r, i) => data.set(r, i * dim));
  return { x: { data, n: rows.length, dim }, y: Float32Array.from(targets) };
}

export function meanVector(views: readonly Float32Array[]): Float32Array {
  if (views.length === 1) return views[0]!;
  const out = new Float32Array(views[0]!.length);
  for (const v of views) for (let i = 0; i < out.length; i++) out[i]! += v[i]! / views.length;
  return out;
}

function headWeights(head: tf.LayersModel): { kernel: Float32Array; bias: number } {
  const [k, b] = head.getWeights();
  return { kernel: k!.dataSync() as Float32Array, bias: b!.dataSync()[0]! };
}

/**
 * Files as given, and the image files directly inside any folder given (sorted by name), in the order of the
 * inputs; an input that does not exist keeps its place with an error.
 */
export async function expandInputs(inputs: string[]): Promise<Array<{ file: string; error?: string }>> {
  const out: Array<{ file: string; error?: string }> = [];
  for (const input of inputs) {
    const st = await stat(input).catch(() => null);
    if (!st) out.push({ file: input, error: 'no such file or folder' });
    else if (st.isDirectory()) {
      const names = (await readdir(input)).filter((n) => !n.startsWith('.') && IMAGE_EXTENSIONS.has(extname(n).toLowerCase())).sort();
      if (names.length === 0) out.push({ file: input, error: 'no images in this folder' });
      out.push(...names.map((n) => ({ file: join(input, n) })));
    } else out.push({ file: input });
  }
  return out;
}

function throttle<A extends unknown[]>(ms: number, fn: (...args: A) => void): (...args: A) => void {
  let last = 0;
  return (...args: A) => {
    const now = performance.now();
    if (now - last >= ms) {
      last = now;
      fn(...args);
    }
  };
}

export type { SkippedFile };
