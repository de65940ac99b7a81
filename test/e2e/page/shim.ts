/**
 * Runs in the page, before the renderer: defines window.api (the HappySadApi the preload exposes in the app)
 * over loopback to the test bridge. Calls are POSTs; progress, status, menu commands, opened paths and
 * settings changes arrive as Server-Sent Events. Sent to the browser as plain JavaScript (transpiled by
 * the bridge); BRIDGE_CONFIG is prepended by the bridge.
 *
 * Dropped files: a browser File has no path. fileFor(path) makes a File from a file the test names and
 * remembers its path, so files.pathForFile answers for it as the preload's webUtils.getPathForFile does for a
 * file from disk; any other File (a pasted screenshot) has no path, and '' is the answer, as in Electron.
 *
 * window.__bridge: what the tests do inside the page (see ../bridge/page-api.ts).
 */
import type { HappySadApi, Unsubscribe } from '../../../common/api.js';
import type { ProgressEvent } from '../../../common/engine-types.js';
import type { EngineStatus, MenuCommand, Settings } from '../../../common/ipc.js';
import type { PageBridge } from '../bridge/page-api.js';

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

  /** A File for a path on disk, which pathForFile then knows (as if dragged from a file manager). */
  async function fileFor(path: string): Promise<File> {
    const res = await fetch(new URL(`file?path=${encodeURIComponent(path)}`, root));
    if (!res.ok) throw new Error(`${path}: HTTP ${res.status}`);
    const file = new File([await res.blob()], path.split(/[\\/]/).pop() ?? path, { type: res.headers.get('content-type') ?? '' });
    paths.set(file, path);
    return file;
  }

  const frames = () => new Promise<void>((resolve) => requestAnimationFrame(() => requestAnimationFrame(() => resolve())));
  let dropNow: (() => void) | null = null;

  const bridge: PageBridge = {
    async dragFiles(list, at) {
      const files = await Promise.all(list.map(fileFor));
      const data = new DataTransfer();
      for (const f of files) data.items.add(f);
      const target = document.elementFromPoint(at.x, at.y) ?? document.body;
      const fire = (type: string) => target.dispatchEvent(new DragEvent(type, { dataTransfer: data, bubbles: true, cancelable: true, clientX: at.x, clientY: at.y }));
      fire('dragenter');
      fire('dragover');
      dropNow = () => fire('drop');
    },
    drop() {
      if (!dropNow) throw new Error('nothing is being dragged');
      dropNow();
      dropNow = null;
    },
    async pasteImageFrom(path) {
      const source = await createImageBitmap(await fileFor(path));
      const canvas = new OffscreenCanvas(source.width, source.height);
      canvas.getContext('2d')!.drawImage(source, 0, 0);
      const png = await canvas.convertToBlob({ type: 'image/png' });
      const data = new DataTransfer();
      data.items.add(new File([png], 'image.png', { type: 'image/png' }));
      document.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }));
    },
    count: (selector) => document.querySelectorAll(selector).length,
    imagesSettled: () => {
      const inView = (el: Element) => {
        const r = el.getBoundingClientRect();
        return r.width > 0 && r.bottom > 0 && r.right > 0 && r.top < innerHeight && r.left < innerWidth;
      };
      // lazy images out of view never load: only those in the window count; nor does anything in view still
      // busy (aria-busy: a library tile whose thumbnail is being made)
      return [...document.images].every((img) => img.complete || !inView(img)) && ![...document.querySelectorAll('[aria-busy="true"]')].some(inView);
    },
    async settle() {
      const finite = document.getAnimations().filter((a) => a.effect?.getTiming().iterations !== Infinity);
      await Promise.all(finite.map((a) => a.finished.catch(() => undefined)));
      await frames();
    },
    focused() {
      const el = document.activeElement as HTMLElement | null;
      return {
        name: el?.getAttribute('aria-label') ?? el?.innerText.trim().split('\n')[0] ?? '',
        testid: el?.dataset.testid ?? '',
        outline: el ? getComputedStyle(el).outlineStyle : 'none',
        inCard: !!el?.closest('[data-testid="prediction-card"]'),
      };
    },
    imageLoaded(selector) {
      const img = document.querySelector(selector);
      return img instanceof HTMLImageElement && img.complete && img.naturalWidth > 0;
    },
    attributes: (selector, name) => [...document.querySelectorAll(selector)].map((e) => e.getAttribute(name)),
    scrollTo(selector, top) {
      const el = document.querySelector(selector);
      el?.scrollTo(0, top === 'end' ? el.scrollHeight : top);
    },
    lang: () => document.documentElement.lang,
  };
  Object.defineProperty(window, '__bridge', { value: Object.freeze(bridge) });
})();
