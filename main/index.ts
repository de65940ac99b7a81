/**
 * Electron main process: one window, one engine worker for the app's whole life. Kept thin on purpose:
 * everything that can run without Electron lives in engine/ and is tested there.
 */
import { app, BrowserWindow, ipcMain, session, shell } from 'electron';
import { fileURLToPath } from 'node:url';
import { EngineHost } from './engine-host.js';
import { assetsDir, defaultHome } from './paths.js';

const home = defaultHome();
app.setPath('userData', home); // the CLI finds the same models without asking Electron
const engine = new EngineHost({ home, assetsDir: assetsDir() });
const rendererUrl = new URL('../../renderer/index.html', import.meta.url);

function createWindow(): void {
  const win = new BrowserWindow({
    width: 1100,
    height: 760,
    title: 'HappySad Studio',
    webPreferences: {
      preload: fileURLToPath(new URL('../preload/index.cjs', import.meta.url)),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
    },
  });
  void win.loadURL(rendererUrl.href);
}

app.on('web-contents-created', (_e, contents) => {
  // the app never leaves its own page and never opens windows; links go to the user's browser
  contents.on('will-navigate', (event, url) => {
    if (url !== rendererUrl.href) event.preventDefault();
  });
  contents.setWindowOpenHandler(({ url }) => {
    if (url.startsWith('https://')) void shell.openExternal(url);
    return { action: 'deny' };
  });
});

void app.whenReady().then(() => {
  // no remote content, ever: only the app's own files load
  session.defaultSession.webRequest.onBeforeRequest((details, callback) => {
    callback({ cancel: !details.url.startsWith('file://') && !details.url.startsWith('devtools://') });
  });
  session.defaultSession.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
  ipcMain.handle('engine:info', async (event) => {
    if (event.senderFrame?.url !== rendererUrl.href) throw new Error('unexpected sender');
    return engine.call('info', {});
  });
  void engine.start();
  createWindow();
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) createWindow();
  });
});

app.on('window-all-closed', () => {
  if (process.platform !== 'darwin') app.quit();
});

app.on('will-quit', () => {
  void engine.dispose();
});
