import assert from 'node:assert/strict';
import { copyFile, mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { localTime } from '../../cli/format.js';
import { run } from '../../cli/happysad.js';
import { resolveImages } from '../../cli/library-commands.js';
import type { LibraryItem } from '../../common/library-types.js';
import { FACES, ROOT, tempDir } from '../helpers/tmp.js';
import { slow } from '../helpers/slow.js';

async function cli(argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await run(argv, { out: (l) => out.push(l), err: (l) => err.push(l) }, { env: { ...process.env, INIT_CWD: ROOT } });
  return { code, stdout: out.join('\n'), stderr: err.join('\n'), json: argv.includes('--json') ? JSON.parse(out.at(-1) ?? 'null') : undefined };
}

test('predict --save, library list/confirm/correct/undo/delete, retrain --library, models list/use/delete', slow, async () => {
  const home = await tempDir();
  const data = join(await tempDir(), 'faces');
  const photos = await tempDir();
  const truth = new Map<string, string>();
  for (const label of ['happy', 'sad']) {
    const names = (await readdir(join(FACES, label))).sort();
    await mkdir(join(data, label), { recursive: true });
    for (const n of names.slice(0, 6)) await copyFile(join(FACES, label, n), join(data, label, n));
    for (const n of names.slice(6)) {
      await copyFile(join(FACES, label, n), join(photos, n));
      truth.set(join(photos, n), label);
    }
  }
  const first = await cli(['train', '--data', data, '--epochs', '3', '--home', home, '--json']);
  assert.equal(first.code, 0, first.stderr);

  const saved = await cli(['predict', photos, '--save', '--home', home, '--json']);
  assert.equal(saved.code, 0, saved.stderr);
  assert.deepEqual(saved.json.library, { saved: 8, seenBefore: 0, failed: [] });
  assert.match(saved.stderr, /Saved to the library: 8 new, 0 seen before\./);
  const results = saved.json.results as Array<{ file: string; label: string; saved: { id: string } }>;
  assert.ok(results.every((r) => /^[0-9a-f]{64}$/.test(r.saved.id)));

  const list = await cli(['library', 'list', '--home', home, '--json']);
  assert.equal(list.json.total, 8);
  const text = await cli(['library', 'list', '--home', home, '--sort', 'least-sure', '--limit', '2']);
  assert.match(text.stdout, /^Library .*: 8 images \(\d happy, \d sad; 8 unreviewed, 0 confirmed, 0 corrected\)\n[0-9a-f]{12} {2}(happy|sad) +unreviewed .*\n.*\n\.\.\. 6 more images/);

  // confirm the right ones by id prefix, correct the wrong ones by the path they were saved from
  const right = results.filter((r) => truth.get(r.file) === r.label);
  const wrong = results.filter((r) => truth.get(r.file) !== r.label);
  if (right.length) {
    const c = await cli(['library', 'confirm', ...right.map((r) => r.saved.id.slice(0, 10)), '--home', home, '--json']);
    assert.equal(c.code, 0, c.stderr);
    assert.ok((c.json.items as LibraryItem[]).every((i) => i.review === 'confirmed'));
  }
  if (wrong.length) {
    const c = await cli(['library', 'correct', ...wrong.map((r) => r.file), '--home', home, '--json']);
    assert.equal(c.code, 0, c.stderr);
    for (const i of c.json.items as LibraryItem[]) {
      assert.equal(i.review, 'corrected');
      assert.equal(i.label, truth.get(i.originalPath!));
      assert.ok((await readdir(join(home, 'library', `${i.label}_predicted`))).includes(i.storedName), 'moved to the folder of its new label');
    }
  }
  const undo = await cli(['library', 'undo', '--home', home]);
  assert.match(undo.stdout, /^(Undid the last (confirm|correct) \(\d images?\)\.|Nothing to undo\.)$/);
  assert.equal((await cli(['library', 'correct', 'abcdef', '--label', 'x', '--home', home])).code, 2, 'a bad --label is a usage error');
  if (wrong.length) await cli(['library', 'correct', ...wrong.map((r) => r.saved.id), '--home', home]);
  else await cli(['library', 'confirm', ...right.map((r) => r.saved.id), '--home', home]);

  const none = await cli(['library', 'delete', 'deadbeef00', '--home', home, '--json']);
  assert.equal(none.code, 1);
  assert.match(none.json.error.message, /no image "deadbeef00" in the library/);

  const dry = await cli(['retrain', '--library', '--dry-run', '--home', home, '--json']);
  assert.equal(dry.code, 0, dry.stderr);
  assert.equal(dry.json.fromModel, first.json.modelId);
  assert.equal(dry.json.library.used.confirmed + dry.json.library.used.corrected, 8);
  const retrain = await cli(['retrain', '--library', '--epochs', '2', '--home', home, '--json']);
  assert.equal(retrain.code, 0, retrain.stderr);
  assert.match(retrain.stderr, /Retrain from model \S+ \(face-expression\) with:\n {2}training data .*: train 5 happy \/ 5 sad, validation 1 happy \/ 1 sad\n {2}library: /);
  assert.equal(retrain.json.preview.fingerprint, dry.json.fingerprint, 'trained on what the dry run announced');
  assert.equal(typeof retrain.json.promotion.madeCurrent, 'boolean');
  assert.ok(retrain.json.promotion.reason);

  const models = await cli(['models', 'list', '--home', home, '--json']);
  assert.equal(models.json.models.length, 2);
  const listed = await cli(['models', 'list', '--home', home]);
  assert.match(listed.stdout, new RegExp(`^\\* ${retrain.json.promotion.madeCurrent ? retrain.json.modelId : first.json.modelId} `, 'm'));
  // a model retrained with the library (its figures and library counts in meta.json) imports into another data folder
  const elsewhere = await tempDir();
  const carried = await cli(['models', 'import', join(home, 'models', retrain.json.modelId), '--home', elsewhere, '--json']);
  assert.deepEqual(carried.json, { id: retrain.json.modelId, added: true, madeCurrent: false }, carried.stderr);
  // current.json damaged: the list marks none and says why (stderr; in the JSON as currentProblem)
  const currentFile = join(home, 'models', 'current.json');
  const keptCurrent = await readFile(currentFile);
  await writeFile(currentFile, '{"id": ');
  const damaged = await cli(['models', 'list', '--home', home]);
  assert.doesNotMatch(damaged.stdout, /^\* /m, 'none marked current');
  assert.ok(damaged.stderr.split('\n').includes(`happysad: ${currentFile} is damaged and names no model: the built-in model judges until another is made current`), damaged.stderr);
  assert.match((await cli(['models', 'list', '--home', home, '--json'])).json.currentProblem, /current\.json is damaged/);
  // and a prediction with the current model says it too (stdout stays the results)
  const judged = await cli(['predict', join(FACES, 'happy'), '--home', home, '--json']);
  assert.equal(judged.json.modelId, 'zero-shot');
  assert.match(judged.stderr, /current\.json is damaged and names no model: the built-in model judges until another is made current/);
  assert.doesNotMatch((await cli(['predict', join(FACES, 'happy'), '--model', 'zero-shot', '--home', home])).stderr, /damaged/, 'not when the built-in model was asked for');
  // naming a model whose folder was removed by hand: said which file names it, and where it is missing from
  await writeFile(currentFile, JSON.stringify({ id: '20200101-000000-abcd' }));
  const gone = await cli(['models', 'list', '--home', home]);
  assert.ok(gone.stderr.includes(`happysad: ${currentFile} names model "20200101-000000-abcd", which is not in ${join(home, 'models')} (removed by hand?)`), gone.stderr);
  await writeFile(currentFile, keptCurrent);
  const use = await cli(['models', 'use', first.json.modelId, '--home', home]);
  assert.equal(use.stdout, `Model ${first.json.modelId} is now the current model.`);
  const refused = await cli(['models', 'delete', first.json.modelId, '--home', home, '--json']);
  assert.equal(refused.code, 1);
  assert.match(refused.json.error.message, /is the current model/);
  const deleted = await cli(['models', 'delete', retrain.json.modelId, '--home', home, '--json']);
  assert.deepEqual(deleted.json, { deleted: retrain.json.modelId });

  // into another data folder: imported, not current; again with --use: nothing copied, made current
  const other = await tempDir();
  const imported = await cli(['models', 'import', join(home, 'models', first.json.modelId), '--home', other]);
  assert.equal(imported.stdout, `Imported model ${first.json.modelId}; make it current with "happysad models use ${first.json.modelId}".`, imported.stderr);
  const again = await cli(['models', 'import', join(home, 'models', first.json.modelId), '--use', '--home', other, '--json']);
  assert.deepEqual(again.json, { id: first.json.modelId, added: false, madeCurrent: true });
  // marked as imported, with the day it came in (a model trained here is not: listed above)
  const importedAt = (await cli(['models', 'list', '--home', other, '--json'])).json.models[0].importedAt as string;
  assert.ok(Date.now() - Date.parse(importedAt) < 10 * 60_000, importedAt);
  assert.match((await cli(['models', 'list', '--home', other])).stdout, new RegExp(`^\\* ${first.json.modelId} .*  current, imported ${localTime(importedAt, true)}$`, 'm'));
  assert.doesNotMatch(listed.stdout, /imported/);
  const notModel = await cli(['models', 'import', home, '--home', other, '--json']);
  assert.equal(notModel.code, 1);
  assert.match(notModel.json.error.message, /: no model here \(choose the folder Export Model made/);
});

test('library images named on the command line: id, unique prefix, stored file, original path, file name', async () => {
  const item = (id: string, file: string, originalPath: string | null) => ({ id, file, originalPath }) as LibraryItem;
  const items = [item('ab'.repeat(32), '/h/library/happy_predicted/a.jpg', '/photos/a.jpg'), item('ac'.repeat(32), '/h/library/sad_predicted/b.jpg', null)];
  assert.deepEqual(resolveImages(['ababab', '/h/library/sad_predicted/b.jpg', '/photos/a.jpg', 'b.jpg'], items), [items[0]!.id, items[1]!.id, items[0]!.id, items[1]!.id]);
  assert.throws(() => resolveImages(['a'.repeat(6)], items), /no image/);
  // under 6 characters an id prefix is read as a file name (the CLI makes it a path); with no such file, say why
  assert.throws(() => resolveImages(['/nowhere/abc'], items), /^EngineError: "abc" is too short for an image id: give at least its first 6 characters/);
  const dir = await tempDir();
  await writeFile(join(dir, 'abc'), 'not in the library');
  assert.throws(() => resolveImages([join(dir, 'abc')], items), /no image ".*abc" in the library/, 'a file that exists is a file');
  assert.throws(() => resolveImages(['acacac'], [...items, item('acacac' + '0'.repeat(58), '/x.jpg', null)]), /names 2 images/);
});
