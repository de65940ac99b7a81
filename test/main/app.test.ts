/**
 * The main-process glue (main/app.ts) run against a stand-in Electron and the real engine: what it asks of
 * Electron, in which order, and how it answers the renderer and the OS.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { copyFile, mkdir, readFile, readdir, symlink, utimes, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, test } from 'node:test';
import type { MenuItemConstructorOptions } from 'electron';
import { APP_CSP, PROJECT_LINKS, imageUrl } from '../../common/api.js';
import { EngineError } from '../../common/errors.js';
import { IPC } from '../../common/ipc.js';
import { EngineHost } from '../../engine/host.js';
import { startApp, type AppHandle, type AppOptions } from '../../main/app.js';
import { menuItems } from '../../main/menu.js';
import { APP_URL } from '../../main/protocol.js';
import { secureWebPreferences } from '../../main/security.js';
import { fakeElectron, type FakeElectron, type FakeOptions, type FakeWindow } from '../helpers/fake-electron.js';
import { ASSETS, FACES, tempDir } from '../helpers/tmp.js';
import { until } from '../helpers/until.js';

const FACE = join(FACES, 'happy', 'Training_10080933.jpg');
const engines: EngineHost[] = [];
after(() => Promise.all(engines.map((e) => e.dispose())));

async function appRoot() {
  const dir = await tempDir();
  await writeFile(join(dir, 'index.html'), '<!doctype html><title>HappySad Studio</title>');
  return dir;
}

/** For tests about the glue alone: an engine that starts at once and answers nothing. */
const stubEngine = () => ({
  request: () => ({ id: 'x', result: new Promise<never>(() => undefined) }),
  cancel: () => false,
  start: () => Promise.resolve(),
  dispose: () => Promise.resolve(),
});

async function launch(fake: FakeOptions = {}, options: Partial<AppOptions> = {}, realEngine = false) {
  const f = fakeElectron(fake);
  const home = options.home ?? (await tempDir());
  let engine: EngineHost | null = null;
  const handle = await startApp(f.electron, {
    createEngine: (onStatus) => {
      if (!realEngine) return stubEngine();
      engine = new EngineHost({ home, assetsDir: ASSETS }, { onStatus });
      engines.push(engine);
      return engine;
    },
    home,
    appRoot: await appRoot(),
    preloadPath: '/app/out/preload/index.cjs',
    platform: 'linux',
    ...options,
  });
  const win = () => f.windows.at(-1)!;
  /** the renderer of the current window: its events, as its main frame at the app's URL */
  const ev = (url = APP_URL) => f.event(win().webContents, url);
  const ready = () => f.send(IPC.rendererReady, ev());
  const item = (id: string) => menuItems(f.menus.at(-1) as MenuItemConstructorOptions[]).find((i) => i.id === id)!;
  const click = (id: string) => (item(id).click as unknown as () => void)();
  return { f, home, handle: handle as AppHandle, engine: () => engine!, win, ev, ready, item, click };
}

const sentOn = (w: FakeWindow, channel: string) => w.webContents.sentOn(channel);

test('one secure window on the app page; the scheme is privileged before ready; the engine starts with the app', async () => {
  const a = await launch({}, {}, true);
  const { f } = a;
  assert.deepEqual(f.log.slice(0, 3), ['lock', 'schemes', 'ready'], 'single-instance lock, then the scheme, before ready');
  assert.deepEqual(f.state.schemes, [{ scheme: 'happysad', privileges: { standard: true, secure: true, supportFetchAPI: true } }]);
  assert.ok(f.log.indexOf('handle:happysad') > f.log.indexOf('ready'));
  assert.equal(f.windows.length, 1);
  const w = a.win();
  assert.equal(w.url, APP_URL);
  const prefs = w.options.webPreferences;
  // the fake app is a packaged one unless said: no developer tools
  assert.deepEqual(prefs, secureWebPreferences('/app/out/preload/index.cjs', true));
  assert.equal(prefs.contextIsolation, true);
  assert.equal(prefs.sandbox, true);
  assert.equal(prefs.nodeIntegration, false);
  assert.equal(prefs.nodeIntegrationInWorker, false);
  assert.equal(prefs.webSecurity, true);
  assert.equal(prefs.webviewTag, false);
  assert.equal(prefs.allowRunningInsecureContent, false);
  assert.equal(w.options.minWidth, 900);
  assert.equal(w.options.minHeight, 600);
  assert.equal(w.options.show, false);
  w.emit('ready-to-show');
  assert.equal(w.shown, 1, 'shown once painted');
  assert.equal(f.nativeTheme.themeSource, 'system', 'light/dark follows the OS');

  // the app page comes through the protocol with its CSP
  const res = await f.state.protocolHandler!(new Request(APP_URL));
  assert.equal(res.status, 200);
  assert.equal(res.headers.get('content-security-policy'), APP_CSP);

  // engine status: held until the renderer listens, then the real engine's backend
  const backend = await a.engine().start();
  assert.deepEqual(sentOn(w, IPC.engineStatus), [], 'nothing before ready');
  a.ready();
  assert.deepEqual(sentOn(w, IPC.engineStatus), [[{ state: 'ready', backend }]], 'the backend this engine chose, whichever it is on this machine');

  // an engine call through the real bridge
  const info = (await f.invoke(IPC.engineCall, a.ev(), 'c1', 'info', {})) as { ok: boolean; value: { home: string } };
  assert.equal(info.ok, true);
  assert.equal(info.value.home, a.home);
  const refused = (await f.invoke(IPC.engineCall, a.ev('https://evil.example/'), 'c2', 'info', {})) as { ok: boolean };
  assert.equal(refused.ok, false);

  f.app.emit('window-all-closed');
  assert.equal(f.state.quits, 1, 'Linux quits with its last window');
});

