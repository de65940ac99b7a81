import { createHash } from 'node:crypto';
import { appendFileSync, statSync } from 'node:fs';
import { appendFile, open, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../atomic-fs.js';

const MAGIC = 0x43455348; // "HSEC"
const VERSION = 2;
const HEADER_BYTES = 16;
const KEY_BYTES = 20;
/** version 1 (no use stamps): still read, rewritten as version 2 by the next flush */
const V1_HEADER_BYTES = 12;

/** About 250,000 vectors of 256 floats (80,000 training images with two augmented views each). */
export const DEFAULT_CACHE_MAX_BYTES = 256 * 1024 * 1024;
/** Pruning keeps the most recently used entries up to this share of the limit, so that it does not run at every flush. */
const LOW_WATER = 0.8;
/** An entry used again is written again (so that its use survives a restart) at most this often. */
const TOUCH_SECONDS = 24 * 60 * 60;

/** Wraps every write of the file; `now`, when given, takes the lock at once for a short synchronous write, or says it could not. */
type WriteLock = (<T>(fn: () => Promise<T>) => Promise<T>) & { now?(fn: () => void): boolean };
/** Appends up to this size are written synchronously under `lock.now` (a prediction's few records). */
const QUICK_APPEND_BYTES = 1 << 20;

export interface CacheOptions {
  /** the file (and the entries held in memory) stay below this many bytes: least recently used entries go first */
  maxBytes?: number;
  /** seconds since the epoch (tests) */
  now?: () => number;
}

interface Entry {
  vector: Float32Array;
  /** when it was last used, in seconds since the epoch, as far as the file knows */
  stamp: number;
}

/**
 * Feature vectors of a frozen base, keyed by image content hash + view (augmentation) key. One file per base
 * fingerprint, so new weights never meet old vectors. A header, then fixed-size records (key, last-use stamp,
 * vector): flush appends only what is new (one prediction must not rewrite megabytes), and a record cut short
 * by a crash is ignored on the next load.
 *
 * Bounded, least recently used first: entries are kept in use order (a Map, oldest first); an entry used again
 * moves to the end and, when its stamp is older than a day, is appended again so that the next load sees it
 * as recent (a later record of a key wins). When the file would grow past `maxBytes`, it is rewritten with
 * the most recently used entries only, down to 80 % of the limit. Loading reads the file once; the vectors
 * are views into that buffer, not copies.
 *
 * Several processes may share the file (each writes under the data lock; appends are whole records). A
 * rewrite first takes in what the file holds by then, so that what another process wrote since this one
 * loaded it (or created it, where this one found none) is kept, not replaced: the app, open all day, would
 * otherwise wipe a CLI run's hours of features with its first prediction.
 */
export class EmbeddingCache {
  private readonly entries = new Map<string, Entry>();
  private unsaved = new Set<string>();
  private fileValid = false;
  private readonly recordBytes: number;
  private readonly maxBytes: number;
  private readonly now: () => number;
  /** loaded a file larger than the limit, or of the old version: rewrite at the next flush */
  private rewrite = false;
  /**
   * Pruned since the file was last written whole, with their use stamps then: still in it, not to be taken in
   * again (takeIn) unless another process has used them since
   */
  private readonly dropped = new Map<string, number>();

  private constructor(
    readonly file: string | null,
    readonly dim: number,
    private readonly lock: WriteLock,
    opts: CacheOptions,
  ) {
    this.recordBytes = KEY_BYTES + 4 + dim * 4;
    this.maxBytes = opts.maxBytes ?? DEFAULT_CACHE_MAX_BYTES;
    this.now = opts.now ?? (() => Math.floor(Date.now() / 1000));
  }

  /**
   * `dir` null: an in-memory cache that is never written. `lock` wraps every write, so that two processes
   * sharing the data folder never write the file at once.
   */
  static async open(dir: string | null, baseId: string, fingerprint: string, dim: number, lock?: WriteLock, opts: CacheOptions = {}): Promise<EmbeddingCache> {
    const cache = new EmbeddingCache(dir ? join(dir, `${baseId}-${fingerprint}.bin`) : null, dim, lock ?? ((fn) => fn()), opts);
    if (cache.file) await cache.load(cache.file);
    return cache;
  }

  static key(contentHash: string, viewKey: string): string {
    return createHash('sha1').update(`${contentHash}|${viewKey}`).digest('hex');
  }

  get size(): number {
    return this.entries.size;
  }

  /** What the entries take on disk (and about what their vectors take in memory). */
  get bytes(): number {
    return this.entries.size * this.recordBytes;
  }

  has(key: string): boolean {
    return this.entries.has(key);
  }

  /** The vector, and the entry counts as used now. */
  get(key: string): Float32Array | undefined {
    const e = this.entries.get(key);
    if (!e) return undefined;
    this.entries.delete(key);
    this.entries.set(key, e);
    const now = this.now();
    if (now - e.stamp >= TOUCH_SECONDS) {
      e.stamp = now;
      this.unsaved.add(key);
    }
    return e.vector;
  }

  set(key: string, vector: Float32Array): void {
    if (vector.length !== this.dim) throw new Error(`embedding has ${vector.length} values, expected ${this.dim}`);
    this.entries.delete(key);
    this.entries.set(key, { vector, stamp: this.now() });
    this.unsaved.add(key);
  }

  async flush(): Promise<void> {
    if (!this.file) {
      this.prune(this.maxBytes);
      this.unsaved.clear();
      return;
    }
    if (this.unsaved.size === 0 && !this.rewrite) return;
    if (this.quickAppend(this.file)) return;
    await this.lock(() => this.write(this.file!));
  }

  /** A few new records appended at once, under the lock taken synchronously; false when that is not the case. */
  private quickAppend(file: string): boolean {
    if (!this.lock.now || !this.fileValid || this.rewrite || this.unsaved.size * this.recordBytes > QUICK_APPEND_BYTES) return false;
    const keys = [...this.unsaved];
    return this.lock.now(() => {
      let onDisk: number;
      try {
        onDisk = statSync(file).size;
      } catch {
        return; // gone: the asynchronous path writes it whole
      }
      if (onDisk + keys.length * this.recordBytes > this.maxBytes) return; // needs a rewrite: the asynchronous path
      appendFileSync(file, this.records(keys));
      for (const k of keys) this.unsaved.delete(k);
    }) && this.unsaved.size === 0;
  }

  /** Drops the least recently used entries until the rest fit in `limit` bytes (above it: down to LOW_WATER of it). */
  private prune(limit: number): boolean {
    if (this.bytes <= limit) return false;
    const keep = Math.floor((limit * LOW_WATER) / this.recordBytes);
    for (const [key, { stamp }] of this.entries) {
      if (this.entries.size <= keep) break;
      this.entries.delete(key);
      this.unsaved.delete(key);
      if (this.file) this.dropped.set(key, stamp);
    }
    return true;
  }

  private async write(file: string): Promise<void> {
    // found no file, or a damaged one: another process may have written a whole one since, which an append
    // joins (its header and record size checked, not its records read: up to the size limit, and this runs
    // after a prediction)
    if (!this.fileValid) this.fileValid = await this.appendable(file);
    const onDisk = this.fileValid ? await stat(file).then((s) => s.size, () => -1) : -1;
    // what is written is decided now: entries added meanwhile wait for the next flush
    const keys = [...this.unsaved];
    if (onDisk >= 0 && !this.rewrite && onDisk + keys.length * this.recordBytes <= this.maxBytes) {
      await appendFile(file, this.records(keys));
      for (const k of keys) this.unsaved.delete(k);
    } else {
      // new, damaged, old-format or too large: write it whole, atomically, most recently used entries only,
      // with what another process appended since this one read it
      await this.takeIn(file);
      this.prune(this.maxBytes);
      const all = [...this.entries.keys()];
      const header = Buffer.alloc(HEADER_BYTES);
      header.writeUInt32LE(MAGIC, 0);
      header.writeUInt32LE(VERSION, 4);
      header.writeUInt32LE(this.dim, 8);
      await writeFileAtomic(file, Buffer.concat([header, this.records(all)]));
      this.fileValid = true;
      this.rewrite = false;
      this.dropped.clear();
      for (const k of all) this.unsaved.delete(k);
    }
  }

  private records(keys: string[]): Buffer {
    const rb = this.recordBytes;
    const buf = Buffer.alloc(keys.length * rb);
    keys.forEach((key, i) => {
      const { vector, stamp } = this.entries.get(key)!;
      buf.write(key, i * rb, KEY_BYTES, 'hex');
      buf.writeUInt32LE(stamp >>> 0, i * rb + KEY_BYTES);
      Buffer.from(vector.buffer, vector.byteOffset, vector.byteLength).copy(buf, i * rb + KEY_BYTES + 4);
    });
    return buf;
  }

  /** A missing, foreign or damaged file is an empty cache: vectors are recomputed, never trusted blindly. */
  private async load(file: string): Promise<void> {
    const read = await this.read(file);
    if (!read) return;
    this.fileValid = read.valid;
    this.rewrite = read.version !== VERSION;
    for (const [key, entry] of read.entries) {
      // records are in use order: a key written again (used again) moves to the end
      this.entries.delete(key);
      this.entries.set(key, entry);
    }
    if (this.prune(this.maxBytes)) this.rewrite = true;
  }

  /**
   * Before the file is written (under the lock): what it holds now that this process does not (another process
   * created or appended to it since this one loaded it) is taken in, placed among this process's entries by
   * its use stamp, so that pruning drops the least recently used of both.
   */
  private async takeIn(file: string): Promise<void> {
    const read = await this.read(file);
    if (!read) return;
    const onDisk = new Map<string, Entry>();
    for (const [key, entry] of read.entries) {
      onDisk.delete(key); // a later record of a key is its later use
      // a copy: the vectors of a load are views into its file's buffer, which one kept entry would hold whole
      if (!this.entries.has(key) && !(entry.stamp <= (this.dropped.get(key) ?? -1))) onDisk.set(key, { vector: entry.vector.slice(), stamp: entry.stamp });
    }
    if (onDisk.size === 0) return;
    const theirs = [...onDisk].sort((a, b) => a[1].stamp - b[1].stamp);
    const merged = new Map<string, Entry>();
    let i = 0;
    for (const [key, entry] of this.entries) {
      for (; i < theirs.length && theirs[i]![1].stamp < entry.stamp; i++) merged.set(...theirs[i]!);
      merged.set(key, entry);
    }
    for (; i < theirs.length; i++) merged.set(...theirs[i]!);
    this.entries.clear();
    for (const [key, entry] of merged) this.entries.set(key, entry);
    // the file already holds them: a rewrite writes them again, an append need not
    this.fileValid = read.valid;
    this.rewrite ||= read.version !== VERSION;
    if (this.prune(this.maxBytes)) this.rewrite = true;
  }

  /** True when `file` is a cache of this format and size of vector, whole records only: records may be appended to it. */
  private async appendable(file: string): Promise<boolean> {
    let handle: import('node:fs/promises').FileHandle | undefined;
    try {
      handle = await open(file, 'r');
      const header = Buffer.alloc(HEADER_BYTES);
      const { bytesRead } = await handle.read(header, 0, HEADER_BYTES, 0);
      const size = (await handle.stat()).size;
      return bytesRead === HEADER_BYTES && header.readUInt32LE(0) === MAGIC && header.readUInt32LE(4) === VERSION && header.readUInt32LE(8) === this.dim && (size - HEADER_BYTES) % this.recordBytes === 0;
    } catch {
      return false;
    } finally {
      await handle?.close();
    }
  }

  /** The records of the file in their order (a later record of a key is its later use); null: none, foreign or damaged. */
  private async read(file: string): Promise<{ entries: Array<[string, Entry]>; valid: boolean; version: number } | null> {
    let buf: Buffer;
    try {
      buf = await readFile(file);
    } catch {
      return null;
    }
    if (buf.length < V1_HEADER_BYTES || buf.readUInt32LE(0) !== MAGIC || buf.readUInt32LE(8) !== this.dim) return null;
    const version = buf.readUInt32LE(4);
    if (version !== 1 && version !== VERSION) return null;
    const header = version === 1 ? V1_HEADER_BYTES : HEADER_BYTES;
    const stampBytes = version === 1 ? 0 : 4;
    const rb = KEY_BYTES + stampBytes + this.dim * 4;
    if (buf.length < header) return null;
    const whole = header + Math.floor((buf.length - header) / rb) * rb;
    const aligned = (buf.byteOffset + header + KEY_BYTES + stampBytes) % 4 === 0 && rb % 4 === 0;
    const loadedAt = this.now();
    const entries: Array<[string, Entry]> = [];
    for (let o = header; o < whole; o += rb) {
      const key = buf.toString('hex', o, o + KEY_BYTES);
      const at = buf.byteOffset + o + KEY_BYTES + stampBytes;
      // a view of the file's buffer when aligned (no copy), else a copy
      const vector = aligned ? new Float32Array(buf.buffer, at, this.dim) : new Float32Array(buf.buffer.slice(at, at + this.dim * 4));
      const stamp = stampBytes ? buf.readUInt32LE(o + KEY_BYTES) : loadedAt - TOUCH_SECONDS;
      entries.push([key, { vector, stamp }]);
    }
    // a torn last record (crash mid-append) is dropped; the next flush rewrites the file whole
    return { entries, valid: version === VERSION && whole === buf.length, version };
  }
}
