import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from './atomic-fs.js';

const MAGIC = 0x43455348; // "HSEC"
const VERSION = 1;
const KEY_BYTES = 20;

/**
 * Feature vectors of a frozen base, keyed by image content hash + view (augmentation) key. One file per base
 * fingerprint, so new weights never meet old vectors. Loaded whole and rewritten atomically on flush.
 */
export class EmbeddingCache {
  private readonly entries = new Map<string, Float32Array>();
  private dirty = false;
  hits = 0;
  misses = 0;

  private constructor(
    readonly file: string | null,
    readonly dim: number,
  ) {}

  /** `dir` null: an in-memory cache that is never written. */
  static async open(dir: string | null, baseId: string, fingerprint: string, dim: number): Promise<EmbeddingCache> {
    const cache = new EmbeddingCache(dir ? join(dir, `${baseId}-${fingerprint}.bin`) : null, dim);
    if (cache.file) await cache.load(cache.file);
    return cache;
  }

  static key(contentHash: string, viewKey: string): string {
    return createHash('sha1').update(`${contentHash}|${viewKey}`).digest('hex');
  }

  get size(): number {
    return this.entries.size;
  }

  get(key: string): Float32Array | undefined {
    const v = this.entries.get(key);
    if (v) this.hits++;
    else this.misses++;
    return v;
  }

  set(key: string, vector: Float32Array): void {
    if (vector.length !== this.dim) throw new Error(`embedding has ${vector.length} values, expected ${this.dim}`);
    this.entries.set(key, vector);
    this.dirty = true;
  }

  async flush(): Promise<void> {
    if (!this.file || !this.dirty) return;
    const recordBytes = KEY_BYTES + this.dim * 4;
    const buf = Buffer.alloc(12 + this.entries.size * recordBytes);
    buf.writeUInt32LE(MAGIC, 0);
    buf.writeUInt32LE(VERSION, 4);
    buf.writeUInt32LE(this.dim, 8);
    let o = 12;
    for (const [key, vec] of this.entries) {
      buf.write(key, o, KEY_BYTES, 'hex');
      Buffer.from(vec.buffer, vec.byteOffset, vec.byteLength).copy(buf, o + KEY_BYTES);
      o += recordBytes;
    }
    await writeFileAtomic(this.file, buf);
    this.dirty = false;
  }

  /** A missing, foreign or damaged file is an empty cache: vectors are recomputed, never trusted blindly. */
  private async load(file: string): Promise<void> {
    let buf: Buffer;
    try {
      buf = await readFile(file);
    } catch {
      return;
    }
    const recordBytes = KEY_BYTES + this.dim * 4;
    if (buf.length < 12 || buf.readUInt32LE(0) !== MAGIC || buf.readUInt32LE(4) !== VERSION || buf.readUInt32LE(8) !== this.dim) return;
    if ((buf.length - 12) % recordBytes !== 0) return;
    for (let o = 12; o < buf.length; o += recordBytes) {
      const key = buf.toString('hex', o, o + KEY_BYTES);
      const vec = new Float32Array(this.dim);
      Buffer.from(vec.buffer).set(buf.subarray(o + KEY_BYTES, o + recordBytes));
      this.entries.set(key, vec);
    }
  }
}
