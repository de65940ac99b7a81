/**
 * The engine's side of the contract: one handler per method of common/engine-contract.ts. The mapped type
 * makes a method without a handler (or a handler with the wrong params/result) a compile error.
 */
import type { z } from 'zod';
import type { ENGINE_METHODS, EngineMethod, EngineResult } from '../common/engine-contract.js';
import type { CallContext } from './call-context.js';
import type { Engine } from './engine.js';

type Params<M extends EngineMethod> = z.output<(typeof ENGINE_METHODS)[M]['params']>;
type Handlers = { [M in EngineMethod]: (engine: Engine, params: Params<M>, ctx: CallContext) => Promise<EngineResult<M>> };

const HANDLERS: Handlers = {
  info: (engine) => engine.info(),
  listModels: (engine) => engine.listModels(),
  useModel: (engine, params) => engine.useModel(params),
  deleteModel: (engine, params) => engine.deleteModel(params),
  exportModel: (engine, params) => engine.exportModel(params),
  importModel: (engine, params) => engine.importModel(params),
  train: (engine, params, ctx) => engine.train(params, ctx),
  inspectData: (engine, params) => engine.inspectData(params),
  evaluate: (engine, params, ctx) => engine.evaluate(params, ctx),
  predict: (engine, params, ctx) => engine.predict(params, ctx),
  libraryList: (engine, params) => engine.libraryList(params),
  librarySave: (engine, params) => engine.librarySave(params),
  libraryReview: (engine, params) => engine.libraryReview(params),
  libraryUndo: (engine) => engine.libraryUndo(),
  thumbnail: (engine, params) => engine.thumbnail(params),
  retrainPreview: (engine, params, ctx) => engine.retrainPreview(params, ctx),
  retrainWithLibrary: (engine, params, ctx) => engine.retrainWithLibrary(params, ctx),
};

export function dispatch<M extends EngineMethod>(engine: Engine, method: M, params: Params<M>, ctx: CallContext): Promise<EngineResult<M>> {
  return (HANDLERS[method] as (e: Engine, p: Params<M>, c: CallContext) => Promise<EngineResult<M>>)(engine, params, ctx);
}
