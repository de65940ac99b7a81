import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { copyFile, mkdir, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { run } from '../../cli/happysad.js';
import { EngineHost } from '../../engine/host.js';
import { runCli } from '../helpers/cli.js';
import { ASSETS, FACES, ROOT, tempDir } from '../helpers/tmp.js';
import { slow } from '../helpers/slow.js';

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
  // stderr names the backend, whichever this machine has, in one line, with why a native one was not used
  // (not necessarily first: a native TensorFlow library may log to stderr while it loads)
  const intro = /^Backend: ([^;\n]+)(;.*)?$/m.exec(train.stderr);
  assert.ok(intro, train.stderr);
  assert.equal(intro[1], t.backend, 'the backend line names the backend the model was trained on');
  assert.match(t.backend, /^(GPU \(CUDA\) via tfjs-node-gpu|native CPU via tfjs-node|WebAssembly \(.+\)|plain JavaScript CPU \(slow\))$/);
  if (!/tfjs-node/.test(t.backend)) assert.match(intro[2] ?? '', /^; native TensorFlow (not installed: see README|skipped: \S)/, 'says why no native backend runs');
  assert.ok(t.seconds > 0);
  assert.equal(t.epochs, t.history.length);
  assert.ok(t.epochs >= 1 && t.epochs <= 4);
  assert.deepEqual(Object.keys(t.best).sort(), ['epoch', 'valAccuracy', 'valLoss']);
  for (const k of ['epoch', 'loss', 'accuracy', 'valLoss', 'valAccuracy', 'lr']) assert.ok(k in t.history[0], `history has ${k}`);
  assert.deepEqual(t.promotion, { madeCurrent: true, reason: 'no model was current before', why: { kind: 'first', asked: false }, previous: null });
  assert.equal(t.validation.n, 4);
  assert.ok(Array.isArray(t.warnings));

  const ev = await runCli(['eval', '--data', FACES, '--home', home, '--json']);
  assert.equal(ev.code, 0, ev.stderr);
  const e = ev.json;
  assert.equal(e.n, 20);
  for (const k of ['accuracy', 'balancedAccuracy', 'loss', 'msPerImage']) assert.equal(typeof e[k], 'number', k);
  assert.equal(e.confusion.happy.happy + e.confusion.happy.sad + e.confusion.sad.happy + e.confusion.sad.sad, 20);
  for (const c of ['happy', 'sad']) for (const k of ['precision', 'recall']) assert.equal(typeof e.perClass[c][k], 'number');
  assert.equal(e.modelId, t.modelId, 'eval uses the model just trained');
  assert.equal(e.features.computed + e.features.cached, 40, 'two views per image, computed or from the cache');
  assert.equal(e.trainedOn, 16, 'the 16 training images');
  assert.equal(e.warnings.length, 1);

  const unknown = await runCli(['eval', '--data', FACES, '--home', home, '--model', '20200101-000000-0000']);
  assert.equal(unknown.code, 1);
  assert.match(unknown.stderr, /no model "20200101-000000-0000"/);

  // a report that cannot be written once the images are judged: the figures are still printed, then why, exit 1
  const file = join(home, 'a-file');
  await writeFile(file, 'x');
  const noReport = await runCli(['eval', '--data', FACES, '--home', home, '--report', join(file, 'reports')]);
  assert.equal(noReport.code, 1);
  assert.match(noReport.stdout, /^accuracy \d/m);
  assert.match(noReport.stderr, /happysad: cannot write the report .*a-file\/reports\/report-.*\.html: part of the path is a file, not a folder/);
});

test('predict: one result per image, bad files in between are reported and do not stop the rest', slow, async () => {
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
  // the counts add up: 5 images judged (2 of them failing), the missing path said apart
  assert.match(r.stderr, /Predicting 5 images with \S+ \(1 path given cannot be judged: its reason is with the results\)/);
  const empty = await tempDir();
  const none = await runCli(['predict', empty, '--home', await tempDir(), '--json']);
  assert.equal(none.code, 1);
  assert.deepEqual(none.json.results, [{ file: empty, error: 'no images in this folder' }]);
  const ok = await runCli(['predict', join(dir, 'a.jpg'), '--home', await tempDir()]);
  assert.equal(ok.code, 0);
  assert.match(ok.stdout, /a\.jpg\t(happy|sad)\t(>99\.9|\d+\.\d) %/);
});

