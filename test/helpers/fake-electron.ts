/**
 * A stand-in for the parts of Electron that main/app.ts uses (ElectronLike), recording what the app asks of
 * it and letting a test play the OS and the renderer: emit app events, send IPC as a given frame, close windows.
 * Never require('electron') in a test: its binary does not exist here.
 */
import type { ElectronLike, WindowLike } from '../../main/app.js';
import type { Rect } from '../../main/window-state.js';

type Fn = (...args: any[]) => any;

class Emitter {
  readonly listeners = new Map<string, Fn[]>();
  on(event: string, fn: Fn) {
    this.listeners.set(event, [...(this.listeners.get(event) ?? []), fn]);
    return this;
  }
  once(event: string, fn: Fn) {
    const wrapped: Fn = (...a) => {
      this.listeners.set(event, (this.listeners.get(event) ?? []).filter((f) => f !== wrapped));
      return fn(...a);
    };
    return this.on(event, wrapped);
  }
  emit(event: string, ...args: unknown[]) {
    for (const fn of [...(this.listeners.get(event) ?? [])]) fn(...args);
  }
  count(event: string) {
    return this.listeners.get(event)?.length ?? 0;
  }
}

let nextId = 1;
export class FakeWebContents extends Emitter {
  readonly id = nextId++;
  readonly sent: Array<{ channel: string; args: unknown[] }> = [];
  destroyed = false;
  openHandler: ((d: { url: string }) => { action: string }) | null = null;
  send(channel: string, ...args: unknown[]) {
    if (this.destroyed) throw new Error('send on a destroyed WebContents');
    this.sent.push({ channel, args });
  }
  isDestroyed() {
    return this.destroyed;
  }
  setWindowOpenHandler(fn: (d: { url: string }) => { action: string }) {
    this.openHandler = fn;
  }
  destroy() {
    this.destroyed = true;
    this.emit('destroyed');
  }
  /** what was sent on a channel, in order */
  sentOn(channel: string) {
    return this.sent.filter((s) => s.channel === channel).map((s) => s.args);
  }
  /** plays a navigation: true when the app prevented it */
  navigate(event: 'will-navigate' | 'will-redirect' | 'will-frame-navigate', url: string) {
    let prevented = false;
    this.emit(event, { preventDefault: () => (prevented = true), url }, url);
    return prevented;
  }
  attachWebview() {
    let prevented = false;
    this.emit('will-attach-webview', { preventDefault: () => (prevented = true) }, {}, {});
    return prevented;
  }
}

export class FakeWindow extends Emitter implements WindowLike {
  readonly webContents = new FakeWebContents();
  url: string | null = null;
  /** every URL loaded, in order (a reload after a renderer crash loads again) */
  readonly loads: string[] = [];
  shown = 0;
  focused = 0;
  minimized = false;
  maximized = false;
  destroyed = false;
  readonly progress: number[] = [];
  bounds: Rect;
  constructor(readonly options: any) {
    super();
    this.bounds = { x: options.x ?? 100, y: options.y ?? 80, width: options.width, height: options.height };
  }
  loadURL(url: string) {
    this.url = url;
    this.loads.push(url);
    return Promise.resolve();
  }
  show() {
    this.shown++;
  }
  focus() {
    this.focused++;
  }
  isMinimized() {
    return this.minimized;
  }
  restore() {
    this.minimized = false;
  }
  maximize() {
    this.maximized = true;
  }
  isMaximized() {
    return this.maximized;
  }
  isDestroyed() {
    return this.destroyed;
  }
  getNormalBounds() {
    return { ...this.bounds };
  }
  setProgressBar(p: number) {
    this.progress.push(p);
  }
  /** the user closes the window */
  close() {
    let prevented = false;
    this.emit('close', { preventDefault: () => (prevented = true) });
    if (prevented) return;
    this.destroyed = true;
    this.webContents.destroy();
    this.emit('closed');
  }
}

export interface FakeOptions {
  lock?: boolean;
  locale?: string;
  packaged?: boolean;
  displays?: Rect[];
  dialogResult?: { canceled: boolean; filePaths: string[] };
  /** the button a message box answers with (its index), or a function of the box */
  messageBoxResponse?: number | ((options: any) => number);
  darkTheme?: boolean;
}

