import { join } from 'node:path';
import type { BaseId, MobileNetSource } from '../../common/engine-types.js';
import { badInput } from '../errors.js';
import type { CallContext } from '../call-context.js';
import type { FrozenBase } from './base.js';
import { loadFaceExpressionBase } from './face-expression.js';
import { loadEmotionBase } from './emotion.js';
import { loadFaceExpressionEmotionBase } from './face-expression-emotion.js';
import { ensureMobileNet, loadMobileNetBase } from './mobilenet-v2.js';

/** Loads each frozen base once per engine and keeps it; a failed load (offline, cancelled) may be retried. */
export class BaseLoader {
  private readonly bases = new Map<string, Promise<FrozenBase>>();

  constructor(
    private readonly home: string,
    private readonly assetsDir: string,
    /** used when a request names no MobileNetV2 source */
    private readonly defaultMobilenet: MobileNetSource = {},
  ) {}

  load(id: BaseId, source: MobileNetSource | undefined, ctx: CallContext = {}): Promise<FrozenBase> {
    const src = source ?? this.defaultMobilenet;
    const key = id === 'mobilenet-v2' ? `${id}|${JSON.stringify(src)}` : id;
    let p = this.bases.get(key);
    if (!p) {
      ctx.progress?.({ type: 'stage', stage: 'loading-base', message: `Loading the ${id} base` });
      p =
        id === 'face-expression'
          ? loadFaceExpressionBase(join(this.assetsDir, 'models', 'face-expression'))
          : id === 'face-expression-emotion'
            ? loadFaceExpressionEmotionBase(join(this.assetsDir, 'models'))
            : id === 'mobilenet-v2'
            ? (async () => {
                // said when a download starts: not for a copy already here, nor for one imported with --base-dir
                let fetching = false;
                const dir = await ensureMobileNet(this.home, src, {
                  ...(ctx.signal && { signal: ctx.signal }),
                  onProgress: (file, bytes, totalBytes) => {
                    if (!fetching) ctx.progress?.({ type: 'stage', stage: 'downloading-base', message: 'Fetching MobileNetV2 (first use only)' });
                    fetching = true;
                    ctx.progress?.({ type: 'download', file, bytes, totalBytes });
                  },
                });
                return loadMobileNetBase(dir);
              })()
            : Promise.reject(badInput(`unknown base "${id as string}"`));
      this.bases.set(key, p);
      p.catch(() => this.bases.delete(key));
    }
    return p;
  }

  /** human's emotion network alone, for a model's second look (use-cases/second-look.ts); loaded once. */
  emotion(ctx: CallContext = {}): Promise<FrozenBase<'emotion'>> {
    if (!this.emotionBase) {
      ctx.progress?.({ type: 'stage', stage: 'loading-base', message: 'Loading the emotion network' });
      const p = loadEmotionBase(join(this.assetsDir, 'models', 'emotion'));
      this.emotionBase = p;
      p.catch(() => {
        if (this.emotionBase === p) this.emotionBase = null;
      });
    }
    return this.emotionBase;
  }

  private emotionBase: Promise<FrozenBase<'emotion'>> | null = null;
}