test('Ctrl-C cancels a running train: exit 130, no model saved', slow, async () => {
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

test('SIGTERM (timeout, kill) and SIGHUP cancel as Ctrl-C does: the features computed so far are kept, --json gets its object; exit 128 + the signal', slow, async () => {
  for (const [signal, code] of [['SIGTERM', 143], ['SIGHUP', 129]] as const) {
    const home = await tempDir();
    let sent = false;
    const r = await runCli(['train', '--data', FACES, '--epochs', '500', '--home', home, '--json'], {}, (text, child) => {
      if (!sent && /epoch/.test(text)) {
        sent = true;
        child.kill(signal);
      }
    });
    assert.equal(r.code, code, r.stderr);
    assert.deepEqual(r.json, { error: { code: 'cancelled', message: 'cancelled; nothing was saved' } });
    assert.deepEqual(await readdir(join(home, 'models')).catch(() => []), []);
    assert.ok((await readdir(join(home, 'cache', 'embeddings'))).some((f) => f.endsWith('.bin')), `${signal}: the features computed before it are kept`);
  }
});

test('a reader that goes away (piped into head): no EPIPE crash, nothing more said', async () => {
  // 1,000 copies of one small face, judged once, in a folder with a long name: a line of some 250 bytes each,
  // more than a pipe holds unread (with 60 KB of answer every line was written before the reader left)
  const dir = join(await tempDir(), 'a-folder-with-a-long-name-'.repeat(8));
  await mkdir(dir);
  const one = join(FACES, 'happy', (await readdir(join(FACES, 'happy'))).sort()[0]!);
  for (let i = 0; i < 1000; i++) await copyFile(one, join(dir, `face-${String(i).padStart(4, '0')}.jpg`));
  const child = spawn(process.execPath, [join(ROOT, 'bin', 'happysad.js'), 'predict', dir, '--home', await tempDir()], { cwd: ROOT });
  let stderr = '';
  let got = 0;
  child.stderr.on('data', (d) => (stderr += d));
  child.stdout.on('data', (d: Buffer) => {
    got += d.length;
    child.stdout.destroy(); // as head does after its first lines
  });
  const code = await new Promise<number | null>((r) => child.on('close', r));
  assert.ok(got > 0, "some of the answer was read");
  assert.doesNotMatch(stderr, /EPIPE|Unhandled|internal error/, stderr);
  assert.ok(code === 0 || code === 141, `exit ${code}: ${stderr}`);
  // stderr into the same pipe (2>&1 | head): the progress lines meet the closed pipe too
  if (process.platform !== 'win32') {
    const both = spawnSync('bash', ['-c', `"$0" bin/happysad.js predict "$1" --home "$2" 2>&1 | head -c 100 >/dev/null; echo "exit \${PIPESTATUS[0]}"`, process.execPath, dir, await tempDir()], { cwd: ROOT, encoding: 'utf8' });
    assert.match(both.stdout, /^exit (0|141)\n$/, both.stdout + both.stderr);
  }
});

test('Ctrl-C after the work is done (while its result is printed): the result stands, exit 0, and the CLI says the cancel came too late', async () => {
  const ac = new AbortController();
  const r = await runHere(['predict', join(FACES, 'happy'), '--home', await tempDir()], { signal: ac.signal, onOut: () => ac.abort() });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /\t(happy|sad)\t/);
  assert.match(r.stderr, /too late to cancel: it had already finished, as shown above/);
  const plain = await runHere(['predict', join(FACES, 'happy'), '--home', await tempDir()]);
  assert.doesNotMatch(plain.stderr, /too late/);
});

/** The CLI in this process (the engine still runs in its own worker): stdout and stderr lines apart. */
async function runHere(argv: string[], opts: { env?: NodeJS.ProcessEnv; signal?: AbortSignal; onOut?: () => void } = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const env = { ...process.env, INIT_CWD: ROOT, ...opts.env };
  const code = await run(argv, { out: (l) => (out.push(l), opts.onOut?.()), err: (l) => err.push(l) }, { env, ...(opts.signal && { signal: opts.signal }) });
  return { code, stdout: out.join('\n'), stderr: err.join('\n'), json: argv.includes('--json') ? JSON.parse(out.at(-1) ?? 'null') : undefined };
}

test('an unusable data folder: one sentence naming it, exit 2, nothing computed; --json gets the error as JSON', async () => {
  const root = await tempDir();
  const file = join(root, 'a-file');
  await writeFile(file, 'x');
  const r = await runHere(['train', '--data', FACES, '--home', file]);
  assert.equal(r.code, 2);
  assert.equal(r.stdout, '');
  assert.match(r.stderr, new RegExp(`^happysad: the data folder ${file} cannot be used: it is a file, not a folder\\nChoose another one`));
  assert.doesNotMatch(r.stderr, /Backend|ENOTDIR|EEXIST/, 'fails before the engine starts, in plain words');
  const j = await runHere(['predict', join(FACES, 'happy'), '--home', file, '--json']);
  assert.equal(j.code, 2);
  assert.deepEqual(Object.keys(j.json), ['error']);
  assert.equal(j.json.error.code, 'bad-input');
  assert.match(j.json.error.message, /cannot be used/);
});

test('/proc: fails at once instead of spinning; a read-only data folder still predicts (without caching)', { skip: slow.skip || (!existsSync('/proc/self') && 'no /proc here') }, async () => {
  const r = await runHere(['predict', join(FACES, 'happy'), '--home', '/proc/nohome']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /the data folder \/proc\/nohome cannot be used/);
  const ro = await runHere(['predict', join(FACES, 'sad'), '--home', '/proc', '--json']);
  assert.equal(ro.code, 0, ro.stderr);
  assert.equal(ro.json.results.length, 10);
  assert.match(ro.stderr, /data folder \/proc cannot be written .*results are not cached/);
  const train = await runHere(['train', '--data', FACES, '--home', '/proc']);
  assert.equal(train.code, 2, 'training needs to save a model');
  assert.match(train.stderr, /\/proc cannot be written .*a trained model could not be saved/);
});

test('relative paths are taken from the folder the user ran the command in (INIT_CWD under npm run)', slow, async () => {
  const here = await tempDir();
  const face = (await readdir(join(FACES, 'happy'))).sort()[0]!;
  await copyFile(join(FACES, 'happy', face), join(here, 'mine.jpg'));
  const r = await runHere(['predict', 'mine.jpg', '--home', await tempDir(), '--json'], { env: { INIT_CWD: here } });
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.json.results[0].file, join(here, 'mine.jpg'));
});

