/**
 * The one door from a window to the engine: IPC.engineCall and IPC.engineCancel. Every call is checked in main
 * (the sender is the app's own page, the call id, the method is on the renderer's allow-list, the params pass
 * the engine contract) and resolves to a CallOutcome: nothing throws across IPC. Progress goes only to the
 * window that asked; a window's pending calls are cancelled when it goes away.
 */
import type { CallOutcome } from '../common/api.js';
import { validateRequest, type EngineMethod, type EngineParams, type EngineResult } from '../common/engine-contract.js';
import type { ProgressEvent } from '../common/engine-types.js';
import { EngineError, toFailure } from '../common/errors.js';
import { CALL_ID_PATTERN, IPC, RENDERER_ENGINE_METHODS, type RendererEngineMethod } from '../common/ipc.js';
import type { CallOptions, PendingCall } from '../engine/host.js';

/** The part of a WebContents the bridge uses. */
export interface SenderLike {
  readonly id: number;
  send(channel: string, ...args: unknown[]): void;
  isDestroyed(): boolean;
  once(event: 'destroyed', listener: () => void): unknown;
}

/** The part of an IpcMainEvent / IpcMainInvokeEvent the bridge uses. */
export interface IpcEventLike {
  sender: SenderLike;
  senderFrame: { url: string; parent: unknown } | null;
}

export interface EngineLike {
  request<M extends EngineMethod>(method: M, params: EngineParams<M>, opts?: CallOptions): PendingCall<M>;
  cancel(id: string): boolean;
}

/** Told about each train call, for the taskbar progress and the notification at its end. */
export interface TrainObserver {
  started(sender: SenderLike): void;
  progress(sender: SenderLike, event: ProgressEvent): void;
  ended(sender: SenderLike, outcome: CallOutcome<EngineResult<'train'>>): void;
}

export interface BridgeOptions {
  engine: EngineLike;
  /** is this frame the app's own page (its main frame)? */
  isAppSender(event: IpcEventLike): boolean;
  /**
   * May the engine read this file or folder for the window? Only one the app was given (a drop, a dialog, Open
   * With, the data folder) or one inside it: a call names paths, and a page that went wrong must not turn any
   * path on the disk into one the window may read and show by naming it in a call
   */
  mayRead(path: string): boolean;
  /** the images a call's result names (an evaluation's, found by the engine in a given folder) become given */
  give(paths: string[]): void;
  /**
   * May the engine write into this folder? Only a folder the user picked in a "choose a folder to save into"
   * dialog, exactly (not one below it, and not a folder a call merely named: the renderer names those)
   */
  mayWriteTo(path: string): boolean;
  train?: TrainObserver;
  /** the engine methods a window may call (default: RENDERER_ENGINE_METHODS) */
  methods?: readonly RendererEngineMethod[];
}

const fail = (message: string): { ok: false; error: ReturnType<typeof toFailure> } => ({ ok: false, error: toFailure(new EngineError('bad-input', message)) });

export function isRendererMethod(m: unknown, allowed: readonly string[] = RENDERER_ENGINE_METHODS): m is RendererEngineMethod {
  return typeof m === 'string' && allowed.includes(m);
}

/** The folders a call's params ask the engine to write into: each must be one the user chose. */
export function outputsIn(method: EngineMethod, params: unknown): string[] {
  if (method === 'evaluate') {
    const report = (params as { report?: string }).report;
    return report === undefined ? [] : [report];
  }
  if (method === 'exportModel') return [(params as { dir: string }).dir];
  return [];
}

/** The image files a call's result names that the window will show (an evaluation's judged images, found by the engine). */
export function pathsOut(method: EngineMethod, value: unknown): string[] {
  if (method === 'evaluate') return ((value as { images?: Array<{ file: string }> }).images ?? []).map((i) => i.file);
  return [];
}

/** The file and folder paths a call's params ask the engine to read. */
export function pathsIn(method: EngineMethod, params: unknown): string[] {
  const p = params as { inputs?: string[]; data?: string; dir?: string };
  if (method === 'predict') return p.inputs ?? [];
  if (method === 'train' || method === 'inspectData' || method === 'evaluate') return p.data ? [p.data] : [];
  if (method === 'importModel') return p.dir ? [p.dir] : [];
  return [];
}

