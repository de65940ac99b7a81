// Development entry of the engine worker: registers tsx in this thread, then runs the TypeScript source.
// The packaged app and `npm run build` output use the compiled worker.js instead.
import { register } from 'tsx/esm/api';

register();
await import('./worker.ts');
