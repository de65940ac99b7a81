/**
 * Waits for what happens asynchronously elsewhere (a file write, a worker stopping, a lock taken) by looking
 * every 20 ms. The deadline only ends a run that would otherwise hang: the caller asserts afterwards, so a
 * condition that never comes true fails there, never on time alone.
 */
export async function until(check: () => boolean, deadlineMs = 30_000): Promise<void> {
  for (let waited = 0; waited < deadlineMs && !check(); waited += 20) await new Promise((r) => setTimeout(r, 20));
}
