import { readdir, stat } from 'node:fs/promises';
import type { Dirent, Stats } from 'node:fs';
import { extname, join } from 'node:path';
import type { PredictParams, PredictResult, Prediction } from '../../common/engine-types.js';
import { probabilityToLabel } from '../../common/labels.js';
import type { CallContext } from '../call-context.js';
import { IMAGE_EXTENSIONS } from '../image-decode.js';
import { pathReason } from '../errors.js';
import { resolveModel } from '../models/resolve.js';
import { count } from '../words.js';
import { inputReason } from '../../common/i18n/reasons.js';
import { judgeSamples } from './judge.js';
import type { EngineServices } from './services.js';

/**
 * Judges images (files, or the images directly inside folders; with `recursive`, in their subfolders too), one
 * result per image in the order given.
 */
export async function predict(services: EngineServices, params: PredictParams, ctx: CallContext = {}): Promise<PredictResult> {
  const entries = await expandInputs(params.inputs, params.recursive === true);
  const files = entries.filter((e) => !e.error).map((e) => e.file);
  const model = await resolveModel(services.registry, services.bases, params.model ?? 'current', ctx);
  try {
    // a path given that cannot be read is one of the results too: said here, so that the counts add up
    const unreadable = entries.length - files.length;
    const also = unreadable ? ` (${count(unreadable, 'path')} given cannot be judged: ${unreadable === 1 ? 'its reason is' : 'their reasons are'} with the results)` : '';
    ctx.progress?.({ type: 'stage', stage: 'predicting', message: `Predicting ${count(files.length, 'image')} with ${model.id}${also}` });
    // the answer first, the cache's appends just after it (a single image's latency is what the app shows)
    const { judgements } = await judgeSamples(services, model, files.map((file) => ({ file })), ctx, { faces: 'all', flushLater: true });
    const judged = files.map((file, i): Prediction => {
      const j = judgements[i]!;
      if ('error' in j) return { file, error: j.error };
      return {
        file,
        ...judgement(j.pHappy),
        ...(j.faces && { faces: j.faces.map((f) => ({ box: f.box, ...judgement(f.pHappy) })) }),
        ...(j.noFace && { face: 'none found' as const }),
        ...(j.size && { size: j.size }),
      };
    });
    let next = 0;
    const results = entries.map((e): Prediction => (e.error ? { file: e.file, error: e.error } : judged[next++]!));
    return { results, modelId: model.id, backend: services.backend.label };
  } finally {
    model.head.dispose();
  }
}

function judgement(pHappy: number) {
  const label = probabilityToLabel(pHappy);
  return { label, confidence: label === 'happy' ? pHappy : 1 - pHappy, probabilities: { happy: pHappy, sad: 1 - pHappy } };
}

/**
 * Files as given, and the image files inside any folder given, in the order of the inputs; an input that
 * does not exist keeps its place with an error. A folder gives the images directly inside it, sorted by name;
 * with `recursive`, every image below it, sorted byte-wise by their path inside the folder (the same order on
 * every OS and locale). A folder with no image directly inside but some in subfolders says so.
 */
async function expandInputs(inputs: string[], recursive: boolean): Promise<Array<{ file: string; error?: string }>> {
  const out: Array<{ file: string; error?: string }> = [];
  for (const input of inputs) {
    let st: Stats;
    try {
      st = await stat(input);
    } catch (err) {
      out.push({ file: input, error: await pathReason(input, err, inputReason('reason.noSuchFileOrFolder')) });
      continue;
    }
    if (st.isDirectory()) {
      const entries = await listFolder(input);
      if ('error' in entries) {
        out.push({ file: input, error: entries.error });
        continue;
      }
      const files = recursive ? await imagesBelow(input, Infinity) : entries
            .filter((e) => !e.isDirectory() && isImageName(e.name))
            .map((e) => e.name)
            .sort(byteOrder)
            .map((name) => join(input, name));
      if (files.length === 0) {
        const below = recursive ? [] : await imagesBelow(input, SUBFOLDER_COUNT_LIMIT + 1);
        out.push({
          file: input,
          error: below.length
            ? `no images directly in this folder; ${below.length > SUBFOLDER_COUNT_LIMIT ? `more than ${count(SUBFOLDER_COUNT_LIMIT, 'image')}` : count(below.length, 'image')} in subfolders: use --recursive`
            : recursive
              ? inputReason('reason.noImagesBelow')
              : inputReason('reason.noImagesInFolder'),
        });
      }
      out.push(...files.map((file) => ({ file })));
    } else out.push({ file: input });
  }
  return out;
}

/** Counting the images in subfolders stops here: enough to say "use --recursive" without walking a whole disk. */
const SUBFOLDER_COUNT_LIMIT = 10_000;

const isImageName = (name: string) => !name.startsWith('.') && IMAGE_EXTENSIONS.has(extname(name).toLowerCase());

/** Byte-wise order, the same on every OS and locale. */
const byteOrder = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

async function listFolder(dir: string): Promise<Dirent[] | { error: string }> {
  try {
    return await readdir(dir, { withFileTypes: true });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return { error: code === 'EACCES' || code === 'EPERM' ? inputReason('reason.folderPermission') : inputReason('reason.folderUnreadable', { code: code ?? (err as Error).message }) };
  }
}

/**
 * Image files below `dir` (hidden files and folders left out; symbolic links to folders not followed, so a
 * loop cannot trap the walk), at most `limit` of them, sorted by their path relative to `dir`.
 */
async function imagesBelow(dir: string, limit: number): Promise<string[]> {
  const found: string[] = [];
  const walk = async (rel: string): Promise<void> => {
    const entries = await listFolder(join(dir, rel));
    if ('error' in entries) return;
    for (const e of entries.sort((a, b) => byteOrder(a.name, b.name))) {
      if (found.length >= limit) return;
      if (e.name.startsWith('.')) continue;
      const path = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) await walk(path);
      else if (isImageName(e.name)) found.push(path);
    }
  };
  await walk('');
  return found.sort(byteOrder).map((p) => join(dir, p));
}
