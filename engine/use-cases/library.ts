/**
 * The library's use cases that need more than the store: predictions that are saved as they are made, and
 * thumbnails of saved images.
 */
import { inputReason } from '../../common/i18n/reasons.js';
import type { PredictParams, PredictResult, Prediction } from '../../common/engine-types.js';
import type { ThumbnailResult } from '../../common/library-types.js';
import type { CallContext } from '../call-context.js';
import { badInput } from '../errors.js';
import { thumbnail } from '../library/thumbnails.js';
import { predict } from './predict.js';
import type { EngineServices } from './services.js';

/** predict, and with `save` every image that could be judged is kept in the library with what the model said. */
export async function predictAndSave(services: EngineServices, params: PredictParams, ctx: CallContext = {}): Promise<PredictResult> {
  if (params.save && services.readOnly) throw badInput(inputReason('reason.readOnlyPredictions', { home: services.home }));
  const { save: _save, ...predictParams } = params;
  const result = await predict(services, predictParams, ctx);
  if (!params.save) return result;
  const judged = result.results.filter((p): p is Extract<Prediction, { label: unknown }> => !('error' in p));
  const { saved, failed } = await services.library.save(judged.map((p) => ({ file: p.file, predicted: p.label, confidence: p.confidence, modelId: result.modelId, ...(p.faces && { faces: p.faces }), ...(p.face && { face: p.face }) })));
  const byFile = new Map(saved.map((s) => [s.file, s]));
  return {
    ...result,
    results: result.results.map((p) => {
      const s = 'error' in p ? undefined : byFile.get(p.file);
      return s ? { ...p, saved: { id: s.id, seenBefore: s.seenBefore } } : p;
    }),
    library: { saved: saved.filter((s) => !s.seenBefore).length, seenBefore: saved.filter((s) => s.seenBefore).length, failed: failed.map((f) => ({ file: f.file, reason: f.reason })) },
  };
}

export const DEFAULT_THUMBNAIL_SIZE = 256;

export async function libraryThumbnail(services: EngineServices, { id, size }: { id: string; size?: number }): Promise<ThumbnailResult> {
  const item = await services.library.get(id);
  return thumbnail(services.home, id, item.file, size ?? DEFAULT_THUMBNAIL_SIZE, { cache: !services.readOnly });
}
