import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { test } from 'node:test';
import { pathsFromArgv } from '../../main/launch.js';
import { tempDir } from '../helpers/tmp.js';

test('file and folder arguments, resolved against the launch folder; not the executable, the app folder, switches or missing files', async () => {
  const dir = await tempDir();
  await writeFile(join(dir, 'a.jpg'), 'x');
  await mkdir(join(dir, 'photos'));
  const exe = '/opt/HappySad Studio/happysad-studio';
  assert.deepEqual(await pathsFromArgv([exe, 'a.jpg', '--enable-logging', 'photos', 'gone.jpg', '-x', join(dir, 'a.jpg')], dir, false), [join(dir, 'a.jpg'), join(dir, 'photos')]);
  // `electron .`: argv[1] is the app folder
  assert.deepEqual(await pathsFromArgv(['/usr/bin/electron', dir, 'a.jpg'], dir, true), [join(dir, 'a.jpg')]);
  assert.deepEqual(await pathsFromArgv([exe], dir, false), []);
});

test('file:// URLs (Linux desktop entries pass %U) stand for their files; other URLs and remote hosts are not files', async () => {
  const dir = await tempDir();
  const file = join(dir, 'my photo #1.jpg');
  await writeFile(file, 'x');
  const exe = '/opt/HappySad Studio/happysad-studio';
  assert.deepEqual(await pathsFromArgv([exe, pathToFileURL(file).href, 'file://elsewhere/x.jpg', 'https://example.com/x.jpg', 'file:'], dir, false), [file]);
});
