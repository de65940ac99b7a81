/**
 * The renderer's only door to the app: contextBridge exposes one object, window.api, implementing HappySadApi
 * (common/api.ts, which is also the renderer's type for it). Verb-named functions return promises;
 * subscriptions return their unsubscribe. Bundled to CommonJS (out/preload/index.cjs) by electron-vite, as a
 * sandboxed preload must be, with the common/ code it imports.
 */
import { contextBridge, ipcRenderer, webUtils, type IpcRendererEvent } from 'electron';
import { imageUrl, type HappySadApi, type Unsubscribe } from '../common/api.js';
import { IPC } from '../common/ipc.js';

function subscribe<A extends unknown[]>(channel: string, listener: (...args: A) => void): Unsubscribe {
  // the renderer never sees the IpcRendererEvent (it holds `sender`, the ipcRenderer itself)
  const wrapped = (_event: IpcRendererEvent, ...args: unknown[]) => listener(...(args as A));
  ipcRenderer.on(channel, wrapped);
  return () => void ipcRenderer.removeListener(channel, wrapped);
}

const api: HappySadApi = {
  engine: {
    call: (callId, method, params) => ipcRenderer.invoke(IPC.engineCall, callId, method, params),
    cancel: (callId) => ipcRenderer.send(IPC.engineCancel, callId),
    onProgress: (listener) => subscribe(IPC.engineProgress, listener),
    onStatus: (listener) => subscribe(IPC.engineStatus, listener),
  },
  files: {
    pathForFile: (file) => {
      const path = webUtils.getPathForFile(file);
      // tell main synchronously, so that the image's preview is served as soon as the renderer shows it
      if (path) ipcRenderer.sendSync(IPC.givePaths, [path]);
      return path;
    },
    choose: (kind) => ipcRenderer.invoke(IPC.choosePaths, kind),
    reveal: (path) => ipcRenderer.invoke(IPC.revealPath, path),
    imageUrl: (path) => imageUrl(path),
    savePastedImage: (data, mimeType) => ipcRenderer.invoke(IPC.savePastedImage, data, mimeType),
  },
  app: {
    ready: () => ipcRenderer.send(IPC.rendererReady),
    setState: (state) => ipcRenderer.send(IPC.appState, state),
    onMenuCommand: (listener) => subscribe(IPC.menuCommand, listener),
    onOpenPaths: (listener) => subscribe(IPC.openPaths, listener),
    getSettings: () => ipcRenderer.invoke(IPC.getSettings),
    setSettings: (patch) => ipcRenderer.invoke(IPC.setSettings, patch),
    onSettingsChanged: (listener) => subscribe(IPC.settingsChanged, listener),
    platform: process.platform,
    osLocale: navigator.language,
  },
};

contextBridge.exposeInMainWorld('api', api);
