/**
 * The CLI's library, models and "retrain --library" commands, on a started engine host. Each prints plain
 * lines, or with --json exactly one JSON object on stdout; progress and notes go to stderr.
 */
import { existsSync } from 'node:fs';
import { basename } from 'node:path';
import type { ImportModelResult } from '../common/engine-types.js';
import type { LibraryItem } from '../common/library-types.js';
import { EngineError } from '../common/errors.js';
import type { CallOptions, EngineHost } from '../engine/host.js';
import type { LibraryCommand, LibraryRetrainCommand, ModelsCommand } from './args.js';
import { makeCurrentHint } from './format.js';
import { libraryLines, modelLines, previewLines, retrainSummary, reviewLine } from './library-format.js';

interface Io {
  out(line: string): void;
  err(line: string): void;
}

/** Commands that change the data folder: refused up front when it cannot be written. */
export function writesDataFolder(cmd: { command: string; action?: string; save?: boolean; dryRun?: boolean }): boolean {
  if (cmd.command === 'library') return cmd.action !== 'list';
  if (cmd.command === 'models') return cmd.action !== 'list';
  if (cmd.command === 'retrain-library') return !cmd.dryRun;
  return cmd.command === 'predict' && cmd.save === true;
}

/**
 * Library images named on the command line: an id, a unique prefix of one (6+ hex digits), or a path of a
 * file in the library (its stored file, or where it was saved from).
 */
export function resolveImages(refs: readonly string[], items: readonly LibraryItem[]): string[] {
  return refs.map((ref) => {
    const hits = /^[0-9a-f]{6,64}$/.test(ref)
      ? items.filter((i) => i.id.startsWith(ref))
      : items.filter((i) => i.file === ref || i.originalPath === ref).concat(items.filter((i) => i.file !== ref && i.originalPath !== ref && basename(i.file) === ref));
    const unique = [...new Map(hits.map((i) => [i.id, i])).values()];
    // "abc": too short for an id prefix, so it was read as a file name; say what was probably meant
    if (unique.length === 0 && /^[0-9a-f]{1,5}$/i.test(basename(ref)) && !existsSync(ref)) {
      throw new EngineError('bad-input', `"${basename(ref)}" is too short for an image id: give at least its first 6 characters (see "happysad library list")`);
    }
    if (unique.length === 0) throw new EngineError('not-found', `no image "${ref}" in the library (see "happysad library list")`);
    if (unique.length > 1) throw new EngineError('bad-input', `"${ref}" names ${unique.length} images in the library; give more of the id`);
    return unique[0]!.id;
  });
}

export async function runLibrary(host: EngineHost, cmd: LibraryCommand, io: Io, opts: CallOptions): Promise<number> {
  const json = cmd.common.json;
  if (cmd.action === 'list') {
    const r = await host.call('libraryList', { filter: { ...(cmd.label && { label: cmd.label }), ...(cmd.review && { review: cmd.review }) }, ...(cmd.sort && { sort: cmd.sort }), ...(cmd.limit !== undefined && { limit: cmd.limit }) }, opts);
    io.out(json ? JSON.stringify(r) : libraryLines(r));
    return 0;
  }
  if (cmd.action === 'undo') {
    const r = await host.call('libraryUndo', {}, opts);
    io.out(json ? JSON.stringify(r) : r.undone ? `Undid the last ${r.undone.action} (${r.undone.count === 1 ? '1 image' : `${r.undone.count} images`}).` : 'Nothing to undo.');
    return 0;
  }
  const all = await host.call('libraryList', {}, opts);
  const ids = resolveImages(cmd.images, all.items);
  const r = await host.call('libraryReview', { ids, action: cmd.action, ...(cmd.label && { label: cmd.label }) }, opts);
  io.out(json ? JSON.stringify(r) : reviewLine(cmd.action, r));
  return 0;
}

export async function runModels(host: EngineHost, cmd: ModelsCommand, io: Io, opts: CallOptions): Promise<number> {
  const json = cmd.common.json;
  if (cmd.action === 'list') {
    const [models, info] = await Promise.all([host.call('listModels', {}, opts), host.call('info', {}, opts)]);
    io.out(json ? JSON.stringify({ models, ...(info.currentProblem && { currentProblem: info.currentProblem }) }) : modelLines(models));
    // none is marked current: said why, on stderr as the CLI's other notes
    if (info.currentProblem && !json) io.err(`happysad: ${info.currentProblem}`);
    return 0;
  }
  if (cmd.action === 'use') {
    const m = await host.call('useModel', { id: cmd.id }, opts);
    io.out(json ? JSON.stringify(m) : `Model ${m.id} is now the current model.`);
    return 0;
  }
  if (cmd.action === 'import') {
    const r = await host.call('importModel', { dir: cmd.dir, use: cmd.use }, opts);
    io.out(json ? JSON.stringify(r) : importLine(r));
    return 0;
  }
  const r = await host.call('deleteModel', { id: cmd.id }, opts);
  io.out(json ? JSON.stringify(r) : `Deleted model ${r.deleted}.`);
  return 0;
}

function importLine({ id, added, madeCurrent }: ImportModelResult): string {
  const what = added ? `Imported model ${id}` : `Model ${id} was here already (nothing copied)`;
  return madeCurrent ? `${what}; it is now the current model.` : `${what}; ${makeCurrentHint(id)}.`;
}

/** Shows what it will use (stderr; stdout with --dry-run), then trains exactly that. */
export async function runLibraryRetrain(host: EngineHost, cmd: LibraryRetrainCommand, io: Io, opts: CallOptions): Promise<number> {
  const options = { includeUnreviewed: cmd.includeUnreviewed, ...(cmd.minConfidence !== undefined && { minConfidence: cmd.minConfidence }) };
  const preview = await host.call('retrainPreview', options, opts);
  if (cmd.dryRun) {
    io.out(cmd.common.json ? JSON.stringify(preview) : previewLines(preview));
    return preview.ready ? 0 : 1;
  }
  io.err(previewLines(preview));
  if (!preview.ready) throw new EngineError('bad-input', `nothing to retrain with: ${preview.reason}`);
  const r = await host.call('retrainWithLibrary', { ...options, expect: preview.fingerprint, use: cmd.use, ...(cmd.epochs !== undefined && { epochs: cmd.epochs }) }, opts);
  if (cmd.common.json) {
    const { modelId, backend, seconds, epochs, best, history, dataset, failed, embedding, validation, secondLook, preview: p, promotion } = r;
    io.out(JSON.stringify({ modelId, backend, seconds, epochs, best, history, dataset, failed, embedding, validation, ...(secondLook && { secondLook }), preview: p, promotion }));
  } else io.out(retrainSummary(r));
  return 0;
}
