/** Model writes for the SIGKILL test's children: a tiny head saved as a new current version, or an old one deleted. */
import { DEFAULT_AUGMENT } from '../../engine/augment.js';
import { createHead, DEFAULT_HYPERPARAMETERS } from '../../engine/head.js';
import type { ModelMeta } from '../../engine/models/model-meta.js';
import { ModelRegistry, newModelId } from '../../engine/models/registry.js';
import { useBestBackend } from './backend.js';

// the engine carries tfjs-core without a default backend: a model needs one chosen first, as the app does
await useBestBackend();

const DIM = 8;

export async function writeModel(home: string, rng: () => number): Promise<void> {
  const registry = new ModelRegistry(home);
  const existing = await registry.list();
  const current = await registry.currentId();
  if (existing.length > 4 && rng() < 0.5) {
    const old = existing.find((m) => m.id !== current);
    if (old) await registry.delete(old.id);
    return;
  }
  const id = newModelId();
  if (existing.some((m) => m.id === id)) return;
  const head = createHead(DIM, { kernel: Float32Array.from({ length: DIM }, () => rng() - 0.5), bias: rng() - 0.5 });
  const meta: ModelMeta = {
    schemaVersion: 1,
    id,
    createdAt: new Date().toISOString(),
    appVersion: 'test',
    base: { id: 'face-expression', fingerprint: 'test', dim: DIM },
    parentModel: current,
    dataset: { root: '/nowhere', validationFrom: 'split', train: { happy: 1, sad: 1 }, validation: { happy: 0, sad: 0 }, ignoredClasses: [], skipped: [] },
    hyperparameters: { ...DEFAULT_HYPERPARAMETERS, seed: 1 },
    augment: DEFAULT_AUGMENT,
    history: [],
    best: { epoch: 1, valAccuracy: null, valLoss: null },
    validation: null,
    backend: 'cpu',
    seconds: 0,
  };
  try {
    await registry.save(head, meta, { makeCurrent: true });
  } finally {
    head.dispose();
  }
}