test('macOS keeps running without windows and reopens one on activate', async () => {
  const a = await launch({}, { platform: 'darwin' });
  a.win().close();
  a.f.app.emit('window-all-closed');
  assert.equal(a.f.state.quits, 0);
  a.f.app.emit('activate');
  assert.equal(a.f.windows.length, 2);
});

test('navigation, redirects, webviews, new windows, remote requests, permissions and devices are refused', async () => {
  const { f } = await launch();
  const wc = f.newContents();
  assert.equal(wc.navigate('will-navigate', 'https://example.com/'), true);
  assert.equal(wc.navigate('will-navigate', 'file:///etc/passwd'), true);
  assert.equal(wc.navigate('will-navigate', 'happysad://image/%2Fetc%2Fa.jpg'), true);
  assert.equal(wc.navigate('will-navigate', 'happysad://app/other.html'), true);
  assert.equal(wc.navigate('will-navigate', APP_URL), false, 'reloading the app page');
  assert.equal(wc.navigate('will-navigate', `${APP_URL}#/train`), false);
  assert.equal(wc.navigate('will-frame-navigate', 'https://example.com/'), true);
  assert.equal(wc.navigate('will-redirect', APP_URL), true, 'no redirects at all');
  assert.equal(wc.attachWebview(), true);

  // window.open: always denied; the project's own links go to the browser, nothing else does
  for (const url of [`${PROJECT_LINKS.home}`, `${PROJECT_LINKS.home}/issues`, PROJECT_LINKS.faceApi]) assert.deepEqual(wc.openHandler!({ url }), { action: 'deny' });
  for (const url of ['https://example.com/', `${PROJECT_LINKS.home}.evil.example/`, `${PROJECT_LINKS.home}-fake`, 'http://github.com/happysad-studio/happysad-studio', 'file:///etc/passwd', 'javascript:alert(1)', 'happysad://app/index.html']) {
    assert.deepEqual(wc.openHandler!({ url }), { action: 'deny' });
  }
  assert.deepEqual(f.opened, [PROJECT_LINKS.home, `${PROJECT_LINKS.home}/issues`, PROJECT_LINKS.faceApi]);

  for (const url of ['https://cdn.example/lib.js', 'http://127.0.0.1:8080/', 'http://localhost:5173/', 'ws://localhost:5173/', 'file:///etc/passwd', 'ftp://x/']) assert.equal(await f.request(url), true, `${url} cancelled`);
  for (const url of [APP_URL, imageUrl('/x/a.jpg'), 'devtools://devtools/bundled/inspector.html', 'data:image/png;base64,AA==']) assert.equal(await f.request(url), false, `${url} allowed`);

  for (const p of ['media', 'geolocation', 'notifications', 'clipboard-read', 'fullscreen', 'openExternal']) assert.equal(await f.askPermission(p), false, p);
  assert.equal(f.state.permissionCheck!(null, 'media', APP_URL, {}), false);
  assert.equal(f.state.devicePermission!({ deviceType: 'usb', origin: APP_URL }), false);
  for (const event of ['select-hid-device', 'select-serial-port', 'select-usb-device']) {
    let prevented = false;
    let chosen: string | undefined = 'unset';
    f.sessionEvents.emit(event, { preventDefault: () => (prevented = true) }, {}, (id: string) => (chosen = id));
    assert.ok(prevented && chosen === '', `${event} cancelled`);
  }
  let btPrevented = false;
  wc.emit('select-bluetooth-device', { preventDefault: () => (btPrevented = true) }, [], () => undefined);
  assert.ok(btPrevented);
});

test('development: the dev server page, its requests, reload and dev tools; never in a packaged app', async () => {
  const dev = await launch({ packaged: false }, { devServerUrl: 'http://localhost:5173/' }, true);
  assert.equal(dev.win().url, 'http://localhost:5173/');
  assert.equal(await dev.f.request('http://localhost:5173/src/main.ts'), false);
  assert.equal(await dev.f.request('ws://localhost:5173/'), false);
  assert.equal(await dev.f.request('http://localhost:5174/'), true);
  assert.equal(await dev.f.request('https://example.com/'), true);
  assert.ok(dev.item('view') && menuItems(dev.f.menus.at(-1)!).some((i) => i.role === 'toggleDevTools'));
  const info = (await dev.f.invoke(IPC.engineCall, dev.ev('http://localhost:5173/'), 'c1', 'info', {})) as { ok: boolean };
  assert.equal(info.ok, true, 'the dev page may call the engine');

  const packaged = await launch({ packaged: true }, { devServerUrl: 'http://localhost:5173/' }, true);
  assert.equal(packaged.win().url, APP_URL, 'a packaged app ignores ELECTRON_RENDERER_URL');
  assert.ok(!menuItems(packaged.f.menus.at(-1)!).some((i) => i.role === 'toggleDevTools' || i.role === 'reload'));
  const evil = (await packaged.f.invoke(IPC.engineCall, packaged.ev('http://localhost:5173/'), 'c1', 'info', {})) as { ok: boolean };
  assert.equal(evil.ok, false);
});

