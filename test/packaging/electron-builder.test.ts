import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { test } from 'node:test';
import yaml from 'js-yaml';
import { ROOT } from '../helpers/tmp.js';

const require = createRequire(import.meta.url);
// electron-builder's own schema validation, offline
const { validateConfiguration } = require('app-builder-lib/out/util/config/config') as {
  validateConfiguration(config: unknown, logger: unknown): Promise<void>;
};
const { DebugLogger } = require('builder-util') as { DebugLogger: new (enabled: boolean) => unknown };

test('electron-builder.yml passes electron-builder schema validation', async () => {
  const config = yaml.load(await readFile(join(ROOT, 'electron-builder.yml'), 'utf8')) as Record<string, unknown>;
  await validateConfiguration(config, new DebugLogger(false));
  await assert.rejects(validateConfiguration({ ...config, asarUnpak: [] }, new DebugLogger(false)), /asarUnpak/, 'the validator does reject typos');
});

test('native modules and model files are unpacked from asar; installers for all three OSes', async () => {
  const config = yaml.load(await readFile(join(ROOT, 'electron-builder.yml'), 'utf8')) as {
    asarUnpack: string[];
    npmRebuild: boolean;
    win: { target: string };
    mac: { target: string };
    linux: { target: string[] };
  };
  for (const p of ['assets/models/**', 'node_modules/sharp/**', 'node_modules/@img/**', 'node_modules/@tensorflow/tfjs-node/**', 'node_modules/@tensorflow/tfjs-node-gpu/**']) {
    assert.ok(config.asarUnpack.includes(p), p);
  }
  assert.equal(config.npmRebuild, false);
  assert.equal(config.win.target, 'nsis');
  assert.equal(config.mac.target, 'dmg');
  assert.deepEqual(config.linux.target, ['AppImage', 'deb']);
});
