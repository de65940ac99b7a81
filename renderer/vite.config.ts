/**
 * Builds the renderer (Svelte 5 + TypeScript) into out/renderer. The base is relative, so the same files
 * load from happysad://app/ in the app and from the E2E test bridge's loopback server; electron-vite's
 * renderer section reuses this config.
 */
import { fileURLToPath } from 'node:url';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { defineConfig, type Plugin } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));

/**
 * The built page's Content-Security-Policy. Only in the build: the dev server's hot reload needs a socket and
 * injected scripts. Images come from the app's own scheme (happysad://image/...), never from file://.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' happysad: blob: data:",
  "font-src 'self'",
  "connect-src 'none'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
].join('; ');

function contentSecurityPolicy(): Plugin {
  return {
    name: 'happysad-csp',
    apply: 'build',
    // right after the charset, before anything that loads
    transformIndexHtml: (html) => {
      const charset = '<meta charset="utf-8" />';
      if (!html.includes(charset)) throw new Error('renderer/index.html: expected <meta charset="utf-8" />');
      return html.replace(charset, `${charset}\n    <meta http-equiv="Content-Security-Policy" content="${CONTENT_SECURITY_POLICY}" />`);
    },
  };
}

export default defineConfig({
  root,
  base: './',
  plugins: [svelte(), contentSecurityPolicy()],
  build: {
    outDir: fileURLToPath(new URL('../out/renderer', import.meta.url)),
    emptyOutDir: true,
    target: 'chrome130',
    // one small app: no module preload polyfill (it would need an inline script)
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
  },
  server: { port: 5173, strictPort: false },
});
