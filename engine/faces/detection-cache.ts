/**
 * The faces found in each image, by content hash, for one detector version and crop settings: with it a
 * retraining or a second prediction knows an image's faces, and so the cache keys of their features, without
 * decoding the image or running the detector again. One file per version under cache/faces/, one JSON line
 * per image, only ever appended to: a prediction adds a line (not a rewrite of every image's faces, which grew
 * with the library and cost a read, a parse and an fsync'd write per prediction), and appends from several
 * processes interleave whole lines.
 */
import { appendFileSync, mkdirSync } from 'node:fs';
import { appendFile, mkdir, readFile, stat, utimes } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { removeFilesOlderThan } from '../atomic-fs.js';
import type { Box, Detection } from './face-crops.js';

/** Wraps a write of the file; `now`, when given, takes the lock at once for a short synchronous write, or says it could not. */
type WriteLock = (<T>(fn: () => Promise<T>) => Promise<T>) & { now?(fn: () => void): boolean };

export class DetectionCache {
  private readonly entries = new Map<string, Detection>();
  private dirty = new Set<string>();

  private constructor(
    private readonly file: string | null,
    private readonly lock: WriteLock,
  ) {}

  /**
   * `dir` null: in memory only. `lock` wraps every append to the file. Other versions' files in `dir` that no
   * process has written to for `staleAfterMs` are removed (see sweepOtherVersions).
   */
  static async open(dir: string | null, version: string, lock?: WriteLock, { staleAfterMs = STALE_VERSION_MS, now = Date.now() } = {}): Promise<DetectionCache> {
    const cache = new DetectionCache(dir ? join(dir, `${version}.jsonl`) : null, lock ?? ((fn) => fn()));
    await cache.load();
    if (dir) await sweepOtherVersions(dir, `${version}.jsonl`, staleAfterMs, now);
    return cache;
  }

  get(hash: string): Detection | undefined {
    return this.entries.get(hash);
  }

  set(hash: string, d: Detection): void {
    this.entries.set(hash, d);
    this.dirty.add(hash);
  }

  /** Appends what was added since the last flush (a file that cannot be written only costs detecting again). */
  async flush(): Promise<void> {
    if (!this.file || this.dirty.size === 0) return;
    const file = this.file;
    const mine = this.dirty;
    this.dirty = new Set();
    // a leading newline: a line cut short by a crash ends there instead of swallowing the first one added
    const text = `\n${[...mine].map((hash) => JSON.stringify(toLine(hash, this.entries.get(hash)!))).join('\n')}\n`;
    try {
      const quick = this.lock.now?.(() => {
        mkdirSync(dirname(file), { recursive: true });
        appendFileSync(file, text);
      });
      if (!quick) {
        await this.lock(async () => {
          await mkdir(dirname(file), { recursive: true });
          await appendFile(file, text);
        });
      }
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
    for (const line of raw.split('\n')) {
      if (!line) continue;
      const entry = parseLine(line);
      if (entry) this.entries.set(entry.hash, entry.detection);
    }
  }
}

/**
 * A detector or crop-settings change starts a new file and leaves the old one unread for good. It goes once
 * no process has added to it for this long: an older app or CLI that still uses it on the same data folder
 * (an install not yet updated beside a new one) appends to it, and would otherwise lose it on every start of
 * the newer one.
 */
export const STALE_VERSION_MS = 7 * 24 * 3600_000;

/**
 * Removes the other `.jsonl` files of `dir` untouched for `staleAfterMs`, and marks `keep` as used (its time
 * renewed once a day: a version whose images are all cached is read, never appended to); best effort (what
 * fails stays for next time).
 */
async function sweepOtherVersions(dir: string, keep: string, staleAfterMs: number, now: number): Promise<void> {
  const own = join(dir, keep);
  const s = await stat(own).catch(() => null);
  if (s?.isFile() && now - s.mtimeMs >= 24 * 3600_000) await utimes(own, new Date(now), new Date(now)).catch(() => undefined);
  await removeFilesOlderThan(dir, staleAfterMs, { now, which: (name) => name.endsWith('.jsonl') && name !== keep });
}

function toLine(hash: string, d: Detection): Array<string | number> {
  return [hash, d.width, d.height, ...d.faces.flatMap((b) => [b.x, b.y, b.width, b.height])];
}

/** A line as toLine writes it, or null for anything else (a damaged line is detected again). */
function parseLine(line: string): { hash: string; detection: Detection } | null {
  let e: unknown;
  try {
    e = JSON.parse(line);
  } catch {
    return null;
  }
  if (!Array.isArray(e) || e.length < 3 || (e.length - 3) % 4 !== 0 || typeof e[0] !== 'string' || !/^[0-9a-f]{64}$/.test(e[0])) return null;
  const nums = e.slice(1);
  if (!nums.every((v) => typeof v === 'number' && Number.isFinite(v))) return null;
  const faces: Box[] = [];
  for (let i = 2; i < nums.length; i += 4) faces.push({ x: nums[i] as number, y: nums[i + 1] as number, width: nums[i + 2] as number, height: nums[i + 3] as number });
  return { hash: e[0], detection: { width: nums[0] as number, height: nums[1] as number, faces } };
}
