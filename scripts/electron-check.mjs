#!/usr/bin/env node
// `npm start` runs this first: without Electron's binary (offline installs, ELECTRON_SKIP_BINARY_DOWNLOAD),
// `electron .` would try to download it and end in a stack trace. Say what is missing and what to do.
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';

/** Where the Electron binary should be, and whether it is there. */
export function findElectronBinary(electronDir, env = process.env) {
  const pathFile = join(electronDir, 'path.txt');
  const relative = existsSync(pathFile) ? readFileSync(pathFile, 'utf8').trim() : null;
  const binary = env.ELECTRON_OVERRIDE_DIST_PATH
    ? join(env.ELECTRON_OVERRIDE_DIST_PATH, relative || 'electron')
    : relative && join(electronDir, 'dist', relative);
  if (binary && existsSync(binary)) return { ok: true, binary };
  return {
    ok: false,
    message: [
      `npm start: Electron's binary is not installed${binary ? ` (looked for ${binary})` : ''}.`,
      'It is downloaded when Electron is installed, which fails offline or with ELECTRON_SKIP_BINARY_DOWNLOAD=1.',
      'With internet: run "npx install-electron" (or reinstall: rm -rf node_modules && npm install), then "npm start".',
      'Offline: set ELECTRON_OVERRIDE_DIST_PATH to the folder of an unpacked Electron 45 (see README, "Run the app").',
      'Everything else (the CLI, the tests) works without it.',
    ].join('\n'),
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const require = createRequire(import.meta.url);
  const result = findElectronBinary(dirname(require.resolve('electron/package.json')));
  if (!result.ok) {
    process.stderr.write(result.message + '\n');
    process.exit(1);
  }
}
