/**
 * The scale check: a dataset of many generated image files (resized, rotated, mirrored, re-encoded copies of
 * the shared images, so that every file has its own content), trained on by a fresh engine in a child process
 * of its own, so that its peak resident memory is the training's alone.
 */
import { spawn } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { createRng } from '../engine/random.js';

export interface ScaleSource {
  train: ReadonlyArray<{ file: string; happy: boolean }>;
  validation: ReadonlyArray<{ file: string; happy: boolean }>;
}

/** Writes `count` images (90 % train, 10 % validation, classes balanced) into `dir`; returns the seconds it took. */
export async function generateDataset(source: ScaleSource, dir: string, count: number, seed = 7): Promise<number> {
  const t0 = performance.now();
  const rng = createRng(seed);
  const jobs: Array<{ from: string; to: string; size: number; angle: number; flip: boolean; quality: number }> = [];
  const nVal = Math.max(2, Math.round(count * 0.1));
  for (const [split, n, pool] of [['train', count - nVal, source.train], ['validation', nVal, source.validation]] as const) {
    for (const label of ['happy', 'sad'] as const) {
      const from = pool.filter((s) => s.happy === (label === 'happy'));
      const folder = join(dir, split, label);
      await mkdir(folder, { recursive: true });
      const half = label === 'happy' ? Math.ceil(n / 2) : Math.floor(n / 2);
      for (let i = 0; i < half; i++) {
        jobs.push({
          from: from[i % from.length]!.file,
          to: join(folder, `g${String(i).padStart(6, '0')}.jpg`),
          size: 40 + Math.floor(rng() * 80),
          angle: Math.round((rng() * 2 - 1) * 12),
          flip: rng() < 0.5,
          quality: 70 + Math.floor(rng() * 26),
        });
      }
    }
  }
  let next = 0;
  const worker = async () => {
    while (next < jobs.length) {
      const j = jobs[next++]!;
      let img = sharp(j.from).rotate(j.angle, { background: { r: 0, g: 0, b: 0 } }).resize(j.size, j.size, { fit: 'cover' });
      if (j.flip) img = img.flop();
      await img.jpeg({ quality: j.quality }).toFile(j.to);
    }
  };
  await Promise.all(Array.from({ length: availableParallelism() * 2 }, worker));
  return (performance.now() - t0) / 1000;
}

export interface ScaleRun {
  images: number;
  seconds: number;
  epochs: number;
  valAccuracy: number | null;
  /** peak resident memory of the training process, in bytes */
  peakRss: number;
  /**
   * the engine's tensors before the training, after it, after a second training (every feature cached), and
   * after one more prediction; `loaded`: those of the networks the first training loads and keeps (a second
   * look's emotion network, counted alone)
   */
  numTensors: { before: number; afterFirst: number; after: number; afterPredict: number; loaded: number };
  views: number;
  cacheBytes: number;
  timings: unknown;
}

/** Trains on `dir` in a child process (bench/scale-child.ts) and returns what it measured. */
export function trainInChild(dir: string, home: string): Promise<ScaleRun> {
  const child = fileURLToPath(new URL('./scale-child.ts', import.meta.url));
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, ['--import', 'tsx', child, dir, home], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    p.stdout.on('data', (d) => (out += d));
    p.stderr.on('data', (d) => (err = (err + d).slice(-4000)));
    p.on('error', reject);
    p.on('close', (code) => {
      const last = out.trim().split('\n').pop() ?? '';
      if (code !== 0) return reject(new Error(`scale child exited with ${code}: ${err.split('\n').filter((l) => /error/i.test(l)).slice(0, 3).join(' | ').slice(0, 600)}`));
      try {
        resolve(JSON.parse(last) as ScaleRun);
      } catch {
        reject(new Error(`scale child printed no result: ${last.slice(0, 200)}`));
      }
    });
  });
}