test('menu commands reach the renderer once it listens; Retrain with Collected Data sends its command', async () => {
  const a = await launch();
  const w = a.win();
  a.click('retrain-with-collected-data');
  a.click('view-library');
  assert.deepEqual(sentOn(w, IPC.menuCommand), [], 'queued until ready');
  a.ready();
  assert.deepEqual(sentOn(w, IPC.menuCommand), [['retrain-with-collected-data'], ['view-library']]);
  a.click('open-images');
  assert.deepEqual(sentOn(w, IPC.menuCommand).at(-1), ['open-images']);
  a.click('open-data-folder');
  a.click('learn-more');
  await until(() => a.f.openedPaths.length > 0 && a.f.opened.length > 0);
  assert.deepEqual(a.f.openedPaths, [a.home]);
  assert.deepEqual(a.f.opened, [PROJECT_LINKS.home]);

  // a reload: the new page listens only once it says so
  w.webContents.emit('did-start-navigation', { isMainFrame: true, isSameDocument: false });
  a.click('view-train');
  assert.deepEqual(sentOn(w, IPC.menuCommand).at(-1), ['open-images']);
  w.webContents.emit('did-start-navigation', { isMainFrame: true, isSameDocument: true }); // an in-page hash change is no reload
  a.ready();
  assert.deepEqual(sentOn(w, IPC.menuCommand).at(-1), ['view-train']);
});

test('the AppState from the renderer disables menu items; bad states are ignored', async () => {
  const a = await launch();
  assert.equal(a.item('stop-training').enabled, false);
  a.f.send(IPC.appState, a.ev(), { training: true, hasModel: true });
  assert.equal(a.item('stop-training').enabled, true);
  assert.equal(a.item('train').enabled, false);
  assert.equal(a.item('retrain-with-collected-data').enabled, false);
  const menus = a.f.menus.length;
  a.f.send(IPC.appState, a.ev(), { training: 'yes', hasModel: true });
  a.f.send(IPC.appState, a.ev(), { training: false, hasModel: true, extra: 1 });
  a.f.send(IPC.appState, a.ev('https://evil.example/'), { training: false, hasModel: true });
  assert.equal(a.f.menus.length, menus, 'no rebuild for bad payloads or senders');
  assert.equal(a.item('stop-training').enabled, true);
});

test('settings: validated, saved atomically in the data folder, told to the renderer; the language from the menu', async () => {
  const a = await launch({ locale: 'id-ID' });
  a.ready();
  assert.deepEqual(await a.f.invoke(IPC.getSettings, a.ev()), { language: null, savePredictions: true });
  assert.equal(a.item('open-images').label, 'Buka Gambar…', 'the OS language (id-ID) by default');
  await assert.rejects(a.f.invoke(IPC.getSettings, a.ev('https://evil.example/')), /refused/);
  await assert.rejects(a.f.invoke(IPC.setSettings, a.ev(), { language: 'fr' }), /language/);
  await assert.rejects(a.f.invoke(IPC.setSettings, a.ev(), { savePredictions: 'no' }), /savePredictions/);
  await assert.rejects(a.f.invoke(IPC.setSettings, a.ev(), { theme: 'dark' }), /theme|unrecognized/i);
  await assert.rejects(a.f.invoke(IPC.setSettings, a.ev(), null));
  assert.deepEqual(await a.f.invoke(IPC.setSettings, a.ev(), { savePredictions: false }), { language: null, savePredictions: false });
  assert.deepEqual(JSON.parse(await readFile(join(a.home, 'settings.json'), 'utf8')), { language: null, savePredictions: false, window: null });
  assert.deepEqual(sentOn(a.win(), IPC.settingsChanged).at(-1), [{ language: null, savePredictions: false }]);

  a.click('language-en');
  await until(() => a.item('language-en').checked === true);
  assert.equal(a.item('open-images').label, 'Open Image…');
  assert.equal(a.item('language-en').checked, true);
  assert.deepEqual(sentOn(a.win(), IPC.settingsChanged).at(-1), [{ language: 'en', savePredictions: false }]);
  assert.equal(JSON.parse(await readFile(join(a.home, 'settings.json'), 'utf8')).language, 'en');
});

