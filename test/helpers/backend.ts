import { selectBackend } from '../../engine/backend.js';

let ready: ReturnType<typeof selectBackend> | null = null;
/** The same backend choice the app makes (wasm on our development machines, a native one where tfjs-node runs). */
export function useBestBackend() {
  ready ??= selectBackend();
  return ready;
}
