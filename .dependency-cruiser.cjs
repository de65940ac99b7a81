// @ts-check
/**
 * Import rules: the folder says where code runs (see README / issue 5), and these rules keep each runtime
 * from reaching into another. Checked by `npm run lint:deps` and by test/architecture/imports.test.ts,
 * so `npm test` fails when one is broken.
 *
 * Paths are relative to the repository root; npm packages resolve to node_modules/<name>/..., Node's
 * built-ins ('fs', 'node:fs') are dependency type 'core' and keep their bare name as path.
 *
 * Type-only imports count (options.tsPreCompilationDeps): an `import type` across a runtime boundary
 * still couples the two sides (the importing runtime's tsconfig must then type the other side's code and
 * globals, and the next edit turns it into a value import). Shared types belong in common/.
 */

/** npm packages the renderer may use (it is bundled for the browser; add new ones here deliberately) */
const RENDERER_PACKAGES = ['svelte', 'chart\\.js'];

const ELECTRON = ['^electron(/|$)', '(^|/)node_modules/electron/'];
const npm = (/** @type {string[]} */ names) => `(^|/)node_modules/(${names.join('|')})/`;

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'No import cycles anywhere: they make load order matter and split poorly into runtimes.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'not-to-unresolvable',
      severity: 'error',
      comment: 'An import that cannot be resolved is invisible to every other rule (and fails at run time).',
      from: {},
      to: { couldNotResolve: true },
    },
    {
      name: 'engine-stays-in-node',
      severity: 'error',
      comment: 'engine/ runs in a Node worker thread for the app and the CLI alike: no electron, and nothing of main/, renderer/, preload/ or cli/.',
      from: { path: '^engine/' },
      to: { path: [...ELECTRON, '^(main|renderer|preload|cli)/'] },
    },
    {
      name: 'engine-without-tfjs-bundle',
      severity: 'error',
      comment: "engine/ takes TensorFlow.js from engine/tf.ts (tfjs-core + tfjs-layers): the '@tensorflow/tfjs' bundle also loads the converter, data, webgl and cpu packages, a third to a half of the engine's start-up (issue 9). tfjs-core has no chained ops (x.add(y)) without the bundle: write tf.add(x, y).",
      from: { path: '^engine/' },
      to: { path: npm(['@tensorflow/tfjs']) },
    },
    {
      name: 'renderer-only-common',
      severity: 'error',
      comment: `renderer/ is browser code: it imports only its own files, common/ and the npm packages ${RENDERER_PACKAGES.join(', ').replaceAll('\\', '')}; no Node built-ins (node:*), no electron (window.api is its door), no engine/, main/, preload/, cli/.`,
      // (renderer/vite.config.ts is not renderer code: it runs in Node when Vite builds the renderer)
      from: { path: '^renderer/', pathNot: '^renderer/vite\\.config\\.ts$' },
      to: { pathNot: ['^(renderer|common)/', npm(RENDERER_PACKAGES)] },
    },
    {
      name: 'cli-without-electron',
      severity: 'error',
      comment: 'cli/ runs in plain Node on the engine host: no electron, nothing of main/, renderer/ or preload/.',
      from: { path: '^cli/' },
      to: { path: [...ELECTRON, '^(main|renderer|preload)/'] },
    },
    {
      name: 'common-is-plain-data',
      severity: 'error',
      comment: 'common/ is shared by every runtime: it imports only common/ and zod (no Node built-ins, no electron, no DOM-only code).',
      from: { path: '^common/' },
      to: { pathNot: ['^common/', npm(['zod'])] },
    },
    {
      name: 'preload-only-electron-and-common',
      severity: 'error',
      comment: 'preload/ is the sandboxed bridge: it imports only electron, common/ and its own files.',
      from: { path: '^preload/' },
      to: { pathNot: ['^(preload|common)/', ...ELECTRON] },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^out/' },
    // see the header: type-only imports are dependencies too
    tsPreCompilationDeps: true,
    // engine/tf.ts loads TensorFlow.js through createRequire (see there for why): the rules see those calls too
    // (backend.ts's requireNative takes a package name in a variable, which no cruiser can follow)
    exoticRequireStrings: ['requireCjs'],
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      mainFields: ['module', 'main', 'types', 'typings'],
    },
    skipAnalysisNotInRules: true,
    reporterOptions: { text: { highlightFocused: true } },
  },
};
