/**
 * The engine's reasons for refusing an image, made from one table of templates (reasons.en.ts) and read back
 * from their text: results carry reasons as plain English text (the CLI's JSON, logs, every result type), and
 * the app turns a text that matches a template into the same reason in the user's language.
 */
import { reasonsEn, type ReasonKey } from './reasons.en.js';

type Params = Record<string, string | number>;

function fill(template: string, params: Params): string {
  return template.replace(/\{(\w+)\}/g, (m, name: string) => (name in params ? String(params[name]) : m));
}

/** The English reason, as the engine writes it. */
export function inputReason(key: ReasonKey, params: Params = {}): string {
  return fill(reasonsEn[key], params);
}

/** Values that hold another of the engine's reasons (a folder that "cannot be read any more ({error})"). */
const NESTED = new Set(['error', 'detail']);

type Part = { literal: string } | { name: string };
const TEMPLATES = (Object.entries(reasonsEn) as Array<[ReasonKey, string]>).map(([key, template]) => ({
  key,
  parts: template
    .split(/(\{\w+\})/)
    .filter((part) => part !== '')
    .map((part): Part => {
      const m = /^\{(\w+)\}$/.exec(part);
      return m ? { name: m[1]! } : { literal: part };
    }),
}));
// a value ends where the text after it begins: two values side by side could not be told apart
for (const { key, parts } of TEMPLATES) {
  if (parts.some((p, i) => 'name' in p && parts[i + 1] && 'name' in parts[i + 1]!)) throw new Error(`${key}: two values side by side`);
}

/**
 * Every way `text` reads as the template's parts from `at` on, shortest values first: a value is any text of
 * one character or more (a path may hold a line break, or ": " as a separator that follows it does).
 */
function* readings(parts: readonly Part[], text: string, at = 0, i = 0, values: Params = {}): Generator<Params> {
  const part = parts[i];
  if (!part) {
    if (at === text.length) yield values;
    return;
  }
  if ('literal' in part) {
    if (text.startsWith(part.literal, at)) yield* readings(parts, text, at + part.literal.length, i + 1, values);
    return;
  }
  const next = parts[i + 1];
  if (!next) {
    if (at < text.length) yield { ...values, [part.name]: text.slice(at) };
    return;
  }
  const literal = (next as { literal: string }).literal;
  for (let end = text.indexOf(literal, at + 1); end !== -1; end = text.indexOf(literal, end + 1)) {
    yield* readings(parts, text, end, i + 1, { ...values, [part.name]: text.slice(at, end) });
  }
}

/**
 * A value that took an operating system's error code from the text after it ("/photos: EACCES" out of
 * "/photos: EACCES: permission denied"): not a reading to prefer. Node's codes are E and capitals (EACCES,
 * ENOENT, EISDIR); a language that puts the path and the error apart would show the code in the wrong place.
 */
const SWALLOWED_CODE = /: E[A-Z0-9]{2,}$/;

/**
 * The reason's key and values when `text` is one of the engine's reasons; null for any other text. Where it
 * reads more than one way (a file named "a: b.jpg" before ": {error}"), the reading whose nested reasons are
 * reasons themselves wins, so that they are translated too, unless a value took a system error code to get
 * there; else the one with the shortest values first.
 */
export function parseReason(text: string): { key: ReasonKey; params: Params } | null {
  for (const { key, parts } of TEMPLATES) {
    let first: Params | null = null;
    for (const params of readings(parts, text)) {
      first ??= params;
      const entries = Object.entries(params);
      const nested = entries.filter(([name]) => NESTED.has(name));
      if (nested.length === 0) break;
      if (entries.some(([name, value]) => !NESTED.has(name) && SWALLOWED_CODE.test(String(value)))) continue;
      if (nested.every(([, value]) => parseReason(String(value)) !== null)) return { key, params };
    }
    if (first) return { key, params: first };
  }
  return null;
}

/**
 * `text` in another language when it is one of the engine's reasons (translate is the catalogue's); else as it
 * is. A value that holds a reason (NESTED) is translated too; any other value (a path, a format) stays as it is,
 * even one that happens to read like a reason.
 */
export function localizeReason(text: string, translate: (key: ReasonKey, params: Params) => string): string {
  const parsed = parseReason(text);
  if (!parsed) return text;
  const params = Object.fromEntries(Object.entries(parsed.params).map(([name, value]) => [name, NESTED.has(name) && typeof value === 'string' ? localizeReason(value, translate) : value]));
  return translate(parsed.key, params);
}
