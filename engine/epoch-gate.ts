/**
 * A gate between a training's epochs, shared between threads: element 0 of an Int32Array over a
 * SharedArrayBuffer says after which epoch a training waits (negative: no limit). The engine thread waits on it
 * without blocking its event loop (Atomics.waitAsync), so that a cancel still gets in. For tests only (the E2E
 * bridge holds a training mid-run with it instead of timing anything); the app never makes one.
 */

// ES2024's Atomics.waitAsync (Node 16+); the project's lib is ES2023
const waitAsync = (Atomics as unknown as { waitAsync(a: Int32Array, i: number, v: number): { async: boolean; value: Promise<string> | string } }).waitAsync;

/** Called when `finished` epochs are done: resolves once the gate lets the next one start, or the signal aborts. */
export async function waitAtGate(gate: SharedArrayBuffer, finished: number, signal?: AbortSignal): Promise<void> {
  const cell = new Int32Array(gate);
  const aborted = new Promise<void>((resolve) => {
    if (signal?.aborted) resolve();
    signal?.addEventListener('abort', () => resolve(), { once: true });
  });
  for (;;) {
    const allowed = Atomics.load(cell, 0);
    if (allowed < 0 || finished < allowed || signal?.aborted) return;
    const wait = waitAsync(cell, 0, allowed);
    if (wait.async) await Promise.race([wait.value as Promise<string>, aborted]);
  }
}

/** The other side: the thread that holds the gate. */
export class EpochGate {
  readonly buffer = new SharedArrayBuffer(4);
  private readonly cell = new Int32Array(this.buffer);

  constructor() {
    Atomics.store(this.cell, 0, -1);
  }

  /** From now on a training waits after epoch n (until allowed further). */
  holdAfter(n: number): void {
    this.set(n);
  }

  /** No limit: every waiting training goes on. */
  open(): void {
    this.set(-1);
  }

  private set(n: number): void {
    Atomics.store(this.cell, 0, n);
    Atomics.notify(this.cell, 0);
  }
}
