/** How the status bar names backends and the candidates the engine tried. */
import type { BackendKind } from '../../common/engine-types.js';
import type { MessageKey } from '../../common/i18n/index.js';

export const BACKEND_KIND_KEYS: Record<BackendKind, MessageKey> = {
  gpu: 'backend.gpu',
  'native-cpu': 'backend.nativeCpu',
  wasm: 'backend.wasm',
  cpu: 'backend.cpu',
};

/** The kind of an engine candidate, from its package name ("@tensorflow/tfjs-node-gpu" -> gpu). */
export function candidateKind(candidate: string): BackendKind {
  const c = candidate.toLowerCase();
  if (c.includes('gpu') || c.includes('cuda')) return 'gpu';
  if (c.includes('wasm') || c.includes('webassembly')) return 'wasm';
  if (c.includes('tfjs-node') || c.includes('native')) return 'native-cpu';
  return 'cpu';
}