test('paths the app is given: chosen in a dialog, dropped, pasted; reveal only those; the protocol serves them', async () => {
  const data = await tempDir();
  await mkdir(join(data, 'happy'));
  await copyFile(FACE, join(data, 'happy', 'a.jpg'));
  // an image pasted a month ago: forgotten when the app starts (main/pasted-images.ts)
  const home = await tempDir();
  const old = join(home, 'pasted', 'a-month-ago.png');
  await mkdir(join(home, 'pasted'));
  await writeFile(old, 'image');
  await utimes(old, new Date(Date.now() - 30 * 86_400_000), new Date(Date.now() - 30 * 86_400_000));
  const a = await launch({ dialogResult: { canceled: false, filePaths: [data] } }, { home });
  for (let i = 0; i < 100 && existsSync(old); i++) await new Promise((r) => setTimeout(r, 10));
  assert.equal(existsSync(old), false, 'an old pasted image is removed at start');
  const serve = async (path: string) => (await a.f.state.protocolHandler!(new Request(imageUrl(path)))).status;
  const inData = join(data, 'happy', 'a.jpg');
  assert.equal(await serve(inData), 403, 'not given yet');

  await assert.rejects(a.f.invoke(IPC.choosePaths, a.ev(), 'everything'), /unknown kind/);
  await assert.rejects(a.f.invoke(IPC.choosePaths, a.ev('https://evil.example/'), 'training-data'), /refused/);
  assert.deepEqual(await a.f.invoke(IPC.choosePaths, a.ev(), 'training-data'), [data]);
  assert.deepEqual(a.f.dialogs.at(-1).properties, ['openDirectory']);
  assert.equal(await serve(inData), 200, 'an image in the chosen folder');

  // dropped: the preload tells main synchronously
  const dropDir = await tempDir();
  const dropped = join(dropDir, 'dropped.jpg');
  await copyFile(FACE, dropped);
  await copyFile(FACE, join(dropDir, 'sibling.jpg'));
  assert.equal(a.f.send(IPC.givePaths, a.ev('https://evil.example/'), [dropped]), 0);
  assert.equal(await serve(dropped), 403);
  assert.equal(a.f.send(IPC.givePaths, a.ev(), [dropped, 'relative.jpg', `${dropDir}/../x.jpg`, 42]), 1);
  assert.equal(await serve(dropped), 200);
  assert.equal(await serve(join(dropDir, 'sibling.jpg')), 403, 'only the dropped file');

  // pasted: saved in the data folder, then served
  const jpeg = new Uint8Array(await readFile(join(FACES, 'sad', 'Training_10091569.jpg')));
  const saved = (await a.f.invoke(IPC.savePastedImage, a.ev(), jpeg.slice().buffer, 'image/jpeg')) as string;
  assert.ok(saved.startsWith(join(a.home, 'pasted')) && saved.endsWith('.jpg'));
  assert.deepEqual(new Uint8Array(await readFile(saved)), jpeg);
  assert.equal(await serve(saved), 200);
  assert.equal(await a.f.invoke(IPC.savePastedImage, a.ev(), jpeg, 'image/jpeg'), saved, 'a typed array too; the same image is kept once');
  await assert.rejects(a.f.invoke(IPC.savePastedImage, a.ev(), jpeg.buffer, 'text/html'), /cannot paste/);
  await assert.rejects(a.f.invoke(IPC.savePastedImage, a.ev(), new ArrayBuffer(50 * 2 ** 20 + 1), 'image/png'), /image data/);
  await assert.rejects(a.f.invoke(IPC.savePastedImage, a.ev('https://evil.example/'), jpeg.buffer, 'image/jpeg'), /refused/);
  await assert.rejects(a.f.invoke(IPC.savePastedImage, a.ev(), 'not bytes', 'image/png'), /image data/);
  await assert.rejects(a.f.invoke(IPC.savePastedImage, a.ev(), new Uint8Array(0), 'image/png'), /image data/);

  // the library and its cached thumbnails are the app's own: served; beside them in the data folder, not
  const thumb = join(a.home, 'cache', 'thumbnails', '160', `${'a'.repeat(64)}.jpg`);
  const stored = join(a.home, 'library', 'happy_predicted', 'x.jpg');
  const beside = join(a.home, 'cache', 'other.jpg');
  for (const f of [thumb, stored, beside]) {
    await mkdir(dirname(f), { recursive: true });
    await copyFile(FACE, f);
  }
  assert.equal(await serve(thumb), 200, 'a cached thumbnail');
  assert.equal(await serve(stored), 200, 'a library image');
  assert.equal(await serve(beside), 403, 'the data folder itself is not given');
  const hostile = (p: string) => `happysad://image/${p}`;
  for (const url of [
    hostile(encodeURIComponent(`${join(a.home, 'cache', 'thumbnails')}/../other.jpg`)),
    hostile(encodeURIComponent(join(a.home, 'library', 'happy_predicted') + '/../../cache/other.jpg')),
    hostile(join(a.home, 'cache', 'thumbnails', '160', 'x.jpg').slice(1)),
  ]) assert.notEqual((await a.f.state.protocolHandler!(new Request(url))).status, 200, url);
  const link = join(a.home, 'cache', 'thumbnails', '160', `${'b'.repeat(64)}.jpg`);
  await symlink(beside, link);
  assert.equal(await serve(link), 403, 'a link in the thumbnails folder that leaves it');

  // reveal: given paths and the data folder only
  await a.f.invoke(IPC.revealPath, a.ev(), inData);
  await a.f.invoke(IPC.revealPath, a.ev(), join(a.home, 'models'));
  for (const bad of ['/etc/passwd', join(dropDir, 'sibling.jpg'), `${data}/../etc`, 'relative', 7]) await assert.rejects(a.f.invoke(IPC.revealPath, a.ev(), bad), /not a path the app was given/, String(bad));
  assert.deepEqual(a.f.revealed, [inData, join(a.home, 'models')]);
});

test('files on the command line and from a second launch are opened and given; the first window is focused', async () => {
  const dir = await tempDir();
  const first = join(dir, 'first.jpg');
  const second = join(dir, 'second.jpg');
  await copyFile(FACE, first);
  await copyFile(FACE, second);
  const a = await launch({}, { argv: ['/opt/HappySad Studio/happysad-studio', '--no-sandbox', 'first.jpg', 'missing.jpg'], cwd: dir });
  await a.handle.opened;
  const w = a.win();
  a.ready();
  assert.deepEqual(sentOn(w, IPC.openPaths), [[[first]]]);
  w.minimized = true;
  a.f.app.emit('second-instance', {}, ['/opt/HappySad Studio/happysad-studio', second, '--flag'], dir, {});
  await until(() => sentOn(w, IPC.openPaths).length > 1);
  assert.equal(a.f.windows.length, 1, 'no second window');
  assert.equal(w.minimized, false, 'restored');
  assert.ok(w.focused >= 1, 'focused');
  assert.deepEqual(sentOn(w, IPC.openPaths).at(-1), [[second]]);
  assert.equal((await a.f.state.protocolHandler!(new Request(imageUrl(second)))).status, 200);

  // macOS hands files over with open-file, possibly before the window exists
  const mac = fakeElectron();
  const home = await tempDir();
  const started = startApp(mac.electron, { createEngine: stubEngine, home, appRoot: await appRoot(), preloadPath: '/p.cjs', platform: 'darwin' });
  let prevented = false;
  mac.app.emit('open-file', { preventDefault: () => (prevented = true) }, first);
  const handle = (await started)!;
  assert.ok(prevented);
  mac.send(IPC.rendererReady, mac.event(mac.windows[0]!.webContents, APP_URL));
  assert.deepEqual(mac.windows[0]!.webContents.sentOn(IPC.openPaths), [[[first]]]);
  assert.ok(handle.given.has(first));
});

