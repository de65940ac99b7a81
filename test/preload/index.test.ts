/**
 * The built preload (out/preload/index.cjs, what Electron loads) run the way a sandboxed preload runs: CommonJS,
 * with a require that knows only 'electron' (here a stand-in).
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { before, test } from 'node:test';
import vm from 'node:vm';
import { imageUrl, type HappySadApi } from '../../common/api.js';
import { IPC } from '../../common/ipc.js';
import { buildApp } from '../helpers/build.js';
import { tempDir } from '../helpers/tmp.js';

let code: string;
before(async () => {
  const out = await tempDir();
  await buildApp(out);
  code = await readFile(join(out, 'preload', 'index.cjs'), 'utf8');
});

function load() {
  const exposed: Record<string, unknown> = {};
  const calls: unknown[][] = [];
  const listeners = new Map<string, Array<(...a: unknown[]) => void>>();
  const required: string[] = [];
  const ipcRenderer = {
    invoke: (...a: unknown[]) => (calls.push(['invoke', ...a]), Promise.resolve(`answer to ${String(a[0])}`)),
    send: (...a: unknown[]) => void calls.push(['send', ...a]),
    sendSync: (...a: unknown[]) => (calls.push(['sendSync', ...a]), 1),
    on: (c: string, fn: (...a: unknown[]) => void) => void listeners.set(c, [...(listeners.get(c) ?? []), fn]),
    removeListener: (c: string, fn: (...a: unknown[]) => void) => void listeners.set(c, (listeners.get(c) ?? []).filter((f) => f !== fn)),
  };
  const electron = {
    contextBridge: { exposeInMainWorld: (key: string, value: unknown) => void (exposed[key] = value) },
    ipcRenderer,
    webUtils: { getPathForFile: (f: { path?: string }) => f.path ?? '' },
  };
  const module = { exports: {} };
  vm.runInNewContext(code, {
    require: (m: string) => {
      required.push(m);
      if (m === 'electron') return electron;
      throw new Error(`a sandboxed preload cannot require ${m}`);
    },
    module,
    exports: module.exports,
    process: { platform: 'linux' },
    navigator: { language: 'id-ID' },
    console,
  });
  const emit = (channel: string, ...args: unknown[]) => (listeners.get(channel) ?? []).forEach((fn) => fn({ sender: 'the ipcRenderer' }, ...args));
  return { exposed, calls, listeners, required, emit, api: exposed.api as HappySadApi };
}

test('exposes exactly one object, window.api, and requires nothing but electron', () => {
  const p = load();
  assert.deepEqual(Object.keys(p.exposed), ['api']);
  assert.deepEqual([...new Set(p.required)], ['electron']);
  const shape = Object.fromEntries(Object.entries(p.api).map(([k, v]) => [k, Object.keys(v as object).sort()]));
  assert.deepEqual(shape, {
    engine: ['call', 'cancel', 'onProgress', 'onStatus'],
    files: ['choose', 'imageUrl', 'pathForFile', 'reveal', 'savePastedImage'],
    app: ['getSettings', 'onMenuCommand', 'onOpenPaths', 'onSettingsChanged', 'platform', 'osLocale', 'ready', 'setSettings', 'setState'].sort(),
  });
  assert.equal(p.api.app.platform, 'linux');
  assert.equal(p.api.app.osLocale, 'id-ID');
});

test('verbs invoke their channel and return its promise; fire-and-forget ones send', async () => {
  const { api, calls } = load();
  assert.equal(await api.engine.call('c1', 'predict', { inputs: ['/a.jpg'] }), `answer to ${IPC.engineCall}`);
  api.engine.cancel('c1');
  await api.files.choose('training-data');
  await api.files.reveal('/a.jpg');
  await api.files.savePastedImage(new Uint8Array([1, 2]).buffer, 'image/png');
  api.app.ready();
  api.app.setState({ training: true, hasModel: false });
  await api.app.getSettings();
  await api.app.setSettings({ language: 'id' });
  assert.deepEqual(calls, [
    ['invoke', IPC.engineCall, 'c1', 'predict', { inputs: ['/a.jpg'] }],
    ['send', IPC.engineCancel, 'c1'],
    ['invoke', IPC.choosePaths, 'training-data'],
    ['invoke', IPC.revealPath, '/a.jpg'],
    ['invoke', IPC.savePastedImage, new Uint8Array([1, 2]).buffer, 'image/png'],
    ['send', IPC.rendererReady],
    ['send', IPC.appState, { training: true, hasModel: false }],
    ['invoke', IPC.getSettings],
    ['invoke', IPC.setSettings, { language: 'id' }],
  ]);
});

test('subscriptions get the payload (never the IPC event) and return their unsubscribe', () => {
  const { api, emit, listeners } = load();
  const got: unknown[][] = [];
  const offs = [
    api.engine.onProgress((...a) => void got.push(['progress', ...a])),
    api.engine.onStatus((...a) => void got.push(['status', ...a])),
    api.app.onMenuCommand((...a) => void got.push(['menu', ...a])),
    api.app.onOpenPaths((...a) => void got.push(['open', ...a])),
    api.app.onSettingsChanged((...a) => void got.push(['settings', ...a])),
  ];
  emit(IPC.engineProgress, 'c1', { type: 'stage', stage: 'scanning', message: '' });
  emit(IPC.engineStatus, { state: 'crashed', detail: 'x' });
  emit(IPC.menuCommand, 'retrain-with-collected-data');
  emit(IPC.openPaths, ['/a.jpg']);
  emit(IPC.settingsChanged, { language: 'en', savePredictions: true });
  assert.deepEqual(got, [
    ['progress', 'c1', { type: 'stage', stage: 'scanning', message: '' }],
    ['status', { state: 'crashed', detail: 'x' }],
    ['menu', 'retrain-with-collected-data'],
    ['open', ['/a.jpg']],
    ['settings', { language: 'en', savePredictions: true }],
  ]);
  offs.forEach((off) => off());
  assert.ok([...listeners.values()].every((l) => l.length === 0), 'all listeners removed');
  emit(IPC.menuCommand, 'train');
  assert.equal(got.length, 5);
});

test("pathForFile: the dropped file's path from webUtils, handed to main synchronously; imageUrl is the app's", () => {
  const { api, calls } = load();
  assert.equal(api.files.pathForFile({ path: '/photos/a b.jpg' } as unknown as File), '/photos/a b.jpg');
  assert.deepEqual(JSON.parse(JSON.stringify(calls)), [['sendSync', IPC.givePaths, ['/photos/a b.jpg']]], 'the array comes from the preload realm');
  assert.equal(api.files.pathForFile({} as unknown as File), '', 'a pasted image has no path');
  assert.equal(calls.length, 1, 'and nothing is given for it');
  assert.equal(api.files.imageUrl('/photos/a b.jpg'), imageUrl('/photos/a b.jpg'));
  assert.equal(api.files.imageUrl('/photos/a b.jpg'), 'happysad://image/%2Fphotos%2Fa%20b.jpg');
});
