/**
 * The promotion's reason worded from its figures in each language: which sentence for which figures, "as you
 * asked" only when the figures alone would not have done it, and the stored English reason for older models.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Promotion, PromotionNote, PromotionWhy } from '../../common/engine-types.js';
import { translate } from '../../common/i18n/index.js';
import { digitsToTell, promotionText, type PromotionWording } from '../../common/i18n/promotion.js';
import { localizeReason } from '../../common/i18n/reasons.js';
import type { Language } from '../../common/ipc.js';
import { metricsOf as metrics } from '../helpers/metrics.js';
import { decidePromotion } from '../../engine/use-cases/library-retrain.js';
import { decide } from '../../engine/use-cases/promotion.js';
import { isPromotionWhy } from '../../engine/models/model-meta.js';

function wording(lang: Language): PromotionWording {
  const tag = lang === 'id' ? 'id-ID' : 'en-US';
  return {
    t: (key, params) => translate(lang, key, params),
    percent: (x, digits) => new Intl.NumberFormat(tag, { style: 'percent', minimumFractionDigits: digits, maximumFractionDigits: digits }).format(x),
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

test('"as you asked" where the asking, not the figures, made it current (the engine says which)', () => {
  assert.equal(say('en', true, compared({ asked: true, accuracy: 0.25 })), 'Made current as you asked. Less accurate than Dec 6, 8:04 PM on the same 1,200 validation images: 25.0% against 90.0%.');
  assert.equal(say('en', true, { kind: 'notCompared', asked: true, previous: 'OLD', problem: null }), 'Made current as you asked. There were no validation figures to compare it with Dec 6, 8:04 PM.');
  assert.equal(say('en', true, { kind: 'first', asked: false }), 'No model was current before.');
  assert.equal(
    say('en', true, compared({ accuracy: 0.9, loss: 0.3, previousLoss: 0.3 })),
    'As accurate as Dec 6, 8:04 PM on the same 1,200 validation images (90.0%), with a lower or equal validation loss: 0.3000 against 0.3000.',
    'an equal loss wins',
  );
});

test('accuracies that differ never read alike; a whole-point allowance has no decimals; a loss that could not be computed', () => {
  // one image in 2,401
  assert.equal(say('en', true, compared({ n: 2401, accuracy: 2161 / 2401, previousAccuracy: 2160 / 2401 })), 'More accurate than Dec 6, 8:04 PM on the same 2,401 validation images: 90.00% against 89.96%.');
  assert.match(say('en', true, compared({ accuracy: 0.895, tolerancePoints: 1 })), /, but within the 1 points allowed\.$/);
  assert.equal(
    say('en', false, compared({ accuracy: 0.9, loss: null, previousLoss: 0.3 })),
    'As accurate as Dec 6, 8:04 PM on the same 1,200 validation images (90.0%), but its validation loss could not be computed.',
  );
});

test('no comparison possible: the reason why, itself in the UI\'s language when it is one of the engine\'s', () => {
  assert.equal(say('en', false, { kind: 'notCompared', asked: false, previous: 'OLD', problem: 'validation has no sad image' }), 'It could not be compared with Dec 6, 8:04 PM: validation has no sad image.');
  assert.equal(say('id', false, { kind: 'notCompared', asked: false, previous: 'OLD', problem: 'validation has no sad image' }), 'Tidak dapat dibandingkan dengan Dec 6, 8:04 PM: validasi tidak punya gambar sedih.');
  assert.equal(say('en', false, { kind: 'notCompared', asked: false, previous: null, problem: null }), 'There were no validation images to compare on.');
  const learned = { kind: 'notCompared', asked: false, previous: 'OLD', problem: 'the model current before it was trained on all 4 of its validation images' } as const;
  assert.equal(say('en', false, learned), 'It could not be compared with Dec 6, 8:04 PM: the model current before it was trained on all 4 of its validation images.');
  assert.equal(say('id', false, learned), 'Tidak dapat dibandingkan dengan Dec 6, 8:04 PM: model yang aktif sebelumnya dilatih dengan semua 4 gambar validasinya.');
  assert.equal(say('en', true, { kind: 'notJudged', asked: false, previous: 'OLD', error: 'model "OLD" is damaged' }), 'The model current before it (Dec 6, 8:04 PM) could not be judged: model "OLD" is damaged.');
});

test('another model made current while it trained: kept as a candidate, in either language', () => {
  const w = { kind: 'overtaken', asked: false, previous: 'OLD', current: 'OLD' } as const;
  assert.equal(say('en', false, w), 'Dec 6, 8:04 PM was made current while this model was being trained (in another window, or by the command line), so the two were not compared.');
  assert.equal(say('id', false, w), 'Dec 6, 8:04 PM dijadikan aktif selagi model ini dilatih (di jendela lain, atau lewat baris perintah), jadi keduanya tidak dibandingkan.');
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


/** The sentence never contradicts the decision it explains, and "as you asked" only where the asking decided. */
function checkAgrees(decision: Promotion, withoutAsking: Promotion, use: boolean, label: string): void {
  const text = promotionText(decision, wording('en'));
  const claimsBetter = /^More accurate|lower or equal|but within the/.test(text) || (/^As accurate/.test(text) && !/, but /.test(text));
  const claimsWorse = /^(Made current as you asked|Less accurate)|higher validation loss|more than the|could not be computed/.test(text) && !/but within the/.test(text);
  if (!decision.madeCurrent) assert.ok(!claimsBetter && claimsWorse, `kept, yet: ${text} (${label})`);
  else if (!use) assert.ok(!claimsWorse, `made current by its figures, yet: ${text} (${label})`);
  assert.equal(text.startsWith('Made current as you asked'), use && decision.madeCurrent && !withoutAsking.madeCurrent, `${text} (${label})`);
}

