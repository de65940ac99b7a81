/**
 * One build for the app: `electron-vite build` writes out/main (the main process and the engine worker, each
 * its own entry), out/preload (CommonJS, as sandboxed preloads must be) and out/renderer (Svelte). `npm start`
 * and the packaged app load these same files. The CLI is compiled separately by tsc (out/cli, out/engine,
 * out/common), see tsconfig.build.json.
 */
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { defineConfig } from 'electron-vite';
import { resolve } from 'node:path';

const root = import.meta.dirname;

export default defineConfig({
  main: {
    build: {
      // electron, Node built-ins and every dependency stay external (loaded from node_modules at run time)
      externalizeDeps: true,
      sourcemap: true,
      rolldownOptions: {
        // the engine host looks for worker.js next to the main bundle (main/index.ts passes that URL)
        input: { index: resolve(root, 'main/index.ts'), worker: resolve(root, 'engine/worker.ts') },
        output: { entryFileNames: '[name].js', chunkFileNames: 'chunks/[name]-[hash].js' },
      },
    },
  },
  preload: {
    build: {
      // bundle common/ into the preload: a sandboxed preload can require only electron and a few built-ins
      externalizeDeps: false,
      rolldownOptions: {
        input: { index: resolve(root, 'preload/index.cts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs', codeSplitting: false },
      },
    },
  },
  renderer: {
    // the same root and plugin as renderer/vite.config.ts (the renderer's own build and tests)
    root: resolve(root, 'renderer'),
    plugins: [svelte()],
    build: {
      rolldownOptions: { input: { index: resolve(root, 'renderer/index.html') } },
    },
  },
});
