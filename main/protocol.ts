/**
 * The app's own scheme, happysad://, served with protocol.handle:
 *   happysad://app/<file>            the renderer bundle (out/renderer), with the app's CSP header
 *   happysad://image/<encoded path>  an image file the app has been given (see given-paths.ts)
 * Everything else is refused: traversal, encoded separators, relative, UNC and device paths, NUL bytes, query
 * strings, non-image files, symlinks that leave what was given. resolveRequest is pure of Electron.
 */
import { createReadStream } from 'node:fs';
import { realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { APP_CSP, APP_HOST, APP_SCHEME, IMAGE_HOST } from '../common/api.js';
import { GivenPaths, isInside } from './given-paths.js';

/** What protocol.registerSchemesAsPrivileged gets, before the app is ready. */
export const SCHEME_PRIVILEGES = { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } } as const;

/** The renderer's entry page. */
export const APP_URL = `${APP_SCHEME}://${APP_HOST}/index.html`;

export const IMAGE_TYPES: Readonly<Record<string, string>> = {
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.png': 'image/png',
  '.webp': 'image/webp',
  '.gif': 'image/gif',
  '.bmp': 'image/bmp',
  '.tif': 'image/tiff',
  '.tiff': 'image/tiff',
  '.avif': 'image/avif',
  '.heic': 'image/heic',
  '.heif': 'image/heif',
};

const APP_TYPES: Readonly<Record<string, string>> = {
  ...IMAGE_TYPES,
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.map': 'application/json',
  '.svg': 'image/svg+xml',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.wasm': 'application/wasm',
  '.txt': 'text/plain; charset=utf-8',
};

export function isImagePath(p: string): boolean {
  return Object.hasOwn(IMAGE_TYPES, path.extname(p).toLowerCase());
}

export type Resolution = { ok: true; kind: 'app' | 'image'; path: string; contentType: string } | { ok: false; status: 400 | 403 | 404; reason: string };

export interface ProtocolContext {
  given: GivenPaths;
  /** the renderer bundle's folder (out/renderer) */
  appRoot: string;
  platform?: NodeJS.Platform;
}

const refuse = (status: 400 | 403 | 404, reason: string): Resolution => ({ ok: false, status, reason });

/** Maps a happysad:// URL to the file it may serve, or says why not. */
export async function resolveRequest(url: string, { given, appRoot, platform = process.platform }: ProtocolContext): Promise<Resolution> {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return refuse(400, 'not a URL');
  }
  if (u.protocol !== `${APP_SCHEME}:`) return refuse(400, 'not the app scheme');
  if (u.username || u.password || u.port) return refuse(400, 'credentials or port in the URL');
  if (u.host === APP_HOST) return resolveAppFile(u, appRoot);
  if (u.host === IMAGE_HOST) return resolveImage(u, given, platform === 'win32' ? path.win32 : path.posix);
  return refuse(404, 'unknown host');
}

async function resolveAppFile(u: URL, appRoot: string): Promise<Resolution> {
  // the query (cache busting) and fragment (in-page state) do not name a file
  const raw = u.pathname === '/' ? ['index.html'] : u.pathname.slice(1).split('/');
  const segments: string[] = [];
  for (const s of raw) {
    let d: string;
    try {
      d = decodeURIComponent(s);
    } catch {
      return refuse(400, 'bad percent-encoding');
    }
    if (d === '' || d === '.' || d === '..' || /[\\/:\0]/.test(d)) return refuse(400, 'bad path segment');
    segments.push(d);
  }
  const file = path.join(appRoot, ...segments);
  if (!isInside(file, appRoot)) return refuse(400, 'outside the app');
  try {
    const [real, realRoot] = await Promise.all([realpath(file), realpath(appRoot)]);
    if (!isInside(real, realRoot)) return refuse(403, 'a link out of the app');
    if (!(await stat(real)).isFile()) return refuse(404, 'not a file');
    return { ok: true, kind: 'app', path: real, contentType: APP_TYPES[path.extname(real).toLowerCase()] ?? 'application/octet-stream' };
  } catch {
    return refuse(404, 'no such file');
  }
}

async function resolveImage(u: URL, given: GivenPaths, p: path.PlatformPath): Promise<Resolution> {
  if (u.search || u.hash) return refuse(400, 'a query or fragment on an image URL');
  const raw = u.pathname.slice(1);
  // imageUrl() encodes the whole path as one segment: a bare "/" means the URL was built some other way
  if (raw.includes('/')) return refuse(400, 'an unencoded separator');
  let file: string;
  try {
    file = decodeURIComponent(raw);
  } catch {
    return refuse(400, 'bad percent-encoding');
  }
  if (file.includes('\0')) return refuse(400, 'a NUL byte');
  if (p === path.posix ? !file.startsWith('/') || file.includes('\\') : !/^[A-Za-z]:\\/.test(file) || file.includes('/')) {
    return refuse(400, 'not an absolute local path'); // relative, UNC (\\server\share), device (\\?\) or mixed separators
  }
  if (p.normalize(file) !== file || file.split(p.sep).some((s) => s === '.' || s === '..')) return refuse(400, 'not a normalized path');
  if (!isImagePath(file)) return refuse(403, 'not an image file');
  const check = await given.check(file);
  if (!check.ok) return check.why === 'missing' ? refuse(404, 'no such file') : refuse(403, 'not a path the app was given');
  if (!isImagePath(check.realPath)) return refuse(403, 'a link to a file that is not an image');
  try {
    if (!(await stat(check.realPath)).isFile()) return refuse(404, 'not a file');
  } catch {
    return refuse(404, 'no such file');
  }
  return { ok: true, kind: 'image', path: check.realPath, contentType: IMAGE_TYPES[path.extname(check.realPath).toLowerCase()]! };
}

/** The protocol.handle handler: a Response for every request, never a throw. */
export async function handleRequest(request: Request, ctx: ProtocolContext): Promise<Response> {
  if (request.method !== 'GET' && request.method !== 'HEAD') return new Response(null, { status: 405 });
  const r = await resolveRequest(request.url, ctx);
  if (!r.ok) return new Response(null, { status: r.status });
  const headers: Record<string, string> = { 'content-type': r.contentType, 'x-content-type-options': 'nosniff', 'cache-control': 'no-cache' };
  if (r.kind === 'app') headers['content-security-policy'] = APP_CSP;
  if (request.method === 'HEAD') return new Response(null, { status: 200, headers });
  const body = Readable.toWeb(createReadStream(r.path)) as unknown as ReadableStream<Uint8Array>;
  return new Response(body, { status: 200, headers });
}
