/**
 * A model's own validation images, found again: the images of its training data folder (and of the library,
 * for a model retrained with collected data) whose content hashes are the ones its samples.json lists as its
 * validation images. So "evaluate on its validation data" judges exactly what its recorded figures were
 * measured on, wherever the split put them, and says how many of them could not be found any more.
 */
import { isCancelled } from '../../common/errors.js';
import type { Label } from '../../common/labels.js';
import type { CallContext } from '../call-context.js';
import { recordedSplit, scanDataset, type Sample } from '../dataset.js';
import { badInput, EngineError, throwIfAborted } from '../errors.js';
import { hashFiles } from '../samples.js';
import type { EngineServices } from './services.js';
import { inputReason } from '../../common/i18n/reasons.js';

export interface ValidationImages {
  root: string;
  /** with their content hash when it was read to find them: judging them then reads no file whose features are cached */
  samples: Array<Sample & { hash?: string }>;
  /** validation images the model lists that were not found (moved, deleted or changed files) */
  missing: number;
}

export async function modelValidationImages(services: EngineServices, modelId: string, ctx: CallContext = {}): Promise<ValidationImages> {
  if (modelId === 'zero-shot') throw badInput(inputReason('reason.zeroShotNoValidation'));
  const meta = await services.registry.readMeta(modelId);
  const root = meta.dataset.root;
  // the validation images it lists; null when it lists none that can be read (an older model, or damage)
  const listed = (await services.registry.readSamples(modelId))?.validation ?? null;
  // an imported model's folder is the other installation's: that it is not here, or holds none of its images,
  // says nothing is wrong here, only that its images did not come with it
  const elsewhere = meta.importedAt !== undefined ? inputReason('reason.importedValidationElsewhere', { id: modelId, path: root }) : undefined;
  ctx.progress?.({ type: 'stage', stage: 'scanning', message: `Finding the validation images of model ${modelId} in ${root}` });

  const candidates: Sample[] = [];
  const hashes: Array<string | null> = [];
  if (root !== services.library.dir) {
    try {
      // the folder split again with the seed and the share it was split with
      const ds = await scanDataset(root, { seed: meta.hyperparameters.seed, ...recordedSplit(meta.dataset) });
      const validation = ds.validation;
      if (!listed) {
        // an older model without its sample list: the same folder split again the same way
        const v = meta.dataset.validation;
        const lib = meta.dataset.library?.validation;
        return { root, samples: validation, missing: Math.max(0, v.happy + v.sad - (lib ? lib.happy + lib.sad : 0) - validation.length) };
      }
      // the split's own validation images first (the usual case: all found there), the training images only when some are missing
      candidates.push(...validation);
      hashes.push(...(await hashFiles(validation.map((s) => s.file), ctx.signal)));
      const wanted = new Set(listed);
      const found = hashes.filter((h) => h !== null && wanted.has(h)).length;
      if (found < wanted.size) {
        candidates.push(...ds.train);
        hashes.push(...(await hashFiles(ds.train.map((s) => s.file), ctx.signal)));
      }
    } catch (err) {
      if (isCancelled(err)) throw err;
      // a folder there that cannot be read (permissions, another layout) is said as it is, imported or not
      const gone = err instanceof EngineError && err.code === 'not-found';
      if (!listed || !meta.dataset.library) throw badInput((gone ? elsewhere : undefined) ?? inputReason('reason.validationUnreadable', { id: modelId, path: root, error: (err as Error).message }));
    }
  }
  if (!listed) throw badInput(inputReason('reason.noSampleList', { id: modelId }));
  if (meta.dataset.library) {
    for (const item of await services.library.items()) {
      candidates.push({ file: item.file, label: item.label as Label });
      hashes.push(item.id);
    }
  }
  const wanted = new Set(listed);
  const seen = new Set<string>();
  const samples: Array<Sample & { hash: string }> = [];
  candidates.forEach((s, i) => {
    const h = hashes[i];
    if (h && wanted.has(h) && !seen.has(h)) {
      seen.add(h);
      samples.push({ ...s, hash: h });
    }
  });
  if (samples.length === 0) throw badInput(elsewhere ?? inputReason('reason.validationGone', { count: wanted.size, id: modelId, path: root }));
  return { root, samples, missing: wanted.size - samples.length };
}
