/**
 * The Electron main process glue, written against the few Electron APIs it uses (ElectronLike) so that tests
 * run it with a stand-in and the real engine, and index.ts with the real module. The decisions live in the
 * modules it wires: protocol.ts, given-paths.ts, bridge.ts, menu.ts, security.ts, settings.ts,
 * window-state.ts, renderer-link.ts, training-feedback.ts, launch.ts.
 */
import { createHash } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { AboutPanelOptionsOptions, BrowserWindowConstructorOptions, MenuItemConstructorOptions, MessageBoxOptions, OpenDialogOptions } from 'electron';
import { PROJECT_LINKS } from '../common/api.js';
import { EngineError } from '../common/errors.js';
import { languageFor, translate, type MessageKey } from '../common/i18n/index.js';
import { CHOOSE_KINDS, IPC, PASTED_IMAGE_MAX_BYTES, PASTED_IMAGE_TYPES, type AppState, type ChooseKind, type EngineStatus, type Language } from '../common/ipc.js';
import { writeFileAtomic } from '../engine/atomic-fs.js';
import type { HostOptions } from '../engine/host.js';
import { EngineBridge, type EngineLike, type IpcEventLike, type SenderLike } from './bridge.js';
import { GivenPaths, isInside } from './given-paths.js';
import { pathsFromArgv } from './launch.js';
import { INITIAL_APP_STATE, buildMenuTemplate } from './menu.js';
import { IMAGE_TYPES, SCHEME_PRIVILEGES, handleRequest } from './protocol.js';
import { RendererLink } from './renderer-link.js';
import { guardContents, isAllowedRequest, isAppPage, rendererOrigin, secureWebPreferences, type GuardedContents } from './security.js';
import { SettingsStore, parseSettingsPatch } from './settings.js';
import { TrainingFeedback } from './training-feedback.js';
import { MIN_SIZE, captureWindowState, restoreWindowState, type Rect } from './window-state.js';
import { APP_SCHEME } from '../common/api.js';
import { forgetOldPastedImages } from './pasted-images.js';

type Listener = (...args: any[]) => void;

export interface WebContentsLike extends SenderLike {
  on(event: string, listener: Listener): unknown;
  once(event: string, listener: Listener): unknown;
}

export interface WindowLike {
  readonly webContents: WebContentsLike;
  loadURL(url: string): Promise<void>;
  on(event: string, listener: Listener): unknown;
  once(event: string, listener: Listener): unknown;
  show(): void;
  focus(): void;
  close(): void;
  isMinimized(): boolean;
  restore(): void;
  maximize(): void;
  isMaximized(): boolean;
  isDestroyed(): boolean;
  getNormalBounds(): Rect;
  setProgressBar(progress: number): void;
}

/** The parts of the electron module the app uses. */
export interface ElectronLike {
  app: {
    on(event: string, listener: Listener): unknown;
    whenReady(): Promise<unknown>;
    quit(): void;
    /** starts the app again once this instance has quit */
    relaunch(options?: { args?: string[]; execPath?: string }): void;
    requestSingleInstanceLock(): boolean;
    getLocale(): string;
    getVersion(): string;
    setAboutPanelOptions(options: AboutPanelOptionsOptions): void;
    readonly isPackaged: boolean;
  };
  BrowserWindow: { new (options: BrowserWindowConstructorOptions): WindowLike };
  Menu: { buildFromTemplate(template: MenuItemConstructorOptions[]): unknown; setApplicationMenu(menu: any): void };
  ipcMain: {
    handle(channel: string, listener: (event: any, ...args: any[]) => unknown): void;
    on(channel: string, listener: (event: any, ...args: any[]) => void): unknown;
  };
  protocol: {
    registerSchemesAsPrivileged(schemes: Array<{ scheme: string; privileges: { standard: boolean; secure: boolean; supportFetchAPI: boolean } }>): void;
    handle(scheme: string, handler: (request: Request) => Response | Promise<Response>): void;
  };
  session: {
    defaultSession: {
      webRequest: { onBeforeRequest(listener: (details: { url: string }, callback: (response: { cancel: boolean }) => void) => void): void };
      setPermissionRequestHandler(handler: (webContents: any, permission: string, callback: (granted: boolean) => void) => void): void;
      setPermissionCheckHandler(handler: (...args: any[]) => boolean): void;
      setDevicePermissionHandler(handler: (...args: any[]) => boolean): void;
      on(event: string, listener: Listener): unknown;
    };
  };
  shell: { openExternal(url: string): Promise<void>; openPath(path: string): Promise<string>; showItemInFolder(path: string): void };
  dialog: {
    showOpenDialog(window: any, options: OpenDialogOptions): Promise<{ canceled: boolean; filePaths: string[] }>;
    showMessageBox(window: any, options: MessageBoxOptions): Promise<{ response: number }>;
  };
  nativeTheme: { themeSource: 'system' | 'light' | 'dark'; readonly shouldUseDarkColors: boolean };
  Notification: { new (options: { title: string; body: string; silent?: boolean }): { show(): void }; isSupported(): boolean };
  screen: { getAllDisplays(): Array<{ workArea: Rect }> };
}

