import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { isAllowedRequest, secureWebPreferences, startApp, type ElectronLike } from '../../main/app.js';
import { EngineHost } from '../../engine/host.js';
import type { EngineInfo } from '../../common/engine-types.js';
import { ASSETS, tempDir } from '../helpers/tmp.js';

const RENDERER = 'file:///app/renderer/index.html';

/** A stand-in for the parts of Electron that app.ts touches; records what the app asked of it. */
function fakeElectron() {
  const appHandlers = new Map<string, (...a: any[]) => void>();
  const ipc = new Map<string, (...a: any[]) => unknown>();
  const windows: Array<{ options: any; url?: string }> = [];
  const opened: string[] = [];
  let beforeRequest: (d: { url: string }, cb: (r: { cancel: boolean }) => void) => void = () => undefined;
  let permission: (wc: unknown, p: string, cb: (g: boolean) => void) => void = () => undefined;
  let quit = 0;
  const electron: ElectronLike = {
    app: { on: (e: string, fn: any) => void appHandlers.set(e, fn), whenReady: () => Promise.resolve(), quit: () => void quit++ } as ElectronLike['app'],
    BrowserWindow: Object.assign(
      class {
        constructor(options: any) {
          windows.push({ options });
        }
        loadURL(url: string) {
          windows.at(-1)!.url = url;
          return Promise.resolve();
        }
      },
      { getAllWindows: () => windows },
    ),
    ipcMain: { handle: (c, fn) => void ipc.set(c, fn) },
    session: {
      defaultSession: {
        webRequest: { onBeforeRequest: (fn) => void (beforeRequest = fn) },
        setPermissionRequestHandler: (fn) => void (permission = fn),
      },
    },
    shell: { openExternal: (url) => (opened.push(url), Promise.resolve()) },
  };
  return { electron, appHandlers, ipc, windows, opened, request: (url: string) => new Promise<boolean>((r) => beforeRequest({ url }, (x) => r(x.cancel))), ask: (p: string) => new Promise<boolean>((r) => permission(null, p, r)), quits: () => quit };
}

const engines: EngineHost[] = [];
after(() => Promise.all(engines.map((e) => e.dispose())));

test('one secure window on the app page; the engine starts with the app', async () => {
  const f = fakeElectron();
  const home = await tempDir();
  const engine = new EngineHost({ home, assetsDir: ASSETS });
  engines.push(engine);
  await startApp(f.electron, { engine, rendererUrl: RENDERER, preloadPath: '/app/out/preload/index.cjs', platform: 'linux' });
  assert.equal(f.windows.length, 1);
  assert.equal(f.windows[0]!.url, RENDERER);
  assert.deepEqual(f.windows[0]!.options.webPreferences, secureWebPreferences('/app/out/preload/index.cjs'));
  const prefs = f.windows[0]!.options.webPreferences;
  assert.equal(prefs.contextIsolation, true);
  assert.equal(prefs.sandbox, true);
  assert.equal(prefs.nodeIntegration, false);

  // IPC: answers the app's own page with the real engine's info, refuses other senders and extra payloads
  const info = f.ipc.get('engine:info')!;
  const r = (await info({ senderFrame: { url: RENDERER } })) as EngineInfo;
  assert.equal(r.home, home);
  assert.deepEqual(r.backend, await engine.start(), 'the backend this engine chose, whichever it is on this machine');
  await assert.rejects(async () => info({ senderFrame: { url: 'https://evil.example/' } }), /unexpected sender/);
  await assert.rejects(async () => info({ senderFrame: null }), /unexpected sender/);
  await assert.rejects(async () => info({ senderFrame: { url: RENDERER } }, { rm: '-rf' }), /takes no arguments/);

  f.appHandlers.get('window-all-closed')!();
  assert.equal(f.quits(), 1);
});

test('no navigation away, no new windows, no remote requests, no permissions', async () => {
  const f = fakeElectron();
  const engine = new EngineHost({ home: await tempDir(), assetsDir: ASSETS });
  engines.push(engine);
  await startApp(f.electron, { engine, rendererUrl: RENDERER, preloadPath: '/p.cjs' });
  const listeners = new Map<string, (...a: any[]) => void>();
  let openHandler: (d: { url: string }) => { action: string } = () => ({ action: 'allow' });
  f.appHandlers.get('web-contents-created')!({}, { on: (e: string, fn: any) => listeners.set(e, fn), setWindowOpenHandler: (fn: any) => (openHandler = fn) });
  const navigate = (url: string) => {
    let prevented = false;
    listeners.get('will-navigate')!({ preventDefault: () => (prevented = true) }, url);
    return prevented;
  };
  assert.equal(navigate('https://example.com/'), true);
  assert.equal(navigate('file:///etc/passwd'), true);
  assert.equal(navigate(RENDERER), false);
  assert.deepEqual(openHandler({ url: 'https://example.com/help' }), { action: 'deny' });
  assert.deepEqual(f.opened, ['https://example.com/help'], 'https links go to the browser');
  assert.deepEqual(openHandler({ url: 'file:///etc/passwd' }), { action: 'deny' });
  assert.deepEqual(f.opened.length, 1, 'other schemes are not opened at all');
  assert.equal(await f.request('https://cdn.example/lib.js'), true);
  assert.equal(await f.request('http://127.0.0.1:8080/'), true);
  assert.equal(await f.request(RENDERER), false);
  assert.equal(await f.ask('media'), false);
  assert.equal(isAllowedRequest('ws://x'), false);
});
