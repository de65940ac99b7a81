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

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const PATTERNS = (Object.entries(reasonsEn) as Array<[ReasonKey, string]>).map(([key, template]) => {
  const names: string[] = [];
  const source = template
    .split(/(\{\w+\})/)
    .map((part) => {
      const m = /^\{(\w+)\}$/.exec(part);
      if (!m) return escape(part);
      names.push(m[1]!);
      return '(.+?)';
    })
    .join('');
  // 's': a path may hold a line break, and is still one value
  return { key, names, re: new RegExp(`^${source}$`, 's') };
});

/** The reason's key and values when `text` is one of the engine's reasons; null for any other text. */
export function parseReason(text: string): { key: ReasonKey; params: Params } | null {
  for (const { key, names, re } of PATTERNS) {
    const m = re.exec(text);
    if (m) return { key, params: Object.fromEntries(names.map((n, i) => [n, m[i + 1]!])) };
  }
  return null;
}

/** Values that hold another of the engine's reasons (a folder that "cannot be read any more ({error})"). */
const NESTED = new Set(['error', 'detail']);

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
