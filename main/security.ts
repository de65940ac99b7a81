/**
 * What a window of this app may do, written as plain functions over the few WebContents calls they need: no
 * Node in the page, no navigation away, no new windows, no webviews, no remote requests, no permissions, and
 * the project's own links (only those) opened in the user's browser.
 */
import type { BrowserWindowConstructorOptions } from 'electron';
import { APP_HOST, APP_SCHEME, PROJECT_LINKS } from '../common/api.js';

/** `packaged`: an installed app, whose developer tools cannot be opened at all (not only left out of its menu). */
export function secureWebPreferences(preload: string, packaged: boolean): NonNullable<BrowserWindowConstructorOptions['webPreferences']> {
  return {
    preload,
    devTools: !packaged,
    safeDialogs: true,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    webviewTag: false,
    navigateOnDragDrop: false,
    spellcheck: false,
  };
}

/**
 * Where the renderer comes from: the app's own scheme, or, in development (`npm run dev`), the Vite dev
 * server's http://localhost URL.
 */
export interface RendererOrigin {
  /** the page to load */
  url: string;
  /** development only: the dev server's origin (http://localhost:5173), whose requests (HMR too) are let through */
  devServer: string | null;
}

export function rendererOrigin(devServerUrl: string | undefined, packaged: boolean): RendererOrigin {
  if (devServerUrl && !packaged) {
    const u = new URL(devServerUrl);
    if (u.protocol === 'http:' && ['localhost', '127.0.0.1', '[::1]'].includes(u.hostname)) return { url: u.href, devServer: u.origin };
  }
  return { url: `${APP_SCHEME}://${APP_HOST}/index.html`, devServer: null };
}

/** Is this URL the app's own page (any query or fragment)? Used for IPC senders and navigation. */
export function isAppPage(url: string, origin: RendererOrigin): boolean {
  try {
    const u = new URL(url);
    const app = new URL(origin.url);
    return u.protocol === app.protocol && u.host === app.host && (u.pathname === app.pathname || (app.pathname === '/index.html' && u.pathname === '/'));
  } catch {
    return false;
  }
}

/** The requests the session lets through: the app's scheme, devtools, data:/blob:, and the dev server in development. */
export function isAllowedRequest(url: string, origin: RendererOrigin): boolean {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return false;
  }
  if (u.protocol === `${APP_SCHEME}:` || u.protocol === 'devtools:' || u.protocol === 'data:' || u.protocol === 'blob:') return true;
  if (origin.devServer) {
    const dev = new URL(origin.devServer);
    // HMR's websocket goes to the same host and port
    return (u.protocol === 'http:' || u.protocol === 'ws:') && u.host === dev.host;
  }
  return false;
}

/** The project's own links: exactly one of PROJECT_LINKS, or a page below the project's home. https only. */
export function isProjectLink(url: string): boolean {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return false;
  }
  if (u.protocol !== 'https:' || u.username || u.password || u.port) return false;
  const href = u.href.replace(/\/$/, '');
  return Object.values(PROJECT_LINKS).some((link) => href === link || (link === PROJECT_LINKS.home && href.startsWith(`${link}/`)));
}

/** The WebContents calls the guards use. */
export interface GuardedContents {
  on(event: 'will-navigate' | 'will-redirect' | 'will-frame-navigate', listener: (event: { preventDefault(): void; url?: string }, url?: string) => void): unknown;
  on(event: 'will-attach-webview', listener: (event: { preventDefault(): void }) => void): unknown;
  setWindowOpenHandler(handler: (details: { url: string }) => { action: 'deny' }): void;
}

/**
 * Every WebContents the app creates: navigation stays on the app's page, redirects and webviews are refused,
 * new windows are denied (a project link opens in the browser instead).
 */
export function guardContents(contents: GuardedContents, origin: RendererOrigin, openExternal: (url: string) => void): void {
  const urlOf = (event: { url?: string }, url?: string) => url ?? event.url ?? '';
  contents.on('will-navigate', (event, url) => {
    if (!isAppPage(urlOf(event, url), origin)) event.preventDefault();
  });
  contents.on('will-frame-navigate', (event, url) => {
    if (!isAppPage(urlOf(event, url), origin)) event.preventDefault();
  });
  contents.on('will-redirect', (event) => event.preventDefault());
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(({ url }) => {
    if (isProjectLink(url)) openExternal(url);
    return { action: 'deny' };
  });
}
