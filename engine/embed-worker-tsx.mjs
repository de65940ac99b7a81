// Development entry of an embedding worker: registers tsx in this thread, then runs the TypeScript source.
// Built output (tsc's out/engine, electron-vite's out/main) uses the compiled embed-worker.js instead.
import { register } from 'tsx/esm/api';

register();
await import('./embed-worker.ts');
