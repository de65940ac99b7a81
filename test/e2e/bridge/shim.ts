/**
 * Runs in the page, before the renderer: defines window.api (the HappySadApi the preload exposes in the app)
 * over loopback to the test bridge. Calls are POSTs; progress, status, menu commands, opened paths and
 * settings changes arrive as Server-Sent Events. Sent to the browser as plain JavaScript (transpiled by
 * the bridge); BRIDGE_CONFIG is prepended by the bridge.
 *
 * Dropped files: a browser File has no path. window.__bridge.fileFor(path) makes a File from a file the test
 * names and remembers its path, so files.pathForFile answers for it as the preload's webUtils.getPathForFile
 * does for a file from disk; any other File (a pasted screenshot) has no path, and '' is the answer, as in
 * Electron.
 */
import type { HappySadApi, Unsubscribe } from '../../../common/api.js';
import type { ProgressEvent } from '../../../common/engine-types.js';
import type { EngineStatus, MenuCommand, Settings } from '../../../common/ipc.js';

declare const BRIDGE_CONFIG: { platform: string; osLocale: string };

interface BridgeEvents {
  progress: { callId: string; event: ProgressEvent };
  status: EngineStatus;
  menu: MenuCommand;
  'open-paths': string[];
  settings: Settings;
}

(() => {
  const root = new URL('./__bridge/', location.href);
  const listeners: { [K in keyof BridgeEvents]: Set<(payload: BridgeEvents[K]) => void> } = {
    progress: new Set(),
    status: new Set(),
    menu: new Set(),
    'open-paths': new Set(),
    settings: new Set(),
  };
  function on<K extends keyof BridgeEvents>(kind: K, fn: (payload: BridgeEvents[K]) => void): Unsubscribe {
    listeners[kind].add(fn);
    return () => listeners[kind].delete(fn);
  }

  const events = new EventSource(new URL('events', root));
  const connected = new Promise<void>((resolve) => events.addEventListener('open', () => resolve(), { once: true }));
  for (const kind of Object.keys(listeners) as Array<keyof BridgeEvents>) {
    events.addEventListener(kind, (e) => {
      const payload = JSON.parse((e as MessageEvent<string>).data) as never;
      for (const fn of listeners[kind]) (fn as (p: never) => void)(payload);
    });
  }

  async function post<T>(path: string, body: unknown): Promise<T> {
    const res = await fetch(new URL(path, root), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const text = await res.text();
    if (!res.ok) throw new Error(text || `${path}: HTTP ${res.status}`);
    return (text ? JSON.parse(text) : undefined) as T;
  }

  const paths = new WeakMap<File, string>();

  const api: HappySadApi = {
    engine: {
      call: (callId, method, params) => post('call', { callId, method, params }),
      cancel: (callId) => void post('cancel', { callId }),
      onProgress: (fn) => on('progress', ({ callId, event }) => fn(callId, event)),
      onStatus: (fn) => on('status', fn),
    },
    files: {
      pathForFile: (file) => paths.get(file) ?? '',
      choose: (kind) => post('choose', { kind }),
      reveal: (path) => post('reveal', { path }),
      imageUrl: (path) => new URL(`image?path=${encodeURIComponent(path)}`, root).href,
      async savePastedImage(data, mimeType) {
        const res = await fetch(new URL('paste', root), { method: 'POST', headers: { 'content-type': mimeType }, body: data });
        const text = await res.text();
        if (!res.ok) throw new Error(text);
        return JSON.parse(text) as string;
      },
    },
    app: {
      ready: () => void connected.then(() => post('ready', {})),
      setState: (state) => void post('state', state),
      onMenuCommand: (fn) => on('menu', fn),
      onOpenPaths: (fn) => on('open-paths', fn),
      getSettings: () => post('settings', {}),
      setSettings: (patch) => post('settings', patch),
      onSettingsChanged: (fn) => on('settings', fn),
      platform: BRIDGE_CONFIG.platform,
      osLocale: BRIDGE_CONFIG.osLocale,
    },
  };
  Object.defineProperty(window, 'api', { value: Object.freeze(api), enumerable: true });

  /** For the tests only: a File for a path on disk, which pathForFile then knows (as if dropped from a file manager). */
  Object.defineProperty(window, '__bridge', {
    value: {
      async fileFor(path: string): Promise<File> {
        const res = await fetch(new URL(`file?path=${encodeURIComponent(path)}`, root));
        if (!res.ok) throw new Error(`${path}: HTTP ${res.status}`);
        const file = new File([await res.blob()], path.split(/[\\/]/).pop() ?? path, { type: res.headers.get('content-type') ?? '' });
        paths.set(file, path);
        return file;
      },
    },
  });
})();
