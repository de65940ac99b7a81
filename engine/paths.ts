import { existsSync } from 'node:fs';
import { realpath } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const PRODUCT_NAME = 'HappySad Studio';

/** "~" and "~/..." (or "~\\...") as a shell expands them; any other path as it is ("x/~", "~ann/x"). */
export function expandTilde(p: string, home: string = homedir()): string {
  return p === '~' ? home : p.startsWith('~/') || p.startsWith('~\\') ? join(home, p.slice(2)) : p;
}

/**
 * Whether two paths name the same folder: symbolic links followed (macOS' /tmp is /private/tmp), and on Windows
 * and macOS without regard to case, as their usual file systems compare names. A path that cannot be resolved
 * is compared as written, made absolute.
 */
export async function sameFolder(a: string, b: string, platform: NodeJS.Platform = process.platform): Promise<boolean> {
  const real = (p: string) => realpath(p).catch(() => resolve(p));
  const [x, y] = await Promise.all([real(a), real(b)]);
  return platform === 'win32' || platform === 'darwin' ? x.toLowerCase() === y.toLowerCase() : x === y;
}

/**
 * The data folder shared by the app and the CLI: HAPPYSAD_HOME if set, else where Electron puts
 * app.getPath('userData') for this product on each OS.
 */
export function defaultHome(platform: NodeJS.Platform = process.platform, env: NodeJS.ProcessEnv = process.env, home: string = homedir()): string {
  // "~/..." as a shell would have expanded it: a value set where no shell runs (a .desktop file, a service unit)
  // keeps its "~", which would otherwise make a folder named "~" in whatever folder the app started in
  const set = env.HAPPYSAD_HOME;
  if (set) return resolve(expandTilde(set, home));
  if (platform === 'win32') return join(env.APPDATA ?? join(home, 'AppData', 'Roaming'), PRODUCT_NAME);
  if (platform === 'darwin') return join(home, 'Library', 'Application Support', PRODUCT_NAME);
  return join(env.XDG_CONFIG_HOME ?? join(home, '.config'), PRODUCT_NAME);
}

/** The project's assets/ folder, from source, from out/, or unpacked from a packaged app's asar. */
export function assetsDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i++) {
    const candidate = join(dir, 'assets').replace(/app\.asar([\\/])/, 'app.asar.unpacked$1');
    if (existsSync(join(candidate, 'models'))) return candidate;
    dir = dirname(dir);
  }
  throw new Error('cannot find the assets/ folder next to the application');
}
