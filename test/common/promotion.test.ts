/**
 * The promotion's reason worded from its figures in each language: which sentence for which figures, "as you
 * asked" only when the figures alone would not have done it, and the stored English reason for older models.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { PromotionNote, PromotionWhy } from '../../common/engine-types.js';
import { translate } from '../../common/i18n/index.js';
import { promotionText, type PromotionWording } from '../../common/i18n/promotion.js';
import { localizeReason } from '../../common/i18n/reasons.js';
import type { Language } from '../../common/ipc.js';

function wording(lang: Language): PromotionWording {
  const tag = lang === 'id' ? 'id-ID' : 'en-US';
  return {
    t: (key, params) => translate(lang, key, params),
    percent: (x) => new Intl.NumberFormat(tag, { style: 'percent', minimumFractionDigits: 1, maximumFractionDigits: 1 }).format(x),
    number: (n, digits) => new Intl.NumberFormat(tag, { minimumFractionDigits: digits, maximumFractionDigits: digits }).format(n),
    modelName: (id) => (id === 'OLD' ? 'Dec 6, 8:04 PM' : id),
    reason: (text) => localizeReason(text, (key, params) => translate(lang, key, params)),
  };
}

const compared = (over: Partial<Extract<PromotionWhy, { kind: 'compared' }>> = {}): PromotionWhy => ({
  kind: 'compared', asked: false, previous: 'OLD', n: 1200, accuracy: 0.935, previousAccuracy: 0.9, loss: null, previousLoss: null, tolerancePoints: 0, ...over,
});
const say = (lang: Language, madeCurrent: boolean, why: PromotionWhy | undefined, reason = 'the engine\'s sentence') => promotionText({ madeCurrent, reason, ...(why && { why }) } as PromotionNote, wording(lang));

test('compared figures: more, as, less accurate; the loss when the accuracy tied; the allowance when there is one', () => {
  assert.equal(say('en', true, compared()), 'More accurate than Dec 6, 8:04 PM on the same 1,200 validation images: 93.5% against 90.0%.');
  assert.equal(say('en', false, compared({ accuracy: 0.85 })), 'Less accurate than Dec 6, 8:04 PM on the same 1,200 validation images: 85.0% against 90.0%.');
  assert.equal(say('en', true, compared({ accuracy: 0.9, tolerancePoints: 0.5 })), 'As accurate as Dec 6, 8:04 PM on the same 1,200 validation images: 90.0%.');
  assert.equal(
    say('en', true, compared({ accuracy: 0.896, tolerancePoints: 0.5 })),
    'Less accurate than Dec 6, 8:04 PM on the same 1,200 validation images (89.6% against 90.0%), but within the 0.5 points allowed.',
  );
  assert.equal(
    say('en', false, compared({ accuracy: 0.89, tolerancePoints: 0.5 })),
    'Less accurate than Dec 6, 8:04 PM on the same 1,200 validation images (89.0% against 90.0%), more than the 0.5 points allowed.',
  );
  assert.equal(
    say('en', true, compared({ accuracy: 0.9, loss: 0.25, previousLoss: 0.3 })),
    'As accurate as Dec 6, 8:04 PM on the same 1,200 validation images (90.0%), with a lower or equal validation loss: 0.2500 against 0.3000.',
  );
  assert.equal(
    say('en', false, compared({ accuracy: 0.9, loss: 0.5, previousLoss: 0.3 })),
    'As accurate as Dec 6, 8:04 PM on the same 1,200 validation images (90.0%), but with a higher validation loss: 0.5000 against 0.3000.',
  );
});

test('"as you asked" only where the figures alone would not have made it current', () => {
  assert.equal(say('en', true, compared({ asked: true, accuracy: 0.25 })), 'Made current as you asked. Less accurate than Dec 6, 8:04 PM on the same 1,200 validation images: 25.0% against 90.0%.');
  assert.equal(say('en', true, compared({ asked: true })), 'More accurate than Dec 6, 8:04 PM on the same 1,200 validation images: 93.5% against 90.0%.', 'it would have won anyway');
  assert.equal(say('en', true, { kind: 'first', asked: true }), 'No model was current before.');
  assert.equal(say('en', true, { kind: 'notJudged', asked: true, previous: 'OLD', error: 'gone' }), 'The model current before it (Dec 6, 8:04 PM) could not be judged: gone.', 'made current by the rule itself');
  assert.equal(
    say('en', true, compared({ asked: true, accuracy: 0.9, loss: 0.3, previousLoss: 0.3 })),
    'As accurate as Dec 6, 8:04 PM on the same 1,200 validation images (90.0%), with a lower or equal validation loss: 0.3000 against 0.3000.',
    'an equal loss wins',
  );
  assert.equal(say('en', true, { kind: 'notCompared', asked: true, previous: 'OLD', problem: null }), 'Made current as you asked. There were no validation figures to compare it with Dec 6, 8:04 PM.');
});

test('no comparison possible: the reason why, itself in the UI\'s language when it is one of the engine\'s', () => {
  assert.equal(say('en', false, { kind: 'notCompared', asked: false, previous: 'OLD', problem: 'validation has no sad image' }), 'It could not be compared with Dec 6, 8:04 PM: validation has no sad image.');
  assert.equal(say('id', false, { kind: 'notCompared', asked: false, previous: 'OLD', problem: 'validation has no sad image' }), 'Tidak dapat dibandingkan dengan Dec 6, 8:04 PM: validasi tidak punya gambar sedih.');
  assert.equal(say('en', false, { kind: 'notCompared', asked: false, previous: null, problem: null }), 'There were no validation images to compare on.');
  assert.equal(say('en', true, { kind: 'notJudged', asked: false, previous: 'OLD', error: 'model "OLD" is damaged' }), 'The model current before it (Dec 6, 8:04 PM) could not be judged: model "OLD" is damaged.');
});

test('Bahasa Indonesia: its own sentence and number format, not the engine\'s English', () => {
  const text = say('id', true, compared(), 'val acc 93.5 % vs 90.0 % for the previous model OLD on the same 1200 validation images');
  assert.equal(text, 'Lebih akurat daripada Dec 6, 8:04 PM pada 1.200 gambar validasi yang sama: 93,5% berbanding 90,0%.');
  assert.equal(say('id', true, { kind: 'first', asked: false }), 'Sebelumnya belum ada model yang aktif.');
  assert.equal(say('id', true, compared({ asked: true, accuracy: 0.25 })).startsWith('Dijadikan aktif sesuai permintaan Anda. Kurang akurat daripada'), true);
});

test('a model saved before the figures were stored: its English reason, translated when it is a plain one', () => {
  assert.equal(say('en', false, undefined, 'val acc 85.0 % vs 88.0 % for the current model OLD on the same 400 validation images'), 'val acc 85.0 % vs 88.0 % for the current model OLD on the same 400 validation images');
  assert.equal(say('id', true, undefined, 'no model was current before'), 'sebelumnya belum ada model yang aktif');
});
