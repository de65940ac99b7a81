import assert from 'node:assert/strict';
import { copyFile, mkdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { before, test } from 'node:test';
import { predict } from '../../../engine/use-cases/predict.js';
import { createServices, type EngineServices } from '../../../engine/use-cases/services.js';
import { useBestBackend } from '../../helpers/backend.js';
import { ASSETS, FACES, tempDir } from '../../helpers/tmp.js';

let services: EngineServices;
before(async () => {
  services = createServices(await tempDir(), ASSETS, await useBestBackend());
});

test('one result per image in the order given; missing inputs, empty folders and unreadable files keep their place', async () => {
  const dir = await tempDir();
  await mkdir(join(dir, 'empty'));
  await mkdir(join(dir, 'two'));
  await copyFile(join(FACES, 'sad', 'Anna_Jones_0001.jpg'), join(dir, 'two', 'b.jpg'));
  await copyFile(join(FACES, 'happy', 'Ariel_Sharon_0060.jpg'), join(dir, 'two', 'a.jpg'));
  await writeFile(join(dir, 'two', 'notes.txt'), 'left out: not an image name');
  await writeFile(join(dir, 'broken.jpg'), 'garbage');
  const r = await predict(services, {
    inputs: [join(dir, 'missing.jpg'), join(dir, 'two'), join(dir, 'broken.jpg'), join(dir, 'empty'), join(FACES, 'happy', 'Ariel_Sharon_0060.jpg')],
  });
  assert.equal(r.modelId, 'zero-shot');
  assert.deepEqual(
    r.results.map((x) => [x.file.startsWith(dir) ? x.file.slice(dir.length + 1) : x.file, 'error' in x ? x.error : 'ok']),
    [
      ['missing.jpg', 'no such file or folder'],
      [join('two', 'a.jpg'), 'ok'],
      [join('two', 'b.jpg'), 'ok'],
      ['broken.jpg', 'not a supported image format'],
      ['empty', 'no images in this folder'],
      [join(FACES, 'happy', 'Ariel_Sharon_0060.jpg'), 'ok'],
    ],
  );
  const same = r.results.filter((x) => x.file.endsWith('a.jpg') || x.file.endsWith('Ariel_Sharon_0060.jpg'));
  assert.equal(same.length, 2);
  assert.deepEqual({ ...same[0], file: '' }, { ...same[1], file: '' }, 'the same photo under two names: the same verdict');
  for (const x of r.results) if ('label' in x) assert.ok(Math.abs(x.probabilities.happy + x.probabilities.sad - 1) < 1e-6 && x.confidence >= 0.5);
});

test('a folder with images only in subfolders says so; recursive takes them, in byte-wise path order', async () => {
  const dir = await tempDir();
  const face = join(FACES, 'happy', 'Ariel_Sharon_0060.jpg');
  for (const rel of ['b/z.jpg', 'a/y.jpg', 'a/B/x.jpg', 'a/a.png', 'c/deep/er/w.jpg', '.hidden/v.jpg']) {
    await mkdir(join(dir, 'photos', rel, '..'), { recursive: true });
    await copyFile(face, join(dir, 'photos', rel));
  }
  await writeFile(join(dir, 'photos', 'a', 'notes.txt'), 'not an image');
  const flat = await predict(services, { inputs: [join(dir, 'photos')], model: 'zero-shot' });
  assert.deepEqual(flat.results, [{ file: join(dir, 'photos'), error: 'no images directly in this folder; 5 images in subfolders: use --recursive' }]);

  const deep = await predict(services, { inputs: [join(dir, 'photos')], model: 'zero-shot', recursive: true });
  const order = ['a/B/x.jpg', 'a/a.png', 'a/y.jpg', 'b/z.jpg', 'c/deep/er/w.jpg'];
  assert.deepEqual(deep.results.map((r) => r.file), order.map((p) => join(dir, 'photos', p)));
  assert.ok(deep.results.every((r) => 'label' in r));

  await mkdir(join(dir, 'nothing', 'below'), { recursive: true });
  const none = await predict(services, { inputs: [join(dir, 'nothing')], model: 'zero-shot', recursive: true });
  assert.deepEqual(none.results, [{ file: join(dir, 'nothing'), error: 'no images in this folder or its subfolders' }]);
});

test('links that lead nowhere say so, named or in a folder: a loop, a link to nothing', { skip: process.platform === 'win32' && 'symbolic links need rights there' }, async () => {
  const dir = await tempDir();
  await mkdir(join(dir, 'links'));
  await symlink('loop-b.jpg', join(dir, 'links', 'loop-a.jpg'));
  await symlink('loop-a.jpg', join(dir, 'links', 'loop-b.jpg'));
  await symlink('gone.jpg', join(dir, 'links', 'dangling.jpg'));
  const r = await predict(services, { inputs: [join(dir, 'links', 'loop-a.jpg'), join(dir, 'links', 'dangling.jpg'), join(dir, 'links')] });
  assert.deepEqual(
    r.results.map((x) => [x.file.slice(dir.length + 1), 'error' in x ? x.error : 'ok']),
    [
      [join('links', 'loop-a.jpg'), 'a symbolic link that leads back to itself'],
      [join('links', 'dangling.jpg'), 'a link to nothing (broken symbolic link)'],
      [join('links', 'dangling.jpg'), 'a link to nothing (broken symbolic link)'],
      [join('links', 'loop-a.jpg'), 'a symbolic link that leads back to itself'],
      [join('links', 'loop-b.jpg'), 'a symbolic link that leads back to itself'],
    ],
  );
});
