/**
 * IPC between the Electron main process and the renderer (through the preload). One enum of channel names,
 * written once; main validates every payload that arrives on them.
 */
import type { EngineMethod } from './engine-contract.js';

export const IPC = {
  /** renderer -> main, invoke(callId, method, params): CallOutcome */
  engineCall: 'engine:call',
  /** renderer -> main, send(callId) */
  engineCancel: 'engine:cancel',
  /** main -> renderer (callId, ProgressEvent), only to the window that made the call */
  engineProgress: 'engine:progress',
  /** main -> renderer (EngineStatus) */
  engineStatus: 'engine:status',
  /** renderer -> main, send(): the renderer listens; main flushes the events it queued until then */
  rendererReady: 'app:renderer-ready',
  /** main -> renderer (MenuCommand) */
  menuCommand: 'app:menu-command',
  /** main -> renderer (paths: string[]): files opened with the app, dropped on its icon, handed over by a second launch */
  openPaths: 'app:open-paths',
  /** renderer -> main, invoke(kind: ChooseKind): string[] (empty when cancelled) */
  choosePaths: 'app:choose-paths',
  /** renderer -> main, invoke(path) */
  revealPath: 'app:reveal-path',
  /** renderer -> main, invoke(data: ArrayBuffer, mimeType: string): string, the path it was saved at */
  savePastedImage: 'app:save-pasted-image',
  /** renderer -> main, invoke(): Settings; invoke(Partial<Settings>): Settings */
  getSettings: 'app:get-settings',
  setSettings: 'app:set-settings',
  /** main -> renderer (Settings), after any change (e.g. the language chosen from the menu) */
  settingsChanged: 'app:settings-changed',
  /** renderer -> main, send(state: AppState): what the menu must enable or disable */
  appState: 'app:state',
  /**
   * renderer -> main, sendSync(paths: string[]): the paths of files the user dropped (webUtils.getPathForFile).
   * Sent by the preload's files.pathForFile, synchronously, so that main serves their previews at once.
   */
  givePaths: 'app:give-paths',
} as const;
export type IpcChannel = (typeof IPC)[keyof typeof IPC];

/** The engine methods a window may call through the bridge. */
export const RENDERER_ENGINE_METHODS = [
  'info',
  'listModels',
  'useModel',
  'deleteModel',
  'exportModel',
  'importModel',
  'train',
  // the Train view's summary of a chosen folder
  'inspectData',
  'evaluate',
  'predict',
  // the saved-prediction library (its view) and "Retrain with collected data"
  'libraryList',
  'libraryReview',
  'libraryUndo',
  'thumbnail',
  'retrainPreview',
  'retrainWithLibrary',
] as const satisfies readonly EngineMethod[];
export type RendererEngineMethod = (typeof RENDERER_ENGINE_METHODS)[number];

/** A call id made by the renderer, so that it can cancel and match progress before the call resolves. */
export const CALL_ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

export const MENU_COMMANDS = [
  'open-images',
  'open-folder',
  'choose-training-data',
  'train',
  'retrain-with-collected-data',
  'stop-training',
  'evaluate',
  'export-model',
  'import-model',
  'view-predict',
  'view-train',
  'view-models',
  'view-library',
  'about',
] as const;
export type MenuCommand = (typeof MENU_COMMANDS)[number];

export const CHOOSE_KINDS = ['images', 'image-folder', 'training-data', 'evaluation-data', 'export-folder', 'model-folder'] as const;
export type ChooseKind = (typeof CHOOSE_KINDS)[number];

/** What files.savePastedImage accepts. */
export const PASTED_IMAGE_TYPES = ['image/png', 'image/jpeg', 'image/webp', 'image/gif', 'image/bmp'] as const;
export const PASTED_IMAGE_MAX_BYTES = 50 * 1024 * 1024;

export const LANGUAGES = ['en', 'id'] as const;
export type Language = (typeof LANGUAGES)[number];

export interface Settings {
  /** null: follow the OS language */
  language: Language | null;
  /** keep every prediction in the library (the library issue) */
  savePredictions: boolean;
}

/** What the renderer tells main so that menu items are enabled only when their action is available. */
export interface AppState {
  training: boolean;
  hasModel: boolean;
}

export type EngineStatus =
  | { state: 'ready'; backend: import('./engine-types.js').BackendInfo }
  | { state: 'crashed'; detail: string }
  | { state: 'restart-failed'; message: string };
