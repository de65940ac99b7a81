/**
 * electron-builder.yml, checked without packing: electron-builder's own schema validation, and what each
 * setting must say for the installers to be what the README promises (targets, icons that electron-builder
 * takes as they are, "Open with" for photos, fuses, what is unpacked from asar).
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { test } from 'node:test';
import yaml from 'js-yaml';
import { ROOT, tempDir } from '../helpers/tmp.js';

const require = createRequire(import.meta.url);
// electron-builder's own schema validation, offline
const { validateConfiguration } = require('app-builder-lib/out/util/config/config') as {
  validateConfiguration(config: unknown, logger: unknown): Promise<void>;
};
const { DebugLogger } = require('builder-util') as { DebugLogger: new (enabled: boolean) => unknown };
// how electron-builder 26 finds (and, when it must, converts) the icon of each target
const { convertIcon } = require('app-builder-lib/out/util/iconConverter') as {
  convertIcon(o: { sources: string[]; fallbackSources: string[]; roots: string[]; format: 'set' | 'ico' | 'icns'; outDir: string }): Promise<{ icons: Array<{ file: string; size: number }>; isFallback: boolean }>;
};

interface Config {
  directories: { buildResources: string; output: string };
  files: string[];
  asarUnpack: string[];
  npmRebuild: boolean;
  electronFuses: Record<string, boolean>;
  fileAssociations: Array<{ ext: string | string[]; name: string; role?: string; rank?: string; mimeType?: string }>;
  win: { target: string; icon: string };
  mac: { target: string; icon: string };
  linux: { target: string[]; icon: string; mimeTypes: string[] };
}
const load = async () => yaml.load(await readFile(join(ROOT, 'electron-builder.yml'), 'utf8')) as Config;

test('electron-builder.yml passes electron-builder schema validation', async () => {
  const config = await load();
  await validateConfiguration(config, new DebugLogger(false));
  await assert.rejects(validateConfiguration({ ...config, asarUnpak: [] }, new DebugLogger(false)), /asarUnpak/, 'the validator does reject typos');
  await assert.rejects(validateConfiguration({ ...config, electronFuses: { ...config.electronFuses, runAsNod: false } }, new DebugLogger(false)), /electronFuses/, 'and misspelt fuses');
});

test('native modules, model files and the app icon are unpacked from asar; no rebuild; installers for all three OSes', async () => {
  const config = await load();
  for (const p of ['assets/models/**', 'assets/app-icon.png', 'node_modules/sharp/**', 'node_modules/@img/**', 'node_modules/@tensorflow/tfjs-node/**', 'node_modules/@tensorflow/tfjs-node-gpu/**', 'node_modules/@tensorflow/tfjs-backend-wasm/dist/*.wasm']) {
    assert.ok(config.asarUnpack.includes(p), p);
  }
  assert.equal(config.npmRebuild, false);
  assert.equal(config.win.target, 'nsis');
  assert.equal(config.mac.target, 'dmg');
  assert.deepEqual(config.linux.target, ['AppImage', 'deb']);
  assert.equal(config.directories.buildResources, 'assets/build');
  // the app takes what it runs; never the icon sources, the build resources or the whole assets folder
  assert.ok(!config.files.some((f) => /^assets\/(\*|build|icon\.svg)/.test(f)), 'only assets/models and assets/app-icon.png from assets/');
});

test('fuses: no running as plain Node, no NODE_OPTIONS or --inspect, cookies encrypted, the app only from a verified app.asar, no powers for file://', async () => {
  const { electronFuses } = await load();
  // pack.test.ts reads them back from the packed binary
  assert.deepEqual(electronFuses, {
    runAsNode: false,
    enableNodeOptionsEnvironmentVariable: false,
    enableNodeCliInspectArguments: false,
    enableCookieEncryption: true,
    enableEmbeddedAsarIntegrityValidation: true,
    onlyLoadAppFromAsar: true,
    grantFileProtocolExtraPrivileges: false,
    resetAdHocDarwinSignature: true,
  });
});

test('"Open with HappySad Studio" for JPEG, PNG and WebP on every OS, without claiming to be their default app', async () => {
  const config = await load();
  const exts = config.fileAssociations.flatMap((a) => [a.ext].flat());
  for (const ext of ['jpg', 'jpeg', 'png', 'webp']) assert.ok(exts.includes(ext), ext);
  for (const a of config.fileAssociations) {
    assert.equal(a.role, 'Viewer', `${a.name}: opened to look at, not to edit (macOS CFBundleTypeRole)`);
    assert.equal(a.rank, 'Alternate', `${a.name}: listed, not the default app (macOS LSHandlerRank)`);
    // a mimeType here makes the deb install a shared-mime-info file redefining image/jpeg etc. (with a
    // document icon); the .desktop file's MimeType comes from linux.mimeTypes instead
    assert.equal(a.mimeType, undefined, `${a.name}: no mimeType in fileAssociations`);
  }
  assert.deepEqual(config.linux.mimeTypes, ['image/jpeg', 'image/png', 'image/webp']);
});

test('icons: electron-builder takes the committed icons as they are for each target (no conversion, no fallback icon)', async () => {
  const config = await load();
  const roots = [join(ROOT, config.directories.buildResources), ROOT];
  const outDir = await tempDir();
  const linux = await convertIcon({ sources: [config.linux.icon], fallbackSources: [], roots, format: 'set', outDir });
  assert.equal(linux.isFallback, false);
  assert.deepEqual(
    linux.icons.map((i) => [i.size, i.file.slice(ROOT.length).replaceAll('\\', '/')]),
    [16, 24, 32, 48, 64, 128, 256, 512, 1024].map((s) => [s, `assets/build/icons/${s}x${s}.png`]),
  );
  const win = await convertIcon({ sources: [config.win.icon], fallbackSources: [], roots, format: 'ico', outDir });
  assert.deepEqual(win.icons.map((i) => [i.file, i.size]), [[join(ROOT, 'assets/build/icon.ico'), 256]], 'a .ico of at least 256 px, used as is');
  const mac = await convertIcon({ sources: [config.mac.icon], fallbackSources: [], roots, format: 'icns', outDir });
  assert.deepEqual(mac.icons.map((i) => i.file), [join(ROOT, 'assets/build/icon.icns')]);
});
