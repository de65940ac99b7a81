/**
 * The message catalogues: every language has every key, none empty, with the same placeholders; the
 * Indonesian one is a translation, not a copy; and the renderer's templates hold no hard-coded text.
 */
import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { test } from 'node:test';
import { CATALOGUES, en, languageFor, translate, type MessageKey } from '../../common/i18n/index.js';
import { rendererEn } from '../../common/i18n/renderer.en.js';
import { LANGUAGES } from '../../common/ipc.js';
import { ROOT } from '../helpers/tmp.js';

const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

test('every language has every key, none empty, with the same placeholders as English', () => {
  const keys = Object.keys(en).sort();
  for (const lang of LANGUAGES) {
    const catalogue = CATALOGUES[lang];
    assert.deepEqual(Object.keys(catalogue).sort(), keys, `${lang}: the same keys as English`);
    for (const key of keys as MessageKey[]) {
      const text = catalogue[key];
      assert.equal(typeof text, 'string', `${lang} ${key}`);
      assert.ok(text.trim().length > 0, `${lang} ${key} is empty`);
      assert.deepEqual(placeholders(text), placeholders(en[key]), `${lang} ${key}: placeholders`);
    }
  }
});

test('Bahasa Indonesia is a translation: only names, units and code stay as in English', () => {
  // the same in both languages on purpose: product and technology names, key names, a model's name, a placeholder word
  const same = new Set([
    'app.title',
    'key.ctrl',
    'backend.gpu',
    'backend.wasm',
    'backend.cpu',
    'status.model',
    'models.baseMobileNet',
    'train.folderPlaceholder',
    // a folder layout: the folder names the app looks for
    'train.layoutHint',
    'card.judgedBy',
    // only placeholders: the name, label, review state and confidence, each translated
    'library.tileAria',
    'card.faceTag',
    'viewer.summary',
    'viewer.reviewed',
  ]);
  const copied = (Object.keys(rendererEn) as Array<keyof typeof rendererEn>).filter((k) => CATALOGUES.id[k] === rendererEn[k] && !same.has(k));
  assert.deepEqual(copied, [], 'untranslated renderer strings');
  assert.equal(translate('id', 'predict.judging', { done: 3, total: 20 }), 'Menilai 3 dari 20 gambar…');
  assert.equal(translate('en', 'label.happy'), 'Happy');
  assert.equal(translate('id', 'label.sad'), 'Sedih');
});

test('the OS locale picks the language', () => {
  for (const [locale, lang] of [
    ['id-ID', 'id'],
    ['id', 'id'],
    ['in_ID', 'id'],
    ['en-US', 'en'],
    ['en_GB.UTF-8', 'en'],
    ['fr-FR', 'en'],
    ['', 'en'],
  ] as const) {
    assert.equal(languageFor(locale), lang, locale);
  }
  assert.equal(translate('en', 'predict.judging', { done: 1 }), 'Judging 1 of {total} images…', 'a missing parameter stays visible');
});

async function svelteFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...(await svelteFiles(p)));
    else if (e.name.endsWith('.svelte')) out.push(p);
  }
  return out;
}

/** Text a user could read that does not come from the catalogue: letters in the markup, or in a literal label attribute. */
function hardCodedText(source: string): string[] {
  let markup = source
    .replace(/<script[\s\S]*?<\/script>/g, '')
    .replace(/<style[\s\S]*?<\/style>/g, '')
    .replace(/<!--[\s\S]*?-->/g, '');
  const found: string[] = [];
  for (const m of markup.matchAll(/\s(aria-label|title|alt|placeholder|label)="([^"{]*)"/g)) if (/\p{L}/u.test(m[2]!)) found.push(`${m[1]}="${m[2]}"`);
  // expressions (innermost first), then tags, then entities
  for (let prev = ''; prev !== markup; ) {
    prev = markup;
    markup = markup.replace(/\{[^{}]*\}/g, ' ');
  }
  markup = markup.replace(/<[^>]*>/g, ' ').replace(/&\w+;/g, ' ');
  for (const word of markup.split(/\s+/)) if (/\p{L}/u.test(word)) found.push(word);
  return found;
}

test('the renderer templates hold no hard-coded text (every string comes from the catalogue)', async () => {
  assert.deepEqual(hardCodedText('<p>{t("a")}</p><button aria-label="Close">x</button>'), ['aria-label="Close"', 'x']);
  const files = await svelteFiles(join(ROOT, 'renderer'));
  assert.ok(files.length >= 8);
  for (const file of files) {
    assert.deepEqual(hardCodedText(await readFile(file, 'utf8')), [], relative(ROOT, file));
  }
});
