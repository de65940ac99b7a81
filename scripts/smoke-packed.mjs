#!/usr/bin/env node
/**
 * Smoke check of a packed app (`electron-builder --dir` output, or an installed app's folder), run with plain
 * Node, no Electron:
 *
 *   npm run smoke:packed -- release/linux-unpacked      (or release/win-unpacked, "release/mac/HappySad Studio.app", release)
 *   npm run smoke:packed -- DIR --image some/face.jpg
 *
 * What it runs: the packed app's own compiled main process (out/main/index.js from app.asar) with a small
 * stand-in for the 'electron' module, launched as "Open with" would launch it (the image on its command line).
 * It checks that the main process opens its window on the packed renderer with the packed preload and the app
 * icon, starts the engine worker (out/main/worker.js from app.asar), that the engine loads the bundled model
 * weights from resources/app.asar.unpacked, that the image reaches the renderer, and that predicting it
 * through the IPC bridge (as the Predict view does) gives happy or sad. Exits 0 when all of that holds.
 *
 * Plain Node cannot read asar archives, so app.asar is extracted to a temporary folder named app.asar (the
 * unpacked files copied in, as Electron would find them through the archive), next to a link named
 * app.asar.unpacked to the packed app's real one. The extracted copy's assets/models is removed: the weights
 * can only come from the packed app.asar.unpacked, as the packaged app's own path logic must find them.
 * What this cannot prove: that Electron itself starts (its binary, the fuses, the asar integrity check,
 * loading ES modules and worker threads through its asar support, the native modules under Electron's ABI).
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import { register } from 'node:module';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { extractAll } from '@electron/asar';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const DEFAULT_IMAGE = join(ROOT, 'test', 'fixtures', 'faces', 'happy', 'Training_10080933.jpg');
// common/ipc.ts's channels and main/protocol.ts's page, as plain values: this script runs the packed JavaScript
// on plain Node, without a TypeScript loader (test/packaging/smoke.test.ts holds them equal)
export const IPC = { engineCall: 'engine:call', rendererReady: 'app:renderer-ready', engineStatus: 'engine:status', openPaths: 'app:open-paths' };
export const APP_URL = 'happysad://app/index.html';

const log = (line) => console.log(`smoke: ${line}`);

/** resources/ of a packed app: DIR itself, DIR/resources, DIR/Contents/Resources (a .app), or one found under a release folder */
export async function findResources(dir) {
  const candidates = [dir, join(dir, 'resources'), join(dir, 'Contents', 'Resources')];
  for (const c of candidates) if (existsSync(join(c, 'app.asar'))) return c;
  const found = [];
  for (const entry of await readdir(dir, { withFileTypes: true }).catch(() => [])) {
    if (!entry.isDirectory()) continue;
    const sub = join(dir, entry.name);
    if (existsSync(join(sub, 'resources', 'app.asar'))) found.push(join(sub, 'resources'));
    for (const app of (await readdir(sub).catch(() => [])).filter((n) => n.endsWith('.app'))) {
      if (existsSync(join(sub, app, 'Contents', 'Resources', 'app.asar'))) found.push(join(sub, app, 'Contents', 'Resources'));
    }
  }
  if (found.length === 1) return found[0];
  if (found.length > 1) throw new Error(`several packed apps under ${dir}: ${found.join(', ')}; name one`);
  throw new Error(`no packed app (resources/app.asar) in ${dir}`);
}

