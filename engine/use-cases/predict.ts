import { readdir, stat } from 'node:fs/promises';
import { extname, join } from 'node:path';
import type { PredictParams, PredictResult, Prediction } from '../../common/engine-types.js';
import { probabilityToLabel } from '../../common/labels.js';
import type { CallContext } from '../call-context.js';
import { IMAGE_EXTENSIONS } from '../image-decode.js';
import { resolveModel } from '../models/resolve.js';
import { judgeSamples } from './judge.js';
import type { EngineServices } from './services.js';

/** Judges images (files, or the images directly inside folders), one result per image in the order given. */
export async function predict(services: EngineServices, params: PredictParams, ctx: CallContext = {}): Promise<PredictResult> {
  const entries = await expandInputs(params.inputs);
  const files = entries.filter((e) => !e.error).map((e) => e.file);
  const model = await resolveModel(services.registry, services.bases, params.model ?? 'current', ctx);
  try {
    ctx.progress?.({ type: 'stage', stage: 'predicting', message: `Predicting ${files.length} images with ${model.id}` });
    const { judgements } = await judgeSamples(services, model, files.map((file) => ({ file })), ctx);
    const judged = files.map((file, i): Prediction => {
      const j = judgements[i]!;
      if ('error' in j) return { file, error: j.error };
      const label = probabilityToLabel(j.pHappy);
      return { file, label, confidence: label === 'happy' ? j.pHappy : 1 - j.pHappy, probabilities: { happy: j.pHappy, sad: 1 - j.pHappy } };
    });
    let next = 0;
    const results = entries.map((e): Prediction => (e.error ? { file: e.file, error: e.error } : judged[next++]!));
    return { results, modelId: model.id, backend: services.backend.label };
  } finally {
    model.head.dispose();
  }
}

/**
 * Files as given, and the image files directly inside any folder given (sorted by name), in the order of the
 * inputs; an input that does not exist keeps its place with an error.
 */
async function expandInputs(inputs: string[]): Promise<Array<{ file: string; error?: string }>> {
  const out: Array<{ file: string; error?: string }> = [];
  for (const input of inputs) {
    const st = await stat(input).catch(() => null);
    if (!st) out.push({ file: input, error: 'no such file or folder' });
    else if (st.isDirectory()) {
      const names = (await readdir(input)).filter((n) => !n.startsWith('.') && IMAGE_EXTENSIONS.has(extname(n).toLowerCase())).sort();
      if (names.length === 0) out.push({ file: input, error: 'no images in this folder' });
      out.push(...names.map((n) => ({ file: join(input, n) })));
    } else out.push({ file: input });
  }
  return out;
}
