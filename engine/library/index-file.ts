/**
 * The library's index file, <home>/library/index.json: one record per image, the action in progress
 * (`pending`, written before any file is moved) and the last review action (`last`, for undo). It is only
 * ever replaced whole (write to a temporary file, then rename), so a reader sees the old or the new index,
 * never half of one. The folders stay the truth: the index says what the folders cannot (the model's
 * prediction, its confidence, the review state, the original name).
 */
import type { LibraryItem, ReviewAction } from '../../common/library-types.js';
import { REVIEW_STATES } from '../../common/library-types.js';
import type { Label } from '../../common/labels.js';
import { inputReason } from '../../common/i18n/reasons.js';
import { badInput } from '../errors.js';
import { isContentHash } from '../samples.js';

export const INDEX_FILE = 'index.json';
const FORMAT = 'happysad-library';
const VERSION = 1;

export const LABEL_DIRS = { happy: 'happy_predicted', sad: 'sad_predicted' } as const satisfies Record<Label, string>;
/** deleted images wait here until the next action, so that a delete can be undone */
export const TRASH_DIR = '.trash';
/** temporary files in the label folders: new images before they are renamed into place */
export const TEMP_PREFIX = '.saving-';

export type PlaceDir = (typeof LABEL_DIRS)[Label] | typeof TRASH_DIR;

/** Where a file is, relative to the library folder. */
export interface Place {
  dir: PlaceDir;
  name: string;
}

/** A record as stored: the item without its absolute path (the library folder may move with the data folder). */
export type StoredRecord = Omit<LibraryItem, 'file'>;

/**
 * One image's part of an action: its record before and after (null: not in the library), and the file move
 * that goes with it. After a crash, where the file is says which of the two records holds.
 */
export interface Step {
  id: string;
  before: StoredRecord | null;
  after: StoredRecord | null;
  move?: { from: Place; to: Place };
}

export interface Action {
  kind: 'save' | ReviewAction | 'undo';
  at: string;
  steps: Step[];
}

export interface IndexData {
  records: StoredRecord[];
  pending: Action | null;
  last: Action | null;
}

export function labelOfDir(dir: string): Label | null {
  return dir === LABEL_DIRS.happy ? 'happy' : dir === LABEL_DIRS.sad ? 'sad' : null;
}

export function serializeIndex(data: IndexData): string {
  const head = JSON.stringify({ format: FORMAT, version: VERSION, pending: data.pending, last: data.last });
  const records = data.records.map((r) => JSON.stringify(r)).join(',\n');
  return `${head.slice(0, -1)},"records":[\n${records}\n]}\n`;
}

const isLabel = (v: unknown): v is Label => v === 'happy' || v === 'sad';

/** A record as read back, or null when it is not one (then its file is picked up from the folder instead). */
function parseRecord(raw: unknown): StoredRecord | null {
  if (typeof raw !== 'object' || raw === null) return null;
  const r = { ...(raw as Record<string, unknown>) };
  // damaged faces cost only the faces: the record keeps its verdict and its review
  if (r.faces !== undefined && !(Array.isArray(r.faces) && r.faces.every(isFace))) delete r.faces;
  const ok =
    typeof r.id === 'string' &&
    isContentHash(r.id) &&
    typeof r.storedName === 'string' &&
    r.storedName !== '' &&
    !/[/\\]/.test(r.storedName) &&
    !r.storedName.startsWith('.') &&
    isLabel(r.label) &&
    (REVIEW_STATES as readonly unknown[]).includes(r.review) &&
    (r.predicted === null || isLabel(r.predicted)) &&
    (r.confidence === null || typeof r.confidence === 'number') &&
    (r.modelId === null || typeof r.modelId === 'string') &&
    typeof r.originalName === 'string' &&
    (r.originalPath === null || typeof r.originalPath === 'string') &&
    (r.source === 'prediction' || r.source === 'folder') &&
    typeof r.savedAt === 'string' &&
    (r.reviewedAt === null || typeof r.reviewedAt === 'string') &&
    typeof r.seen === 'number' &&
    typeof r.lastSeenAt === 'string' &&
    (r.face === undefined || r.face === 'none found');
  return ok ? (r as unknown as StoredRecord) : null;
}

const isNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/** A face as stored: its box and what the model said of it. */
function isFace(raw: unknown): boolean {
  if (typeof raw !== 'object' || raw === null) return false;
  const f = raw as Record<string, unknown>;
  const b = f.box as Record<string, unknown> | null;
  const p = f.probabilities as Record<string, unknown> | null;
  return (
    typeof b === 'object' && b !== null && isNumber(b.x) && isNumber(b.y) && isNumber(b.width) && isNumber(b.height) &&
    isLabel(f.label) && isNumber(f.confidence) &&
    typeof p === 'object' && p !== null && isNumber(p.happy) && isNumber(p.sad)
  );
}

function parsePlace(raw: unknown): Place | null {
  if (typeof raw !== 'object' || raw === null) return null;
  const p = raw as Record<string, unknown>;
  if ((p.dir !== LABEL_DIRS.happy && p.dir !== LABEL_DIRS.sad && p.dir !== TRASH_DIR) || typeof p.name !== 'string' || p.name === '' || /[/\\]/.test(p.name) || p.name === '..') return null;
  return { dir: p.dir, name: p.name };
}

function parseAction(raw: unknown): Action | null {
  if (typeof raw !== 'object' || raw === null) return null;
  const a = raw as Record<string, unknown>;
  if (!['save', 'confirm', 'correct', 'delete', 'undo'].includes(a.kind as string) || typeof a.at !== 'string' || !Array.isArray(a.steps)) return null;
  const steps: Step[] = [];
  for (const s of a.steps as unknown[]) {
    if (typeof s !== 'object' || s === null) return null;
    const st = s as Record<string, unknown>;
    if (typeof st.id !== 'string' || !isContentHash(st.id)) return null;
    const before = st.before === null ? null : parseRecord(st.before);
    const after = st.after === null ? null : parseRecord(st.after);
    if ((st.before !== null && !before) || (st.after !== null && !after)) return null;
    let move: Step['move'];
    if (st.move !== undefined) {
      const m = st.move as Record<string, unknown> | null;
      const from = parsePlace(m?.from);
      const to = parsePlace(m?.to);
      if (!from || !to) return null;
      move = { from, to };
    }
    steps.push({ id: st.id, before, after, ...(move && { move }) });
  }
  return { kind: a.kind as Action['kind'], at: a.at, steps };
}

/**
 * Reads index.json's text. A file that is not an index at all (damaged by hand) reads as an empty one: the
 * folders are the truth, so the library is rebuilt from them. An index written by a newer app is refused
 * rather than overwritten.
 */
export function parseIndex(text: string, file: string): IndexData {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return { records: [], pending: null, last: null };
  }
  if (typeof raw !== 'object' || raw === null || (raw as { format?: unknown }).format !== FORMAT) return { records: [], pending: null, last: null };
  const r = raw as { version?: unknown; records?: unknown; pending?: unknown; last?: unknown };
  if (typeof r.version === 'number' && r.version > VERSION) {
    throw badInput(inputReason('reason.libraryNewer', { path: file, version: r.version, reads: VERSION }));
  }
  const seen = new Set<string>();
  const records: StoredRecord[] = [];
  for (const x of Array.isArray(r.records) ? r.records : []) {
    const rec = parseRecord(x);
    if (rec && !seen.has(rec.id)) {
      seen.add(rec.id);
      records.push(rec);
    }
  }
  return { records, pending: r.pending == null ? null : parseAction(r.pending), last: r.last == null ? null : parseAction(r.last) };
}
