/**
 * The E2E test bridge: a loopback HTTP server that serves the built renderer and implements the preload's
 * HappySadApi for it over HTTP, backed by the REAL engine (EngineHost, its worker thread, TensorFlow.js).
 * It stands where the Electron main process stands in the app, and follows the same rules where they
 * matter to the renderer: calls are validated against the engine contract, progress goes to the page,
 * events wait until the renderer says it is ready, images are served only when the app was given them.
 *
 * The page gets the app's own Content-Security-Policy header (APP_CSP, as main's protocol sends it), so a
 * script, style or request the app would refuse fails here too.
 *
 * What differs from the app, all in how bytes travel: window.api is defined by a shim script
 * (../page/shim.ts) instead of contextBridge; files come from http://127.0.0.1:PORT/__bridge/image instead of
 * happysad://image/; file dialogs answer with what the test queued (chooseNext).
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, resolve, sep } from 'node:path';
import ts from 'typescript';
import { APP_CSP } from '../../../common/api.js';
import { validateRequest, type EngineMethod } from '../../../common/engine-contract.js';
import type { PredictResult, ProgressEvent } from '../../../common/engine-types.js';
import { cancelled, EngineError, toFailure } from '../../../common/errors.js';
import {
  CALL_ID_PATTERN,
  CHOOSE_KINDS,
  LANGUAGES,
  MENU_COMMANDS,
  PASTED_IMAGE_MAX_BYTES,
  PASTED_IMAGE_TYPES,
  RENDERER_ENGINE_METHODS,
  type AppState,
  type ChooseKind,
  type MenuCommand,
  type Settings,
} from '../../../common/ipc.js';
import { EpochGate } from '../../../engine/epoch-gate.js';
import { EngineHost } from '../../../engine/host.js';
import { outputsIn, pathsOut } from '../../../main/bridge.js';

export interface BridgeOptions {
  /** the built renderer (vite build -c renderer/vite.config.ts) */
  rendererDir: string;
  /** the engine's data folder */
  home: string;
  assetsDir: string;
  osLocale?: string;
  platform?: string;
  settings?: Partial<Settings>;
  /** give the engine an epoch gate (bridge.epochs), so that a test can hold a training between epochs */
  epochGate?: boolean;
}

/** What the renderer did through the API, for the tests to assert on. */
export interface BridgeLog {
  calls: Array<{ method: string; params: unknown }>;
  /** the warnings each call said as it ran (progress), in order */
  warnings: Array<{ method: string; message: string }>;
  choose: ChooseKind[];
  reveals: string[];
  states: AppState[];
  settingsPatches: Array<Partial<Settings>>;
  pasted: string[];
  ready: number;
}

export interface Bridge {
  url: string;
  engine: EngineHost;
  /** the engine's data folder (models, library, caches) */
  home: string;
  log: BridgeLog;
  settings: Settings;
  /** read by each page load (the shim's app.osLocale and app.platform) */
  osLocale: string;
  platform: string;
  /** as main does: a menu item was chosen (queued until the renderer is ready) */
  menu(command: MenuCommand): void;
  /** as main does: files opened with the app (queued until the renderer is ready) */
  openPaths(paths: string[]): void;
  /** as main does after the language menu: new settings, pushed to the page */
  changeSettings(patch: Partial<Settings>): void;
  /** the next files.choose(kind) answers with these paths (as if the user picked them in the dialog) */
  chooseNext(kind: ChooseKind, paths: string[]): void;
  /** the next files.choose(kind) fails with this message (as a dialog main could not open) */
  chooseFails(kind: ChooseKind, message: string): void;
  /** the next settings change fails with this message (as main failing to store settings.json); resolves once it has */
  settingsFailNext(message: string): Promise<void>;
  /**
   * Holds every engine call of this method before it reaches the engine, until released: lets a test look
   * at the UI while calls are pending, without any timing. step() lets one held call through.
   */
  hold(method: EngineMethod): { step(): Promise<void>; release(): void; pending(): number };
  /**
   * With the epochGate option: holds trainings between epochs inside the engine (holdAfter(n): a training
   * waits once it has finished epoch n; open(): no limit). A cancel still gets through. reset() opens it.
   */
  epochs: EpochGate | null;
  /** told of every engine call's progress event as the page is (a test's hook; reset() clears it) */
  onProgress?: (method: EngineMethod, event: ProgressEvent) => void;
  /** a fresh page's view of the bridge: log cleared, settings as at the start, queued events dropped, not ready */
  reset(): void;
  close(): Promise<void>;
}

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.bmp': 'image/bmp',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
};
const EXTENSION_FOR: Record<string, string> = { 'image/png': '.png', 'image/jpeg': '.jpg', 'image/webp': '.webp', 'image/gif': '.gif', 'image/bmp': '.bmp' };

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

