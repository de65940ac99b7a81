/**
 * Builds the renderer (Svelte 5 + TypeScript) into out/renderer. The base is relative, so the same files
 * load from happysad://app/ in the app and from the E2E test bridge's loopback server; electron-vite's
 * renderer section loads this config. The Content-Security-Policy comes with the page as a header
 * (common/api.ts APP_CSP: main's protocol and the test bridge send it), so none is written into the HTML.
 */
import { fileURLToPath } from 'node:url';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  root,
  base: './',
  plugins: [svelte()],
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
