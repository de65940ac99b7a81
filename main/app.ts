/**
 * The Electron main process, written against the few Electron APIs it uses so that it can be exercised
 * with a stand-in (tests) as well as with the real module (index.ts).
 */
import type { BrowserWindowConstructorOptions, WebContents } from 'electron';
import type { EngineHost } from '../engine/host.js';

export interface ElectronLike {
  app: {
    on(event: 'web-contents-created', fn: (e: unknown, contents: WebContents) => void): void;
    on(event: 'window-all-closed' | 'activate' | 'will-quit', fn: () => void): void;
    whenReady(): Promise<unknown>;
    quit(): void;
  };
  BrowserWindow: { new (options: BrowserWindowConstructorOptions): { loadURL(url: string): Promise<void> }; getAllWindows(): unknown[] };
  ipcMain: { handle(channel: string, fn: (event: { senderFrame: { url: string } | null }, ...args: unknown[]) => unknown): void };
  session: {
    defaultSession: {
      webRequest: { onBeforeRequest(fn: (details: { url: string }, cb: (r: { cancel: boolean }) => void) => void): void };
      setPermissionRequestHandler(fn: (wc: unknown, permission: string, cb: (granted: boolean) => void) => void): void;
    };
  };
  shell: { openExternal(url: string): Promise<void> };
}

/** What a window of this app may do: nothing a web page could use to reach Node. */
export function secureWebPreferences(preload: string): NonNullable<BrowserWindowConstructorOptions['webPreferences']> {
  return { preload, contextIsolation: true, sandbox: true, nodeIntegration: false, nodeIntegrationInWorker: false, webSecurity: true, webviewTag: false };
}

/** Only the app's own files (and devtools) load; every remote request is cancelled. */
export function isAllowedRequest(url: string): boolean {
  return url.startsWith('file://') || url.startsWith('devtools://');
}

export interface AppOptions {
  engine: EngineHost;
  rendererUrl: string;
  preloadPath: string;
  platform?: NodeJS.Platform;
}

export function startApp(electron: ElectronLike, { engine, rendererUrl, preloadPath, platform = process.platform }: AppOptions): Promise<void> {
  const { app, BrowserWindow, ipcMain, session, shell } = electron;
  const createWindow = () => {
    const win = new BrowserWindow({ width: 1100, height: 760, title: 'HappySad Studio', webPreferences: secureWebPreferences(preloadPath) });
    void win.loadURL(rendererUrl);
  };

  app.on('web-contents-created', (_e, contents) => {
    contents.on('will-navigate', (event, url) => {
      if (url !== rendererUrl) event.preventDefault();
    });
    contents.setWindowOpenHandler(({ url }) => {
      if (url.startsWith('https://')) void shell.openExternal(url); // links open in the user's browser
      return { action: 'deny' };
    });
  });
  app.on('window-all-closed', () => {
    if (platform !== 'darwin') app.quit();
  });
  app.on('will-quit', () => void engine.dispose());

  return app.whenReady().then(() => {
    session.defaultSession.webRequest.onBeforeRequest((details, cb) => cb({ cancel: !isAllowedRequest(details.url) }));
    session.defaultSession.setPermissionRequestHandler((_wc, _permission, cb) => cb(false));
    ipcMain.handle('engine:info', async (event, ...args) => {
      if (event.senderFrame?.url !== rendererUrl) throw new Error('engine:info: unexpected sender');
      if (args.length !== 0) throw new Error('engine:info takes no arguments');
      return engine.call('info', {});
    });
    void engine.start();
    createWindow();
    app.on('activate', () => {
      if (BrowserWindow.getAllWindows().length === 0) createWindow();
    });
  });
}