test('with --json every run ends in one JSON object on stdout: usage errors, engine errors, cancels', slow, async () => {
  const usageErr = await runHere(['train', '--json']);
  assert.equal(usageErr.code, 2);
  assert.equal(usageErr.json.error.code, 'bad-input');
  const none = await runHere(['--json']);
  assert.equal(none.code, 2);
  assert.ok(none.json.error.message);
  const home = await tempDir();
  const unknown = await runHere(['eval', '--data', FACES, '--home', home, '--model', '20200101-000000-0000', '--json']);
  assert.equal(unknown.code, 1);
  assert.deepEqual(unknown.json, { error: { code: 'not-found', message: `no model "20200101-000000-0000" in ${join(home, 'models')}` } });
  assert.equal(unknown.stderr.split('\n').filter((l) => l.includes('no model')).length, 1, 'said once on stderr');
});

test('an error is printed once in a terminal; a train that skipped files still exits 0 and lists them', slow, async () => {
  const dir = await tempDir();
  const face = (await readdir(join(FACES, 'happy'))).sort()[0]!;
  await copyFile(join(FACES, 'happy', face), join(dir, 'ok.jpg'));
  await writeFile(join(dir, 'broken.jpg'), 'not a jpeg');
  const r = await runHere(['predict', dir, '--home', await tempDir()]);
  assert.equal(r.code, 1, 'a prediction that failed is a missing result');
  assert.equal(`${r.stdout}\n${r.stderr}`.split('broken.jpg').length - 1, 1, `said once:\n${r.stdout}\n${r.stderr}`);

  const data = await tempDir();
  for (const label of ['happy', 'sad']) {
    await mkdir(join(data, label));
    for (const f of (await readdir(join(FACES, label))).sort()) await copyFile(join(FACES, label, f), join(data, label, f));
  }
  await writeFile(join(data, 'happy', 'zz-truncated.jpg'), 'not a jpeg either');
  const t = await runHere(['train', '--data', data, '--epochs', '2', '--home', await tempDir(), '--json']);
  assert.equal(t.code, 0, t.stderr);
  assert.ok(t.json.modelId);
  assert.deepEqual(t.json.failed.map((f: { file: string }) => f.file), [join(data, 'happy', 'zz-truncated.jpg')]);
  // one vocabulary, one count: the unreadable image is skipped in the JSON as in the text, and not counted
  assert.deepEqual(t.json.dataset.skipped, t.json.failed);
  assert.equal(t.json.dataset.train.happy + t.json.dataset.validation.happy, 10);
  const text = await runHere(['train', '--data', data, '--epochs', '2', '--home', await tempDir()]);
  assert.equal(text.stdout.split('\n').filter((l) => l.includes('zz-truncated.jpg')).length, 1, text.stdout);
  assert.match(text.stdout, /^Data: train 8 happy \/ 8 sad, validation 2 happy \/ 2 sad \(split from train\); 1 file skipped\.$/m);
  assert.match(text.stdout, /^Skipped .*zz-truncated\.jpg: not a supported image format$/m);
});