test('a second instance does not start: it quits and leaves its arguments to the first', async () => {
  const f = fakeElectron({ lock: false });
  let created = 0;
  const handle = await startApp(f.electron, {
    createEngine: () => {
      created++;
      throw new Error('no engine for a second instance');
    },
    home: '/nonexistent',
    appRoot: '/nonexistent',
    preloadPath: '/p.cjs',
  });
  assert.equal(handle, null);
  assert.equal(f.state.quits, 1);
  assert.deepEqual(f.log, ['lock']);
  assert.equal(f.windows.length, 0);
  assert.equal(created, 0);
});

test('the window comes back where it was (fitted to the screens, at least 900x600), saved on close', async () => {
  const home = await tempDir();
  const first = await launch({}, { home });
  const w = first.win();
  w.bounds = { x: 200, y: 150, width: 1000, height: 700 };
  w.close();
  await first.handle.settings.flush();
  assert.deepEqual(JSON.parse(await readFile(join(home, 'settings.json'), 'utf8')).window, { x: 200, y: 150, width: 1000, height: 700, maximized: false });

  const again = await launch({}, { home });
  assert.deepEqual(
    ['x', 'y', 'width', 'height'].map((k) => again.win().options[k]),
    [200, 150, 1000, 700],
  );

  await writeFile(join(home, 'settings.json'), JSON.stringify({ window: { x: 5000, y: 5000, width: 300, height: 200, maximized: true } }));
  const small = await launch({}, { home });
  assert.equal(small.win().options.width, 900);
  assert.equal(small.win().options.height, 600);
  assert.equal(small.win().options.x, undefined, 'off every screen: centred instead');
  assert.equal(small.win().maximized, true);
});

test('training: progress on the taskbar from the engine, cleared at the end; progress to the window that asked', async () => {
  const a = await launch({}, {}, true);
  a.ready();
  // a small dataset: 3 + 3 images, no augmented views
  const data = await tempDir();
  for (const label of ['happy', 'sad']) {
    await mkdir(join(data, label));
    for (const name of (await readdir(join(FACES, label))).slice(0, 3)) await copyFile(join(FACES, label, name), join(data, label, name));
  }
  assert.equal(a.f.send(IPC.givePaths, a.ev(), [data]), 1, 'dropped on the window');
  const r = (await a.f.invoke(IPC.engineCall, a.ev(), 'train-1', 'train', { data, epochs: 3, validationSplit: 0.34, augment: { variants: 0 } })) as { ok: boolean };
  assert.equal(r.ok, true, JSON.stringify(r));
  const p = a.win().progress;
  assert.equal(p[0], 0);
  assert.equal(p.at(-1), -1, 'cleared');
  const during = p.slice(1, -1);
  assert.ok(during.length >= 2, `progress values ${p}`);
  assert.ok(during.every((x, i) => x > 0 && x <= 1 && (i === 0 || x >= during[i - 1]!)), `rising within (0, 1]: ${during}`);
  assert.ok(sentOn(a.win(), IPC.engineProgress).every(([id]) => id === 'train-1'));
});

test('quitting waits for the settings and the engine to be written and stopped', async () => {
  const a = await launch({}, {}, true);
  let prevented = false;
  a.f.app.emit('will-quit', { preventDefault: () => (prevented = true) });
  assert.ok(prevented);
  // quits once both are done: waited for, not timed (a loaded machine takes longer than 100 ms to stop a worker)
  await until(() => a.f.state.quits > 0);
  assert.equal(a.f.state.quits, 1, 'quits once done');
  a.f.app.emit('will-quit', { preventDefault: () => assert.fail('the second will-quit goes through') });
  const after = (await a.f.invoke(IPC.engineCall, a.ev(), 'c9', 'info', {})) as { ok: boolean; error: { code: string } };
  assert.equal(after.error.code, 'stopped');
});

test('the app icon: the window on Linux and Windows (macOS takes the bundle icon), and the About panel', async () => {
  for (const platform of ['linux', 'win32', 'darwin'] as const) {
    const a = await launch({}, { platform, iconPath: '/app/resources/app.asar.unpacked/assets/app-icon.png' });
    assert.equal(a.win().options.icon, platform === 'darwin' ? undefined : '/app/resources/app.asar.unpacked/assets/app-icon.png', platform);
    const about = a.f.state.aboutPanel;
    assert.equal(about.applicationName, 'HappySad Studio');
    assert.equal(about.applicationVersion, '0.1.0');
    assert.equal(about.iconPath, '/app/resources/app.asar.unpacked/assets/app-icon.png');
    assert.equal(about.website, PROJECT_LINKS.home);
  }
  // no icon given: none set
  const a = await launch({}, { platform: 'linux' });
  assert.equal('icon' in a.win().options, false);
});

