/**
 * A real `electron-builder --dir` pack, with a stand-in Electron distribution (the real one cannot be
 * downloaded here): what lands inside app.asar and what is unpacked next to it, the fuses electron-builder
 * flips in the binary, the packed size, and the packed-app smoke check (npm run smoke:packed) on the result.
 *
 * The stand-in "binary" is a shell script that carries Electron's fuse wire (the sentinel @electron/fuses looks
 * for, then the wire as Electron 45 ships it), so the flip is done and read back for real, on the same bytes
 * layout as the real binary.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { chmod, cp, link, mkdir, mkdtemp, readdir, readlink, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { promisify } from 'node:util';
import { getRawHeader, listPackage } from '@electron/asar';
import { buildApp } from '../helpers/build.js';
import { slow } from '../helpers/slow.js';
import { ROOT, tempDir } from '../helpers/tmp.js';

const run = promisify(execFile);
const require = createRequire(import.meta.url);
const { getCurrentFuseWire, FuseV1Options } = require('@electron/fuses') as typeof import('@electron/fuses');

const SENTINEL = 'dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX';
/** Electron's defaults, one byte per fuse ('1' on, '0' off), in FuseV1Options order; a ninth fuse that @electron/fuses 1.8 does not name */
const ELECTRON_DEFAULT_WIRE = '101100011';

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

async function du(path: string): Promise<number> {
  const s = await stat(path);
  if (!s.isDirectory()) return s.size;
  let total = 0;
  for (const entry of await readdir(path)) total += await du(join(path, entry));
  return total;
}

const made: string[] = [];
after(() => Promise.all(made.map((d) => rm(d, { recursive: true, force: true }))));

/** Builds and packs a copy of the checkout once, for all the tests of this file. */
let packing: Promise<{ appDir: string; resources: string; inAsar: Set<string>; log: string }> | null = null;
function packed() {
  packing ??= (async () => {
    const stub = await tempDir();
    await writeFile(join(stub, 'electron'), `#!/bin/sh\necho stub electron\nexit 0\n# ${SENTINEL}\x01${String.fromCharCode(ELECTRON_DEFAULT_WIRE.length)}${ELECTRON_DEFAULT_WIRE}\n`, 'latin1');
    await chmod(join(stub, 'electron'), 0o755);
    await writeFile(join(stub, 'version'), '45.5.0');
    const outDir = await tempDir();
    // build and pack a copy, so that the checkout's own out/ (what npm start runs) is left alone; on the
    // checkout's file system (hard links), inside its out/ (ignored by git)
    await mkdir(join(ROOT, 'out'), { recursive: true });
    const project = await mkdtemp(join(ROOT, 'out', '.test-pack-'));
    made.push(project);
    // the whole checkout but its build outputs, installs, tests and git (tsconfig.base.json and the like come along)
    for (const f of await readdir(ROOT)) if (!['node_modules', 'out', 'release', 'dist', 'scratch', '.git', 'test'].includes(f)) await cp(join(ROOT, f), join(project, f), { recursive: true });
    await linkTree(join(ROOT, 'node_modules'), join(project, 'node_modules'));
    const env = { ...process.env, ELECTRON_SKIP_BINARY_DOWNLOAD: '1' };
    await buildApp(join(project, 'out'), project); // what `npm run build` does
    const { stdout } = await run(process.execPath, [join(ROOT, 'node_modules', 'electron-builder', 'cli.js'), '--dir', '--linux', `-c.electronDist=${stub}`, `-c.directories.output=${outDir}`], { cwd: project, env });
    const appDir = join(outDir, 'linux-unpacked');
    const resources = join(appDir, 'resources');
    const inAsar = new Set(listPackage(join(resources, 'app.asar'), { isPack: false }).map((p) => p.replaceAll('\\', '/')));
    return { appDir, resources, inAsar, log: stdout };
  })();
  return packing;
}

