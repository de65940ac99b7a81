/**
 * The renderer's only door to the app: a narrow, typed API on window.api. Sandboxed preloads must be
 * CommonJS, hence .cts.
 */
import { contextBridge, ipcRenderer } from 'electron';

const api = {
  /** backend in use, why better ones were skipped, the data folder and the current model */
  info: (): Promise<unknown> => ipcRenderer.invoke('engine:info'),
};

export type HappySadApi = typeof api;
contextBridge.exposeInMainWorld('api', api);
