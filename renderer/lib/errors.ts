/** The sentence to show for a failure (EngineError messages are written for users). */
export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
