/**
 * The renderer's only door to the app: the `window.api` object that the preload exposes with contextBridge.
 * Verb-named functions return promises; subscriptions return an unsubscribe function. Errors do not cross
 * contextBridge with their fields, so engine calls resolve to an outcome and the renderer turns a failure
 * back into an EngineError.
 */
import type { EngineParams, EngineResult } from './engine-contract.js';
import type { ProgressEvent } from './engine-types.js';
import type { Failure } from './errors.js';
import type { AppState, ChooseKind, EngineStatus, MenuCommand, RendererEngineMethod, Settings } from './ipc.js';

export type Unsubscribe = () => void;

export type CallOutcome<T> = { ok: true; value: T } | { ok: false; error: Failure };

export interface HappySadApi {
  engine: {
    /** callId: made by the caller (CALL_ID_PATTERN), so that it can cancel the call and match its progress */
    call<M extends RendererEngineMethod>(callId: string, method: M, params: EngineParams<M>): Promise<CallOutcome<EngineResult<M>>>;
    cancel(callId: string): void;
    onProgress(listener: (callId: string, event: ProgressEvent) => void): Unsubscribe;
    onStatus(listener: (status: EngineStatus) => void): Unsubscribe;
  };
  files: {
    /** the path of a dropped or pasted File (Electron 32+ removed File.path) */
    pathForFile(file: File): string;
    choose(kind: ChooseKind): Promise<string[]>;
    reveal(path: string): Promise<void>;
    /** a URL the renderer may show the image at (the app's protocol; the test bridge serves its own) */
    imageUrl(path: string): string;
    /**
     * Keeps an image that has no file behind it (pasted from the clipboard, dragged out of a web page) in the
     * data folder, and resolves with its path, which the app has then been given (imageUrl serves it).
     * Refused (rejects) unless mimeType is one of PASTED_IMAGE_TYPES and data at most PASTED_IMAGE_MAX_BYTES.
     */
    savePastedImage(data: ArrayBuffer, mimeType: string): Promise<string>;
  };
  app: {
    /** call once the renderer listens: main then sends what it queued (files opened before the window existed...) */
    ready(): void;
    setState(state: AppState): void;
    onMenuCommand(listener: (command: MenuCommand) => void): Unsubscribe;
    onOpenPaths(listener: (paths: string[]) => void): Unsubscribe;
    getSettings(): Promise<Settings>;
    setSettings(patch: Partial<Settings>): Promise<Settings>;
    onSettingsChanged(listener: (settings: Settings) => void): Unsubscribe;
    platform: 'darwin' | 'win32' | 'linux' | string;
    /** the OS language, e.g. "id-ID" */
    osLocale: string;
  };
}

/** The custom scheme that serves the renderer's own files and the images the app was given. */
export const APP_SCHEME = 'happysad';
/** happysad://app/index.html: the renderer bundle */
export const APP_HOST = 'app';
/** happysad://image/<encodeURIComponent(absolute path)>: an image the user gave the app (dropped, opened, in its library or a dataset) */
export const IMAGE_HOST = 'image';

/** The app's own image URL for a path; main decodes it with imagePathFromUrl and checks it was given. */
export function imageUrl(path: string): string {
  return `${APP_SCHEME}://${IMAGE_HOST}/${encodeURIComponent(path)}`;
}

/**
 * The Content-Security-Policy of the app's pages (sent as a header by main's protocol handler; a test bridge
 * should send the same, so that the end-to-end tests catch what it forbids). No inline scripts or styles, no
 * eval, no remote anything: images from the app, from its image host, and data:/blob: URLs (pasted images).
 * Note for Svelte: `style="..."` attributes written in templates are inline styles and are refused; set
 * styles through classes, or `style:prop={value}` / element.style (CSSOM), which CSP allows.
 */
export const APP_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  `img-src 'self' ${APP_SCHEME}: data: blob:`,
  "connect-src 'self'",
  "font-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/**
 * The only links the app opens in the user's browser (an <a target="_blank"> or window.open with one of these;
 * main refuses every other). A link below `home` (its issues, README...) is allowed too.
 */
export const PROJECT_LINKS = {
  home: 'https://github.com/happysad-studio/happysad-studio',
  faceApi: 'https://github.com/vladmandic/face-api',
} as const;
