/**
 * Electron entry: wires the real Electron module into app.ts. One engine worker for the app's whole life.
 */
import * as electron from 'electron';
import { fileURLToPath } from 'node:url';
import { startApp } from './app.js';
import { EngineHost } from '../engine/host.js';
import { assetsDir, defaultHome } from '../engine/paths.js';

const home = defaultHome();
electron.app.setPath('userData', home); // the CLI finds the same models without asking Electron
void startApp(electron, {
  engine: new EngineHost({ home, assetsDir: assetsDir() }),
  rendererUrl: new URL('../../renderer/index.html', import.meta.url).href,
  preloadPath: fileURLToPath(new URL('../preload/index.cjs', import.meta.url)),
});
