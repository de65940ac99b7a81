/**
 * The electron-vite build (what `npm start` and the packaged app load), run as far as this machine allows:
 * the built main bundle (out/main/index.js) is imported with a stand-in for the 'electron' module and must
 * open its window on the built renderer, with the built preload, and start the engine from the built worker.
 */
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { register } from 'node:module';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { APP_CSP } from '../../common/api.js';
import { IPC } from '../../common/ipc.js';
import { APP_URL } from '../../main/protocol.js';
import { buildApp } from '../helpers/build.js';
import { fakeElectron } from '../helpers/fake-electron.js';
import { ROOT, tempDir } from '../helpers/tmp.js';
import { slow } from '../helpers/slow.js';

let out: string;
before(async () => {
  if (slow.skip) return; // top-level hooks run even when every test is skipped: no build for nothing
  // inside the checkout's out/, so that the bundle finds node_modules and assets/ as the real one does
  await mkdir(join(ROOT, 'out'), { recursive: true });
  out = await mkdtemp(join(ROOT, 'out', '.test-build-'));
  await buildApp(out);
});
after(() => (out ? rm(out, { recursive: true, force: true }) : undefined));

test('the build: main and the engine worker as ES modules, the preload as CommonJS, the renderer with its assets', slow, async () => {
  const files = (dir: string) => readdir(join(out, dir), { recursive: true });
  assert.ok((await files('main')).includes('index.js'));
  assert.ok((await files('main')).includes('worker.js'), 'the engine worker is its own entry, next to index.js (where main/index.ts looks)');
  assert.ok((await files('main')).includes('embed-worker.js'), 'the embedding workers\' entry, next to worker.js (where the engine worker looks)');
  assert.deepEqual((await files('preload')).filter((f) => !f.endsWith('.map')), ['index.cjs']);
  const preload = await readFile(join(out, 'preload', 'index.cjs'), 'utf8');
  assert.doesNotMatch(preload, /^\s*(import|export)\s/m, 'no ES module syntax in a sandboxed preload');
  const html = await readFile(join(out, 'renderer', 'index.html'), 'utf8');
  const refs = [...html.matchAll(/(?:src|href)="\.?\/?([^"]+)"/g)].map((m) => m[1]!);
  assert.ok(refs.length > 0);
  for (const ref of refs) await readFile(join(out, 'renderer', ref)); // every script and stylesheet the page names exists
  assert.match(html, /<script type="module"[^>]* src="\.\/assets\//, 'relative asset URLs: they load from happysad://app/');
});

test('the built main process opens the built renderer with the built preload and starts the built engine worker', slow, async () => {
  const f = fakeElectron();
  const home = await tempDir();
  (globalThis as Record<string, unknown>).__happysadFakeElectron = f.electron;
  const fakeModule = join(out, 'fake-electron.mjs');
  await writeFile(fakeModule, `const e = globalThis.__happysadFakeElectron;\nexport const { app, BrowserWindow, Menu, ipcMain, protocol, session, shell, dialog, nativeTheme, Notification, screen } = e;\nexport default e;\n`);
  const hooks = `export async function resolve(specifier, context, next) { return specifier === 'electron' ? { url: ${JSON.stringify(pathToFileURL(fakeModule).href)}, shortCircuit: true } : next(specifier, context); }`;
  register(`data:text/javascript,${encodeURIComponent(hooks)}`);
  process.env.HAPPYSAD_HOME = home;
  (process as { defaultApp?: boolean }).defaultApp = true; // as under `electron .`: argv[1] is the app, not a file to open
  await import(pathToFileURL(join(out, 'main', 'index.js')).href);
  while (f.windows.length === 0 || !f.state.protocolHandler) await new Promise((r) => setTimeout(r, 20));

  assert.ok(f.log.includes(`setPath:userData=${home}`), 'the data folder shared with the CLI');
  const win = f.windows[0]!;
  assert.equal(win.url, APP_URL);
  assert.equal(win.options.webPreferences.preload, join(out, 'preload', 'index.cjs'));
  await readFile(win.options.webPreferences.preload);
  const page = await f.state.protocolHandler(new Request(APP_URL));
  assert.equal(page.status, 200);
  assert.equal(page.headers.get('content-security-policy'), APP_CSP);
  assert.equal(await page.text(), await readFile(join(out, 'renderer', 'index.html'), 'utf8'), 'the built page');

  // the engine: the worker built next to index.js reports its backend once the renderer listens
  f.send(IPC.rendererReady, f.event(win.webContents, APP_URL));
  while (win.webContents.sentOn(IPC.engineStatus).length === 0) await new Promise((r) => setTimeout(r, 50));
  const [[status]] = win.webContents.sentOn(IPC.engineStatus) as [[{ state: string; backend: { name: string } }]];
  assert.equal(status.state, 'ready', JSON.stringify(status));
  assert.ok(['tensorflow', 'wasm', 'cpu'].includes(status.backend.name), status.backend.name);
  const info = (await f.invoke(IPC.engineCall, f.event(win.webContents, APP_URL), 'c1', 'info', {})) as { ok: boolean; value: { home: string; appVersion: string } };
  assert.equal(info.ok, true);
  assert.equal(info.value.home, home);
  assert.equal(info.value.appVersion, JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8')).version);

  // quitting stops the engine worker
  f.app.emit('will-quit', { preventDefault() {} });
  while (f.state.quits === 0) await new Promise((r) => setTimeout(r, 20));
});
