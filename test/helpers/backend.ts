import { selectBackend } from '../../engine/backend.js';

let ready: ReturnType<typeof selectBackend> | null = null;
/** The same backend choice the app makes (wasm here). */
export function useBestBackend() {
  ready ??= selectBackend();
  return ready;
}