test('train: warnings before training; the output says whether the new model was made current; a worse retrain is not, unless --use', slow, async () => {
  const home = await tempDir();
  const first = await runHere(['train', '--data', FACES, '--epochs', '20', '--seed', '5', '--home', home]);
  assert.equal(first.code, 0, first.stderr);
  const id = /^Model (\S+) saved and made current: no model was current before\.$/m.exec(first.stdout)?.[1];
  assert.ok(id, first.stdout);
  const lines = first.stderr.split('\n');
  const warning = lines.findIndex((l) => l.startsWith('Warning: only 8 happy and 8 sad training images'));
  assert.ok(warning >= 0 && warning < lines.indexOf('Training on 16 images'), first.stderr);

  const worse = await runHere(['retrain', '--data', FACES, '--epochs', '1', '--learning-rate', '1', '--seed', '5', '--home', home, '--json']);
  assert.equal(worse.code, 0, worse.stderr);
  assert.equal(worse.json.promotion.madeCurrent, false);
  assert.equal(worse.json.promotion.previous.modelId, id);
  assert.deepEqual(Object.keys(worse.json.promotion.previous).sort(), ['modelId', 'sadRecall', 'valAccuracy', 'valLoss']);
  assert.equal(worse.json.validation.n, 4);
  assert.equal(typeof worse.json.validation.perClass.sad.recall, 'number');
  assert.ok(worse.json.warnings.length >= 1);
  assert.equal((await runHere(['eval', '--data', FACES, '--home', home, '--json'])).json.modelId, id, 'the better model is still current');

  const text = await runHere(['retrain', '--data', FACES, '--epochs', '1', '--learning-rate', '1', '--seed', '5', '--home', home]);
  assert.match(text.stdout, new RegExp(`^Model \\S+ saved but NOT made current: val acc .* for the current model ${id} on the same 4 validation images \\(make it current with "happysad models use \\S+"\\)\\.$`, 'm'));
  const forced = await runHere(['retrain', '--data', FACES, '--epochs', '1', '--learning-rate', '1', '--seed', '5', '--home', home, '--use', '--json']);
  assert.equal(forced.json.promotion.madeCurrent, true);
  assert.equal((await runHere(['eval', '--data', FACES, '--home', home, '--json'])).json.modelId, forced.json.modelId);
});

