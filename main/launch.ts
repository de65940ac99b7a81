/**
 * Files handed to the app on its command line (`happysad-studio photo.jpg`, "Open with", a second launch that
 * passes its arguments to the first).
 */
import { stat } from 'node:fs/promises';
import path from 'node:path';

/**
 * The file and folder arguments of a command line, as absolute paths, existing ones only. argv[0] is the
 * executable; when Electron runs an unpackaged app (`electron .`, process.defaultApp) argv[1] is the app.
 * Switches (-x, --x) are Chromium's or Electron's, not files.
 */
export async function pathsFromArgv(argv: readonly string[], cwd: string, defaultApp: boolean): Promise<string[]> {
  const args = argv.slice(defaultApp ? 2 : 1).filter((a) => a.length > 0 && !a.startsWith('-') && !a.includes('\0'));
  const out: string[] = [];
  for (const a of args) {
    const p = path.resolve(cwd, a);
    try {
      await stat(p);
      if (!out.includes(p)) out.push(p);
    } catch {
      // not a file: an argument meant for something else
    }
  }
  return out;
}
