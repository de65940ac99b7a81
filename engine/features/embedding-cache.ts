import { createHash } from 'node:crypto';
import { appendFile, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../atomic-fs.js';

const MAGIC = 0x43455348; // "HSEC"
const VERSION = 1;
const KEY_BYTES = 20;

type WriteLock = <T>(fn: () => Promise<T>) => Promise<T>;

/**
 * Feature vectors of a frozen base, keyed by image content hash + view (augmentation) key. One file per base
 * fingerprint, so new weights never meet old vectors. A header, then fixed-size records: flush appends only
 * the new ones (one prediction must not rewrite megabytes), and a record cut short by a crash is ignored
 * on the next load.
 */
export class EmbeddingCache {
  private readonly entries = new Map<string, Float32Array>();
  private unsaved: string[] = [];
  private fileValid = false;

  private constructor(
    readonly file: string | null,
    readonly dim: number,
    private readonly lock: WriteLock,
  ) {}

  /**
   * `dir` null: an in-memory cache that is never written. `lock` wraps every write, so that two processes
   * sharing the data folder never write the file at once.
   */
  static async open(dir: string | null, baseId: string, fingerprint: string, dim: number, lock?: WriteLock): Promise<EmbeddingCache> {
    const cache = new EmbeddingCache(dir ? join(dir, `${baseId}-${fingerprint}.bin`) : null, dim, lock ?? ((fn) => fn()));
    if (cache.file) await cache.load(cache.file);
    return cache;
  }

  static key(contentHash: string, viewKey: string): string {
    return createHash('sha1').update(`${contentHash}|${viewKey}`).digest('hex');
  }

  get size(): number {
    return this.entries.size;
  }

  has(key: string): boolean {
    return this.entries.has(key);
  }

  get(key: string): Float32Array | undefined {
    return this.entries.get(key);
  }

  set(key: string, vector: Float32Array): void {
    if (vector.length !== this.dim) throw new Error(`embedding has ${vector.length} values, expected ${this.dim}`);
    if (!this.entries.has(key)) this.unsaved.push(key);
    this.entries.set(key, vector);
  }

  async flush(): Promise<void> {
    if (!this.file || this.unsaved.length === 0) return;
    await this.lock(() => this.write(this.file!));
  }

  private async write(file: string): Promise<void> {
    if (this.fileValid) {
      await appendFile(file, this.records(this.unsaved));
    } else {
      // new or unusable file: write it whole, atomically
      const header = Buffer.alloc(12);
      header.writeUInt32LE(MAGIC, 0);
      header.writeUInt32LE(VERSION, 4);
      header.writeUInt32LE(this.dim, 8);
      await writeFileAtomic(file, Buffer.concat([header, this.records([...this.entries.keys()])]));
      this.fileValid = true;
    }
    this.unsaved = [];
  }

  private records(keys: string[]): Buffer {
    const recordBytes = KEY_BYTES + this.dim * 4;
    const buf = Buffer.alloc(keys.length * recordBytes);
    keys.forEach((key, i) => {
      const vec = this.entries.get(key)!;
      buf.write(key, i * recordBytes, KEY_BYTES, 'hex');
      Buffer.from(vec.buffer, vec.byteOffset, vec.byteLength).copy(buf, i * recordBytes + KEY_BYTES);
    });
    return buf;
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
    const whole = 12 + Math.floor((buf.length - 12) / recordBytes) * recordBytes;
    // a torn last record (crash mid-append) is dropped; the next flush rewrites the file whole
    this.fileValid = whole === buf.length;
    for (let o = 12; o < whole; o += recordBytes) {
      const key = buf.toString('hex', o, o + KEY_BYTES);
      const vec = new Float32Array(this.dim);
      Buffer.from(vec.buffer).set(buf.subarray(o + KEY_BYTES, o + recordBytes));
      this.entries.set(key, vec);
    }
  }
}
