import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { readdir, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { EngineError } from '../../common/errors.js';
import { checkDataFolder } from '../../engine/data-folder.js';
import { tempDir } from '../helpers/tmp.js';

const unusable = (re: RegExp) => (e: unknown) => e instanceof EngineError && e.code === 'bad-input' && re.test(e.message);

test('a missing folder is created, level by level, and probed without leaving anything behind', async () => {
  const root = await tempDir();
  const home = join(root, 'a', 'b', 'c');
  assert.deepEqual(await checkDataFolder(home), { writable: true });
  assert.ok((await stat(home)).isDirectory());
  assert.deepEqual(await readdir(home), []);
});

test('a file, or a path through a file, is refused with a sentence naming it', async () => {
  const root = await tempDir();
  const file = join(root, 'notes.txt');
  await writeFile(file, 'x');
  await assert.rejects(checkDataFolder(file), unusable(new RegExp(`data folder ${file} cannot be used: it is a file, not a folder`)));
  await assert.rejects(checkDataFolder(join(file, 'sub')), unusable(/notes\.txt\/sub cannot be used: part of the path is a file, not a folder/));
  // a file where the engine keeps one of its folders: said before any work (a training failed at its end with EEXIST)
  const home = await tempDir();
  await writeFile(join(home, 'models'), 'not a folder');
  await assert.rejects(checkDataFolder(home), unusable(new RegExp(`data folder ${home} cannot be used: ${join(home, 'models')} is a file, not a folder`)));
});

test('/proc: a folder that cannot be created fails at once instead of looping; an unwritable one is read-only', { skip: !existsSync('/proc/self') && 'no /proc here' }, async () => {
  // Node's recursive mkdir loops forever here (ENOENT on the child, EEXIST on the parent); the check must not
  await assert.rejects(checkDataFolder('/proc/nohome/x'), unusable(/\/proc\/nohome\/x cannot be used: a folder cannot be created there/));
  const st = await checkDataFolder('/proc');
  assert.equal(st.writable, false);
  assert.match(st.reason!, /cannot be created|permission denied|read-only/);
});
