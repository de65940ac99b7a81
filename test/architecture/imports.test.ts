/**
 * The import rules of .dependency-cruiser.cjs (which folder may import what) hold for the whole tree, and
 * each rule does catch the import it is written against. `npm run lint:deps` runs the same cruise from
 * the command line.
 */
import assert from 'node:assert/strict';
import { mkdir, readdir, symlink, writeFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { test } from 'node:test';
import { cruise, format, type ICruiseResult, type IViolation } from 'dependency-cruiser';
import extractDepcruiseOptions from 'dependency-cruiser/config-utl/extract-depcruise-options';
import extractTSConfig from 'dependency-cruiser/config-utl/extract-ts-config';
import { ROOT, tempDir } from '../helpers/tmp.js';

/** the folders `npm run lint:deps` cruises; every source file of ours lives in one of them */
const FOLDERS = ['bench', 'bin', 'cli', 'common', 'engine', 'main', 'preload', 'renderer', 'scripts', 'test'];
const SOURCE = /\.(ts|cts|mts|js|cjs|mjs|svelte)$/;
const NOT_OURS = new Set(['node_modules', 'out', 'dist', 'release', 'scratch', '.git']);

async function cruiseWithOurRules(baseDir: string, folders: string[]): Promise<ICruiseResult> {
  const options = await extractDepcruiseOptions(join(ROOT, '.dependency-cruiser.cjs'));
  const tsConfig = extractTSConfig(join(ROOT, 'tsconfig.json'));
  const { output } = await cruise(folders, { ...options, baseDir }, {}, { tsConfig });
  return output as ICruiseResult;
}

async function describe(result: ICruiseResult): Promise<string> {
  return String((await format(result, { outputType: 'err-long' })).output);
}

const oneLine = (v: IViolation) => `${v.rule.name}: ${v.from} -> ${v.to.replace(/^.*node_modules\//, 'node_modules/')}`;

/** every file with a source extension in the checkout, outside dependencies, build output and dot-folders */
async function ourSourceFiles(dir = ROOT): Promise<string[]> {
  const found: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    if (NOT_OURS.has(entry.name) || (entry.name.startsWith('.') && entry.isDirectory())) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) found.push(...(await ourSourceFiles(path)));
    else if (SOURCE.test(entry.name) && dir !== ROOT) found.push(relative(ROOT, path).replaceAll('\\', '/'));
  }
  return found;
}

test('the import rules hold across the tree, and every kind of source file is cruised', async () => {
  const result = await cruiseWithOurRules(ROOT, FOLDERS);
  assert.deepEqual(result.summary.violations, [], `import rules broken:\n${await describe(result)}`);

  const modules = new Map(result.modules.map((m) => [m.source, m]));
  const missing = (await ourSourceFiles()).filter((f) => !modules.has(f));
  assert.deepEqual(missing, [], 'source files outside the cruised folders (add their folder to FOLDERS and lint:deps)');
  for (const f of ['engine/worker.ts', 'main/app.ts', 'preload/index.cts', 'cli/happysad.ts', 'common/engine-contract.ts', 'renderer/main.ts', 'renderer/App.svelte', 'engine/worker-tsx.mjs', 'bin/happysad.js']) {
    assert.ok(modules.has(f), `${f} is cruised`);
  }
  // type-only imports are seen (tsPreCompilationDeps): main/app.ts uses electron's types only
  const toElectron = modules.get('main/app.ts')!.dependencies.find((d) => d.module === 'electron');
  assert.ok(toElectron?.dependencyTypes.includes('type-only'), 'main/app.ts -> electron is seen as a type-only import');
  // npm packages are resolved, not dropped: the rules about electron and zod depend on it
  assert.ok(modules.get('preload/index.cts')!.dependencies.some((d) => d.module === 'electron' && d.resolved.includes('node_modules/electron/')));
  assert.ok(modules.get('common/engine-contract.ts')!.dependencies.some((d) => d.module === 'zod' && d.resolved.includes('node_modules/zod/')));
});

