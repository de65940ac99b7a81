// Svelte's own settings, read by the Vite plugin and by svelte-check.
/** @type {import('svelte/compiler').CompileOptions} */
export default {
  compilerOptions: { runes: true },
};
