import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { assetsDir, defaultHome, sameFolder } from '../../engine/paths.js';
import { tempDir } from '../helpers/tmp.js';

test("the data folder is Electron's userData for this product on each OS, unless HAPPYSAD_HOME says otherwise", () => {
  assert.equal(defaultHome('linux', {}, '/home/ann'), '/home/ann/.config/HappySad Studio');
  assert.equal(defaultHome('linux', { XDG_CONFIG_HOME: '/xdg' }, '/home/ann'), '/xdg/HappySad Studio');
  assert.equal(defaultHome('darwin', {}, '/Users/ann'), '/Users/ann/Library/Application Support/HappySad Studio');
  assert.equal(defaultHome('win32', { APPDATA: 'C:\\Users\\ann\\AppData\\Roaming' }, 'C:\\Users\\ann'), join('C:\\Users\\ann\\AppData\\Roaming', 'HappySad Studio'));
  assert.equal(defaultHome('linux', { HAPPYSAD_HOME: '/data/hs' }, '/home/ann'), '/data/hs');
});

test('HAPPYSAD_HOME starting with ~ is in the home folder, as a shell would have it (set where no shell runs: a .desktop file)', () => {
  assert.equal(defaultHome('linux', { HAPPYSAD_HOME: '~/happysad' }, '/home/ann'), '/home/ann/happysad');
  assert.equal(defaultHome('linux', { HAPPYSAD_HOME: '~' }, '/home/ann'), '/home/ann');
  assert.equal(defaultHome('linux', { HAPPYSAD_HOME: '/data/~x' }, '/home/ann'), '/data/~x', 'a ~ further on is a name');
  assert.equal(defaultHome('linux', { HAPPYSAD_HOME: '~ann/x' }, '/home/ann'), join(process.cwd(), '~ann/x'), "another user's ~name is not guessed");
});

test('assets are found from the source tree', () => {
  assert.ok(existsSync(join(assetsDir(), 'models', 'face-expression', 'face_expression_model.bin')));
});

test('the same folder by a link, by a relative path, and (on Windows and macOS) in another case; another folder is not', async () => {
  const root = await tempDir();
  await mkdir(join(root, 'Faces'));
  await mkdir(join(root, 'other'));
  await symlink(join(root, 'Faces'), join(root, 'link'));
  assert.equal(await sameFolder(join(root, 'Faces'), join(root, 'link')), true);
  assert.equal(await sameFolder(join(root, 'Faces'), join(root, 'other', '..', 'Faces')), true);
  assert.equal(await sameFolder(join(root, 'Faces'), join(root, 'other')), false);
  assert.equal(await sameFolder(join(root, 'Faces'), join(root, 'faces'), 'darwin'), true);
  // (on Windows realpath gives the name as it is on disk, whatever case it was asked in)
  if (process.platform !== 'win32') assert.equal(await sameFolder(join(root, 'Faces'), join(root, 'faces'), 'linux'), false);
  assert.equal(await sameFolder(join(root, 'gone'), join(root, 'other', '..', 'gone')), true, 'a folder not there any more, as written (made absolute and normal)');
  assert.equal(await sameFolder(join(root, 'gone'), join(root, 'other', 'gone')), false);
});