export function fakeElectron(opts: FakeOptions = {}) {
  /** the order of the calls that must come in order (before/after ready) */
  const log: string[] = [];
  const app = new Emitter();
  const windows: FakeWindow[] = [];
  const handlers = new Map<string, Fn>();
  const listeners = new Map<string, Fn>();
  const menus: any[][] = [];
  const opened: string[] = [];
  const openedPaths: string[] = [];
  const revealed: string[] = [];
  const notifications: Array<{ title: string; body: string }> = [];
  const dialogs: any[] = [];
  const messageBoxes: any[] = [];
  const sessionEvents = new Emitter();
  const s = {
    beforeRequest: null as Fn | null,
    permissionRequest: null as Fn | null,
    permissionCheck: null as Fn | null,
    devicePermission: null as Fn | null,
    protocolHandler: null as ((r: Request) => Promise<Response>) | null,
    schemes: null as any,
    quits: 0,
    relaunches: [] as Array<{ args?: string[]; execPath?: string } | undefined>,
    ready: false,
    aboutPanel: null as any,
  };
  const nativeTheme = { themeSource: 'light' as 'system' | 'light' | 'dark', shouldUseDarkColors: opts.darkTheme ?? false };

  const electron: ElectronLike = {
    app: {
      on: (e: string, fn: Fn) => app.on(e, fn),
      whenReady: () =>
        Promise.resolve().then(() => {
          s.ready = true;
          log.push('ready');
        }),
      quit: () => void s.quits++,
      relaunch: (o?: { args?: string[]; execPath?: string }) => void s.relaunches.push(o),
      requestSingleInstanceLock: () => (log.push('lock'), opts.lock ?? true),
      getLocale: () => opts.locale ?? 'en-US',
      getVersion: () => '0.1.0',
      setAboutPanelOptions: (o: unknown) => void (s.aboutPanel = o),
      isPackaged: opts.packaged ?? true,
      // not part of ElectronLike: main/index.ts calls it on the real module
      setPath: (name: string, value: string) => void log.push(`setPath:${name}=${value}`),
    } as ElectronLike['app'],
    BrowserWindow: class extends FakeWindow {
      constructor(options: any) {
        super(options);
        windows.push(this);
        log.push('window');
      }
    },
    Menu: { buildFromTemplate: (t) => t, setApplicationMenu: (m) => void menus.push(m) },
    ipcMain: { handle: (c, fn) => void handlers.set(c, fn), on: (c, fn) => void listeners.set(c, fn) },
    protocol: {
      registerSchemesAsPrivileged: (schemes) => {
        log.push(s.ready ? 'schemes-after-ready' : 'schemes');
        s.schemes = schemes;
      },
      handle: (scheme, fn) => {
        log.push(`handle:${scheme}`);
        s.protocolHandler = fn as (r: Request) => Promise<Response>;
      },
    },
    session: {
      defaultSession: {
        webRequest: { onBeforeRequest: (fn) => void (s.beforeRequest = fn) },
        setPermissionRequestHandler: (fn) => void (s.permissionRequest = fn),
        setPermissionCheckHandler: (fn) => void (s.permissionCheck = fn),
        setDevicePermissionHandler: (fn) => void (s.devicePermission = fn),
        on: (e: string, fn: Fn) => sessionEvents.on(e, fn),
      },
    },
    shell: {
      openExternal: (url) => (opened.push(url), Promise.resolve()),
      openPath: (p) => (openedPaths.push(p), Promise.resolve('')),
      showItemInFolder: (p) => void revealed.push(p),
    },
    dialog: {
      showOpenDialog: (_w, o) => (dialogs.push(o), Promise.resolve(opts.dialogResult ?? { canceled: true, filePaths: [] })),
      showMessageBox: (_w, o) => {
        messageBoxes.push(o);
        const r = opts.messageBoxResponse;
        return Promise.resolve({ response: typeof r === 'function' ? r(o) : (r ?? (o.cancelId as number | undefined) ?? 0) });
      },
    },
    nativeTheme,
    Notification: Object.assign(
      class {
        constructor(private readonly o: { title: string; body: string }) {}
        show() {
          notifications.push({ title: this.o.title, body: this.o.body });
        }
      },
      { isSupported: () => true },
    ),
    screen: { getAllDisplays: () => (opts.displays ?? [{ x: 0, y: 0, width: 1920, height: 1080 }]).map((workArea) => ({ workArea })) },
  };

  /** an IPC event as Electron builds it, from a window's main frame at `url` (or a subframe, or no frame) */
  const event = (wc: FakeWebContents, url: string, frame: 'main' | 'sub' | 'none' = 'main') => ({
    sender: wc,
    senderFrame: frame === 'none' ? null : { url, parent: frame === 'sub' ? {} : null },
    returnValue: undefined as unknown,
  });

  return {
    electron,
    log,
    app,
    windows,
    menus,
    opened,
    openedPaths,
    revealed,
    notifications,
    dialogs,
    messageBoxes,
    sessionEvents,
    nativeTheme,
    state: s,
    event,
    /** ipcRenderer.invoke */
    invoke: (channel: string, ev: ReturnType<typeof event>, ...args: unknown[]) => {
      const h = handlers.get(channel);
      if (!h) throw new Error(`no handler for ${channel}`);
      return Promise.resolve().then(() => h(ev, ...args));
    },
    /** ipcRenderer.send / sendSync (the handler sets event.returnValue) */
    send: (channel: string, ev: ReturnType<typeof event>, ...args: unknown[]) => {
      const h = listeners.get(channel);
      if (!h) throw new Error(`no listener for ${channel}`);
      h(ev, ...args);
      return ev.returnValue;
    },
    /** a request through the session: true when cancelled */
    request: (url: string) => new Promise<boolean>((r) => s.beforeRequest!({ url }, (x: { cancel: boolean }) => r(x.cancel))),
    askPermission: (p: string) => new Promise<boolean>((r) => s.permissionRequest!(null, p, r)),
    /** a fresh WebContents announced to the app (as Electron does for every window, webview, devtools...) */
    newContents: () => {
      const wc = new FakeWebContents();
      app.emit('web-contents-created', {}, wc);
      return wc;
    },
  };
}

export type FakeElectron = ReturnType<typeof fakeElectron>;
