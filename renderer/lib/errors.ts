import { reasonText } from './i18n.svelte.js';

/**
 * The sentence to show for a failure: EngineError messages are written for users, in English; one of the
 * engine's known reasons (a folder that does not exist, a busy data folder, ...) in the app's language.
 */
export function errorMessage(err: unknown): string {
  return reasonText(err instanceof Error ? err.message : String(err));
}
