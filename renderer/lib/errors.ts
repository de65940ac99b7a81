import { errorText } from '../../common/errors.js';

/**
 * A failure's text as the engine wrote it (for users, in English). Kept as it is and shown through reasonText
 * where it is displayed, so that a known reason follows the app's language, also after a switch.
 */
export function errorMessage(err: unknown): string {
  return errorText(err);
}