async function shimSource(): Promise<string> {
  const source = await readFile(new URL('../page/shim.ts', import.meta.url), 'utf8');
  return ts.transpileModule(source, { compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext } }).outputText.replace(/^export \{\};?\s*$/m, '');
}

export async function startBridge(options: BridgeOptions): Promise<Bridge> {
  const rendererDir = resolve(options.rendererDir);
  const shim = await shimSource();
  const log: BridgeLog = { calls: [], warnings: [], choose: [], reveals: [], states: [], settingsPatches: [], pasted: [], ready: 0 };
  const initialSettings: Settings = { language: null, savePredictions: true, ...options.settings };
  const settings: Settings = { ...initialSettings };
  const given = new Set<string>();
  // as main does: the library, its cached thumbnails and pasted images are the app's own
  const givenFolders = new Set<string>([join(resolve(options.home), 'library'), join(resolve(options.home), 'cache', 'thumbnails')]);
  const choices = new Map<ChooseKind, Array<string[] | { fail: string }>>();
  let settingsFailure: { message: string; served: () => void } | null = null;
  const clients = new Set<ServerResponse>();
  let queued: Array<[string, unknown]> = [];
  let ready = false;
  const holds = new Map<string, { waiters: Array<() => void>; open: boolean }>();
  /** callId -> engine request id, or a held call's cancel */
  const running = new Map<string, { engineId?: string; cancelHeld?: () => void }>();
  const epochs = options.epochGate ? new EpochGate() : null;
  const engine = new EngineHost({ home: options.home, assetsDir: options.assetsDir, ...(epochs && { epochGate: epochs.buffer }) }, { onStatus: (s) => send('status', s.state === 'restart-failed' ? { state: s.state, message: s.error.message } : s) });
  await engine.start();

  function send(event: string, payload: unknown, queueUntilReady = false): void {
    if (queueUntilReady && !ready) {
      queued.push([event, payload]);
      return;
    }
    const frame = `event: ${event}\ndata: ${JSON.stringify(payload)}\n\n`;
    for (const res of clients) res.write(frame);
  }

  // as main: the engine writes only into a folder picked in an 'export-folder' dialog, exactly
  const outputFolders = new Set<string>();
  function give(path: string): void {
    given.add(resolve(path));
  }
  function isGiven(path: string): boolean {
    const p = resolve(path);
    if (given.has(p)) return true;
    for (const folder of givenFolders) if (p.startsWith(folder + sep)) return true;
    return false;
  }

  async function waitForHold(method: string, callId: string): Promise<void> {
    const h = holds.get(method);
    if (!h || h.open) return;
    await new Promise<void>((resolveWait, reject) => {
      const go = () => resolveWait();
      h.waiters.push(go);
      running.set(callId, {
        cancelHeld: () => {
          h.waiters = h.waiters.filter((w) => w !== go);
          reject(cancelled());
        },
      });
    });
  }

  async function engineCall(body: { callId?: unknown; method?: unknown; params?: unknown }): Promise<unknown> {
    const { callId, method, params } = body;
    if (typeof callId !== 'string' || !CALL_ID_PATTERN.test(callId)) throw new HttpError(400, 'engine call: bad call id');
    if (!(RENDERER_ENGINE_METHODS as readonly unknown[]).includes(method)) throw new HttpError(400, `engine call: method ${String(method)} is not allowed`);
    try {
      const request = validateRequest(method, params);
      log.calls.push({ method: request.method, params: request.params });
      if (request.method === 'predict') {
        for (const input of (request.params as { inputs: string[] }).inputs) {
          const st = await stat(input).catch(() => null);
          if (st?.isDirectory()) givenFolders.add(resolve(input));
          else give(input);
        }
      }
      // as main's bridge does: a folder the engine writes into must be one the user chose; an evaluated folder is given
      const refused = outputsIn(request.method, request.params).find((p) => !outputFolders.has(resolve(p)));
      if (refused !== undefined) return { ok: false, error: toFailure(new EngineError('bad-input', `${request.method}: ${refused} is not a folder the user chose`)) };
      if (request.method === 'evaluate' && (request.params as { data?: string }).data) givenFolders.add(resolve((request.params as { data: string }).data));
      await waitForHold(request.method, callId);
      const call = engine.request(request.method, request.params as never, {
        onProgress: (event) => {
          if (event.type === 'warning') log.warnings.push({ method: request.method, message: event.message });
          bridge.onProgress?.(request.method, event);
          send('progress', { callId, event });
        },
      });
      running.set(callId, { engineId: call.id });
      const value = await call.result;
      if (request.method === 'predict') for (const r of (value as PredictResult).results) give(r.file);
      for (const f of pathsOut(request.method, value)) give(f);
      return { ok: true, value };
    } catch (err) {
      if (err instanceof HttpError) throw err;
      return { ok: false, error: toFailure(err) };
    } finally {
      running.delete(callId);
    }
  }

  function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
    return new Promise((resolveBody, reject) => {
      const chunks: Buffer[] = [];
      let size = 0;
      req.on('data', (c: Buffer) => {
        size += c.length;
        if (size > limit) {
          reject(new HttpError(413, 'too large'));
          req.destroy();
        } else chunks.push(c);
      });
      req.on('end', () => resolveBody(Buffer.concat(chunks)));
      req.on('error', reject);
    });
  }
  async function json(req: IncomingMessage): Promise<Record<string, unknown>> {
    const raw = (await readBody(req, 1024 * 1024)).toString('utf8');
    try {
      const v = raw ? JSON.parse(raw) : {};
      if (typeof v !== 'object' || v === null) throw new Error('not an object');
      return v as Record<string, unknown>;
    } catch {
      throw new HttpError(400, 'body is not a JSON object');
    }
  }

  function sendFile(res: ServerResponse, path: string): void {
    res.writeHead(200, { 'content-type': CONTENT_TYPES[extname(path).toLowerCase()] ?? 'application/octet-stream', 'cache-control': 'no-store' });
    createReadStream(path).on('error', () => res.destroy()).pipe(res);
  }

  async function indexHtml(): Promise<string> {
    const html = await readFile(join(rendererDir, 'index.html'), 'utf8');
    // the shim runs first: a classic script, before the renderer's module script
    if (!/<script type="module"/.test(html)) throw new Error('the built index.html has no module script');
    return html.replace(/<script type="module"/, '<script src="./__bridge/shim.js"></script>\n    $&');
  }

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://bridge');
    const path = decodeURIComponent(url.pathname);
    const reply = (value: unknown) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(value === undefined ? '' : JSON.stringify(value));
    };

    if (req.method === 'GET' && (path === '/' || path === '/index.html')) {
      res.writeHead(200, { 'content-type': CONTENT_TYPES['.html']!, 'cache-control': 'no-store', 'content-security-policy': APP_CSP });
      res.end(await indexHtml());
      return;
    }
    if (req.method === 'GET' && path === '/favicon.ico') {
      res.writeHead(204);
      res.end();
      return;
    }
    if (path.startsWith('/__bridge/')) {
      const what = path.slice('/__bridge/'.length);
      if (req.method === 'GET') {
        if (what === 'shim.js') {
          res.writeHead(200, { 'content-type': CONTENT_TYPES['.js']!, 'cache-control': 'no-store' });
          res.end(`const BRIDGE_CONFIG = ${JSON.stringify({ platform: bridge.platform, osLocale: bridge.osLocale })};\n${shim}`);
          return;
        }
        if (what === 'events') {
          res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store', connection: 'keep-alive' });
          res.write(': connected\n\n');
          clients.add(res);
          req.on('close', () => clients.delete(res));
          return;
        }
        if (what === 'image' || what === 'file') {
          const file = url.searchParams.get('path') ?? '';
          // 'file' is the tests' own door (window.__bridge.fileFor): what it reads counts as given, as a drop does
          if (what === 'file') give(file);
          if (!isGiven(file)) throw new HttpError(403, 'not an image the app was given');
          const st = await stat(file).catch(() => null);
          // a dropped folder is a File with no type and no bytes, as a file manager's drag gives the page
          if (what === 'file' && st?.isDirectory()) {
            res.writeHead(200, { 'cache-control': 'no-store' });
            res.end();
            return;
          }
          if (!st?.isFile()) throw new HttpError(404, 'no such file');
          sendFile(res, file);
          return;
        }
      }
      if (req.method === 'POST') {
        switch (what) {
          case 'call':
            return reply(await engineCall(await json(req)));
          case 'cancel': {
            const { callId } = await json(req);
            const r = typeof callId === 'string' ? running.get(callId) : undefined;
            if (r?.engineId) engine.cancel(r.engineId);
            r?.cancelHeld?.();
            return reply(undefined);
          }
          case 'choose': {
            const { kind } = await json(req);
            if (!(CHOOSE_KINDS as readonly unknown[]).includes(kind)) throw new HttpError(400, 'bad kind');
            log.choose.push(kind as ChooseKind);
            const next = choices.get(kind as ChooseKind)?.shift() ?? [];
            if (!Array.isArray(next)) throw new HttpError(500, next.fail);
            const paths = next;
            for (const p of paths) kind === 'image-folder' ? givenFolders.add(resolve(p)) : give(p);
            if (kind === 'export-folder') for (const p of paths) outputFolders.add(resolve(p));
            return reply(paths);
          }
          case 'reveal': {
            const { path: p } = await json(req);
            if (typeof p !== 'string') throw new HttpError(400, 'bad path');
            log.reveals.push(p);
            return reply(undefined);
          }
          case 'paste': {
            const mime = String(req.headers['content-type'] ?? '');
            if (!(PASTED_IMAGE_TYPES as readonly string[]).includes(mime)) throw new HttpError(415, `not an image type the app keeps: ${mime}`);
            const data = await readBody(req, PASTED_IMAGE_MAX_BYTES);
            const dir = join(options.home, 'pasted');
            await mkdir(dir, { recursive: true });
            const file = join(dir, `pasted-${createHash('sha256').update(data).digest('hex').slice(0, 16)}${EXTENSION_FOR[mime]}`);
            await writeFile(file, data);
            give(file);
            log.pasted.push(file);
            return reply(file);
          }
          case 'ready':
            ready = true;
            log.ready++;
            for (const [event, payload] of queued) send(event, payload);
            queued = [];
            return reply(undefined);
          case 'state': {
            const s = await json(req);
            log.states.push({ training: s.training === true, hasModel: s.hasModel === true });
            return reply(undefined);
          }
          case 'settings': {
            const patch = await json(req);
            if (Object.keys(patch).length > 0) {
              if (settingsFailure !== null) {
                const { message, served } = settingsFailure;
                settingsFailure = null;
                served();
                throw new HttpError(500, message);
              }
              if ('language' in patch && patch.language !== null && !(LANGUAGES as readonly unknown[]).includes(patch.language)) throw new HttpError(400, 'bad language');
              log.settingsPatches.push(patch as Partial<Settings>);
              Object.assign(settings, patch);
              send('settings', settings);
            }
            return reply(settings);
          }
        }
      }
      throw new HttpError(404, `no bridge route ${req.method} ${what}`);
    }
    if (req.method === 'GET') {
      // the renderer's own files, and nothing outside its folder
      const file = normalize(join(rendererDir, path));
      if (!file.startsWith(rendererDir + sep)) throw new HttpError(403, 'outside the renderer');
      const st = await stat(file).catch(() => null);
      if (!st?.isFile()) throw new HttpError(404, 'not found');
      sendFile(res, file);
      return;
    }
    throw new HttpError(405, 'method not allowed');
  }

  const server = createServer((req, res) => {
    route(req, res).catch((err: unknown) => {
      const status = err instanceof HttpError ? err.status : 500;
      if (!res.headersSent) res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8' });
      res.end(err instanceof Error ? err.message : String(err));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;

  const bridge: Bridge = {
    url: `http://127.0.0.1:${port}/`,
    engine,
    home: options.home,
    log,
    settings,
    osLocale: options.osLocale ?? 'en-US',
    platform: options.platform ?? 'linux',
    menu(command) {
      if (!(MENU_COMMANDS as readonly string[]).includes(command)) throw new Error(`unknown menu command ${command}`);
      send('menu', command, true);
    },
    openPaths(paths) {
      for (const p of paths) give(p);
      send('open-paths', paths, true);
    },
    changeSettings(patch) {
      Object.assign(settings, patch);
      send('settings', settings);
    },
    settingsFailNext(message) {
      return new Promise((served) => (settingsFailure = { message, served }));
    },
    chooseFails(kind, message) {
      const list = choices.get(kind) ?? [];
      list.push({ fail: message });
      choices.set(kind, list);
    },
    chooseNext(kind, paths) {
      const list = choices.get(kind) ?? [];
      list.push(paths);
      choices.set(kind, list);
    },
    epochs,
    hold(method) {
      const h = { waiters: [] as Array<() => void>, open: false };
      holds.set(method, h);
      return {
        async step() {
          while (h.waiters.length === 0) await new Promise((r) => setTimeout(r, 10));
          h.waiters.shift()!();
        },
        release() {
          h.open = true;
          for (const w of h.waiters.splice(0)) w();
          holds.delete(method);
        },
        pending: () => h.waiters.length,
      };
    },
    reset() {
      for (const key of Object.keys(log) as Array<keyof BridgeLog>) {
        const v = log[key];
        if (Array.isArray(v)) v.length = 0;
      }
      log.ready = 0;
      Object.assign(settings, initialSettings);
      settingsFailure = null;
      ready = false;
      queued = [];
      choices.clear();
      for (const h of holds.values()) {
        h.open = true;
        for (const w of h.waiters.splice(0)) w();
      }
      holds.clear();
      epochs?.open();
      delete bridge.onProgress;
    },
    async close() {
      for (const res of clients) res.end();
      clients.clear();
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
      await engine.dispose();
    },
  };
  return bridge;
}