test('"Open with": a file reaches the renderer however the OS hands it over', async () => {
  const dir = await tempDir();
  const photo = join(dir, 'holiday photo.jpg');
  await copyFile(FACE, photo);
  const exe = '/opt/HappySad Studio/happysad-studio';

  // Linux: the desktop entry's Exec ends in %U, so a file manager may pass a file:// URL (spaces escaped)
  const linux = await launch({}, { argv: [exe, pathToFileURL(photo).href, 'file://otherhost/x.jpg', 'https://example.com/a.jpg'], cwd: '/' });
  await linux.handle.opened;
  linux.ready();
  assert.deepEqual(sentOn(linux.win(), IPC.openPaths), [[[photo]]]);
  assert.equal((await linux.f.state.protocolHandler!(new Request(imageUrl(photo)))).status, 200, 'served to the renderer');

  // Windows: the second launch's argv, switches that Chromium adds included, in a running app whose renderer listens
  const win = await launch({}, { platform: 'win32', argv: [exe] });
  await win.handle.opened;
  win.ready();
  win.f.app.emit('second-instance', {}, [exe, '--allow-file-access-from-files', '--original-process-start-time=1', photo], 'C:\\', {});
  while (sentOn(win.win(), IPC.openPaths).length === 0) await new Promise((r) => setTimeout(r, 10));
  assert.deepEqual(sentOn(win.win(), IPC.openPaths), [[[photo]]]);

  // macOS: open-file before 'ready' (the app was launched by the file) is held until the Predict view listens
  const mac = fakeElectron();
  const started = startApp(mac.electron, { createEngine: stubEngine, home: await tempDir(), appRoot: await appRoot(), preloadPath: '/p.cjs', platform: 'darwin' });
  mac.app.emit('open-file', { preventDefault() {} }, photo);
  const handle = (await started)!;
  assert.equal(mac.windows.length, 1, 'one window, opened by the launch itself');
  assert.deepEqual(mac.windows[0]!.webContents.sentOn(IPC.openPaths), [], 'nothing sent before the renderer listens');
  mac.send(IPC.rendererReady, mac.event(mac.windows[0]!.webContents, APP_URL));
  assert.deepEqual(mac.windows[0]!.webContents.sentOn(IPC.openPaths), [[[photo]]]);
  // ...and while the app runs without a window (closed, still in the dock): a new window opens and gets it
  mac.windows[0]!.close();
  mac.app.emit('window-all-closed');
  mac.app.emit('open-file', { preventDefault() {} }, photo);
  assert.equal(mac.windows.length, 2, 'a window for the file');
  mac.send(IPC.rendererReady, mac.event(mac.windows[1]!.webContents, APP_URL));
  assert.deepEqual(mac.windows[1]!.webContents.sentOn(IPC.openPaths), [[[photo]]]);
  assert.ok(handle.given.has(photo));
});

test('the engine writes a report or an export only into a folder the user chose in a dialog', async () => {
  const out = await tempDir();
  const a = await launch({ dialogResult: { canceled: false, filePaths: [out] } }, {}, true);
  const report = { data: FACES, model: 'zero-shot', report: out };
  assert.equal(a.f.send(IPC.givePaths, a.ev(), [FACES]), 1, 'the photos to evaluate on, dropped');
  const before = (await a.f.invoke(IPC.engineCall, a.ev(), 'r1', 'evaluate', report)) as { ok: boolean; error?: { message: string } };
  assert.equal(before.ok, false);
  assert.match(before.error!.message, new RegExp(`evaluate: ${out} is not a folder the user chose`));
  assert.deepEqual(await readdir(out), [], 'nothing written');
  const exported = (await a.f.invoke(IPC.engineCall, a.ev(), 'x1', 'exportModel', { id: '20261128-101530-ab12', dir: out })) as { ok: boolean; error?: { message: string } };
  assert.match(exported.error!.message, /is not a folder the user chose/);

  // a folder a call names is not thereby one the app may read, let alone write into; a folder dropped is read,
  // never written into; nor is a folder below a chosen one, nor the app's own library
  const named = (await a.f.invoke(IPC.engineCall, a.ev(), 'i1', 'inspectData', { data: out })) as { ok: boolean; error?: { message: string } };
  assert.match(named.error!.message, /is not a file or folder the app was given/);
  assert.equal(a.f.send(IPC.givePaths, a.ev(), [out]), 1);
  assert.equal(((await a.f.invoke(IPC.engineCall, a.ev(), 'i2', 'inspectData', { data: out })) as { ok: boolean }).ok, true);
  const afterNamed = (await a.f.invoke(IPC.engineCall, a.ev(), 'r0', 'evaluate', report)) as { ok: boolean; error?: { message: string } };
  assert.match(afterNamed.error!.message, /is not a folder the user chose/);
  const library = (await a.f.invoke(IPC.engineCall, a.ev(), 'x0', 'exportModel', { id: '20261128-101530-ab12', dir: join(a.home, 'library') })) as { ok: boolean; error?: { message: string } };
  assert.match(library.error!.message, /is not a folder the user chose/);
  assert.deepEqual(await readdir(out), [], 'nothing written');

  // a folder chosen to import a model from is read, not written into
  assert.deepEqual(await a.f.invoke(IPC.choosePaths, a.ev(), 'model-folder'), [out]);
  const afterImportChoice = (await a.f.invoke(IPC.engineCall, a.ev(), 'r4', 'evaluate', report)) as { ok: boolean; error?: { message: string } };
  assert.match(afterImportChoice.error!.message, /is not a folder the user chose/);

  assert.deepEqual(await a.f.invoke(IPC.choosePaths, a.ev(), 'export-folder'), [out]);
  const below = (await a.f.invoke(IPC.engineCall, a.ev(), 'r3', 'evaluate', { ...report, report: join(out, 'deeper') })) as { ok: boolean; error?: { message: string } };
  assert.match(below.error!.message, /is not a folder the user chose/);
  const after = (await a.f.invoke(IPC.engineCall, a.ev(), 'r2', 'evaluate', report)) as { ok: boolean; value: { report: string } };
  assert.equal(after.ok, true);
  assert.equal(after.value.report, join(out, 'report-zero-shot.html'));
});

