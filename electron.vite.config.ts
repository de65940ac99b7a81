/**
 * One build for the app: `electron-vite build` writes out/main (the main process and the engine worker, each
 * its own entry), out/preload (CommonJS, as sandboxed preloads must be) and out/renderer (Svelte). `npm start`
 * and the packaged app load these same files. The CLI is compiled separately by tsc (`npm run build:cli`).
 */
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { defineConfig, mergeConfig, type RendererViteConfig } from 'electron-vite';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { loadConfigFromFile } from 'vite';

const root = import.meta.dirname;

export default defineConfig(async ({ command, mode }) => {
  // The renderer has its own Vite config (its build, its dev server, the end-to-end tests): the app uses the
  // same one, so that both agree. Until it exists, the same root and plugin.
  const rendererConfigFile = resolve(root, 'renderer/vite.config.ts');
  const own: RendererViteConfig = existsSync(rendererConfigFile)
    ? ((await loadConfigFromFile({ command, mode }, rendererConfigFile, root))?.config as RendererViteConfig)
    : { root: resolve(root, 'renderer'), base: './', plugins: [svelte()] };
  // electron-vite looks for src/renderer/index.html unless told
  const renderer = mergeConfig(own, { build: { rolldownOptions: { input: { index: resolve(root, 'renderer/index.html') } } } }) as RendererViteConfig;
  return {
    main: {
      build: {
        // electron, Node built-ins and every dependency stay external (loaded from node_modules at run time)
        externalizeDeps: true,
        sourcemap: true,
        rolldownOptions: {
          // main/index.ts gives the engine host the URL of worker.js next to the main bundle; the engine worker
          // starts its embedding workers from embed-worker.js next to itself
          input: { index: resolve(root, 'main/index.ts'), worker: resolve(root, 'engine/worker.ts'), 'embed-worker': resolve(root, 'engine/embed-worker.ts') },
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
    renderer,
  };
});