test('predict FOLDER says when the images are in subfolders; --recursive takes them', slow, async () => {
  const dir = await tempDir();
  const face = (await readdir(join(FACES, 'happy'))).sort()[0]!;
  await mkdir(join(dir, '2024', 'june'), { recursive: true });
  await mkdir(join(dir, '2023'));
  await copyFile(join(FACES, 'happy', face), join(dir, '2024', 'june', 'a.jpg'));
  await copyFile(join(FACES, 'happy', face), join(dir, '2023', 'b.jpg'));
  const flat = await runHere(['predict', dir, '--home', await tempDir()]);
  assert.equal(flat.code, 1);
  assert.match(flat.stdout, /error: no images directly in this folder; 2 images in subfolders: use --recursive/);
  const deep = await runHere(['predict', dir, '--recursive', '--home', await tempDir(), '--json']);
  assert.equal(deep.code, 0, deep.stderr);
  assert.deepEqual(deep.json.results.map((r: { file: string }) => r.file), [join(dir, '2023', 'b.jpg'), join(dir, '2024', 'june', 'a.jpg')]);
});

test('start-up names the backend in one line; details only with --verbose; --version', slow, async () => {
  const home = await tempDir();
  const quiet = await runHere(['predict', join(FACES, 'happy'), '--home', home]);
  const backendLines = quiet.stderr.split('\n').filter((l) => /^Backend: |^ {2}skipped /.test(l));
  assert.equal(backendLines.length, 1, quiet.stderr);
  const loud = await runHere(['predict', join(FACES, 'happy'), '--home', home, '--verbose']);
  const skipped = loud.stderr.split('\n').filter((l) => /^ {2}skipped /.test(l));
  const host = new EngineHost({ home, assetsDir: ASSETS });
  const info = await host.start().finally(() => host.dispose());
  assert.equal(skipped.length, info.attempts.filter((a) => !a.ok).length, 'every skipped backend, with its reason');
  assert.match(loud.stderr, new RegExp(`Data folder: ${home}`));
  const v = await runHere(['--version']);
  assert.match(v.stdout, /^happysad \d+\.\d+\.\d+$/);
});

test('--backend cpu prints no TensorFlow.js banner', slow, async () => {
  const r = await runCli(['predict', join(FACES, 'happy'), '--home', await tempDir(), '--backend', 'cpu']);
  assert.equal(r.code, 0, r.stderr);
  assert.doesNotMatch(r.stderr + r.stdout, /Hi, looks like you are running TensorFlow\.js/);
  assert.match(r.stderr, /^Backend: .*CPU/m);
});

test('--backend native-cpu: runs on it where it is installed, else says why and how to install it', slow, async () => {
  const r = await runHere(['predict', join(FACES, 'happy'), '--home', await tempDir(), '--backend', 'native-cpu']);
  if (r.code === 0) {
    assert.match(r.stderr, /^Backend: native CPU via tfjs-node/m);
    return;
  }
  assert.equal(r.code, 1);
  assert.match(r.stderr, /^happysad: the native-cpu backend cannot start: @tensorflow\/tfjs-node (is not installed|failed to load: .+)\. Install it with "npm install @tensorflow\/tfjs-node" \(it downloads libtensorflow, so it needs internet\); see README, "GPU and backends"$/m);
  assert.doesNotMatch(r.stderr, /not requested|tfjs-backend-wasm/, 'only the backend that was asked for');
  // for a script: something the user can change, not a fault of the engine
  const j = await runHere(['predict', join(FACES, 'happy'), '--home', await tempDir(), '--backend', 'native-cpu', '--json']);
  assert.equal(j.json.error.code, 'bad-input');
});

test('predict keeps the features it wrote after answering: the next run finds them in the cache, and no lock is left behind', async () => {
  const home = await tempDir();
  const p = await runHere(['predict', join(FACES, 'happy'), '--home', home, '--json']);
  assert.equal(p.code, 0, p.stderr);
  const judged = (p.json.results as unknown[]).length;
  assert.ok(judged > 0);
  const locks = await readdir(join(home, 'locks')).catch(() => [] as string[]);
  assert.deepEqual(locks.filter((n) => n.endsWith('.lock')), [], 'no lock left behind');
  const e = await runHere(['eval', '--data', FACES, '--home', home, '--json']);
  assert.equal(e.code, 0, e.stderr);
  // each happy photo's two views (itself and its mirror) from the cache; the sad ones, new, computed
  assert.equal(e.json.features.cached, judged * 2, JSON.stringify(e.json.features));
  assert.equal(e.json.features.computed, (e.json.n - judged) * 2);
});
