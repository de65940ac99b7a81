/**
 * Child process of the scale check (bench/scale.ts): a fresh engine in this thread (its embedding workers
 * beside it), one prediction so that the base and its tensors are loaded, then the training, and once more
 * from the cache; prints one JSON line with the time, the peak resident memory and the tensor counts.
 */
import { existsSync } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';

// the compiled engine when built (as the app and the CLI run it), else the source
const built = new URL('../out/engine/', import.meta.url);
const from = existsSync(new URL('engine.js', built)) ? built : new URL('../engine/', import.meta.url);
const { Engine } = (await import(new URL('engine.js', from).href)) as typeof import('../engine/engine.js');
const tf = (await import(new URL('tf.js', from).href)) as typeof import('../engine/tf.js');
const { assetsDir } = (await import(new URL('paths.js', from).href)) as typeof import('../engine/paths.js');

const { loadEmotionBase } = (await import(new URL('bases/emotion.js', from).href)) as typeof import('../engine/bases/emotion.js');

const [dir, home] = process.argv.slice(2) as [string, string];
const engine = await Engine.create({ home, assetsDir: assetsDir() });
// the tensors of the emotion network, which a training with a second look loads and keeps: counted alone
const bare = tf.memory().numTensors;
const emotion = await loadEmotionBase(join(assetsDir(), 'models', 'emotion'));
const emotionTensors = tf.memory().numTensors - bare;
emotion.dispose();
const someImage = join(dir, 'validation', 'happy', (await readdir(join(dir, 'validation', 'happy')))[0]!);
await engine.predict({ inputs: [someImage] });
const before = tf.memory().numTensors;
const t0 = performance.now();
const r = await engine.train({ data: dir });
const seconds = (performance.now() - t0) / 1000;
// the first training may load a network it keeps (a second look's emotion network); a second one, every
// feature cached, and a prediction must hold no tensor more
const afterFirst = tf.memory().numTensors;
const loaded = r.secondLook ? emotionTensors : 0;
await engine.train({ data: dir });
const after = tf.memory().numTensors;
await engine.predict({ inputs: [someImage] });
const afterPredict = tf.memory().numTensors;
const cacheDir = join(home, 'cache', 'embeddings');
let cacheBytes = 0;
for (const f of await readdir(cacheDir)) cacheBytes += (await stat(join(cacheDir, f))).size;
process.stdout.write(
  JSON.stringify({
    images: r.dataset.train.happy + r.dataset.train.sad + r.dataset.validation.happy + r.dataset.validation.sad,
    seconds,
    epochs: r.epochs,
    valAccuracy: r.best.valAccuracy,
    peakRss: process.resourceUsage().maxRSS * 1024,
    numTensors: { before, afterFirst, after, afterPredict, loaded },
    views: r.embedding.views,
    cacheBytes,
    timings: r.timings,
  }) + '\n',
);
process.exit(0);
