import { createRequire } from 'node:module';
import * as tf from './tf.js';
import { badInput } from './errors.js';
import type { BackendAttempt, BackendInfo, BackendKind } from '../common/engine-types.js';

export type { BackendInfo };

export interface BackendCandidate {
  id: string;
  kind: BackendKind;
  /** loads and activates the backend; throws with a reason when it cannot; returns the label */
  activate(): Promise<string>;
}

// not named `require`: a bundler's ESM shim (electron-vite) declares its own `require` in the same scope
const requireNative = createRequire(import.meta.url);

/** Loads a native tfjs-node variant; both register the 'tensorflow' backend. */
function nativeCandidate(pkg: string, kind: 'gpu' | 'native-cpu'): BackendCandidate {
  return {
    id: pkg,
    kind,
    async activate() {
      if (kind === 'gpu' && process.platform === 'darwin') throw new Error('no CUDA on macOS');
      try {
        requireNative(pkg);
      } catch (err) {
        const e = err as NodeJS.ErrnoException;
        if (e.code === 'MODULE_NOT_FOUND' && String(e.message).includes(pkg)) throw new Error(`${pkg} is not installed`);
        throw new Error(`${pkg} failed to load: ${firstLine(e.message)}`);
      }
      if (!(await tf.setBackend('tensorflow'))) throw new Error(`${pkg} loaded but its backend did not initialise`);
      if (kind === 'gpu') {
        // libtensorflow silently runs on the CPU when CUDA 11.2 / cuDNN 8.1 are missing
        const usingGpu = (tf.backend() as unknown as { isUsingGpuDevice?: boolean }).isUsingGpuDevice;
        if (!usingGpu) throw new Error('tfjs-node-gpu loaded but found no usable CUDA GPU (it needs CUDA 11.2 and cuDNN 8.1)');
        return 'GPU (CUDA) via tfjs-node-gpu';
      }
      return 'native CPU via tfjs-node';
    },
  };
}

const wasmCandidate: BackendCandidate = {
  id: '@tensorflow/tfjs-backend-wasm',
  kind: 'wasm',
  async activate() {
    // No setWasmPaths: in Node, emscripten reads the .wasm next to its script through fs, which also
    // works inside Electron's asar archive; tfjs's own path override would go through fetch(), which
    // cannot read local files in Node.
    const wasm = tf.loadWasmBackend();
    if (!(await tf.setBackend('wasm'))) throw new Error('the wasm backend did not initialise');
    const simd = await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT');
    const threads = wasm.getThreadsCount?.() ?? 1;
    return `WebAssembly (${simd ? 'SIMD' : 'no SIMD'}, ${threads} thread${threads === 1 ? '' : 's'})`;
  },
};

const cpuCandidate: BackendCandidate = {
  id: '@tensorflow/tfjs cpu',
  kind: 'cpu',
  async activate() {
    tf.loadCpuBackend(); // the engine does not load the whole tfjs bundle, which would bring it
    if (!(await tf.setBackend('cpu'))) throw new Error('the cpu backend did not initialise');
    return 'plain JavaScript CPU (slow)';
  },
};

/** Best first. */
export const DEFAULT_CANDIDATES: readonly BackendCandidate[] = [
  nativeCandidate('@tensorflow/tfjs-node-gpu', 'gpu'),
  nativeCandidate('@tensorflow/tfjs-node', 'native-cpu'),
  wasmCandidate,
  cpuCandidate,
];

/** A tiny op whose answer we know: a backend that loads but computes wrongly is worse than none. */
async function smokeTest(): Promise<void> {
  const y = tf.tidy(() => tf.add(tf.matMul(tf.tensor2d([[1, 2]]), tf.tensor2d([[3], [4]])), tf.scalar(1)));
  const [v] = await y.data();
  y.dispose();
  if (v !== 12) throw new Error(`smoke test computed ${v} instead of 12`);
}

/** Tries each candidate in order; the first that activates and passes the smoke test wins. */
export async function selectBackend(candidates: readonly BackendCandidate[] = DEFAULT_CANDIDATES, only?: string): Promise<BackendInfo> {
  if (only && !candidates.some((c) => c.id === only || c.kind === only)) {
    throw badInput(`unknown backend "${only}" (choose ${[...new Set(candidates.map((c) => c.kind))].join(', ')})`);
  }
  // production mode: no debug checks, and no console banner urging tfjs-node (we say that ourselves, once)
  tf.enableProdMode();
  const attempts: BackendAttempt[] = [];
  for (const c of candidates) {
    if (only && c.id !== only && c.kind !== only) {
      attempts.push({ candidate: c.id, ok: false, reason: `not requested (backend "${only}" was asked for)` });
      continue;
    }
    try {
      const label = await c.activate();
      await smokeTest();
      attempts.push({ candidate: c.id, ok: true });
      return { name: tf.getBackend(), kind: c.kind, label, attempts };
    } catch (err) {
      attempts.push({ candidate: c.id, ok: false, reason: firstLine((err as Error).message) });
    }
  }
  if (only) {
    // a forced backend: only the reasons of the candidates that were asked for
    const tried = attempts.filter((a, i) => candidates[i]!.id === only || candidates[i]!.kind === only);
    // something the user can change (another --backend, installing the package), not a fault of the engine
    throw badInput(`the ${only} backend cannot start: ${tried.map((a) => a.reason).join('; ')}`);
  }
  throw new Error(`no TensorFlow.js backend could start: ${attempts.map((a) => `${a.candidate}: ${a.reason}`).join('; ')}`);
}

function firstLine(s: string): string {
  return String(s).split('\n')[0]!.trim();
}