export interface AppOptions {
  /** makes the one engine host of the app's life, reporting its status to the app */
  createEngine(onStatus: NonNullable<HostOptions['onStatus']>): EngineLike & { start(): Promise<unknown>; dispose(): Promise<void> };
  /** the data folder (settings.json, the library, pasted images) */
  home: string;
  /** the renderer bundle's folder (out/renderer), served as happysad://app/ */
  appRoot: string;
  preloadPath: string;
  /** `npm run dev`: the Vite dev server's URL (ELECTRON_RENDERER_URL); ignored in a packaged app */
  devServerUrl?: string | undefined;
  platform?: NodeJS.Platform;
  /** the first launch's command line: file arguments are opened */
  argv?: readonly string[];
  cwd?: string;
  /** process.defaultApp: argv[1] is the app folder (`electron .`) */
  defaultApp?: boolean;
  /** the app icon (a PNG): the window's on Linux and Windows (macOS takes the bundle's), and the About panel's */
  iconPath?: string;
  /**
   * $APPIMAGE: the AppImage file this app runs from (Linux). The executable itself lives in a mount that goes
   * away with the app, so starting the app again must start this file
   */
  appImage?: string | undefined;
}

/** What startApp hands back (tests look inside; index.ts ignores it). */
export interface AppHandle {
  window(): WindowLike | null;
  given: GivenPaths;
  bridge: EngineBridge;
  link: RendererLink;
  settings: SettingsStore;
  menu(): MenuItemConstructorOptions[];
  /** settles when the files of the first command line have been handled */
  opened: Promise<void>;
}

const appStateShape = (v: unknown): v is AppState =>
  typeof v === 'object' && v !== null && !Array.isArray(v) && Object.keys(v).sort().join() === 'hasModel,training' && typeof (v as AppState).training === 'boolean' && typeof (v as AppState).hasModel === 'boolean';

const PASTED_EXTENSIONS: Record<string, string> = { 'image/png': '.png', 'image/jpeg': '.jpg', 'image/webp': '.webp', 'image/gif': '.gif', 'image/bmp': '.bmp' };

const DIALOGS: Record<ChooseKind, { title: MessageKey; properties: OpenDialogOptions['properties']; images?: boolean }> = {
  images: { title: 'dialog.chooseImages', properties: ['openFile', 'multiSelections'], images: true },
  'image-folder': { title: 'dialog.chooseImageFolder', properties: ['openDirectory', 'multiSelections'] },
  'training-data': { title: 'dialog.chooseTrainingData', properties: ['openDirectory'] },
  'evaluation-data': { title: 'dialog.chooseEvaluationData', properties: ['openDirectory'] },
  'export-folder': { title: 'dialog.chooseExportFolder', properties: ['openDirectory', 'createDirectory', 'promptToCreate'] },
  'model-folder': { title: 'dialog.chooseModelFolder', properties: ['openDirectory'] },
};

/** a renderer process that dies more often than this within CRASH_WINDOW_MS is not loaded again */
const MAX_RELOADS = 3;
const CRASH_WINDOW_MS = 60_000;

