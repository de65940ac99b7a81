/**
 * The bench in miniature (a few fixture images, every section): `npm run bench` is not part of the test suite,
 * so this keeps it from rotting. No figure is judged here: they belong to the bench.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { test } from 'node:test';
import { ROOT } from '../helpers/tmp.js';
import { slow } from '../helpers/slow.js';

test('npm run bench --mini: a table, then one JSON line with every section', slow, async () => {
  const { code, stdout, stderr } = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve, reject) => {
    const p = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'bench', 'run.ts'), '--mini'], { cwd: ROOT });
    let out = '';
    let err = '';
    p.stdout.on('data', (d) => (out += d));
    p.stderr.on('data', (d) => (err = (err + d).slice(-20_000)));
    p.on('error', reject);
    p.on('close', (c) => resolve({ code: c ?? -1, stdout: out, stderr: err }));
  });
  assert.equal(code, 0, stderr.split('\n').filter((l) => !l.startsWith('var Module')).slice(-20).join('\n'));
  const lines = stdout.trim().split('\n');
  assert.match(lines[0]!, /^\| measure +\| value +\| reference \(same run\) +\| ratio +\| target +\|$/);
  for (const row of ['face-api forward, batch 1', 'cold training (wall)', '  second look', '  with the second look', '    decode (busy)', '    network (busy)', 'warm training (wall)', 'notebook pipeline', 'single image, running engine', 'photo with a face (detector + classifier)', 'batch predict', 'happysad predict FILE', 'scale: 40 generated files', '  peak RSS', '  tf numTensors', 'machine']) {
    assert.ok(lines.some((l) => l.startsWith(`| ${row}`)), `a row for ${row}`);
  }
  const json = JSON.parse(lines.at(-1)!);
  for (const k of ['machine', 'backend', 'reference', 'cold', 'warm', 'notebook', 'single', 'photo', 'batch', 'cli', 'scale', 'ratios', 'acceptance', 'steadiness', 'unsure']) assert.ok(k in json, k);
  assert.ok(json.steadiness.photo.runMs > 0 && Array.isArray(json.unsure));
  assert.ok(json.reference.b1MsPerImage > 0 && json.reference.b32MsPerImage > 0);
  assert.equal(json.base, 'face-expression', 'the default base unless --base names another');
  for (const k of ['scan', 'embed', 'head', 'secondLook', 'save', 'read', 'hash', 'decode', 'augment', 'network']) assert.equal(typeof json.cold.timings[k], 'number', k);
  assert.equal(json.cold.embedding.cached, 0, 'cold: nothing from the cache');
  assert.equal(json.warm.timings.network, 0, 'warm: every feature from the cache');
  assert.equal(json.single.runs, 5);
  assert.ok(json.single.referenceB1Ms > 0 && json.single.referenceRounds.length === 1, 'the single-image runs alternate with reference rounds');
  assert.equal(json.photo.runs, 5);
  assert.equal(typeof json.ratios.photo, 'number');
  assert.equal(json.scale.images, 40);
  assert.deepEqual(json.scale.numTensors.after, json.scale.numTensors.afterFirst, 'the engine holds no tensor more after a second training');
  assert.deepEqual(json.scale.numTensors.afterFirst, json.scale.numTensors.before, 'nor after the first here (too few images for a second look: no network loaded)');
  assert.equal(json.scale.numTensors.loaded, 0);
  assert.equal(json.acceptance.scale, json.scale.peakRss <= 1.5 * 2 ** 30, 'the verdict on tensors holds');
  for (const k of ['cold', 'warm', 'valAccuracy', 'modelAccuracy', 'single', 'photo', 'cli', 'scale']) assert.ok(k in json.acceptance, k);
});
