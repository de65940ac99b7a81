/**
 * Events from main to the window (menu commands, opened paths, settings, engine status), held back until the
 * renderer says it listens (IPC.rendererReady), then delivered in order. A reload or a new window starts
 * unready again. The engine status is a state, not an event: the latest one is sent on every ready.
 */
import { IPC } from '../common/ipc.js';
import type { EngineStatus } from '../common/ipc.js';

export interface LinkTarget {
  send(channel: string, ...args: unknown[]): void;
  isDestroyed(): boolean;
}

export class RendererLink {
  private target: LinkTarget | null = null;
  private ready = false;
  private queue: Array<{ channel: string; args: unknown[] }> = [];
  private status: EngineStatus | null = null;

  /** a new page in this window (first load, reload, a new window): not listening yet */
  attach(target: LinkTarget): void {
    this.target = target;
    this.ready = false;
  }

  /** the window went away: events wait for the next one */
  detach(target: LinkTarget): void {
    if (this.target !== target) return;
    this.target = null;
    this.ready = false;
  }

  isReady(): boolean {
    return this.ready && this.target !== null && !this.target.isDestroyed();
  }

  /** IPC.rendererReady from the attached page */
  markReady(target: LinkTarget): void {
    if (target !== this.target) return;
    this.ready = true;
    if (this.status) target.send(IPC.engineStatus, this.status);
    const queued = this.queue;
    this.queue = [];
    for (const { channel, args } of queued) target.send(channel, ...args);
  }

  send(channel: string, ...args: unknown[]): void {
    if (this.isReady()) this.target!.send(channel, ...args);
    else this.queue.push({ channel, args });
  }

  setStatus(status: EngineStatus): void {
    this.status = status;
    if (this.isReady()) this.target!.send(IPC.engineStatus, status);
  }
}
