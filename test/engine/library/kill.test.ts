import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import sharp from 'sharp';
import { LibraryStore } from '../../../engine/library/library-store.js';
import { ModelRegistry } from '../../../engine/models/registry.js';
import { createRng } from '../../../engine/random.js';
import { useBestBackend } from '../../helpers/backend.js';
import { libraryProblems } from '../../helpers/library-check.js';
import { slow } from '../../helpers/slow.js';
import { ROOT, tempDir } from '../../helpers/tmp.js';

const CHILD = join(ROOT, 'test', 'helpers', 'library-crash-child.ts');

interface Child {
  proc: ChildProcess;
  ready: Promise<void>;
  running: Promise<void>;
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  stderr: () => string;
}

function spawnChild(home: string, pool: string, seed: number, models: boolean): Child {
  const proc = spawn(process.execPath, ['--import', 'tsx', CHILD, home, pool, String(seed), ...(models ? ['--models'] : [])], { cwd: ROOT, stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  const waitFor = (word: string) =>
    new Promise<void>((resolve, reject) => {
      const check = () => out.split('\n').includes(word) && resolve();
      proc.stdout!.on('data', check);
      proc.on('exit', () => reject(new Error(`the child ended before "${word}": ${err}`)));
    });
  proc.stdout!.on('data', (d) => (out += d));
  proc.stderr!.on('data', (d) => (err += d));
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => proc.on('exit', (code, signal) => resolve({ code, signal })));
  const child = { proc, ready: waitFor('ready'), running: waitFor('running'), exit, stderr: () => err };
  child.ready.catch(() => undefined);
  child.running.catch(() => undefined);
  return child;
}

/**
 * Kills children doing library actions (and, every `modelEvery`-th, model writes) with SIGKILL after random
 * delays, and checks after each kill, on the data folder as the child left it: the library reopens
 * consistent with its folders, each image is where it was before the action in flight or where that action
 * would have put it, and the current model loads.
 */
async function killLoop(kills: number, modelEvery: number, seed: number) {
  await useBestBackend();
  const home = await tempDir();
  const pool = await tempDir();
  for (let i = 0; i < 8; i++) {
    await sharp({ create: { width: 16, height: 16, channels: 3, background: { r: i * 30, g: 255 - i * 30, b: (i * 77) % 256 } } }).png().toFile(join(pool, `face-${i}.png`));
  }
  const rng = createRng(seed);
  const inFlight: Record<string, number> = {};
  let pending = 0;
  let temps = 0;
  let withModels = 0;
  const queue: Child[] = [];
  const next = (i: number) => spawnChild(home, pool, seed * 1000 + i, i % modelEvery === 0);
  let spawned = 0;
  try {
    for (let k = 0; k < kills; k++) {
      // the next children load while this one works: their start-up (TensorFlow.js for model writes) is the slow part
      while (queue.length < 2 && spawned < kills) queue.push(next(spawned++));
      const child = queue.shift()!;
      await child.ready;
      child.proc.stdin!.write('go\n');
      await child.running;
      await new Promise((r) => setTimeout(r, 5 + rng() * 250));
      child.proc.kill('SIGKILL');
      const { signal } = await child.exit;
      assert.equal(signal, 'SIGKILL', `child ${k} ended by itself: ${child.stderr()}`);
      if (k % modelEvery === 0) withModels++;

      // what the kill left, before anything repairs it
      const text = await readFile(join(home, 'library', 'index.json'), 'utf8').catch(() => '{"pending":null}');
      let raw: { pending: unknown };
      try {
        raw = JSON.parse(text) as { pending: unknown };
      } catch {
        assert.fail(`after kill ${k}: index.json is half written (${text.length} characters)`);
      }
      if (raw.pending) pending++;
      for (const d of ['happy_predicted', 'sad_predicted']) if ((await readdir(join(home, 'library', d)).catch(() => [])).some((n) => n.startsWith('.saving-'))) temps++;
      const expected = JSON.parse(await readFile(join(home, 'expect.json'), 'utf8').catch(() => '{"op":"start","before":{},"after":{}}')) as { op: string; before: Record<string, string>; after: Record<string, string> };
      inFlight[expected.op] = (inFlight[expected.op] ?? 0) + 1;

      // the dead child's locks would go stale after 10 s; it is dead, so they are removed at once
      await rm(join(home, 'locks'), { recursive: true, force: true });
      const now = Object.fromEntries((await new LibraryStore(home).items()).map((i) => [i.id, `${i.label} ${i.review} ${i.source} ${i.predicted}`]));
      assert.deepEqual(await libraryProblems(home), [], `after kill ${k} during "${expected.op}"`);
      for (const id of new Set([...Object.keys(now), ...Object.keys(expected.before), ...Object.keys(expected.after)])) {
        assert.ok(now[id] === expected.before[id] || now[id] === expected.after[id], `after kill ${k} during "${expected.op}": ${id.slice(0, 8)} is ${now[id]}, not ${expected.before[id]} or ${expected.after[id]}`);
      }
      const registry = new ModelRegistry(home);
      const current = await registry.currentId();
      if (current) (await registry.load(current)).head.dispose();
      for (const name of (await readdir(join(home, 'models')).catch(() => [])).filter((n) => /^\d{8}-\d{6}-[0-9a-f]{4}$/.test(n))) {
        (await registry.load(name)).head.dispose(); // every version folder is whole
      }
    }
  } finally {
    for (const c of queue) c.proc.kill('SIGKILL');
  }
  const models = (await readdir(join(home, 'models')).catch(() => [])).filter((n) => !n.startsWith('.') && n !== 'current.json').length;
  return { inFlight, pending, temps, withModels, models, items: (await new LibraryStore(home).items()).length };
}

test('kill -9 during library actions and model writes: a few kills', async (t) => {
  const r = await killLoop(6, 3, 7);
  t.diagnostic(JSON.stringify(r));
});

test('[slow] kill -9 at random points during save, correct, delete, undo and model writes, 60 times: consistent library, loadable current model, every time', slow, async (t) => {
  const r = await killLoop(60, 3, 11);
  t.diagnostic(JSON.stringify(r));
  assert.ok(r.withModels >= 20 && (r.inFlight.model ?? 0) > 0, 'some kills landed during model writes');
  assert.ok((r.inFlight.save ?? 0) > 0 && (r.inFlight.correct ?? 0) > 0, 'some during saves and corrections');
  assert.ok(r.pending + r.temps > 0, 'some kills left an action half done');
});
