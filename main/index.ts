/**
 * Electron entry (bundled to out/main/index.js by electron-vite): wires the real Electron module into app.ts.
 * One engine worker (out/main/worker.js, its own entry of the same build) for the app's whole life.
 */
import * as electron from 'electron';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { EngineHost } from '../engine/host.js';
import { assetsDir, defaultHome } from '../engine/paths.js';
import { startApp } from './app.js';

const home = defaultHome();
// assets/ outside the asar archive in a packaged app (models, the app icon), the checkout's in development
const assets = assetsDir();
electron.app.setPath('userData', home); // the CLI finds the same models without asking Electron
void startApp(electron, {
  createEngine: (onStatus) => new EngineHost({ home, assetsDir: assets, warmEmbedWorkers: true }, { workerUrl: new URL('./worker.js', import.meta.url), onStatus }),
  home,
  appRoot: fileURLToPath(new URL('../renderer/', import.meta.url)),
  preloadPath: fileURLToPath(new URL('../preload/index.cjs', import.meta.url)),
  devServerUrl: process.env.ELECTRON_RENDERER_URL,
  argv: process.argv,
  cwd: process.cwd(),
  defaultApp: process.defaultApp === true,
  iconPath: join(assets, 'app-icon.png'),
  appImage: process.env.APPIMAGE,
});
