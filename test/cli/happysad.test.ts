import assert from 'node:assert/strict';
import { copyFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { runCli } from '../helpers/cli.js';
import { FACES, tempDir } from '../helpers/tmp.js';

test('usage errors exit 2 with a plain message on stderr; --help exits 0', async () => {
  const bad = await runCli(['train', '--epochs', '3']);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /happysad: train needs --data DIR/);
  assert.equal(bad.stdout, '');
  assert.equal((await runCli(['frobnicate'])).code, 2);
  const help = await runCli(['--help']);
  assert.equal(help.code, 0);
  assert.match(help.stdout, /Usage: happysad <command>/);
});

test('train, eval and predict: JSON contract on the last stdout line, exit codes', async () => {
  const home = await tempDir();
  const train = await runCli(['train', '--data', FACES, '--epochs', '4', '--home', home, '--json']);
  assert.equal(train.code, 0, train.stderr);
  const t = train.json;
  assert.match(t.modelId, /^\d{8}-\d{6}-[0-9a-f]{4}$/);
  // stderr names the backend, whichever this machine has, then one line per better one it skipped (not
  // necessarily first: a native TensorFlow library may log to stderr while it loads)
  const intro = /^Backend: (.+)\n((?:  skipped .*\n)*)/m.exec(train.stderr);
  assert.ok(intro, train.stderr);
  assert.equal(intro[1], t.backend, 'the backend line names the backend the model was trained on');
  assert.match(t.backend, /^(GPU \(CUDA\) via tfjs-node-gpu|native CPU via tfjs-node|WebAssembly \(.+\)|plain JavaScript CPU \(slow\))$/);
  for (const line of intro[2]!.trimEnd().split('\n').filter(Boolean)) assert.match(line, /^  skipped @tensorflow\/[\w-]+: \S/);
  assert.ok(t.seconds > 0);
  assert.equal(t.epochs, t.history.length);
  assert.ok(t.epochs >= 1 && t.epochs <= 4);
  assert.deepEqual(Object.keys(t.best).sort(), ['epoch', 'valAccuracy', 'valLoss']);
  for (const k of ['epoch', 'loss', 'accuracy', 'valLoss', 'valAccuracy', 'lr']) assert.ok(k in t.history[0], `history has ${k}`);

  const ev = await runCli(['eval', '--data', FACES, '--home', home, '--json']);
  assert.equal(ev.code, 0, ev.stderr);
  const e = ev.json;
  assert.equal(e.n, 20);
  for (const k of ['accuracy', 'balancedAccuracy', 'loss', 'msPerImage']) assert.equal(typeof e[k], 'number', k);
  assert.equal(e.confusion.happy.happy + e.confusion.happy.sad + e.confusion.sad.happy + e.confusion.sad.sad, 20);
  for (const c of ['happy', 'sad']) for (const k of ['precision', 'recall']) assert.equal(typeof e.perClass[c][k], 'number');
  assert.equal(e.modelId, t.modelId, 'eval uses the model just trained');

  const unknown = await runCli(['eval', '--data', FACES, '--home', home, '--model', '20200101-000000-0000']);
  assert.equal(unknown.code, 1);
  assert.match(unknown.stderr, /no model "20200101-000000-0000"/);
});

test('predict: one result per image, bad files in between are reported and do not stop the rest', async () => {
  const dir = await tempDir();
  const faces = (await readdir(join(FACES, 'happy'))).sort().slice(0, 3);
  await copyFile(join(FACES, 'happy', faces[0]!), join(dir, 'a.jpg'));
  await writeFile(join(dir, 'b-corrupt.jpg'), 'not really a jpeg');
  await copyFile(join(FACES, 'happy', faces[1]!), join(dir, 'c.jpg'));
  await writeFile(join(dir, 'd-empty.png'), '');
  await copyFile(join(FACES, 'happy', faces[2]!), join(dir, 'e.jpg'));
  await writeFile(join(dir, 'notes.txt'), 'not an image, not listed');
  const r = await runCli(['predict', dir, join(dir, 'missing.jpg'), '--home', await tempDir(), '--json']);
  assert.equal(r.code, 1);
  const results = r.json.results as Array<Record<string, unknown>>;
  assert.deepEqual(results.map((x) => x.file), [...['a.jpg', 'b-corrupt.jpg', 'c.jpg', 'd-empty.png', 'e.jpg'].map((f) => join(dir, f)), join(dir, 'missing.jpg')], 'in the order given');
  assert.deepEqual(results.map((x) => ('error' in x ? 'error' : 'ok')), ['ok', 'error', 'ok', 'error', 'ok', 'error']);
  assert.match(String(results[1]!.error), /not a supported image format/);
  assert.match(String(results[3]!.error), /empty/);
  assert.match(String(results[5]!.error), /no such file or folder/);
  for (const x of results.filter((x) => !('error' in x))) {
    assert.ok(x.label === 'happy' || x.label === 'sad');
    const p = x.probabilities as { happy: number; sad: number };
    assert.ok(Math.abs(p.happy + p.sad - 1) < 1e-6);
    assert.equal(x.confidence, Math.max(p.happy, p.sad));
  }
  assert.match(r.stderr, /b-corrupt.jpg: not a supported image format/);
  const empty = await tempDir();
  const none = await runCli(['predict', empty, '--home', await tempDir(), '--json']);
  assert.equal(none.code, 1);
  assert.deepEqual(none.json.results, [{ file: empty, error: 'no images in this folder' }]);
  const ok = await runCli(['predict', join(dir, 'a.jpg'), '--home', await tempDir()]);
  assert.equal(ok.code, 0);
  assert.match(ok.stdout, /a\.jpg\t(happy|sad)\t\d+\.\d %/);
});

test('Ctrl-C cancels a running train: exit 130, no model saved', async () => {
  const home = await tempDir();
  let sent = false;
  const r = await runCli(['train', '--data', FACES, '--epochs', '500', '--home', home], {}, (text, child) => {
    if (!sent && /features|epoch/.test(text)) {
      sent = true;
      child.kill('SIGINT');
    }
  });
  assert.equal(r.code, 130, r.stderr);
  assert.match(r.stderr, /cancelled; nothing was saved/);
  const models = await readdir(join(home, 'models')).catch(() => []);
  assert.deepEqual(models, []);
});