test('over a grid of figures, each rule\'s sentence agrees with its decision', () => {
  for (const [ra, rb] of [[4, 4], [3, 4], [4, 3], [0, 4]]) {
    for (const [la, lb] of [[0.2, 0.3], [0.3, 0.2], [0.3, 0.3], [Number.NaN, 0.3], [0.3, Number.NaN]]) {
      for (const use of [false, true]) {
        const input = (u: boolean) => ({ candidate: { modelId: 'new', metrics: metrics(ra!, 4, la!) }, current: { modelId: 'OLD', metrics: metrics(rb!, 4, lb!) }, use: u });
        checkAgrees(decide(input(use)), decide(input(false)), use, `train ${ra}/${rb} right, loss ${la}/${lb}, use ${use}`);
      }
    }
  }
  for (const accuracy of [0.85, 0.89, 0.895, 0.899, 0.9, 0.901, 0.95]) {
    for (const tolerancePoints of [0, 0.5, 1]) {
      for (const use of [false, true]) {
        const rule = (u: boolean) => decidePromotion({ accuracy, n: 1000 }, { modelId: 'OLD', accuracy: 0.9 }, { tolerancePoints, use: u });
        checkAgrees(rule(use), rule(false), use, `library ${accuracy} vs 0.9, allowance ${tolerancePoints}, use ${use}`);
      }
    }
  }
});

test('digitsToTell: enough decimals for two figures that differ to read apart, no more', () => {
  const pct = (x: number, d: number) => `${(x * 100).toFixed(d)}%`;
  assert.equal(digitsToTell(0.935, 0.9, pct, 1), 1);
  assert.equal(digitsToTell(2161 / 2401, 2160 / 2401, pct, 1), 2, '90.00% against 89.96%');
  assert.equal(digitsToTell(0.9, 0.9, pct, 1), 1, 'equal: as usual');
  assert.equal(digitsToTell(1.1943, 1.1941, (x, d) => x.toFixed(d), 3), 4, 'losses 1.194 and 1.194 told apart');
  assert.equal(digitsToTell(0.5, 0.5 + 1e-9, (x, d) => x.toFixed(d), 3), 4, 'at most 4 decimals');
  assert.equal(digitsToTell(Number.NaN, 0.3, (x, d) => x.toFixed(d), 3), 3);
});

test('validation images left out because the previous model trained on them: said after the figures, in each language; kept on reading meta.json only when well formed', () => {
  assert.equal(
    say('en', true, compared({ n: 8, accuracy: 1, previousAccuracy: 0.875, leftOut: 16 })),
    'More accurate than Dec 6, 8:04 PM on the same 8 validation images: 100.0% against 87.5%. 16 of its validation images were left out: the previous model was trained on them.',
  );
  assert.match(say('id', true, compared({ n: 8, accuracy: 1, previousAccuracy: 0.875, leftOut: 16 })), / 16 gambar validasinya tidak dihitung: model sebelumnya dilatih dengan gambar-gambar itu\.$/);
  assert.doesNotMatch(say('en', true, compared()), /left out/, 'none left out: nothing said');
  assert.match(say('en', true, compared({ leftOut: 1 })), / One of its validation images was left out: the previous model was trained on it\.$/);
  assert.match(say('id', true, compared({ leftOut: 1 })), / Satu gambar validasinya tidak dihitung: model sebelumnya dilatih dengan gambar itu\.$/);
  // the engine's sentences say it too, for the CLI
  const trained = decide({ candidate: { modelId: 'new', metrics: metrics(8, 8, 0.1) }, current: { modelId: 'old', metrics: metrics(7, 8, 0.2) }, use: false, leftOut: 1 });
  assert.equal(trained.reason, 'val acc 100.0 % vs 87.5 % for the previous model old on the same 8 validation images (1 validation image left out: the current model was trained on it)');
  assert.equal(trained.why?.kind === 'compared' && trained.why.leftOut, 1);
  const library = decidePromotion({ accuracy: 0.5, n: 8 }, { modelId: 'old', accuracy: 1 }, { tolerancePoints: 0.5, use: false, leftOut: 3 });
  assert.match(library.reason, /on the same 8 validation images \(3 validation images left out: the current model was trained on them\) is 50\.0 points below/);
  assert.ok(isPromotionWhy(compared({ leftOut: 3 })));
  for (const bad of [0, -1, 1.5, '3', null]) assert.equal(isPromotionWhy({ ...compared(), leftOut: bad }), false, String(bad));
});
