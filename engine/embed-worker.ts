/**
 * Entry of an embedding worker: a helper thread of the engine worker that loads one frozen base on the wasm
 * backend and embeds the batches of views it is sent (features/embed-pool.ts). It holds no state besides the
 * base: the engine worker owns the cache, the head and every file.
 */
import { parentPort, workerData } from 'node:worker_threads';
import * as tf from './tf.js';
import type { BaseRecipe, FrozenBase, NetworkId } from './bases/base.js';
import type { EmbedWorkerData, FromEmbedWorker, ToEmbedWorker } from './features/embed-pool.js';
import { embedViews } from './features/embed-views.js';

const port = parentPort;
if (!port) throw new Error('embed-worker.ts must run in a worker thread');
const send = (m: FromEmbedWorker, transfer: ArrayBuffer[] = []) => port.postMessage(m, transfer);

async function loadBase(recipe: BaseRecipe): Promise<FrozenBase<NetworkId>> {
  if (recipe.kind === 'face-expression') return (await import('./bases/face-expression.js')).loadFaceExpressionBase(recipe.dir);
  if (recipe.kind === 'emotion') return (await import('./bases/emotion.js')).loadEmotionBase(recipe.dir);
  if (recipe.kind === 'face-expression-emotion') return (await import('./bases/face-expression-emotion.js')).loadFaceExpressionEmotionBase(recipe.dir);
  return (await import('./bases/mobilenet-v2.js')).loadMobileNetBase(recipe.dir);
}

try {
  const { recipe } = workerData as EmbedWorkerData;
  tf.loadWasmBackend();
  tf.enableProdMode();
  if (!(await tf.setBackend('wasm'))) throw new Error('the wasm backend did not initialise');
  const own = await loadBase(recipe);
  // another base, when the pool is lent to another store (EmbedPool.lend): loaded on its first batch, then kept
  const others = new Map<string, Promise<FrozenBase<NetworkId>>>();
  const baseFor = (r: BaseRecipe): FrozenBase<NetworkId> | Promise<FrozenBase<NetworkId>> => {
    if (r.kind === recipe.kind && r.dir === recipe.dir) return own;
    const key = `${r.kind}\n${r.dir}`;
    let p = others.get(key);
    if (!p) {
      p = loadBase(r);
      others.set(key, p);
      p.catch(() => others.delete(key));
    }
    return p;
  };
  port.on('message', async (msg: ToEmbedWorker) => {
    try {
      const base = msg.recipe ? await baseFor(msg.recipe) : own;
      const images = msg.images.map((data) => ({ size: msg.size, data }));
      const result = embedViews(base, images, msg.jobs);
      send({ type: 'done', id: msg.id, ...result }, [result.vectors.buffer as ArrayBuffer]);
    } catch (err) {
      send({ type: 'failed', id: msg.id, message: (err as Error).message });
    }
  });
  send({ type: 'ready' });
} catch (err) {
  send({ type: 'fatal', message: (err as Error).message });
}