test('[slow] app.asar: the electron-vite build (main, engine worker, preload, renderer) and the production dependencies', slow, async () => {
  const { inAsar } = await packed();
  for (const f of ['/package.json', '/out/main/index.js', '/out/main/worker.js', '/out/main/embed-worker.js', '/out/preload/index.cjs', '/out/renderer/index.html', '/node_modules/@tensorflow/tfjs/package.json', '/node_modules/@tensorflow/tfjs/dist/tf.node.js', '/node_modules/@tensorflow/tfjs-core/dist/tf-core.node.js', '/node_modules/@tensorflow/tfjs-backend-wasm/dist/tf-backend-wasm.node.js', '/node_modules/zod/package.json', '/node_modules/sharp/package.json', '/node_modules/proper-lockfile/package.json']) {
    assert.ok(inAsar.has(f), `app.asar has ${f}`);
  }
  assert.ok([...inAsar].some((f) => /^\/out\/renderer\/assets\/.+\.js$/.test(f)), 'the renderer bundle');
});

test('[slow] app.asar leaves out tests, sources, maps, the TypeScript runtime, dev dependencies and the icon sources', slow, async () => {
  const { inAsar } = await packed();
  const files = [...inAsar];
  for (const f of ['/test', '/main', '/engine', '/renderer', '/common', '/cli', '/scripts', '/assets/build', '/assets/icon.svg', '/out/cli', '/electron.vite.config.ts', '/electron-builder.yml', '/tsconfig.json', '/.github']) {
    assert.ok(!inAsar.has(f), `app.asar leaves out ${f}`);
  }
  // devDependencies and the CLI's TypeScript runner (a dependency the app does not run)
  for (const dev of ['electron', 'electron-builder', 'electron-vite', 'vite', 'svelte', 'typescript', 'tsx', 'esbuild', '@esbuild', 'dependency-cruiser', '@electron/asar', '@electron/fuses', 'js-yaml', '@shockpkg/icon-encoder', '@actions/workflow-parser', 'chart.js']) {
    assert.ok(!inAsar.has(`/node_modules/${dev}`), `no node_modules/${dev}`);
  }
  assert.deepEqual(files.filter((f) => /\.(ts|mts|cts|map|tsbuildinfo)$/.test(f)), [], 'no TypeScript sources, declarations or source maps');
  assert.deepEqual(files.filter((f) => /\/(test|tests|__tests__)\//.test(f)), [], 'no test folders');
  // TensorFlow.js: the Node bundles only (not the browser bundles, per-file builds or the CLI tool's dependencies)
  assert.ok(!inAsar.has('/node_modules/@tensorflow/tfjs/dist/tf.min.js'));
  assert.ok(!inAsar.has('/node_modules/@tensorflow/tfjs-core/dist/index.js'));
  assert.ok(!inAsar.has('/node_modules/@tensorflow/tfjs-backend-wasm/wasm-out'));
  assert.ok(!inAsar.has('/node_modules/core-js'));
});

test('[slow] unpacked next to app.asar: sharp and its native libvips, the wasm binaries, the model weights, the app icon', slow, async () => {
  const { resources } = await packed();
  const unpacked = join(resources, 'app.asar.unpacked');
  assert.deepEqual((await readdir(join(unpacked, 'assets', 'models', 'face-expression'))).sort(), ['LICENSE', 'SOURCE.md', 'face_expression_model-weights_manifest.json', 'face_expression_model.bin']);
  assert.deepEqual((await readdir(join(unpacked, 'assets', 'models', 'tiny-face-detector'))).sort(), ['LICENSE', 'SOURCE.md', 'tiny_face_detector_model-weights_manifest.json', 'tiny_face_detector_model.bin']);
  assert.deepEqual((await readdir(join(unpacked, 'assets', 'models', 'emotion'))).sort(), ['LICENSE', 'SOURCE.md', 'emotion.bin', 'emotion.json']);
  await stat(join(unpacked, 'assets', 'app-icon.png'));
  assert.ok((await readdir(join(unpacked, 'node_modules'))).includes('sharp'));
  const img = await readdir(join(unpacked, 'node_modules', '@img'));
  assert.ok(img.some((d) => /^sharp-(linux|darwin|win32)-/.test(d)), 'sharp native binding unpacked');
  const natives = (await readdir(join(unpacked, 'node_modules', '@img'), { recursive: true })).filter((f) => /\.(node|so(\.\d+)*|dylib|dll)$/.test(f));
  assert.ok(natives.some((f) => f.endsWith('.node')), `a .node file unpacked: ${natives.join(', ')}`);
  assert.deepEqual((await readdir(join(unpacked, 'node_modules', '@tensorflow', 'tfjs-backend-wasm', 'dist'))).sort(), ['tfjs-backend-wasm-simd.wasm', 'tfjs-backend-wasm-threaded-simd.wasm', 'tfjs-backend-wasm.wasm']);
  // the archive lists them as unpacked, so that Electron reads them from here
  const header = getRawHeader(join(resources, 'app.asar')).header as { files: Record<string, any> };
  const entry = (p: string) => p.split('/').reduce((n: any, k) => n.files[k], header);
  assert.equal(entry('assets/models/face-expression/face_expression_model.bin').unpacked, true);
  assert.equal(entry('assets/models/tiny-face-detector/tiny_face_detector_model.bin').unpacked, true);
  assert.equal(entry('node_modules/@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm').unpacked, true);
  assert.ok(!(await readdir(join(unpacked, 'node_modules'))).includes('esbuild'));
});

test('[slow] the fuses are flipped in the packed binary: read back with @electron/fuses', slow, async () => {
  const { appDir, log } = await packed();
  assert.match(log, /executing @electron\/fuses/);
  const wire = (await getCurrentFuseWire(join(appDir, 'happysad-studio'))) as unknown as Record<number, number>;
  const state = (fuse: number) => String.fromCharCode(wire[fuse]!);
  assert.equal(state(FuseV1Options.RunAsNode), '0', 'RunAsNode off');
  assert.equal(state(FuseV1Options.EnableNodeOptionsEnvironmentVariable), '0', 'NODE_OPTIONS ignored');
  assert.equal(state(FuseV1Options.EnableNodeCliInspectArguments), '0', '--inspect ignored');
  assert.equal(state(FuseV1Options.EnableCookieEncryption), '1', 'cookies encrypted');
  assert.equal(state(FuseV1Options.EnableEmbeddedAsarIntegrityValidation), '1', 'app.asar integrity checked');
  assert.equal(state(FuseV1Options.OnlyLoadAppFromAsar), '1', 'the app only from app.asar');
  assert.equal(state(FuseV1Options.GrantFileProtocolExtraPrivileges), '0', 'file:// pages get no extra powers (the app uses happysad://)');
  // the others keep Electron's defaults
  assert.equal(state(8), ELECTRON_DEFAULT_WIRE[8]);
});

test('[slow] the packed size, and how it splits', slow, async (t) => {
  const { resources } = await packed();
  const unpacked = join(resources, 'app.asar.unpacked');
  const mb = (n: number) => `${(n / 2 ** 20).toFixed(1)} MiB`;
  const asar = (await stat(join(resources, 'app.asar'))).size;
  const models = await du(join(unpacked, 'assets', 'models'));
  const natives = (await du(join(unpacked, 'node_modules', 'sharp'))) + (await du(join(unpacked, 'node_modules', '@img')));
  const wasm = await du(join(unpacked, 'node_modules', '@tensorflow', 'tfjs-backend-wasm'));
  const total = asar + (await du(unpacked));
  t.diagnostic(`app (without Electron): ${mb(total)} = app.asar ${mb(asar)} + unpacked ${mb(total - asar)} (sharp + libvips ${mb(natives)}, wasm ${mb(wasm)}, models ${mb(models)}, other ${mb(total - asar - natives - wasm - models)})`);
  // generous bounds, so that a stray folder (a whole node_modules, the browser bundles) is noticed
  assert.ok(asar < 40 * 2 ** 20, `app.asar is ${mb(asar)}`);
  assert.ok(total < 80 * 2 ** 20, `the app is ${mb(total)}`);
});

test('[slow] the packed-app smoke check (npm run smoke:packed) predicts with the packed main process and engine', slow, async (t) => {
  const { appDir } = await packed();
  const { stdout } = await run(process.execPath, [join(ROOT, 'scripts', 'smoke-packed.mjs'), appDir], { cwd: ROOT });
  t.diagnostic(stdout.trim().replaceAll('\n', ' | '));
  assert.match(stdout, /engine worker ready/);
  assert.match(stdout, /predicted \S+\.jpg: (happy|sad) \(/);
  assert.match(stdout, /smoke: ok$/m);
});
