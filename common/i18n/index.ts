/**
 * One message catalogue per language, for the renderer and the menus alike. English is the reference: the
 * other catalogues are typed against its keys, so a missing key is a compile error (and a test checks the
 * same at run time).
 */
import type { Language } from '../ipc.js';
import { mainEn } from './main.en.js';
import { mainId } from './main.id.js';
import { rendererEn } from './renderer.en.js';
import { rendererId } from './renderer.id.js';
import { reasonsEn } from './reasons.en.js';
import { reasonsId } from './reasons.id.js';

export const en = { ...mainEn, ...rendererEn, ...reasonsEn };
export type MessageKey = keyof typeof en;
export type Catalogue = Record<MessageKey, string>;

export const CATALOGUES: Record<Language, Catalogue> = {
  en,
  id: { ...mainId, ...rendererId, ...reasonsId },
};

/** The language for an OS locale such as "id-ID" or "en_US"; English when there is no catalogue for it. */
export function languageFor(locale: string): Language {
  const tag = locale.toLowerCase().split(/[-_]/)[0];
  return tag === 'id' || tag === 'in' ? 'id' : 'en';
}

/** `{name}` placeholders are replaced from `params`. */
export function translate(language: Language, key: MessageKey, params: Record<string, string | number> = {}): string {
  const text = CATALOGUES[language][key] ?? en[key];
  return text.replace(/\{(\w+)\}/g, (m, name: string) => (name in params ? String(params[name]) : m));
}
