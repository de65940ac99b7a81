/**
 * The Library view's state: the saved images, paged from the engine (libraryList with offset/limit, so that a
 * library of thousands never crosses IPC at once), the filter and sort, the selection, thumbnails (made once
 * by the engine with sharp, served by the app's protocol) and review with undo.
 */
import type { LibraryCounts, LibraryItem, LibrarySort, ReviewAction, ReviewState, UndoInfo } from '../../common/library-types.js';
import type { Label } from '../../common/labels.js';
import type { HappySadApi } from '../../common/api.js';
import type { EngineClient } from './engine.js';
import { errorMessage } from './errors.js';

/** Items per libraryList call. */
export const PAGE_SIZE = 120;
/** Thumbnail calls in flight at once. */
const THUMB_CONCURRENCY = 4;
export const THUMB_SIZE = 256;

export interface LibraryFilter {
  label?: Label;
  review?: ReviewState;
}

const EMPTY_COUNTS: LibraryCounts = { all: 0, happy: 0, sad: 0, unreviewed: 0, confirmed: 0, corrected: 0 };

export class LibraryStore {
  filter = $state<LibraryFilter>({});
  sort = $state<LibrarySort>('newest');
  /** items matching the filter */
  total = $state(0);
  counts = $state<LibraryCounts>(EMPTY_COUNTS);
  undo = $state<UndoInfo | null>(null);
  dir = $state<string | null>(null);
  loaded = $state(false);
  /** page index -> its items; pages are loaded as they come into view */
  pages = $state.raw<Record<number, LibraryItem[]>>({});
  selected = $state<Set<string>>(new Set());
  /** the index a shift-click extends from, and the keyboard's position */
  anchor = $state<number | null>(null);
  cursor = $state<number>(0);
  /**
   * Whether the keyboard's position is on a tile of its own: put there by a click or a key (Ctrl+Arrow moves it
   * and leaves the selection alone, Space toggles the tile it is on); not until then, nor after the filter or
   * the sort changed. With a selection the cursor counts in any case.
   */
  cursorActive = $state(false);
  /** id -> thumbnail URL (or '' when it could not be made) */
  thumbs = $state<Record<string, string>>({});
  busy = $state(false);
  /** the last listing failed: why */
  error = $state<string | null>(null);

  /** bumped when the list must be read again from the start (filter, sort, a review); late answers are dropped */
  private generation = 0;
  private loading = new Set<number>();
  private thumbQueue: string[] = [];
  private thumbWanted = new Set<string>();
  private thumbsRunning = 0;
  /**
   * Thumbnails that came in the answer (none could be cached: a read-only data folder, a full disk), held as
   * object URLs and let go once out of view: a long scroll must not keep every one in memory.
   */
  private memoryThumbs = new Set<string>();
  /** the select-all reading its ids, if any: a review asked meanwhile (Ctrl+A, then Delete at once) waits for it */
  private selecting: Promise<void> = Promise.resolve();
  /** bumped by every change of the selection by hand: a select-all overtaken by a click or Escape is dropped */
  private selectionGen = 0;

  constructor(
    private readonly engine: EngineClient,
    private readonly files: HappySadApi['files'],
  ) {}

  itemAt(index: number): LibraryItem | undefined {
    return this.pages[Math.floor(index / PAGE_SIZE)]?.[index % PAGE_SIZE];
  }

  /** Reads the list again: the first page and every page already shown, swapped in at once (no blink). */
  async reload(): Promise<void> {
    const gen = ++this.generation;
    this.loading.clear();
    const wanted = [...new Set([0, ...Object.keys(this.pages).map(Number)])];
    try {
      const pages = await Promise.all(wanted.map(async (p) => [p, await this.fetchPage(p, gen)] as const));
      if (gen !== this.generation) return;
      const next: Record<number, LibraryItem[]> = {};
      for (const [p, items] of pages) if (items && items.length > 0) next[p] = items;
      this.pages = next;
      this.error = null;
    } catch (err) {
      if (gen === this.generation) this.error = errorMessage(err);
    }
  }

  /** Makes sure the pages holding [from, to) are loaded. */
  ensureRange(from: number, to: number): void {
    if (to <= from) return;
    const last = Math.floor((Math.min(to, this.total) - 1) / PAGE_SIZE);
    for (let p = Math.floor(from / PAGE_SIZE); p <= last; p++) void this.ensurePage(p);
  }

  private async ensurePage(page: number): Promise<void> {
    if (this.pages[page] || this.loading.has(page) || page * PAGE_SIZE >= Math.max(this.total, 1)) return;
    this.loading.add(page);
    const gen = this.generation;
    try {
      const items = await this.fetchPage(page, gen);
      if (items !== null) this.pages = { ...this.pages, [page]: items };
    } catch (err) {
      this.error = errorMessage(err);
    } finally {
      this.loading.delete(page);
    }
  }

  private async fetchPage(page: number, gen: number): Promise<LibraryItem[] | null> {
    const filter = $state.snapshot(this.filter);
    const r = await this.engine.call('libraryList', { filter, sort: this.sort, offset: page * PAGE_SIZE, limit: PAGE_SIZE });
    if (gen !== this.generation) return null;
    this.total = r.total;
    this.counts = r.counts;
    this.undo = r.undo;
    this.dir = r.dir;
    this.loaded = true;
    return r.items;
  }

  setFilter(filter: LibraryFilter): void {
    this.filter = filter;
    this.clearSelection();
    this.cursorActive = false;
    this.pages = {};
    void this.reload();
  }

  setSort(sort: LibrarySort): void {
    this.sort = sort;
    this.pages = {};
    this.cursor = 0;
    this.cursorActive = false;
    void this.reload();
  }

