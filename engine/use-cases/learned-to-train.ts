/**
 * A retrain starts from a model that learned its training images. Those among the retrain's validation images
 * would flatter the new model: its figures, its early stopping and its second look's would count images its
 * starting weights already know. They are moved to train (the parent learned them: no loss to learn them again).
 * Known by content hash: the parent's samples.json `trained` (its ancestors' included). A folder split by rank
 * (dataset.ts stableSplit) that grew leaves a few of them there; a folder with its own validation/, or another
 * seed or share, may leave many.
 */
import { inputReason } from '../../common/i18n/reasons.js';
import type { CallContext } from '../call-context.js';
import { hashFiles, type LabelledSample, type TrainingSet } from '../samples.js';
import type { EngineServices } from './services.js';

/** The samples with the validation ones in `learned` (by their hash; null: not known) moved to train. Pure. */
export function moveLearnedToTrain(samples: readonly LabelledSample[], hashes: ReadonlyArray<string | null>, learned: ReadonlySet<string>): { samples: LabelledSample[]; moved: number } {
  let moved = 0;
  const out = samples.map((s, i): LabelledSample => {
    const h = hashes[i];
    if (s.split !== 'validation' || !h || !learned.has(h)) return s;
    moved++;
    return { ...s, split: 'train' };
  });
  return { samples: out, moved };
}

/**
 * The training set of a retrain from `parentId` with the validation images that model learned moved to train,
 * and the sentence that says so (null when none was). A validation file that cannot be read stays where it is
 * (training reports it).
 */
export async function learnedToTrain(services: EngineServices, set: TrainingSet, parentId: string, ctx: CallContext = {}): Promise<{ set: TrainingSet; warning: string | null }> {
  const learned = await learnedBy(services, parentId);
  if (learned === null) return { set, warning: inputReason('reason.learnedUnknown', { id: parentId }) };
  if (learned.size === 0) return { set, warning: null };
  const unhashed = set.samples.map((s) => (s.split === 'validation' && !s.hash && s.file ? s.file : null));
  const read = await hashFiles(unhashed.filter((f): f is string => f !== null), ctx.signal);
  let next = 0;
  const hashes = set.samples.map((s, i) => s.hash ?? (unhashed[i] !== null ? read[next++]! : null));
  const { samples, moved } = moveLearnedToTrain(set.samples, hashes, learned);
  if (moved === 0) return { set, warning: null };
  return { set: { ...set, samples }, warning: learnedWarning(moved, parentId) };
}

/**
 * The content hashes a model learned from (its samples.json `trained`, its ancestors' included): none for the
 * zero-shot head; null when a saved model lists none that can be read (saved by an early version, or damaged).
 */
export async function learnedBy(services: EngineServices, modelId: string): Promise<ReadonlySet<string> | null> {
  if (modelId === 'zero-shot') return new Set();
  const samples = await services.registry.readSamples(modelId);
  return samples?.trained ? new Set(samples.trained) : null;
}

/** "3 validation images were moved to training: model ID, which this one starts from, learned from them (...)" */
export function learnedWarning(moved: number, parentId: string): string {
  return moved === 1 ? inputReason('reason.learnedValidationImage', { id: parentId }) : inputReason('reason.learnedValidationImages', { count: moved, id: parentId });
}
