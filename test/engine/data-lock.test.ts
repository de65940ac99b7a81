import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { lockPath, withDataLock } from '../../engine/data-lock.js';
import { tempDir } from '../helpers/tmp.js';

test('two resources locked at once are two locks: each refreshed while held, each released on its own', async () => {
  const home = await tempDir();
  let releaseModels!: () => void;
  const modelsHeld = new Promise<void>((resolve) => (releaseModels = resolve));
  // the models lock held across the cache lock's whole life, and long enough for both to be refreshed (every
  // staleMs / 2): proper-lockfile keys its locks by the locked path, and two resources under one key crashed
  // the process from a refresh timer once the first was released
  const models = withDataLock(home, 'models', () => modelsHeld, { staleMs: 2000 });
  await sleep(50);
  await withDataLock(home, 'cache-x', async () => {
    assert.ok(existsSync(lockPath(home, 'models')) && existsSync(lockPath(home, 'cache-x')), 'both held');
    await sleep(1300);
  }, { staleMs: 2000 });
  assert.ok(existsSync(lockPath(home, 'models')), 'releasing the cache lock left the models lock held');
  assert.ok(!existsSync(lockPath(home, 'cache-x')));
  await sleep(1300); // the models lock refreshed again after the other was released
  releaseModels();
  await models;
  assert.ok(!existsSync(lockPath(home, 'models')), 'and it is released in its turn');
});
