import type * as tf from '../tf.js';
import { DEFAULT_BASE } from '../../common/defaults.js';
import type { MobileNetSource } from '../../common/engine-types.js';
import type { FrozenBase } from '../bases/base.js';
import type { BaseLoader } from '../bases/loader.js';
import { badInput } from '../errors.js';
import type { CallContext } from '../call-context.js';
import { createHead } from '../head.js';
import type { SecondLookRecord } from './model-meta.js';
import type { ModelRegistry } from './registry.js';
import { inputReason } from '../../common/i18n/reasons.js';

const ZERO_SHOT = 'zero-shot';
export { DEFAULT_BASE };

/** A model ready to judge: its frozen base and its head. The caller disposes the head. */
export interface ResolvedModel {
  id: string;
  base: FrozenBase;
  head: tf.LayersModel;
  source?: MobileNetSource;
  /** faces the head is unsure of are judged again (use-cases/second-look.ts) */
  secondLook?: SecondLook;
}

/** A second look made ready to judge. */
export interface SecondLook {
  base: FrozenBase<'emotion'>;
  margin: number;
  /** over [the base's features, the emotion network's] */
  kernel: Float32Array;
  bias: number;
}

/**
 * A saved second look made ready (parseModelMeta checked its form). One learned on other weights of its network
 * than this app's is refused, as a base's are: the model's figures were made with it, and it would judge other
 * features.
 */
async function loadSecondLook(id: string, bases: BaseLoader, record: SecondLookRecord | undefined, ctx: CallContext): Promise<SecondLook | undefined> {
  if (!record) return undefined;
  const base = await bases.emotion(ctx);
  if (base.fingerprint !== record.network.fingerprint) {
    throw badInput(inputReason('reason.modelOtherWeights', { id, base: base.id, fingerprint: record.network.fingerprint, installed: base.fingerprint }));
  }
  return { base, margin: record.margin, kernel: Float32Array.from(record.kernel), bias: record.bias };
}

/**
 * A model reference ('current', 'zero-shot' or an id) made ready to judge. 'current' falls back to the default
 * base's own happy-vs-sad head when nothing was trained yet, so a fresh install works offline. A model whose
 * base weights changed since it was trained is refused: its head would judge other features.
 */
export async function resolveModel(registry: ModelRegistry, bases: BaseLoader, ref: string, ctx: CallContext = {}): Promise<ResolvedModel> {
  const id = ref === 'current' ? ((await registry.currentId()) ?? ZERO_SHOT) : ref;
  if (id === ZERO_SHOT) {
    // no model because current.json is damaged or names one removed: said, or a script gets the weaker built-in
    // model's verdicts without a word (the app says it in the Models view)
    const problem = ref === 'current' ? await registry.currentProblem() : null;
    if (problem) ctx.progress?.({ type: 'warning', message: problem });
    const base = await bases.load(DEFAULT_BASE, undefined, ctx);
    return { id, base, head: createHead(base.dim, base.zeroShotHead) };
  }
  const { head, meta } = await registry.load(id);
  try {
    const base = await bases.load(meta.base.id, meta.base.source, ctx);
    if (base.fingerprint !== meta.base.fingerprint) {
      throw badInput(inputReason('reason.modelOtherWeights', { id, base: meta.base.id, fingerprint: meta.base.fingerprint, installed: base.fingerprint }));
    }
    const secondLook = await loadSecondLook(id, bases, meta.secondLook, ctx);
    return { id, base, head, ...(meta.base.source && { source: meta.base.source }), ...(secondLook && { secondLook }) };
  } catch (err) {
    head.dispose();
    throw err;
  }
}