/** Starts the app; resolves once the window is open, or with null when another instance already runs. */
export function startApp(electron: ElectronLike, options: AppOptions): Promise<AppHandle | null> {
  const { app, BrowserWindow, Menu, ipcMain, protocol, session, shell, dialog, nativeTheme, Notification, screen } = electron;
  const platform = options.platform ?? process.platform;
  const pathApi = platform === 'win32' ? path.win32 : path.posix;

  // A second launch hands its arguments to the first (the 'second-instance' event there) and quits.
  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return Promise.resolve(null);
  }
  // must happen before 'ready'
  protocol.registerSchemesAsPrivileged([SCHEME_PRIVILEGES]);

  const origin = rendererOrigin(options.devServerUrl, app.isPackaged);
  const home = options.home;
  const pastedDir = path.join(home, 'pasted');
  const given = new GivenPaths(platform);
  // the folders the user picked to save into: the only ones the engine may write to (given paths are only read)
  const outputFolders = new Set<string>();
  // the library, its cached thumbnails and pasted images live in the data folder
  given.add([path.join(home, 'library'), path.join(home, 'cache', 'thumbnails'), pastedDir]);
  const link = new RendererLink();
  let win: WindowLike | null = null;
  let settings: SettingsStore | null = null;
  let appState: AppState = INITIAL_APP_STATE;
  let menuTemplate: MenuItemConstructorOptions[] = [];

  const language = (): Language => settings?.settings.language ?? languageFor(app.getLocale());
  const t = (key: MessageKey, params?: Record<string, string | number>) => translate(language(), key, params);

  const isAppSender = (event: IpcEventLike) => {
    const frame = event?.senderFrame;
    return !!frame && frame.parent === null && isAppPage(frame.url, origin);
  };
  const requireApp = (event: IpcEventLike, channel: string) => {
    if (!isAppSender(event)) throw new Error(`${channel}: refused, the message did not come from the app`);
  };

  const engine = options.createEngine((s) => {
    const status: EngineStatus = s.state === 'restart-failed' ? { state: 'restart-failed', message: s.error.message } : s;
    link.setStatus(status);
  });

  const bridge = new EngineBridge({
    engine,
    isAppSender,
    mayRead: (p) => pathApi.isAbsolute(p) && given.entryFor(pathApi.normalize(p)) !== null,
    give: (paths) => given.add(paths),
    mayWriteTo: (p) => pathApi.isAbsolute(p) && pathApi.normalize(p) === p && outputFolders.has(p),
    train: new TrainingFeedback({
      setProgress: (f) => {
        if (win && !win.isDestroyed()) win.setProgressBar(f);
      },
      notify: (title, body) => {
        if (Notification.isSupported()) new Notification({ title, body }).show();
      },
      t,
    }),
  });

  const showWindow = () => {
    if (!win || win.isDestroyed()) return createWindow();
    if (win.isMinimized()) win.restore();
    win.show();
    win.focus();
  };

  // files opened while the app quits: a window would open only to close with it; they go to the next launch
  const handOver: string[] = [];
  const readingArgv = new Set<Promise<void>>();
  let quitting = false;
  /**
   * The next launch's command line: this one's switches (--no-sandbox, --ozone-platform=wayland...), with
   * `electron .` the app's folder first, then the files; app.relaunch's args replace the whole command line
   */
  const relaunchWith = (files: readonly string[]) => {
    const argv = options.argv ?? [];
    const appFolder = options.defaultApp && argv[1] ? [argv[1]] : [];
    const switches = argv.slice(1 + appFolder.length).filter((a) => a.startsWith('-'));
    return { args: [...appFolder, ...switches, ...files], ...(options.appImage && { execPath: options.appImage }) };
  };

  const openPaths = (paths: string[]) => {
    if (paths.length === 0) return;
    if (quitting) {
      handOver.push(...paths);
      return;
    }
    given.add(paths);
    link.send(IPC.openPaths, paths);
    if (settings) showWindow(); // before ready, the window is about to open anyway
  };

  const sendSettings = () => link.send(IPC.settingsChanged, settings!.settings);
  let quitAsked = false;
  const confirmStopTraining = async (w: WindowLike): Promise<boolean> => {
    const r = await dialog
      .showMessageBox(w, {
        type: 'question',
        message: t('confirm.trainingRunning'),
        detail: t('confirm.trainingRunningDetail'),
        buttons: [t('confirm.stopAndClose'), t('confirm.keepTraining')],
        defaultId: 1,
        cancelId: 1,
        noLink: true,
      })
      .catch(() => ({ response: 0 })); // no dialog to ask with: the window closes as it would have
    return r.response === 0;
  };

  const setLanguage = async (lang: Language | null) => {
    // not saved (a read-only or full disk): not applied either, as with the window's own setting; the menu and
    // the window show the language in use again
    await settings!.update({ language: lang }).catch(() => undefined);
    sendSettings();
    rebuildMenu();
  };

  const rebuildMenu = () => {
    menuTemplate = buildMenuTemplate({
      platform,
      state: appState,
      t,
      language: settings?.settings.language ?? null,
      dev: !app.isPackaged,
      handlers: {
        command: (command) => {
          showWindow();
          link.send(IPC.menuCommand, command);
        },
        openDataFolder: () => void mkdir(home, { recursive: true }).then(() => shell.openPath(home)).catch(() => undefined),
        learnMore: () => void shell.openExternal(PROJECT_LINKS.home),
        setLanguage: (lang) => void setLanguage(lang),
      },
    });
    Menu.setApplicationMenu(Menu.buildFromTemplate(menuTemplate));
  };

  function createWindow(): void {
    const state = restoreWindowState(settings!.window, screen.getAllDisplays().map((d) => d.workArea));
    const w = new BrowserWindow({
      ...(state.x !== undefined && state.y !== undefined && { x: state.x, y: state.y }),
      width: state.width,
      height: state.height,
      minWidth: MIN_SIZE.width,
      minHeight: MIN_SIZE.height,
      show: false,
      title: 'HappySad Studio',
      ...(options.iconPath && platform !== 'darwin' && { icon: options.iconPath }),
      // the first paint matches the OS theme (the renderer follows prefers-color-scheme)
      backgroundColor: nativeTheme.shouldUseDarkColors ? '#17181c' : '#f7f7f8',
      webPreferences: secureWebPreferences(options.preloadPath, app.isPackaged),
    });
    win = w;
    const contents = w.webContents;
    if (state.maximized) w.maximize();
    w.once('ready-to-show', () => w.show());
    link.attach(contents);
    // a page that goes away leaves nobody to watch its calls (a training would run on unseen): they are cancelled
    const pageGone = () => {
      bridge.cancelAll(contents);
      link.attach(contents); // not listening until the new page says so
      appState = INITIAL_APP_STATE; // the new page says what it is doing (no training of the old one runs on)
      rebuildMenu();
    };
    contents.on('did-start-navigation', (details: { isMainFrame?: boolean; isSameDocument?: boolean }) => {
      if (details?.isMainFrame && !details.isSameDocument) pageGone(); // a reload
    });
    // its renderer process died (out of memory, a crash): the page is loaded again, unless it keeps dying
    const crashes: number[] = [];
    contents.on('render-process-gone', (_e: unknown, details: { reason?: string } | undefined) => {
      pageGone();
      if (quitting || details?.reason === 'clean-exit' || w.isDestroyed()) return;
      const now = Date.now();
      while (crashes.length > 0 && now - crashes[0]! > CRASH_WINDOW_MS) crashes.shift();
      crashes.push(now);
      if (crashes.length <= MAX_RELOADS) void w.loadURL(origin.url);
    });
    // closing the window stops a running training (its calls are cancelled with the page): asked first
    let stopConfirmed = false;
    // one question at a time: a second close (or Quit) while it is open joins it; a Quit among them wins
    let asking = false;
    let quitAfter = false;
    w.on('close', (event: { preventDefault(): void }) => {
      if (appState.training && !stopConfirmed) {
        event.preventDefault();
        quitAfter ||= quitAsked; // Cmd+Q on macOS: the quit was cancelled by this window staying open
        quitAsked = false;
        if (asking) return;
        asking = true;
        void confirmStopTraining(w).then((stop) => {
          asking = false;
          const quit = quitAfter;
          quitAfter = false;
          if (!stop || w.isDestroyed()) return;
          stopConfirmed = true;
          if (quit) app.quit();
          else w.close();
        });
        return;
      }
      void settings!.saveWindow(captureWindowState(w)).catch(() => undefined);
    });
    w.on('closed', () => {
      link.detach(contents);
      if (win === w) win = null;
      // its calls were cancelled with it (macOS keeps the app running without a window)
      appState = INITIAL_APP_STATE;
      rebuildMenu();
    });
    void w.loadURL(origin.url);
  }

  app.on('web-contents-created', (_e: unknown, contents: GuardedContents & WebContentsLike) => {
    guardContents(contents, origin, (url) => void shell.openExternal(url));
    contents.on('select-bluetooth-device', (event: { preventDefault(): void }, _devices: unknown, callback: (id: string) => void) => {
      event.preventDefault();
      callback('');
    });
  });
  // Windows and Linux: "Open with" (or a second launch) while the app runs hands its command line over here
  app.on('second-instance', (_e: unknown, argv: string[], cwd: string) => {
    // Electron delivers launches made during startup right after 'ready', while the settings are still being
    // read: the first window opens with them then
    if (settings && !quitting) showWindow();
    // read asynchronously (each path is checked on disk): a quit that begins meanwhile waits for it
    const reading = pathsFromArgv(argv, cwd, options.defaultApp ?? false).then(openPaths);
    readingArgv.add(reading);
    void reading.finally(() => readingArgv.delete(reading));
  });
  // macOS: files dropped on the dock icon or opened with the app ("Open with", a double click), possibly
  // before 'ready' and before the window exists: the renderer link holds them until the Predict view listens
  app.on('open-file', (event: { preventDefault(): void }, file: string) => {
    event.preventDefault();
    openPaths([file]);
  });
  app.on('before-quit', () => {
    quitAsked = true;
  });
  app.on('window-all-closed', () => {
    if (platform !== 'darwin') app.quit();
  });
  app.on('will-quit', (event: { preventDefault(): void }) => {
    if (quitting) return;
    quitting = true;
    event.preventDefault(); // the window state and the engine's caches are written first
    void (async () => {
      await Promise.allSettled([settings?.flush(), engine.dispose()]);
      while (readingArgv.size > 0) await Promise.allSettled([...readingArgv]);
      if (handOver.length > 0) app.relaunch(relaunchWith(handOver));
      app.quit();
    })();
  });

  return app.whenReady().then(async () => {
    nativeTheme.themeSource = 'system';
    app.setAboutPanelOptions({
      applicationName: 'HappySad Studio',
      applicationVersion: app.getVersion(),
      copyright: 'Copyright © HappySad Studio developers (MIT licence)',
      website: PROJECT_LINKS.home,
      ...(options.iconPath && { iconPath: options.iconPath }),
    });
    settings = await SettingsStore.open(path.join(home, 'settings.json'));
    const ses = session.defaultSession;
    ses.webRequest.onBeforeRequest((details, callback) => callback({ cancel: !isAllowedRequest(details.url, origin) }));
    ses.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
    ses.setPermissionCheckHandler(() => false);
    ses.setDevicePermissionHandler(() => false);
    for (const event of ['select-hid-device', 'select-serial-port', 'select-usb-device']) {
      ses.on(event, (e: { preventDefault(): void }, ...rest: unknown[]) => {
        e.preventDefault();
        (rest.find((r) => typeof r === 'function') as ((id: string) => void) | undefined)?.('');
      });
    }
    protocol.handle(APP_SCHEME, (request) => handleRequest(request, { given, appRoot: options.appRoot, platform }));

    ipcMain.handle(IPC.engineCall, (event: IpcEventLike, ...args: unknown[]) => bridge.call(event, args[0], args[1], args[2], ...args.slice(3)));
    ipcMain.on(IPC.engineCancel, (event: IpcEventLike, callId: unknown) => void bridge.cancel(event, callId));
    ipcMain.on(IPC.rendererReady, (event: IpcEventLike) => {
      if (isAppSender(event)) link.markReady(event.sender);
    });
    ipcMain.on(IPC.appState, (event: IpcEventLike, state: unknown) => {
      if (!isAppSender(event) || !appStateShape(state)) return;
      appState = { training: state.training, hasModel: state.hasModel };
      rebuildMenu();
    });
    ipcMain.on(IPC.givePaths, (event: IpcEventLike & { returnValue: unknown }, paths: unknown) => {
      event.returnValue = 0;
      if (!isAppSender(event) || !Array.isArray(paths) || paths.length > 100_000) return;
      const ok = paths.filter((p): p is string => typeof p === 'string' && p.length <= 4096 && pathApi.isAbsolute(p) && pathApi.normalize(p) === p);
      given.add(ok);
      event.returnValue = ok.length;
    });
    ipcMain.handle(IPC.choosePaths, async (event: IpcEventLike, kind: unknown, ...extra: unknown[]) => {
      requireApp(event, IPC.choosePaths);
      if (extra.length > 0 || !(CHOOSE_KINDS as readonly unknown[]).includes(kind)) throw new Error(`${IPC.choosePaths}: unknown kind "${String(kind)}"`);
      const d = DIALOGS[kind as ChooseKind];
      const exts = Object.keys(IMAGE_TYPES).map((e) => e.slice(1));
      const dialogOptions: OpenDialogOptions = { title: t(d.title), buttonLabel: t(d.images ? 'dialog.open' : 'dialog.choose'), properties: d.properties, ...(d.images && { filters: [{ name: t('dialog.imagesFilter'), extensions: exts }] }) };
      const r = await dialog.showOpenDialog(win, dialogOptions);
      if (r.canceled) return [];
      given.add(r.filePaths);
      if (kind === 'export-folder') for (const p of r.filePaths) outputFolders.add(p);
      return r.filePaths;
    });
    ipcMain.handle(IPC.revealPath, (event: IpcEventLike, p: unknown, ...extra: unknown[]) => {
      requireApp(event, IPC.revealPath);
      const ok = extra.length === 0 && typeof p === 'string' && pathApi.isAbsolute(p) && pathApi.normalize(p) === p && (given.entryFor(p) !== null || p === home || isInside(p, home, pathApi));
      if (!ok) throw new Error(`${IPC.revealPath}: not a path the app was given`);
      shell.showItemInFolder(p);
    });
    ipcMain.handle(IPC.getSettings, (event: IpcEventLike, ...extra: unknown[]) => {
      requireApp(event, IPC.getSettings);
      if (extra.length > 0) throw new Error(`${IPC.getSettings} takes no arguments`);
      return settings!.settings;
    });
    ipcMain.handle(IPC.setSettings, async (event: IpcEventLike, patch: unknown, ...extra: unknown[]) => {
      requireApp(event, IPC.setSettings);
      if (extra.length > 0) throw new Error(`${IPC.setSettings} takes one patch`);
      const next = await settings!.update(parseSettingsPatch(patch));
      sendSettings();
      rebuildMenu();
      return next;
    });
    ipcMain.handle(IPC.savePastedImage, async (event: IpcEventLike, data: unknown, mimeType: unknown, ...extra: unknown[]) => {
      requireApp(event, IPC.savePastedImage);
      const bytes = data instanceof ArrayBuffer ? new Uint8Array(data) : ArrayBuffer.isView(data) ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength) : null;
      if (extra.length > 0 || !bytes || bytes.byteLength === 0 || bytes.byteLength > PASTED_IMAGE_MAX_BYTES) {
        throw new EngineError('bad-input', `a pasted image is 1 byte to ${PASTED_IMAGE_MAX_BYTES / 2 ** 20} MiB of image data`);
      }
      if (typeof mimeType !== 'string' || !(PASTED_IMAGE_TYPES as readonly string[]).includes(mimeType)) throw new EngineError('bad-input', `cannot paste an image of type "${String(mimeType)}"`);
      // named by content: pasting the same image twice keeps one file
      const file = path.join(pastedDir, `${createHash('sha256').update(bytes).digest('hex').slice(0, 24)}${PASTED_EXTENSIONS[mimeType]}`);
      await writeFileAtomic(file, bytes);
      return file;
    });

    rebuildMenu();
    createWindow();
    void forgetOldPastedImages(pastedDir);
    app.on('activate', () => {
      if (!win) createWindow();
    });
    void engine.start().catch((err: unknown) => link.setStatus({ state: 'restart-failed', message: err instanceof Error ? err.message : String(err) }));
    const opened = options.argv ? pathsFromArgv(options.argv, options.cwd ?? process.cwd(), options.defaultApp ?? false).then(openPaths) : Promise.resolve();
    return { window: () => win, given, bridge, link, settings, menu: () => menuTemplate, opened };
  });
}
