import assert from 'node:assert/strict';
import { readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { DEFAULT_SETTINGS, SettingsStore, parseSettingsPatch } from '../../main/settings.js';
import { tempDir } from '../helpers/tmp.js';

test('a first run has the defaults; a damaged file too; one bad value keeps the others', async () => {
  const dir = await tempDir();
  const file = join(dir, 'settings.json');
  assert.deepEqual((await SettingsStore.open(file)).settings, DEFAULT_SETTINGS);
  for (const text of ['{not json', '[]', 'null', '"x"']) {
    await writeFile(file, text);
    assert.deepEqual((await SettingsStore.open(file)).settings, DEFAULT_SETTINGS, text);
  }
  await writeFile(file, JSON.stringify({ language: 'klingon', savePredictions: false, window: { width: 1000 } }));
  const s = await SettingsStore.open(file);
  assert.deepEqual(s.settings, { language: null, savePredictions: false });
  assert.deepEqual(s.window, { width: 1000 });
});

test('patches are checked: known keys, right types', () => {
  assert.deepEqual(parseSettingsPatch({}), {});
  assert.deepEqual(parseSettingsPatch({ language: 'id' }), { language: 'id' });
  assert.deepEqual(parseSettingsPatch({ language: null, savePredictions: false }), { language: null, savePredictions: false });
  for (const bad of [null, undefined, 'en', [], { language: 'fr' }, { language: 1 }, { savePredictions: 'yes' }, { theme: 'dark' }, { __proto__: { language: 'en' }, extra: 1 }]) {
    assert.throws(() => parseSettingsPatch(bad), (e: Error & { code?: string }) => e.code === 'bad-input', JSON.stringify(bad));
  }
});

test('saved atomically (no temporary file left), in order, window state alongside', async () => {
  const dir = await tempDir();
  const file = join(dir, 'sub', 'settings.json');
  const s = await SettingsStore.open(file);
  const writes = [s.update({ language: 'en' }), s.update({ savePredictions: false }), s.saveWindow({ x: 1, y: 2, width: 1000, height: 700, maximized: false }), s.update({ language: 'id' })];
  await Promise.all(writes);
  assert.deepEqual(JSON.parse(await readFile(file, 'utf8')), { language: 'id', savePredictions: false, window: { x: 1, y: 2, width: 1000, height: 700, maximized: false } });
  assert.deepEqual(await readdir(join(dir, 'sub')), ['settings.json']);
  const again = await SettingsStore.open(file);
  assert.deepEqual(again.settings, { language: 'id', savePredictions: false });
});