export class EngineBridge {
  /** per window: the renderer's call id -> the engine host's request id */
  private readonly pending = new Map<SenderLike, Map<string, string>>();

  constructor(private readonly options: BridgeOptions) {}

  /** IPC.engineCall: (callId, method, params) -> CallOutcome */
  async call(event: IpcEventLike, callId: unknown, method: unknown, params: unknown, ...extra: unknown[]): Promise<CallOutcome<unknown>> {
    if (!this.options.isAppSender(event)) return fail('refused: the call did not come from the app');
    if (extra.length > 0) return fail('an engine call takes (callId, method, params)');
    if (typeof callId !== 'string' || !CALL_ID_PATTERN.test(callId)) return fail('a call id is 1 to 64 letters, digits, "_" or "-"');
    if (!isRendererMethod(method, this.options.methods)) return fail(`the app does not call the engine method "${String(method)}"`);
    let valid: { method: RendererEngineMethod; params: EngineParams<RendererEngineMethod> };
    try {
      valid = validateRequest(method, params);
    } catch (err) {
      return { ok: false, error: toFailure(err) };
    }
    const refused = outputsIn(valid.method, valid.params).find((p) => !this.options.mayWriteTo(p));
    if (refused !== undefined) return fail(`${valid.method}: ${refused} is not a folder the user chose`);
    const unread = pathsIn(valid.method, valid.params).find((p) => !this.options.mayRead(p));
    if (unread !== undefined) return fail(`${valid.method}: ${unread} is not a file or folder the app was given`);
    // where a base's weights come from is the command line's to say: from a window it would be a fetch of any URL
    if (valid.method === 'train' && (valid.params as { mobilenet?: unknown }).mobilenet !== undefined) return fail('train: the app does not choose where a base is downloaded from');
    const sender = event.sender;
    let calls = this.pending.get(sender);
    if (calls?.has(callId)) return fail(`call id "${callId}" is already in use`);
    if (!calls) {
      const mine = new Map<string, string>();
      calls = mine;
      this.pending.set(sender, mine);
      sender.once('destroyed', () => {
        this.cancelAll(sender);
        this.pending.delete(sender);
      });
    }
    // a library retrain is a training too: the same taskbar progress and notification at its end
    const training = valid.method === 'train' || valid.method === 'retrainWithLibrary';
    if (training) this.options.train?.started(sender);
    const call = this.options.engine.request(valid.method, valid.params, {
      onProgress: (e) => {
        if (training) this.options.train?.progress(sender, e);
        if (!sender.isDestroyed()) sender.send(IPC.engineProgress, callId, e);
      },
    });
    calls.set(callId, call.id);
    let outcome: CallOutcome<unknown>;
    try {
      const value = await call.result;
      this.options.give(pathsOut(valid.method, value));
      outcome = { ok: true, value };
    } catch (err) {
      outcome = { ok: false, error: toFailure(err) };
    } finally {
      calls.delete(callId);
    }
    if (training) this.options.train?.ended(sender, outcome as CallOutcome<EngineResult<'train'>>);
    return outcome;
  }

  /** IPC.engineCancel: (callId); a window cancels only its own calls. */
  cancel(event: IpcEventLike, callId: unknown): boolean {
    if (!this.options.isAppSender(event) || typeof callId !== 'string' || !CALL_ID_PATTERN.test(callId)) return false;
    const id = this.pending.get(event.sender)?.get(callId);
    return id !== undefined && this.options.engine.cancel(id);
  }

  /**
   * Cancels every call a window's page made: its page is gone (reloaded, or its renderer process died) and
   * nobody is left to see their progress or results; a training would otherwise run on unwatched.
   */
  cancelAll(sender: SenderLike): void {
    for (const id of this.pending.get(sender)?.values() ?? []) this.options.engine.cancel(id);
  }

  /** how many calls a window has pending (tests, diagnostics) */
  pendingCount(sender: SenderLike): number {
    return this.pending.get(sender)?.size ?? 0;
  }
}