  /** The URL of an item's thumbnail, asking the engine for it the first time. */
  thumbFor(item: LibraryItem): string | undefined {
    const url = this.thumbs[item.id];
    if (url === undefined && !this.thumbWanted.has(item.id)) {
      this.thumbWanted.add(item.id);
      this.thumbQueue.push(item.id);
      queueMicrotask(() => this.pumpThumbs());
    }
    return url;
  }

  /** Thumbnails no longer in view are not made, nor kept when made in memory (they are asked for again if they come back). */
  forgetThumbsExcept(visible: Set<string>): void {
    this.thumbQueue = this.thumbQueue.filter((id) => {
      if (visible.has(id)) return true;
      this.thumbWanted.delete(id);
      return false;
    });
    for (const id of this.memoryThumbs) {
      if (visible.has(id)) continue;
      URL.revokeObjectURL(this.thumbs[id]!);
      delete this.thumbs[id];
      this.memoryThumbs.delete(id);
      this.thumbWanted.delete(id);
    }
  }

  private memoryThumb(id: string, base64: string): string {
    const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
    this.memoryThumbs.add(id);
    return URL.createObjectURL(new Blob([bytes], { type: 'image/jpeg' }));
  }

  private pumpThumbs(): void {
    while (this.thumbsRunning < THUMB_CONCURRENCY && this.thumbQueue.length > 0) {
      const id = this.thumbQueue.shift()!;
      this.thumbsRunning++;
      this.engine
        .call('thumbnail', { id, size: THUMB_SIZE })
        .then(
          (r) => (this.thumbs[id] = r.path !== null ? this.files.imageUrl(r.path) : r.data ? this.memoryThumb(id, r.data) : ''),
          () => (this.thumbs[id] = ''),
        )
        .finally(() => {
          this.thumbsRunning--;
          this.pumpThumbs();
        });
    }
  }

  // ----- selection -----

  isSelected(id: string): boolean {
    return this.selected.has(id);
  }

  /** A click: alone, toggled (Ctrl/Cmd), or the range from the anchor (Shift). */
  click(index: number, mode: 'only' | 'toggle' | 'range'): void {
    const item = this.itemAt(index);
    if (!item) return;
    this.cursor = index;
    this.cursorActive = true;
    this.selectionGen++;
    if (mode === 'range' && this.anchor !== null) {
      const [a, b] = this.anchor < index ? [this.anchor, index] : [index, this.anchor];
      const next = new Set<string>();
      for (let i = a; i <= b; i++) {
        const it = this.itemAt(i);
        if (it) next.add(it.id);
      }
      this.selected = next;
      return;
    }
    if (mode === 'toggle') {
      const next = new Set(this.selected);
      if (next.has(item.id)) next.delete(item.id);
      else next.add(item.id);
      this.selected = next;
    } else this.selected = new Set([item.id]);
    this.anchor = index;
  }

  /** Ctrl+Arrow: the keyboard's position moves to `index`, the selection stays as it is. */
  moveCursor(index: number): void {
    if (index < 0 || index >= this.total) return;
    this.cursor = index;
    this.cursorActive = true;
  }

  /** Ctrl/Cmd+A: every item that matches the filter (their ids are read in one call). */
  selectAll(): Promise<void> {
    const run = this.readAll();
    this.selecting = run.catch(() => undefined);
    return run;
  }

  private async readAll(): Promise<void> {
    const gen = this.generation;
    const selection = ++this.selectionGen;
    const r = await this.engine.call('libraryList', { filter: $state.snapshot(this.filter), sort: this.sort, offset: 0, limit: Math.max(1, Math.min(this.total, 100_000)) });
    if (gen !== this.generation || selection !== this.selectionGen) return;
    this.selected = new Set(r.items.map((i) => i.id));
  }

  /** Resolves once a select-all still reading its ids has selected them (at once when none runs). */
  async selectionSettled(): Promise<void> {
    await this.selecting;
  }

  clearSelection(): void {
    this.selectionGen++;
    this.selected = new Set();
    this.anchor = null;
  }

  // ----- review -----

  /**
   * Confirms, corrects or deletes `ids`, else the selection (once a select-all still reading its ids has
   * selected them); resolves with how many it changed.
   */
  async review(action: ReviewAction, ids?: string[]): Promise<number> {
    if (!ids) {
      await this.selecting;
      ids = [...this.selected];
    }
    if (ids.length === 0 || this.busy) return 0;
    this.busy = true;
    let done!: () => void;
    this.reviewing = new Promise<void>((resolve) => (done = resolve));
    try {
      const r = await this.engine.call('libraryReview', { ids, action });
      this.undo = r.undo;
      if (action === 'delete') this.clearSelection();
      await this.reload();
      return action === 'delete' ? r.deleted.length : r.items.length;
    } finally {
      this.busy = false;
      done();
    }
  }

  /** the review running, if any: an undo asked meanwhile waits for it (else the key press was lost, or said "nothing to undo") */
  private reviewing: Promise<void> = Promise.resolve();

  /** Undoes the last review (once a review still running has ended); false when there was nothing to undo. */
  async undoLast(): Promise<boolean> {
    await this.reviewing;
    if (this.busy) return false;
    this.busy = true;
    try {
      const r = await this.engine.call('libraryUndo', {});
      await this.reload();
      return r.undone !== null;
    } finally {
      this.busy = false;
    }
  }

  /** The selected items that are loaded (for reveal: the first of them). */
  firstSelected(): LibraryItem | undefined {
    for (const items of Object.values(this.pages)) for (const it of items) if (this.selected.has(it.id)) return it;
    return undefined;
  }
}
