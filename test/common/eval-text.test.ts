/** An evaluation's warnings worded by the app from the result's figures, in each language. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { EvalResult } from '../../common/engine-types.js';
import { evalWarningsText, type EvalWording } from '../../common/i18n/eval-text.js';
import { translate } from '../../common/i18n/index.js';
import type { Language } from '../../common/ipc.js';

const wording = (lang: Language): EvalWording => ({ t: (key, params) => translate(lang, key, params), number: (n) => new Intl.NumberFormat(lang === 'id' ? 'id-ID' : 'en-US').format(n) });
type R = Pick<EvalResult, 'n' | 'source' | 'trainedOn'>;
const validation = (missing: number): R['source'] => ({ kind: 'validation', modelId: 'm', root: '/data/faces', missing });
const folder: R['source'] = { kind: 'folder', dir: '/photos' };

test('nothing to say: no warning', () => {
  assert.deepEqual(evalWarningsText({ n: 400, source: validation(0), trainedOn: 0 }, wording('en')), []);
  assert.deepEqual(evalWarningsText({ n: 400, source: folder, trainedOn: null }, wording('en')), [], 'unknown is not a warning');
});

test('validation photos gone, and photos the model was trained on: counted, singular and plural', () => {
  assert.deepEqual(evalWarningsText({ n: 398, source: validation(2), trainedOn: 0 }, wording('en')), ['2 validation photos could not be found any more in /data/faces.']);
  assert.deepEqual(evalWarningsText({ n: 399, source: validation(1), trainedOn: 0 }, wording('en')), ['1 validation photo could not be found any more in /data/faces.']);
  const t = (n: number, k: number) => evalWarningsText({ n, source: folder, trainedOn: k }, wording('en'))[0];
  assert.match(t(1, 1)!, /^The photo judged was in this model’s training data/);
  assert.match(t(1200, 1200)!, /^All 1,200 photos judged were in this model’s training data/);
  assert.match(t(12, 1)!, /^1 of the 12 photos judged was in/);
  assert.match(t(12, 5)!, /^5 of the 12 photos judged were in/);
  assert.equal(evalWarningsText({ n: 10, source: validation(3), trainedOn: 2 }, wording('en')).length, 2, 'both, in that order');
});

test('in Bahasa Indonesia, with its number format', () => {
  assert.deepEqual(evalWarningsText({ n: 2000, source: validation(1500), trainedOn: 1200 }, wording('id')), [
    '1.500 foto validasi tidak dapat ditemukan lagi di /data/faces.',
    '1.200 dari 2.000 foto yang dinilai termasuk data latihan model ini (gambar yang sama), jadi angka ini melebih-lebihkan kinerjanya pada foto baru.',
  ]);
});
