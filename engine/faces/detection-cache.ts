/**
 * The faces found in each image, by content hash, for one detector version and crop settings: with it a
 * retraining or a second prediction knows an image's faces, and so the cache keys of their features, without
 * decoding the image or running the detector again. One JSON file per version under cache/faces/, written
 * whole (temporary file, then rename) and merged with what another process wrote meanwhile.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../atomic-fs.js';
import type { Box, Detection } from './face-crops.js';

type Entry = [width: number, height: number, ...boxes: number[]];

export class DetectionCache {
  private readonly entries = new Map<string, Detection>();
  private dirty = new Set<string>();

  private constructor(private readonly file: string | null) {}

  /** `dir` null: in memory only. `lock` wraps the read-merge-write of the file. */
  static async open(dir: string | null, version: string, lock?: <T>(fn: () => Promise<T>) => Promise<T>): Promise<DetectionCache> {
    const cache = new DetectionCache(dir ? join(dir, `${version}.json`) : null);
    cache.lock = lock ?? ((fn) => fn());
    await cache.load();
    return cache;
  }

  private lock: <T>(fn: () => Promise<T>) => Promise<T> = (fn) => fn();

  get(hash: string): Detection | undefined {
    return this.entries.get(hash);
  }

  set(hash: string, d: Detection): void {
    this.entries.set(hash, d);
    this.dirty.add(hash);
  }

  /** Writes what was added since the last flush (a file that cannot be written only costs detecting again). */
  async flush(): Promise<void> {
    if (!this.file || this.dirty.size === 0) return;
    const file = this.file;
    const mine = this.dirty;
    this.dirty = new Set();
    try {
      await this.lock(async () => {
        await this.load(); // what others wrote meanwhile
        const out: Record<string, Entry> = {};
        for (const [hash, d] of this.entries) out[hash] = [d.width, d.height, ...d.faces.flatMap((b) => [b.x, b.y, b.width, b.height])];
        await writeFileAtomic(file, JSON.stringify(out));
      });
    } catch {
      for (const h of mine) this.dirty.add(h);
    }
  }

  private async load(): Promise<void> {
    if (!this.file) return;
    let raw: string;
    try {
      raw = await readFile(this.file, 'utf8');
    } catch {
      return; // none yet
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw);
    } catch {
      return; // damaged: rewritten whole at the next flush
    }
    if (!parsed || typeof parsed !== 'object') return;
    for (const [hash, e] of Object.entries(parsed as Record<string, unknown>)) {
      if (this.entries.has(hash) || !Array.isArray(e) || e.length < 2 || (e.length - 2) % 4 !== 0 || !e.every((v) => typeof v === 'number' && Number.isFinite(v))) continue;
      const faces: Box[] = [];
      for (let i = 2; i < e.length; i += 4) faces.push({ x: e[i] as number, y: e[i + 1] as number, width: e[i + 2] as number, height: e[i + 3] as number });
      this.entries.set(hash, { width: e[0] as number, height: e[1] as number, faces });
    }
  }
}
