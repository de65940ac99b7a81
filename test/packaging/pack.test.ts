/**
 * A real `electron-builder --dir` pack, with a stand-in Electron distribution (the real one cannot be
 * downloaded here): checks what lands inside app.asar and what is unpacked next to it.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { chmod, cp, link, mkdir, mkdtemp, readdir, readlink, rm, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { promisify } from 'node:util';
import { listPackage } from '@electron/asar';
import { buildApp } from '../helpers/build.js';
import { slow } from '../helpers/slow.js';
import { ROOT, tempDir } from '../helpers/tmp.js';


const run = promisify(execFile);

/**
 * A copy of a folder made of hard links (fast, no extra space). The packed project gets a real node_modules
 * this way: electron-builder asks `npm list` for the production tree, and npm misreads a node_modules that is
 * a symlink out of the project once its hidden lockfile is stale (any later write in node_modules, e.g. Vite's cache).
 */
async function linkTree(from: string, to: string): Promise<void> {
  await mkdir(to, { recursive: true });
  for (const entry of await readdir(from, { withFileTypes: true })) {
    const [src, dst] = [join(from, entry.name), join(to, entry.name)];
    if (entry.isDirectory()) await linkTree(src, dst);
    else if (entry.isSymbolicLink()) await symlink(await readlink(src), dst);
    else await link(src, dst);
  }
}

const made: string[] = [];
after(() => Promise.all(made.map((d) => rm(d, { recursive: true, force: true }))));

test('[slow] electron-builder --dir packs the electron-vite build, unpacks native modules and models', slow, async () => {
  const stub = await tempDir();
  await writeFile(join(stub, 'electron'), '#!/bin/sh\necho stub electron\n');
  await chmod(join(stub, 'electron'), 0o755);
  await writeFile(join(stub, 'version'), '45.5.0');
  const outDir = await tempDir();
  // build and pack a copy, so that the checkout's own out/ (what npm start runs) is left alone
  // on the checkout's file system (hard links), inside its out/ (ignored by git)
  await mkdir(join(ROOT, 'out'), { recursive: true });
  const project = await mkdtemp(join(ROOT, 'out', '.test-pack-'));
  made.push(project);
  const sources = ['package.json', 'package-lock.json', 'electron-builder.yml', 'electron.vite.config.ts', 'tsconfig.json', 'main', 'preload', 'engine', 'common', 'cli', 'renderer', 'assets'];
  for (const f of sources) await cp(join(ROOT, f), join(project, f), { recursive: true });
  await linkTree(join(ROOT, 'node_modules'), join(project, 'node_modules'));
  const env = { ...process.env, ELECTRON_SKIP_BINARY_DOWNLOAD: '1' };
  await buildApp(join(project, 'out'), project); // what `npm run build` does
  await run(process.execPath, [join(ROOT, 'node_modules', 'electron-builder', 'cli.js'), '--dir', '--linux', `-c.electronDist=${stub}`, `-c.directories.output=${outDir}`], { cwd: project, env });

  const resources = join(outDir, 'linux-unpacked', 'resources');
  const inAsar = new Set(listPackage(join(resources, 'app.asar'), { isPack: false }).map((p) => p.replaceAll('\\', '/')));
  for (const f of ['/package.json', '/out/main/index.js', '/out/main/worker.js', '/out/main/embed-worker.js', '/out/preload/index.cjs', '/out/renderer/index.html', '/node_modules/@tensorflow/tfjs/package.json', '/node_modules/zod/package.json']) {
    assert.ok(inAsar.has(f), `app.asar has ${f}`);
  }
  assert.ok([...inAsar].some((f) => /^\/out\/renderer\/assets\/.+\.js$/.test(f)), 'the renderer bundle');
  // sources, source maps, the CLI's build and the build tools stay out
  for (const f of ['/node_modules/electron/package.json', '/node_modules/typescript/package.json', '/node_modules/tsx/package.json', '/node_modules/vite/package.json', '/node_modules/electron-vite/package.json', '/node_modules/svelte/package.json', '/out/cli/happysad.js', '/renderer/index.html', '/main/app.ts', '/out/main/index.js.map', '/electron.vite.config.ts']) {
    assert.ok(!inAsar.has(f), `app.asar leaves out ${f}`);
  }
  const unpacked = join(resources, 'app.asar.unpacked');
  assert.deepEqual((await readdir(join(unpacked, 'assets', 'models', 'face-expression'))).sort(), ['LICENSE', 'SOURCE.md', 'face_expression_model-weights_manifest.json', 'face_expression_model.bin']);
  assert.ok((await readdir(join(unpacked, 'node_modules'))).includes('sharp'));
  assert.ok((await readdir(join(unpacked, 'node_modules', '@img'))).some((d) => d.startsWith('sharp-')), 'sharp native binaries unpacked');
  assert.ok((await readdir(join(unpacked, 'node_modules', '@tensorflow', 'tfjs-backend-wasm', 'dist'))).includes('tfjs-backend-wasm-simd.wasm'));
  assert.ok(!(await readdir(join(unpacked, 'node_modules'))).includes('esbuild'));
});
