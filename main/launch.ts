/**
 * Files handed to the app on its command line (`happysad-studio photo.jpg`, "Open with", a second launch that
 * passes its arguments to the first).
 */
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The file and folder arguments of a command line, as absolute paths, existing ones only. argv[0] is the
 * executable; when Electron runs an unpackaged app (`electron .`, process.defaultApp) argv[1] is the app.
 * Switches (-x, --x) are Chromium's or Electron's, not files. A file:// URL stands for its file: Linux desktop
 * entries pass %U, and file managers may hand over URLs rather than paths.
 */
export async function pathsFromArgv(argv: readonly string[], cwd: string, defaultApp: boolean): Promise<string[]> {
  const args = argv.slice(defaultApp ? 2 : 1).filter((a) => a.length > 0 && !a.startsWith('-') && !a.includes('\0'));
  const out: string[] = [];
  for (const a of args) {
    const p = /^file:\/\//i.test(a) ? fileUrlPath(a) : path.resolve(cwd, a);
    if (p === null) continue;
    try {
      await stat(p);
      if (!out.includes(p)) out.push(p);
    } catch {
      // not a file: an argument meant for something else
    }
  }
  return out;
}

/** The local path a file:// URL names; null when it names none (a remote host, a malformed URL). */
function fileUrlPath(arg: string): string | null {
  try {
    return fileURLToPath(arg);
  } catch {
    return null;
  }
}