/** The parts of Electron that main/app.ts and main/index.ts use, recording what the app asks for. */
function standInElectron() {
  const emitter = () => {
    const listeners = new Map();
    return {
      listeners,
      on(event, fn) {
        listeners.set(event, [...(listeners.get(event) ?? []), fn]);
        return this;
      },
      once(event, fn) {
        const once = (...a) => {
          listeners.set(event, (listeners.get(event) ?? []).filter((f) => f !== once));
          fn(...a);
        };
        return this.on(event, once);
      },
      emit(event, ...args) {
        for (const fn of [...(listeners.get(event) ?? [])]) fn(...args);
      },
    };
  };
  const state = { windows: [], handlers: new Map(), listeners: new Map(), protocolHandler: null, aboutPanel: null, quits: 0, paths: {} };
  const app = Object.assign(emitter(), {
    whenReady: () => Promise.resolve(),
    quit: () => void state.quits++,
    requestSingleInstanceLock: () => true,
    getLocale: () => 'en-US',
    getVersion: () => state.version,
    setAboutPanelOptions: (o) => void (state.aboutPanel = o),
    setPath: (name, value) => void (state.paths[name] = value),
    isPackaged: true,
  });
  class BrowserWindow {
    constructor(options) {
      Object.assign(this, emitter());
      this.options = options;
      this.url = null;
      this.destroyed = false;
      const sent = [];
      this.webContents = Object.assign(emitter(), {
        sent,
        send: (channel, ...args) => void sent.push({ channel, args }),
        isDestroyed: () => this.destroyed,
        setWindowOpenHandler: () => undefined,
      });
      state.windows.push(this);
    }
    loadURL(url) {
      this.url = url;
      return Promise.resolve();
    }
    show() {}
    focus() {}
    isMinimized() {
      return false;
    }
    restore() {}
    maximize() {}
    isMaximized() {
      return false;
    }
    isDestroyed() {
      return this.destroyed;
    }
    getNormalBounds() {
      return { x: 0, y: 0, width: this.options.width, height: this.options.height };
    }
    setProgressBar() {}
  }
  const electron = {
    app,
    BrowserWindow,
    Menu: { buildFromTemplate: (t) => t, setApplicationMenu: () => undefined },
    ipcMain: { handle: (c, fn) => void state.handlers.set(c, fn), on: (c, fn) => void state.listeners.set(c, fn) },
    protocol: { registerSchemesAsPrivileged: () => undefined, handle: (_scheme, fn) => void (state.protocolHandler = fn) },
    session: {
      defaultSession: {
        webRequest: { onBeforeRequest: () => undefined },
        setPermissionRequestHandler: () => undefined,
        setPermissionCheckHandler: () => undefined,
        setDevicePermissionHandler: () => undefined,
        on: () => undefined,
      },
    },
    shell: { openExternal: () => Promise.resolve(), openPath: () => Promise.resolve(''), showItemInFolder: () => undefined },
    dialog: { showOpenDialog: () => Promise.resolve({ canceled: true, filePaths: [] }) },
    nativeTheme: { themeSource: 'system', shouldUseDarkColors: false },
    Notification: Object.assign(class { show() {} }, { isSupported: () => false }),
    screen: { getAllDisplays: () => [{ workArea: { x: 0, y: 0, width: 1920, height: 1080 } }] },
  };
  return { electron, state };
}

const until = async (what, condition) => {
  // no time limit: a hang is the CI job's to end; say what is awaited so that a hang is legible
  let said = false;
  const started = Date.now();
  while (!condition()) {
    if (!said && Date.now() - started > 30_000) {
      log(`still waiting for ${what}`);
      said = true;
    }
    await new Promise((r) => setTimeout(r, 20));
  }
};