test('each rule catches the imports it forbids, value and type-only, in .ts, .cts, .mts, .mjs and .svelte files', async () => {
  const dir = await tempDir();
  // npm packages resolve through the checkout's node_modules, as they do in the real tree
  await symlink(join(ROOT, 'node_modules'), join(dir, 'node_modules'), 'junction');
  const files: Record<string, string> = {
    // allowed: each folder's legitimate imports, which must not be reported
    'common/shared.ts': `import { z } from 'zod';\nexport const Shape = z.object({ n: z.number() });\nexport type Plain = { n: number };\n`,
    'engine/ok.ts': `import * as tf from '@tensorflow/tfjs-core';\nimport { readFile } from 'node:fs/promises';\nimport { Shape } from '../common/shared.js';\nexport const ok = [tf, readFile, Shape];\n`,
    'main/window.ts': `import { app } from 'electron';\nimport { ok } from '../engine/ok.js';\nexport type Win = { a: typeof app; b: typeof ok };\n`,
    'preload/ok.cts': `import { contextBridge } from 'electron';\nimport type { Plain } from '../common/shared.js';\nexport const p: Plain = { n: 1 };\nexport const c = contextBridge;\n`,
    'renderer/ok.ts': `import { mount } from 'svelte';\nimport { Chart } from 'chart.js';\nimport type { Plain } from '../common/shared.js';\nimport { helper } from './helper.js';\nexport const r: Plain = { n: 1 };\nexport const x = [mount, Chart, helper];\n`,
    'renderer/helper.ts': `export const helper = 1;\n`,
    'cli/ok.ts': `import { ok } from '../engine/ok.js';\nimport { parseArgs } from 'node:util';\nexport const c = [ok, parseArgs];\n`,

    // forbidden
    'engine/bad.ts': `import { app } from 'electron';\nimport type { Win } from '../main/window.js';\nexport const b: Win | typeof app | null = null;\n`,
    'engine/bad-cli.mts': `import { c } from '../cli/ok.js';\nexport const d = c;\n`,
    'engine/bad-bundle.ts': `import type * as tf from '@tensorflow/tfjs';\nexport type T = tf.Tensor;\n`,
    // loaded through createRequire, as engine/tf.ts loads tfjs-core: the rules see that too (exoticRequireStrings)
    'engine/bad-bundle-require.ts': `import { createRequire } from 'node:module';\nconst requireCjs = createRequire(import.meta.url);\nexport const tf: unknown = requireCjs('@tensorflow/tfjs');\n`,
    'renderer/bad.ts': `import { ok } from '../engine/ok.js';\nimport { readFileSync } from 'node:fs';\nimport { ipcRenderer } from 'electron';\nimport type { Win } from '../main/window.js';\nexport const b: Win | null = null;\nexport const x = [ok, readFileSync, ipcRenderer];\n`,
    'renderer/Bad.svelte': `<script lang="ts">\n  import { readFileSync } from 'fs';\n  const t: string = String(readFileSync);\n</script>\n<p>{t}</p>\n`,
    'cli/bad.mjs': `import { app } from 'electron';\nexport const b = app;\n`,
    'cli/bad.ts': `import type { Win } from '../main/window.js';\nexport const b: Win | null = null;\n`,
    'common/bad.ts': `import { readFileSync } from 'node:fs';\nimport { ok } from '../engine/ok.js';\nexport const b = [readFileSync, ok];\n`,
    'preload/bad.cts': `import { ok } from '../engine/ok.js';\nimport { join } from 'node:path';\nexport const b = [ok, join];\n`,
    'engine/cycle-a.ts': `import { b } from './cycle-b.js';\nexport const a = () => b;\n`,
    'engine/cycle-b.ts': `import { a } from './cycle-a.js';\nexport const b = () => a;\n`,
    'common/typo.ts': `import { nothing } from './no-such-file.js';\nexport const t = nothing;\n`,
  };
  for (const [name, text] of Object.entries(files)) {
    await mkdir(dirname(join(dir, name)), { recursive: true });
    await writeFile(join(dir, name), text);
  }

  const result = await cruiseWithOurRules(dir, ['cli', 'common', 'engine', 'main', 'preload', 'renderer']);
  const found = result.summary.violations.map(oneLine).sort();
  assert.deepEqual(
    found,
    [
      'cli-without-electron: cli/bad.mjs -> node_modules/electron/index.js',
      'cli-without-electron: cli/bad.ts -> main/window.ts',
      'common-is-plain-data: common/bad.ts -> engine/ok.ts',
      'common-is-plain-data: common/bad.ts -> fs',
      'common-is-plain-data: common/typo.ts -> ./no-such-file.js',
      'engine-stays-in-node: engine/bad-cli.mts -> cli/ok.ts',
      'engine-stays-in-node: engine/bad.ts -> main/window.ts',
      'engine-stays-in-node: engine/bad.ts -> node_modules/electron/index.js',
      'engine-without-tfjs-bundle: engine/bad-bundle-require.ts -> node_modules/@tensorflow/tfjs/dist/index.js',
      'engine-without-tfjs-bundle: engine/bad-bundle.ts -> node_modules/@tensorflow/tfjs/dist/index.js',
      'no-circular: engine/cycle-a.ts -> engine/cycle-b.ts', // a cycle is reported once
      'not-to-unresolvable: common/typo.ts -> ./no-such-file.js',
      'preload-only-electron-and-common: preload/bad.cts -> engine/ok.ts',
      'preload-only-electron-and-common: preload/bad.cts -> path',
      'renderer-only-common: renderer/Bad.svelte -> fs',
      'renderer-only-common: renderer/bad.ts -> engine/ok.ts',
      'renderer-only-common: renderer/bad.ts -> fs',
      'renderer-only-common: renderer/bad.ts -> main/window.ts',
      'renderer-only-common: renderer/bad.ts -> node_modules/electron/index.js',
    ],
    await describe(result),
  );
});
