/**
 * What the use cases share for an engine's life: the backend in use, the model registry, the loaded frozen
 * bases and one feature store per base.
 */
import type { BackendInfo, MobileNetSource } from '../../common/engine-types.js';
import { join } from 'node:path';
import { BaseLoader } from '../bases/loader.js';
import { loadTinyFaceDetector, type FaceDetector } from '../faces/face-detector.js';
import type { CallContext } from '../call-context.js';
import { FeatureStores, type FeatureOptions, type FeatureStoreOptions } from '../features/feature-store.js';
import { LibraryStore } from '../library/library-store.js';
import { ModelRegistry } from '../models/registry.js';

export interface EngineServices {
  home: string;
  /** the data folder cannot be written: nothing is cached, no model can be saved */
  readOnly: boolean;
  backend: BackendInfo;
  registry: ModelRegistry;
  bases: BaseLoader;
  features: FeatureStores;
  /** the saved-prediction library under <home>/library */
  library: LibraryStore;
  /** the MobileNetV2 source used when a request names none */
  mobilenet: MobileNetSource | undefined;
}

export function createServices(home: string, assetsDir: string, backend: BackendInfo, mobilenet?: MobileNetSource, readOnly = false, features: FeatureStoreOptions = {}): EngineServices {
  return { home, readOnly, backend, registry: new ModelRegistry(home), bases: new BaseLoader(home, assetsDir, mobilenet), features: new FeatureStores(home, readOnly, { detector: faceDetectorLoader(assetsDir), ...features }), library: new LibraryStore(home, readOnly), mobilenet };
}

/** Loads the face detector that ships with the app once, on first use, for every feature store. */
function faceDetectorLoader(assetsDir: string): () => Promise<FaceDetector> {
  let detector: Promise<FaceDetector> | null = null;
  return () => {
    detector ??= loadTinyFaceDetector(join(assetsDir, 'models', 'tiny-face-detector'));
    detector.catch(() => (detector = null));
    return detector;
  };
}

/** Feature-store options that cancel with the call and report its embedding progress. */
export function embeddingOptions(ctx: CallContext): FeatureOptions {
  return {
    ...(ctx.signal && { signal: ctx.signal }),
    onProgress: (done, total, cached) => ctx.progress?.({ type: 'embedding', done, total, cached }),
  };
}