test('a launch during startup (before the settings are read) opens its file in the first window, without an error', async () => {
  const dir = await tempDir();
  const photo = join(dir, 'photo.jpg');
  await copyFile(FACE, photo);
  const f = fakeElectron();
  const whenReady = f.electron.app.whenReady;
  // as Electron does: launches held during startup are delivered right after 'ready', while startApp reads settings.json
  f.electron.app.whenReady = () => whenReady().then(() => void setImmediate(() => f.app.emit('second-instance', {}, ['/opt/HappySad Studio/happysad-studio', photo], dir, {})));
  const handle = (await startApp(f.electron, { createEngine: stubEngine, home: await tempDir(), appRoot: await appRoot(), preloadPath: '/p.cjs', platform: 'linux' }))!;
  await until(() => handle.given.has(photo));
  assert.ok(handle.given.has(photo));
  assert.equal(f.windows.length, 1, 'one window');
  f.send(IPC.rendererReady, f.event(f.windows[0]!.webContents, APP_URL));
  assert.deepEqual(f.windows[0]!.webContents.sentOn(IPC.openPaths), [[[photo]]]);
});

test('a file opened while the app quits opens no window: the app starts again with it once it has quit', async () => {
  const dir = await tempDir();
  const photo = join(dir, 'photo.jpg');
  await copyFile(FACE, photo);
  const a = await launch();
  a.win().close();
  a.f.app.emit('will-quit', { preventDefault: () => undefined });
  a.f.app.emit('second-instance', {}, ['/opt/HappySad Studio/happysad-studio', photo], dir, {});
  await until(() => a.f.state.quits > 0);
  assert.equal(a.f.windows.length, 1, 'no window opened to close at once');
  assert.deepEqual(a.f.state.relaunches, [{ args: [photo] }]);
  // with `electron .` the app's folder comes first again
  const b = await launch({}, { defaultApp: true, argv: ['/usr/bin/electron', '/src/happysad'] });
  b.f.app.emit('will-quit', { preventDefault: () => undefined });
  b.f.app.emit('open-file', { preventDefault: () => undefined }, photo);
  await until(() => b.f.state.quits > 0);
  assert.deepEqual(b.f.state.relaunches, [{ args: ['/src/happysad', photo] }]);
  // nothing opened while quitting: no relaunch
  const c = await launch();
  c.f.app.emit('will-quit', { preventDefault: () => undefined });
  await until(() => c.f.state.quits > 0);
  assert.equal(c.f.state.quits, 1);
  assert.deepEqual(c.f.state.relaunches, []);
});

test("a page that dies or reloads has its engine calls cancelled; a crashed renderer's page is loaded again, not forever", async () => {
  const cancelled: string[] = [];
  let n = 0;
  // as the engine host does: a cancelled call's result fails with 'cancelled'
  const pending = new Map<string, (e: Error) => void>();
  const request = () => {
    const id = `e${++n}`;
    return { id, result: new Promise<never>((_, reject) => void pending.set(id, reject)) };
  };
  const cancel = (id: string) => {
    cancelled.push(id);
    pending.get(id)?.(new EngineError('cancelled', 'cancelled'));
    return pending.delete(id);
  };
  const engine = { ...stubEngine(), request, cancel };
  const a = await launch({}, { createEngine: () => engine });
  const w = a.win();
  a.ready();
  void a.f.invoke(IPC.engineCall, a.ev(), 'c1', 'info', {});
  await until(() => n === 1);
  w.webContents.emit('render-process-gone', {}, { reason: 'oom' });
  assert.deepEqual(cancelled, ['e1'], "the dead page's call");
  assert.equal(w.loads.length, 2, 'loaded again');
  // until the new page says it listens, events wait for it
  a.click('train');
  assert.equal(sentOn(w, IPC.menuCommand).length, 0);
  a.ready();
  assert.equal(sentOn(w, IPC.menuCommand).length, 1);
  // a reload (main frame, a new document) cancels too; a same-document navigation does not
  void a.f.invoke(IPC.engineCall, a.ev(), 'c2', 'info', {});
  await until(() => n === 2);
  w.webContents.emit('did-start-navigation', { isMainFrame: true, isSameDocument: true });
  assert.deepEqual(cancelled, ['e1']);
  w.webContents.emit('did-start-navigation', { isMainFrame: true, isSameDocument: false });
  assert.deepEqual(cancelled, ['e1', 'e2']);
  // a renderer that keeps dying is not loaded again and again; a clean exit is not a crash
  for (let i = 0; i < 5; i++) w.webContents.emit('render-process-gone', {}, { reason: 'crashed' });
  assert.equal(w.loads.length, 4, 'three reloads within a minute, then the window stays as it is');
  w.webContents.emit('render-process-gone', {}, { reason: 'clean-exit' });
  assert.equal(w.loads.length, 4);
});

