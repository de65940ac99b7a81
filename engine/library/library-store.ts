/**
 * The saved-prediction library: <home>/library/happy_predicted/ and sad_predicted/ (the notebook's layout)
 * hold the images, index.json (index-file.ts) what the folders cannot say.
 *
 * The folders are the truth. Every open reconciles the index with them: a file dropped in by hand becomes a
 * confirmed item with its folder's label, a file moved to the other folder by hand takes that folder's label,
 * a file renamed by hand keeps its record (matched by content hash), a file deleted by hand leaves the index.
 *
 * Crash safety (a kill -9 at any instant): a new image is written to a temporary dot file in its folder and
 * renamed into place; an action that moves files first writes the index with the action as `pending` (each
 * image's record before and after, and its move), then renames the files one by one (a rename is atomic), then
 * writes the index with the new records. On the next open, an action left pending is settled image by image:
 * where the file is says whether its record is the one before or after. Temporary files left behind are
 * removed. So every image is in exactly one place and the index agrees with the folders after any crash.
 * Writers hold the data folder's 'library' lock (other processes) and a queue (this one).
 */
import { randomBytes } from 'node:crypto';
import { lstat, mkdir, readFile, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { extname, join } from 'node:path';
import type {
  LibraryCounts,
  LibraryItem,
  LibraryListParams,
  LibraryListResult,
  LibraryReviewParams,
  LibraryReviewResult,
  LibrarySaveEntry,
  LibrarySaveResult,
  LibraryUndoResult,
  ReviewAction,
  ReviewState,
  UndoInfo,
} from '../../common/library-types.js';
import type { Label } from '../../common/labels.js';
import { writeFileAtomic } from '../atomic-fs.js';
import { withDataLock } from '../data-lock.js';
import { badInput, InputFileError, notFound } from '../errors.js';
import { IMAGE_EXTENSIONS, readImageBytes } from '../image-decode.js';
import { contentHash } from '../samples.js';
import {
  INDEX_FILE,
  LABEL_DIRS,
  labelOfDir,
  parseIndex,
  serializeIndex,
  TEMP_PREFIX,
  TRASH_DIR,
  type Action,
  type Place,
  type Step,
  type StoredRecord,
} from './index-file.js';
import { inputReason } from '../../common/i18n/reasons.js';
import { safeName, uniqueName } from './names.js';
import { thumbnailsRoot } from './thumbnails.js';

const LABELS: readonly Label[] = ['happy', 'sad'];
const other = (l: Label): Label => (l === 'happy' ? 'sad' : 'happy');
/** a reviewed image is 'confirmed' when its label is the model's (or there was no model), else 'corrected' */
const reviewedState = (predicted: Label | null, label: Label): ReviewState => (predicted === null || predicted === label ? 'confirmed' : 'corrected');

/** Save in actions of at most this many images or bytes: each is crash-safe on its own, and memory stays bounded. */
const SAVE_CHUNK_IMAGES = 256;
const SAVE_CHUNK_BYTES = 64 * 1024 * 1024;

interface State {
  records: Map<string, StoredRecord>;
  last: Action | null;
  /** every name in each label folder, lower-cased (images, and anything else a user put there) */
  names: Record<Label, Set<string>>;
}

/** Points between the writes of an action, where tests simulate a crash. */
export type CrashPoint = 'temp-written' | 'pending-written' | 'moved' | 'committed';

export class LibraryStore {
  readonly dir: string;
  /** tests only: called at each crash point; a throw there leaves the disk as a kill would */
  crashHook: ((point: CrashPoint) => void | Promise<void>) | undefined;
  private cache: { state: State; stamp: string } | null = null;
  private tail: Promise<unknown> = Promise.resolve();
  /** thumbnails of images no longer in the library looked for once per store (another process, an older app) */
  private thumbnailsSwept = false;

  constructor(
    readonly home: string,
    /** the data folder cannot be written: the library is read (and reconciled in memory), never changed */
    private readonly readOnly = false,
  ) {
    this.dir = join(home, 'library');
  }

  // ---- reading ------------------------------------------------------------------------------------------

  async list(params: LibraryListParams = {}): Promise<LibraryListResult> {
    const state = await this.read();
    const all = [...state.records.values()];
    const counts: LibraryCounts = { all: all.length, happy: 0, sad: 0, unreviewed: 0, confirmed: 0, corrected: 0 };
    for (const r of all) {
      counts[r.label]++;
      counts[r.review]++;
    }
    const { label, review } = params.filter ?? {};
    const matching = all.filter((r) => (label === undefined || r.label === label) && (review === undefined || r.review === review));
    matching.sort(comparator(params.sort ?? 'newest'));
    const offset = params.offset ?? 0;
    const page = matching.slice(offset, params.limit === undefined ? undefined : offset + params.limit);
    return { items: page.map((r) => this.toItem(r)), counts, total: matching.length, undo: undoInfo(state), dir: this.dir };
  }

  /** Every item, oldest first. */
  async items(): Promise<LibraryItem[]> {
    const state = await this.read();
    return [...state.records.values()].sort(comparator('oldest')).map((r) => this.toItem(r));
  }

  async get(id: string): Promise<LibraryItem> {
    const r = (await this.read()).records.get(id);
    if (!r) throw notFound(inputReason('reason.noSuchLibraryImage', { id }));
    return this.toItem(r);
  }

  // ---- writing ------------------------------------------------------------------------------------------

  /**
   * Keeps predictions: each file's bytes are stored once, in the folder of the predicted label. An image
   * already in the library is not stored again; its record counts the sighting.
   */
  async save(entries: readonly (LibrarySaveEntry & { originalName?: string })[]): Promise<LibrarySaveResult> {
    this.refuseReadOnly('saved');
    const out: LibrarySaveResult = { saved: [], failed: [] };
    let chunk: Array<{ entry: LibrarySaveEntry & { originalName?: string }; bytes: Buffer; id: string }> = [];
    let bytesInChunk = 0;
    const flush = async () => {
      if (chunk.length) out.saved.push(...(await this.saveChunk(chunk)));
      chunk = [];
      bytesInChunk = 0;
    };
    for (const entry of entries) {
      let bytes: Buffer;
      try {
        bytes = await readImageBytes(entry.file);
      } catch (err) {
        out.failed.push({ file: entry.file, reason: err instanceof InputFileError ? err.reason : (err as Error).message });
        continue;
      }
      if (bytes.length === 0) {
        out.failed.push({ file: entry.file, reason: inputReason('reason.empty') });
        continue;
      }
      chunk.push({ entry, bytes, id: contentHash(bytes) });
      bytesInChunk += bytes.length;
      if (chunk.length >= SAVE_CHUNK_IMAGES || bytesInChunk >= SAVE_CHUNK_BYTES) await flush();
    }
    await flush();
    return out;
  }

  private saveChunk(chunk: Array<{ entry: LibrarySaveEntry & { originalName?: string }; bytes: Buffer; id: string }>): Promise<LibrarySaveResult['saved']> {
    return this.locked(async (state) => {
      const now = new Date().toISOString();
      const steps = new Map<string, Step>();
      const results: Array<{ file: string; id: string; seenBefore: boolean }> = [];
      const temps: Array<{ path: string; bytes: Buffer }> = [];
      for (const { entry, bytes, id } of chunk) {
        const step = steps.get(id);
        const current = step ? step.after! : state.records.get(id);
        if (current) {
          const after = { ...current, seen: current.seen + 1, lastSeenAt: now };
          steps.set(id, step ? { ...step, after } : { id, before: current, after });
          results.push({ file: entry.file, id, seenBefore: true });
          continue;
        }
        const label = entry.predicted;
        const name = uniqueName(safeName(entry.originalName ?? entry.file, bytes), id, (n) => state.names.happy.has(n) || state.names.sad.has(n));
        state.names[label].add(name.toLowerCase());
        const temp = `${TEMP_PREFIX}${randomBytes(6).toString('hex')}.tmp`;
        temps.push({ path: join(this.dir, LABEL_DIRS[label], temp), bytes });
        const record: StoredRecord = {
          id,
          storedName: name,
          label,
          review: 'unreviewed',
          predicted: label,
          confidence: entry.confidence,
          modelId: entry.modelId,
          ...(entry.faces && { faces: entry.faces }),
          ...(entry.face && { face: entry.face }),
          originalName: entry.originalName ?? pathBaseName(entry.file),
          originalPath: entry.file,
          source: 'prediction',
          savedAt: now,
          reviewedAt: null,
          seen: 1,
          lastSeenAt: now,
        };
        steps.set(id, { id, before: null, after: record, move: { from: { dir: LABEL_DIRS[label], name: temp }, to: { dir: LABEL_DIRS[label], name } } });
        results.push({ file: entry.file, id, seenBefore: false });
      }
      for (const t of temps) await writeFile(t.path, t.bytes, { flush: true });
      await this.crash('temp-written');
      await this.commit(state, { kind: 'save', at: now, steps: [...steps.values()] }, 'keep');
      return results.map((r) => ({ ...r, item: this.toItem(state.records.get(r.id)!) }));
    });
  }

  /** confirm: the label is right; correct: it is wrong (the file moves to the other folder); delete. One action, which undo reverts. */
  async review({ ids, action, label }: LibraryReviewParams): Promise<LibraryReviewResult> {
    this.refuseReadOnly('changed');
    return this.locked(async (state) => {
      const now = new Date().toISOString();
      const unique = [...new Set(ids)];
      const missing = unique.filter((id) => !state.records.has(id));
      const steps: Step[] = [];
      for (const id of unique) {
        const r = state.records.get(id);
        if (!r) continue;
        if (action === 'delete') {
          const trashName = `${id}-${randomBytes(4).toString('hex')}${extname(r.storedName).toLowerCase()}`;
          steps.push({ id, before: r, after: null, move: { from: { dir: LABEL_DIRS[r.label], name: r.storedName }, to: { dir: TRASH_DIR, name: trashName } } });
          continue;
        }
        const to = action === 'correct' ? (label ?? other(r.label)) : r.label;
        if (to === r.label) {
          steps.push({ id, before: r, after: { ...r, review: reviewedState(r.predicted, to), reviewedAt: now } });
          continue;
        }
        const name = this.freeNameIn(state, to, r.storedName, id);
        steps.push({
          id,
          before: r,
          after: { ...r, label: to, storedName: name, review: reviewedState(r.predicted, to), reviewedAt: now },
          move: { from: { dir: LABEL_DIRS[r.label], name: r.storedName }, to: { dir: LABEL_DIRS[to], name } },
        });
      }
      if (steps.length) await this.commit(state, { kind: action, at: now, steps }, 'set');
      return {
        items: action === 'delete' ? [] : steps.map((s) => this.toItem(state.records.get(s.id)!)),
        deleted: action === 'delete' ? steps.map((s) => s.id) : [],
        missing,
        undo: undoInfo(state),
      };
    });
  }

  /** Reverts the last review action, if nothing has changed those images since. */
  async undo(): Promise<LibraryUndoResult> {
    this.refuseReadOnly('changed');
    return this.locked(async (state) => {
      const last = state.last;
      const info = undoInfo(state);
      if (!last || !info) return { undone: null, items: [] };
      const now = new Date().toISOString();
      const steps: Step[] = last.steps.map((s) => {
        const current = state.records.get(s.id) ?? null;
        let restored: StoredRecord | null = s.before && { ...s.before, seen: current?.seen ?? s.before.seen, lastSeenAt: current?.lastSeenAt ?? s.before.lastSeenAt };
        if (!s.move) return { id: s.id, before: current, after: restored };
        let to = s.move.from;
        const toLabel = labelOfDir(to.dir);
        if (restored && toLabel) {
          const name = this.freeNameIn(state, toLabel, restored.storedName, s.id, current?.label === toLabel ? current.storedName : undefined);
          to = { dir: to.dir, name };
          restored = { ...restored, storedName: name };
        }
        return { id: s.id, before: current, after: restored, move: { from: s.move.to, to } };
      });
      await this.commit(state, { kind: 'undo', at: now, steps }, 'clear');
      return { undone: info, items: steps.flatMap((s) => (s.after ? [this.toItem(state.records.get(s.id)!)] : [])) };
    });
  }

  // ---- the protocol -------------------------------------------------------------------------------------

  /**
   * Applies an action: with file moves, the index first records it as pending, then the files move, then the
   * index records the outcome. `last`: what undo will revert afterwards.
   */
  private async commit(state: State, action: Action, last: 'keep' | 'set' | 'clear'): Promise<void> {
    const moves = action.steps.filter((s) => s.move);
    if (moves.length) {
      await this.writeIndex(state, action, state.last);
      await this.crash('pending-written');
      for (const s of moves) {
        await rename(this.placePath(s.move!.from), this.placePath(s.move!.to));
        await this.crash('moved');
      }
    }
    const previousLast = state.last;
    const nextLast = last === 'set' ? action : last === 'clear' ? null : previousLast;
    for (const s of action.steps) {
      if (s.after) state.records.set(s.id, s.after);
      else state.records.delete(s.id);
      if (s.move) {
        const fromLabel = labelOfDir(s.move.from.dir);
        const toLabel = labelOfDir(s.move.to.dir);
        if (fromLabel) state.names[fromLabel].delete(s.move.from.name.toLowerCase());
        if (toLabel) state.names[toLabel].add(s.move.to.name.toLowerCase());
      }
    }
    state.last = nextLast;
    await this.writeIndex(state, null, nextLast);
    await this.crash('committed');
    // deleted images kept for the undo that is no longer possible, and their thumbnails
    if (previousLast && previousLast !== nextLast) {
      const keep = new Set(trashNames(nextLast));
      for (const name of trashNames(previousLast)) if (!keep.has(name)) await rm(join(this.dir, TRASH_DIR, name), { force: true });
      const kept = new Set(trashIds(nextLast));
      await this.dropThumbnails(trashIds(previousLast).filter((id) => !kept.has(id) && !state.records.has(id)));
    }
  }

  private writeIndex(state: State, pending: Action | null, last: Action | null): Promise<void> {
    const records = [...state.records.values()].sort(comparator('oldest'));
    return writeFileAtomic(join(this.dir, INDEX_FILE), serializeIndex({ records, pending, last }));
  }

  private async crash(point: CrashPoint): Promise<void> {
    await this.crashHook?.(point);
  }

  // ---- opening: recovery and reconciliation with the folders ---------------------------------------------

  /** The library as it is on disk now, reconciled; cached while neither the index nor the folders change. */
  private read(): Promise<State> {
    if (this.readOnly) return this.exclusive(async () => (await this.open(false)).state);
    return this.locked(async (state) => state);
  }

  /** Runs `fn` alone (in this process and across processes) on the reconciled library. */
  private locked<T>(fn: (state: State) => Promise<T>): Promise<T> {
    return this.exclusive(() =>
      withDataLock(this.home, 'library', async () => {
        let state: State;
        const { stamp, settled } = await this.stamp();
        if (this.cache && this.cache.stamp === stamp && settled) state = this.cache.state;
        else state = (await this.open(true)).state;
        this.cache = null;
        const value = await fn(state);
        this.cache = { state, stamp: (await this.stamp()).stamp };
        return value;
      }),
    );
  }

  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.tail.then(fn, fn);
    this.tail = run.catch(() => undefined);
    return run;
  }

  /**
   * What changes when the index is replaced or a file is added to, removed from or renamed in a folder.
   * `settled`: no time stamp is so recent that a change within the file system's time resolution (a second
   * or two on some) could hide behind it; otherwise the cache is not trusted.
   */
  private async stamp(): Promise<{ stamp: string; settled: boolean }> {
    const recent = BigInt(Date.now() - 2_000) * 1_000_000n;
    let settled = true;
    const parts = await Promise.all(
      [INDEX_FILE, LABEL_DIRS.happy, LABEL_DIRS.sad].map(async (n) => {
        const st = await stat(join(this.dir, n), { bigint: true }).catch(() => null);
        if (st && st.mtimeNs > recent) settled = false;
        return st ? `${st.ino}:${st.size}:${st.mtimeNs}` : '-';
      }),
    );
    return { stamp: parts.join('|'), settled };
  }

  /**
   * Reads the index, settles a pending action, and reconciles with the folders. `write`: persist what
   * changed and remove leftovers (temporary files, trash no undo needs); without it, only in memory.
   */
  private async open(write: boolean): Promise<{ state: State; changed: boolean }> {
    if (write) for (const d of [...Object.values(LABEL_DIRS), TRASH_DIR]) await mkdir(join(this.dir, d), { recursive: true });
    const indexPath = join(this.dir, INDEX_FILE);
    let text: string | null = null;
    try {
      text = await readFile(indexPath, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
    const data = text === null ? { records: [], pending: null, last: null } : parseIndex(text, indexPath);
    const state: State = { records: new Map(data.records.map((r) => [r.id, r])), last: data.last, names: { happy: new Set(), sad: new Set() } };
    let changed = text === null;

    // 1. an action cut short: each image's record is the one that matches where its file is
    if (data.pending) {
      for (const s of data.pending.steps) {
        const done = s.move ? await exists(this.placePath(s.move.to)) : false;
        const record = done ? s.after : s.before;
        if (record) state.records.set(s.id, record);
        else state.records.delete(s.id);
      }
      state.last = null;
      changed = true;
    }

    // 2. the folders win
    const files = new Map<string, { label: Label; name: string }>();
    const temps: string[] = [];
    for (const label of LABELS) {
      const dir = join(this.dir, LABEL_DIRS[label]);
      const entries = await readdir(dir, { withFileTypes: true }).catch((err: NodeJS.ErrnoException) => {
        if (err.code === 'ENOENT') return [];
        throw err;
      });
      for (const e of entries) {
        state.names[label].add(e.name.toLowerCase());
        if (e.name.startsWith('.')) {
          if (e.name.startsWith(TEMP_PREFIX)) temps.push(join(dir, e.name));
        } else if (e.isFile() && IMAGE_EXTENSIONS.has(extname(e.name).toLowerCase())) {
          files.set(`${label}/${e.name}`, { label, name: e.name });
        }
      }
    }
    const claimed = new Set<string>();
    const missing = new Map<string, StoredRecord>();
    for (const r of state.records.values()) {
      const key = `${r.label}/${r.storedName}`;
      if (files.has(key) && !claimed.has(key)) claimed.add(key);
      else missing.set(r.id, r);
    }
    const now = new Date().toISOString();
    const unclaimed: Array<{ label: Label; name: string; path: string; id: string }> = [];
    for (const [key, f] of [...files.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
      if (claimed.has(key)) continue;
      const path = join(this.dir, LABEL_DIRS[f.label], f.name);
      const bytes = await readFile(path).catch(() => null);
      if (bytes) unclaimed.push({ ...f, path, id: contentHash(bytes) }); // else unreadable, or gone meanwhile: not part of the library
    }
    // renamed by hand (same folder) first, then moved by hand to the other folder: the same image, with its folder's label
    for (const sameFolder of [true, false]) {
      for (const f of unclaimed) {
        const known = missing.get(f.id);
        if (!known || (known.label === f.label) !== sameFolder) continue;
        missing.delete(f.id);
        f.id = '';
        state.records.set(known.id, {
          ...known,
          storedName: f.name,
          label: f.label,
          ...(!sameFolder && { review: reviewedState(known.predicted, f.label), reviewedAt: now }),
        });
        changed = true;
      }
    }
    for (const f of unclaimed) {
      if (f.id === '') continue;
      changed = true;
      if (state.records.has(f.id) && !missing.has(f.id)) {
        // a second copy of an image the library already holds: it is stored once
        if (write) await rm(f.path, { force: true });
        state.names[f.label].delete(f.name.toLowerCase());
        continue;
      }
      const at = (await stat(f.path).catch(() => null))?.mtime.toISOString() ?? now;
      state.records.set(f.id, {
        id: f.id,
        storedName: f.name,
        label: f.label,
        review: 'confirmed',
        predicted: null,
        confidence: null,
        modelId: null,
        originalName: f.name,
        originalPath: null,
        source: 'folder',
        savedAt: at,
        reviewedAt: at,
        seen: 1,
        lastSeenAt: at,
      });
    }
    for (const id of missing.keys()) state.records.delete(id);
    if (missing.size) changed = true;

    if (write) {
      if (changed) await this.writeIndex(state, null, state.last);
      for (const t of temps) await rm(t, { force: true });
      const keep = new Set(trashNames(state.last));
      for (const name of await readdir(join(this.dir, TRASH_DIR)).catch(() => [])) if (!keep.has(name)) await rm(join(this.dir, TRASH_DIR, name), { recursive: true, force: true });
      if (!this.thumbnailsSwept) {
        this.thumbnailsSwept = true;
        const undoable = new Set(trashIds(state.last));
        await this.dropThumbnails(await this.thumbnailIds((id) => !state.records.has(id) && !undoable.has(id)));
      }
    }
    return { state, changed };
  }

  // ---- helpers -------------------------------------------------------------------------------------------

  /** The ids with a thumbnail of any size that `which` picks. */
  private async thumbnailIds(which: (id: string) => boolean): Promise<string[]> {
    const ids = new Set<string>();
    for (const size of await readdir(this.thumbnailsDir).catch(() => [])) {
      for (const name of await readdir(join(this.thumbnailsDir, size)).catch(() => [])) {
        const id = /^([0-9a-f]{64})\.jpg$/.exec(name)?.[1];
        if (id && which(id)) ids.add(id);
      }
    }
    return [...ids];
  }

  /** Removes the thumbnails, of every size, of images that left the library for good (best effort). */
  private async dropThumbnails(ids: readonly string[]): Promise<void> {
    if (ids.length === 0) return;
    const sizes = await readdir(this.thumbnailsDir).catch(() => []);
    for (const id of ids) for (const size of sizes) await rm(join(this.thumbnailsDir, size, `${id}.jpg`), { force: true }).catch(() => undefined);
  }

  private get thumbnailsDir(): string {
    return thumbnailsRoot(this.home);
  }

  /** `name` if no file in `label`'s folder has it (other than `own`), else a unique variant. */
  private freeNameIn(state: State, label: Label, name: string, id: string, own?: string): string {
    const taken = (n: string) => (state.names.happy.has(n) || state.names.sad.has(n)) && n !== own?.toLowerCase();
    if (!state.names[label].has(name.toLowerCase()) || name === own) return name;
    return uniqueName(name, id, taken);
  }

  private placePath(p: Place): string {
    return join(this.dir, p.dir, p.name);
  }

  private toItem(r: StoredRecord): LibraryItem {
    return { id: r.id, file: join(this.dir, LABEL_DIRS[r.label], r.storedName), ...withoutId(r) };
  }

  private refuseReadOnly(what: 'saved' | 'changed'): void {
    if (this.readOnly) throw badInput(inputReason(what === 'saved' ? 'reason.readOnlyLibrarySave' : 'reason.readOnlyLibraryChange', { home: this.home }));
  }
}

function withoutId(r: StoredRecord): Omit<StoredRecord, 'id'> {
  const { id: _id, ...rest } = r;
  return rest;
}

function pathBaseName(file: string): string {
  return file.replaceAll('\\', '/').split('/').pop() ?? file;
}

function trashNames(action: Action | null): string[] {
  return action ? action.steps.flatMap((s) => (s.move?.to.dir === TRASH_DIR ? [s.move.to.name] : [])) : [];
}

/** The images an action moved to the trash (deleted, their undo kept). */
function trashIds(action: Action | null): string[] {
  return action ? action.steps.flatMap((s) => (s.move?.to.dir === TRASH_DIR ? [s.id] : [])) : [];
}

async function exists(path: string): Promise<boolean> {
  return (await lstat(path).catch(() => null)) !== null;
}

/** Undo is possible when every image of the last action is still as that action left it. */
function undoInfo(state: State): UndoInfo | null {
  const last = state.last;
  if (!last || last.kind === 'save' || last.kind === 'undo') return null;
  const unchanged = last.steps.every((s) => {
    const now = state.records.get(s.id) ?? null;
    if (!now || !s.after) return now === s.after;
    return now.label === s.after.label && now.storedName === s.after.storedName && now.review === s.after.review;
  });
  return unchanged ? { action: last.kind as ReviewAction, count: last.steps.length, at: last.at } : null;
}

function comparator(sort: NonNullable<LibraryListParams['sort']>): (a: StoredRecord, b: StoredRecord) => number {
  const byTime = (a: StoredRecord, b: StoredRecord) => (a.savedAt < b.savedAt ? -1 : a.savedAt > b.savedAt ? 1 : a.id < b.id ? -1 : 1);
  const sureness = (r: StoredRecord) => r.confidence ?? Infinity;
  switch (sort) {
    case 'oldest':
      return byTime;
    case 'newest':
      return (a, b) => byTime(b, a);
    case 'least-sure':
      return (a, b) => sureness(a) - sureness(b) || byTime(b, a);
    case 'most-sure':
      return (a, b) => (b.confidence ?? -Infinity) - (a.confidence ?? -Infinity) || byTime(b, a);
    case 'name':
      return (a, b) => (a.storedName.toLowerCase() < b.storedName.toLowerCase() ? -1 : a.storedName.toLowerCase() > b.storedName.toLowerCase() ? 1 : byTime(a, b));
  }
}
