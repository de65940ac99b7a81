import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The app's version, read from package.json so that it is written in one place. Found by walking up from
 * this file, so that it works from the source, from tsc's out/engine and from the bundled out/main alike.
 */
function readVersion(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i++) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'happysad-studio' && pkg.version) return pkg.version;
    } catch {
      // no package.json here: look one folder up
    }
    dir = dirname(dir);
  }
  throw new Error('cannot find the app package.json next to the engine');
}

export const APP_VERSION: string = readVersion();