test('a language chosen in the menu that settings.json cannot store is not applied, and nothing is left unhandled', async () => {
  const a = await launch();
  const w = a.win();
  a.ready();
  await mkdir(join(a.home, 'settings.json'), { recursive: true }); // every write of it fails (EISDIR)
  const unhandled: unknown[] = [];
  const onUnhandled = (e: unknown) => void unhandled.push(e);
  process.on('unhandledRejection', onUnhandled);
  try {
    a.click('language-id');
    await until(() => sentOn(w, IPC.settingsChanged).length > 0);
    assert.equal((sentOn(w, IPC.settingsChanged).at(-1)![0] as { language: string | null }).language, null, 'the language in use, told again');
    assert.equal(a.item('language-system').checked, true, 'the menu shows it again');
    assert.equal(a.handle.settings.settings.language, null, 'not kept in memory either (a later write would store it unasked)');
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(unhandled, []);
  } finally {
    process.off('unhandledRejection', onUnhandled);
  }
});

test('closing the window during a training asks first: keep training leaves it open, stop closes it; quitting likewise', async () => {
  let answer = 1; // Keep Training
  const a = await launch({ messageBoxResponse: () => answer });
  const w = a.win();
  a.ready();
  a.f.send(IPC.appState, a.ev(), { training: true, hasModel: true });
  w.close();
  await until(() => a.f.messageBoxes.length === 1);
  const box = a.f.messageBoxes[0];
  assert.equal(box.message, 'A training is running');
  assert.deepEqual(box.buttons, ['Stop Training and Close', 'Keep Training']);
  assert.equal(box.cancelId, 1, 'Escape keeps training');
  await new Promise((r) => setImmediate(r));
  assert.equal(w.destroyed, false, 'still open, still training');
  answer = 0;
  w.close();
  await until(() => w.destroyed);
  assert.equal(w.destroyed, true, 'closed');
  assert.equal(a.f.messageBoxes.length, 2);
  // not training: closes without asking
  const b = await launch();
  b.ready();
  b.f.send(IPC.appState, b.ev(), { training: false, hasModel: true });
  b.win().close();
  assert.equal(b.win().destroyed, true);
  assert.equal(b.f.messageBoxes.length, 0);
  // Cmd+Q on macOS (before-quit, then the window closes): stopping quits the app, not only the window
  const c = await launch({ messageBoxResponse: 0 }, { platform: 'darwin' });
  c.ready();
  c.f.send(IPC.appState, c.ev(), { training: true, hasModel: true });
  c.f.app.emit('before-quit');
  c.win().close();
  await until(() => c.f.state.quits > 0);
  assert.equal(c.f.state.quits, 1, 'the app quits');
  assert.equal(c.f.messageBoxes.length, 1);
});

test('a reload or a closed window ends the training main knew of: closing asks nothing, Stop Training is off', async () => {
  const a = await launch();
  const w = a.win();
  a.ready();
  a.f.send(IPC.appState, a.ev(), { training: true, hasModel: true });
  assert.equal(a.item('stop-training').enabled, true);
  w.webContents.emit('did-start-navigation', { isMainFrame: true, isSameDocument: false });
  assert.equal(a.item('stop-training').enabled, false, 'its calls were cancelled with the page');
  w.close();
  assert.equal(w.destroyed, true);
  assert.equal(a.f.messageBoxes.length, 0, 'no training to ask about');
  // macOS: the window closed during a training (stopped), the app runs on; a new window's close asks nothing
  const m = await launch({ messageBoxResponse: 0 }, { platform: 'darwin' });
  m.ready();
  m.f.send(IPC.appState, m.ev(), { training: true, hasModel: true });
  m.win().close();
  await until(() => m.win().destroyed);
  assert.equal(m.win().destroyed, true);
  m.f.app.emit('activate');
  assert.equal(m.f.windows.length, 2);
  m.win().close();
  assert.equal(m.win().destroyed, true);
  assert.equal(m.f.messageBoxes.length, 1, 'asked once, for the training that ran');
});

test('the next launch keeps this one\'s switches and is the AppImage; a file read while the quit began is not lost', async () => {
  const dir = await tempDir();
  const photo = join(dir, 'photo.jpg');
  await copyFile(FACE, photo);
  const a = await launch({}, { argv: ['/tmp/.mount_x/happysad-studio', '--no-sandbox', '--ozone-platform=wayland'], appImage: '/home/u/HappySad.AppImage' });
  // no window closed first: nothing slows the quit's own writes, the file's check on disk is still under way
  a.f.app.emit('will-quit', { preventDefault: () => undefined });
  a.f.app.emit('second-instance', {}, ['/tmp/.mount_y/happysad-studio', photo], dir, {});
  await until(() => a.f.state.quits > 0);
  assert.equal(a.f.state.quits, 1);
  assert.deepEqual(a.f.state.relaunches, [{ args: ['--no-sandbox', '--ozone-platform=wayland', photo], execPath: '/home/u/HappySad.AppImage' }]);
});

test('a close and then a Quit while the question is open: one question, and stopping quits', async () => {
  let answer: (n: number) => void = () => undefined;
  const a = await launch({}, { platform: 'darwin' });
  // the question stays open until answered
  a.f.electron.dialog.showMessageBox = (_w, o) => (a.f.messageBoxes.push(o), new Promise((r) => (answer = (n) => r({ response: n }))));
  a.ready();
  a.f.send(IPC.appState, a.ev(), { training: true, hasModel: true });
  a.win().close();
  await until(() => a.f.messageBoxes.length === 1);
  a.f.app.emit('before-quit');
  a.win().close(); // Cmd+Q closes the windows: the same window, still asking
  await new Promise((r) => setImmediate(r));
  assert.equal(a.f.messageBoxes.length, 1, 'not asked twice');
  answer(0);
  await until(() => a.f.state.quits > 0);
  assert.equal(a.f.state.quits, 1, 'the Quit is not forgotten');
});