export async function smoke(dir, image = DEFAULT_IMAGE) {
  const resources = await findResources(resolve(dir));
  const packedAsar = join(resources, 'app.asar');
  const packedUnpacked = join(resources, 'app.asar.unpacked');
  image = resolve(image);
  await readFile(image);
  log(`packed app: ${resources}`);

  const tmp = await mkdtemp(join(tmpdir(), 'happysad-smoke-'));
  try {
    // the archive's contents where Node can read them, under the same name; app.asar.unpacked: the real one
    const asarDir = join(tmp, 'resources', 'app.asar');
    await mkdir(dirname(asarDir), { recursive: true });
    extractAll(packedAsar, asarDir);
    await rm(join(asarDir, 'assets', 'models'), { recursive: true, force: true });
    await symlink(packedUnpacked, join(tmp, 'resources', 'app.asar.unpacked'), 'junction');
    const pkg = JSON.parse(await readFile(join(asarDir, 'package.json'), 'utf8'));
    const main = join(asarDir, pkg.main);
    assert.ok(existsSync(main), `the packed package.json's main (${pkg.main}) is in app.asar`);

    const { electron, state } = standInElectron();
    state.version = pkg.version;
    globalThis.__happysadSmokeElectron = electron;
    const fakeModule = join(tmp, 'electron-stand-in.mjs');
    await writeFile(fakeModule, `const e = globalThis.__happysadSmokeElectron;\nexport const { ${Object.keys(electron).join(', ')} } = e;\nexport default e;\n`);
    const hooks = `export async function resolve(specifier, context, next) { return specifier === 'electron' ? { url: ${JSON.stringify(pathToFileURL(fakeModule).href)}, shortCircuit: true } : next(specifier, context); }`;
    register(`data:text/javascript,${encodeURIComponent(hooks)}`);

    // launched as "Open with" launches it: the executable, then the file
    const home = join(tmp, 'home');
    process.env.HAPPYSAD_HOME = home;
    process.argv = [join(dirname(resources), basename(dirname(resources))), image];
    await import(pathToFileURL(main).href);

    await until('the window and the app protocol', () => state.windows.length > 0 && state.protocolHandler !== null);
    const win = state.windows[0];
    assert.equal(state.paths.userData, home, 'the data folder');
    assert.equal(win.url, APP_URL);
    const preload = win.options.webPreferences.preload;
    assert.ok(preload.startsWith(asarDir), `the preload comes from app.asar: ${preload}`);
    await readFile(preload);
    const page = await state.protocolHandler(new Request(APP_URL));
    assert.equal(page.status, 200, 'the renderer page is served');
    assert.equal(await page.text(), await readFile(join(asarDir, 'out', 'renderer', 'index.html'), 'utf8'), 'the packed renderer');
    const icon = state.aboutPanel?.iconPath;
    assert.ok(icon && icon.startsWith(join(tmp, 'resources', 'app.asar.unpacked')), `the app icon from app.asar.unpacked: ${icon}`);
    await readFile(icon);
    if (process.platform !== 'darwin') assert.equal(win.options.icon, icon, 'the window icon');
    log(`main process: window on ${win.url}, preload ${preload.slice(asarDir.length)}, icon ${icon.slice(tmp.length)}`);

    // the renderer says it listens: the engine status and the file from the command line arrive
    const event = { sender: win.webContents, senderFrame: { url: APP_URL, parent: null } };
    state.listeners.get(IPC.rendererReady)(event);
    const sentOn = (channel) => win.webContents.sent.filter((s) => s.channel === channel).map((s) => s.args);
    await until('the engine status', () => sentOn(IPC.engineStatus).length > 0);
    const [status] = sentOn(IPC.engineStatus).at(-1);
    assert.equal(status.state, 'ready', `the engine started: ${JSON.stringify(status)}`);
    log(`engine worker ready: ${status.backend.label}`);
    for (const a of status.backend.attempts ?? []) if (!a.ok) log(`  (${a.candidate} not used: ${a.reason ?? 'unavailable'})`);
    await until('the opened file', () => sentOn(IPC.openPaths).length > 0);
    assert.deepEqual(sentOn(IPC.openPaths), [[[image]]], 'the file from the command line reaches the renderer');

    const answer = await state.handlers.get(IPC.engineCall)(event, 'smoke-1', 'predict', { inputs: [image] });
    assert.equal(answer.ok, true, `predict: ${JSON.stringify(answer.error)}`);
    const [prediction] = answer.value.results;
    assert.ok(prediction && 'label' in prediction, `a prediction: ${JSON.stringify(prediction)}`);
    assert.ok(['happy', 'sad'].includes(prediction.label));
    log(`predicted ${basename(image)}: ${prediction.label} (${(prediction.confidence * 100).toFixed(1)} %), model ${answer.value.modelId}`);

    // quitting stops the engine worker
    electron.app.emit('will-quit', { preventDefault() {} });
    await until('the engine to stop', () => state.quits > 0);
    return { label: prediction.label, confidence: prediction.confidence, modelId: answer.value.modelId, backend: answer.value.backend };
  } finally {
    await rm(tmp, { recursive: true, force: true }).catch(() => undefined);
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === resolve(process.argv[1])) {
  const args = process.argv.slice(2);
  const i = args.indexOf('--image');
  const image = i >= 0 ? args.splice(i, 2)[1] : undefined;
  if (args.length !== 1 || !image && i >= 0) {
    console.error('usage: npm run smoke:packed -- DIR [--image FILE]   (DIR: release/linux-unpacked, release/win-unpacked, release/mac/HappySad Studio.app or release)');
    process.exit(2);
  }
  smoke(args[0], image).then(
    () => {
      log('ok');
      process.exit(0);
    },
    (err) => {
      console.error(`smoke: FAILED: ${err instanceof Error ? err.stack ?? err.message : err}`);
      process.exit(1);
    },
  );
}
