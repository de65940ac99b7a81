/**
 * A child process for the SIGKILL test (test/engine/library/kill.test.ts): it waits for "go" on stdin, then
 * saves, confirms, corrects, deletes and undoes library images, and (with --models) writes model versions, in
 * a tight loop until it is killed. Before each library action it writes expect.json (atomically): each
 * image's label, review state, source and prediction (or its absence) before and after the action, so the parent can check that after the kill every
 * image is in one of those two places.
 *
 * argv: HOME POOL_DIR SEED [--models]
 */
import { readFileSync, readdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LibraryItem } from '../../common/library-types.js';
import { LibraryStore } from '../../engine/library/library-store.js';
import { contentHash } from '../../engine/samples.js';
import { createRng } from '../../engine/random.js';

const [home, poolDir, seedArg] = process.argv.slice(2) as [string, string, string];
const withModels = process.argv.includes('--models');
const rng = createRng(Number(seedArg));
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rng() * xs.length)]!;
const pool = readdirSync(poolDir)
  .sort()
  .map((n) => join(poolDir, n));
const hashes = new Map(pool.map((f) => [f, contentHash(readFileSync(f))]));

/** per image: "label review source predicted" */
type Labels = Record<string, string>;
const tuple = (label: string, review: string, source: string, predicted: string | null) => `${label} ${review} ${source} ${predicted}`;
const reviewed = (predicted: string | null, label: string) => (predicted === null || predicted === label ? 'confirmed' : 'corrected');
function expect(before: Labels, after: Labels, op: string): void {
  const tmp = join(home, 'expect.json.tmp');
  writeFileSync(tmp, JSON.stringify({ op, before, after }));
  renameSync(tmp, join(home, 'expect.json'));
}

// model writes need TensorFlow.js, which takes a while to load: only in the children that do them
const models = withModels ? await import('./library-crash-models.js') : null;

await new Promise<void>((resolve) => {
  process.stdout.write('ready\n');
  process.stdin.once('data', () => resolve());
});

const lib = new LibraryStore(home);
const items = new Map<string, LibraryItem>();
const state = async (): Promise<Labels> => {
  items.clear();
  for (const i of await lib.items()) items.set(i.id, i);
  return Object.fromEntries([...items.values()].map((i) => [i.id, tuple(i.label, i.review, i.source, i.predicted)]));
};
await state(); // recovery of what the previous child left
process.stdout.write('running\n');

for (;;) {
  const before = await state();
  const ids = Object.keys(before);
  // with --models, half the actions are model writes, so that kills land in them too
  if (models && rng() < 0.5) {
    expect(before, before, 'model');
    await models.writeModel(home, rng);
    continue;
  }
  const roll = rng();
  const some = () => [...new Set(Array.from({ length: 1 + Math.floor(rng() * 3) }, () => pick(ids)))];
  if (roll < 0.45 || ids.length < 3) {
    const files = Array.from({ length: 1 + Math.floor(rng() * 3) }, () => pick(pool));
    const label = rng() < 0.5 ? 'happy' : 'sad';
    const after = { ...before };
    for (const f of files) after[hashes.get(f)!] ??= tuple(label, 'unreviewed', 'prediction', label);
    expect(before, after, 'save');
    await lib.save(files.map((file) => ({ file, predicted: label, confidence: 0.5 + rng() / 2, modelId: 'zero-shot' })));
  } else if (roll < 0.7) {
    const chosen = some();
    const after = { ...before };
    for (const id of chosen) {
      const i = items.get(id)!;
      const to = i.label === 'happy' ? 'sad' : 'happy';
      after[id] = tuple(to, reviewed(i.predicted, to), i.source, i.predicted);
    }
    expect(before, after, 'correct');
    await lib.review({ ids: chosen, action: 'correct' });
  } else if (roll < 0.8) {
    const chosen = some();
    const after = { ...before };
    for (const id of chosen) {
      const i = items.get(id)!;
      after[id] = tuple(i.label, reviewed(i.predicted, i.label), i.source, i.predicted);
    }
    expect(before, after, 'confirm');
    await lib.review({ ids: chosen, action: 'confirm' });
  } else if (roll < 0.9) {
    const chosen = some();
    const after = { ...before };
    for (const id of chosen) delete after[id];
    expect(before, after, 'delete');
    await lib.review({ ids: chosen, action: 'delete' });
  } else {
    // what undo restores is what the index's last action found before it
    const after = { ...before };
    if ((await lib.list()).undo) {
      type Rec = { label: string; review: string; source: string; predicted: string | null };
      const index = JSON.parse(readFileSync(join(home, 'library', 'index.json'), 'utf8')) as { last: { steps: Array<{ id: string; before: Rec | null }> } };
      for (const s of index.last.steps) {
        if (s.before) after[s.id] = tuple(s.before.label, s.before.review, s.before.source, s.before.predicted);
        else delete after[s.id];
      }
    }
    expect(before, after, 'undo');
    await lib.undo();
  }
}
