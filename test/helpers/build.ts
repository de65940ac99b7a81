import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ROOT } from './tmp.js';

const run = promisify(execFile);

/** `electron-vite build` of the project at `root` (default: this checkout) into `outDir` (main/, preload/, renderer/). */
export async function buildApp(outDir: string, root = ROOT): Promise<void> {
  await run(process.execPath, [join(ROOT, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js'), 'build', '--outDir', outDir], {
    cwd: root,
    env: { ...process.env, ELECTRON_SKIP_BINARY_DOWNLOAD: '1' },
  });
}
