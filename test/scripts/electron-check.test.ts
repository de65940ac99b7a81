import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
// @ts-expect-error: a plain .mjs script without types
import { findElectronBinary } from '../../scripts/electron-check.mjs';
import { ROOT, tempDir } from '../helpers/tmp.js';

test('npm start says what to do when Electron\'s binary is missing, instead of a stack trace', async () => {
  const electron = await tempDir();
  const none = findElectronBinary(electron, {});
  assert.equal(none.ok, false);
  assert.match(none.message, /Electron's binary is not installed/);
  assert.match(none.message, /ELECTRON_OVERRIDE_DIST_PATH/);
  await writeFile(join(electron, 'path.txt'), 'electron');
  assert.equal(findElectronBinary(electron, {}).ok, false, 'path.txt without the binary');
  await mkdir(join(electron, 'dist'));
  await writeFile(join(electron, 'dist', 'electron'), '');
  assert.deepEqual(findElectronBinary(electron, {}), { ok: true, binary: join(electron, 'dist', 'electron') });
  const override = await tempDir();
  await writeFile(join(override, 'electron'), '');
  assert.equal(findElectronBinary(await tempDir(), { ELECTRON_OVERRIDE_DIST_PATH: override }).ok, true);
});

test('the script exits non-zero with the message when the binary is missing, before any build', () => {
  const r = spawnSync(process.execPath, [join(ROOT, 'scripts', 'electron-check.mjs')], { env: { ...process.env, ELECTRON_OVERRIDE_DIST_PATH: join(ROOT, 'no-such-electron') }, encoding: 'utf8' });
  assert.equal(r.status, 1);
  assert.match(r.stderr, /^npm start: Electron's binary is not installed/);
  assert.doesNotMatch(r.stderr, /at .*\(.*:\d+:\d+\)/, 'no stack trace');
});
