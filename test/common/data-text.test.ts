/** The Train view's words for a training folder's warnings and problem, from the engine's figures, in each language. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { dataProblemText, dataWarningText, type DataWording } from '../../common/i18n/data-text.js';
import { translate } from '../../common/i18n/index.js';
import type { Language } from '../../common/ipc.js';
import { checkTrainingData } from '../../engine/use-cases/data-warnings.js';

const wording = (lang: Language): DataWording => ({
  t: (key, params) => translate(lang, key, params),
  number: (n, digits) => new Intl.NumberFormat(lang === 'id' ? 'id-ID' : 'en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits }).format(n),
});
const words = (lang: Language, train: { happy: number; sad: number }, validation: { happy: number; sad: number }) =>
  checkTrainingData(train, validation).details.map((w) => dataWarningText(w, wording(lang)));

test('few images: the class (or both) with its count; no plural to get wrong', () => {
  assert.deepEqual(words('en', { happy: 40, sad: 1 }, { happy: 5, sad: 1 })[0], 'Too few sad training images (1): with fewer than 10 images of a class, a model can hardly learn it, and its figures vary a lot from run to run.');
  assert.match(words('en', { happy: 9, sad: 9 }, { happy: 2, sad: 2 })[0]!, /^Too few training images \(9 happy, 9 sad\): /);
  assert.match(words('en', { happy: 3, sad: 40 }, { happy: 2, sad: 2 })[0]!, /^Too few happy training images \(3\): /);
  assert.match(words('id', { happy: 40, sad: 1 }, { happy: 5, sad: 1 })[0]!, /^Gambar latihan sedih terlalu sedikit \(1\): dengan kurang dari 10 gambar/);
});

test('imbalance: which way, the ratio and the counts in the UI\'s number format', () => {
  assert.deepEqual(words('en', { happy: 200, sad: 1400 }, { happy: 3, sad: 3 }), [
    '7.0 times as many sad as happy training images (1,400 against 200): the model will lean towards sad. Add happy images or use fewer sad ones.',
  ]);
  assert.deepEqual(words('id', { happy: 1400, sad: 200 }, { happy: 3, sad: 3 }), [
    'Gambar latihan senang 7,0 kali lebih banyak daripada yang sedih (1.400 berbanding 200): model akan condong ke senang. Tambahkan gambar sedih atau kurangi gambar senang.',
  ]);
});

test('validation lacking a class, or every image', () => {
  assert.match(words('en', { happy: 12, sad: 12 }, { happy: 3, sad: 0 }).at(-1)!, /^Validation has no sad image, so a model that always answered “happy” would score 100% there/);
  assert.match(words('en', { happy: 12, sad: 12 }, { happy: 0, sad: 3 }).at(-1)!, /^Validation has no happy image, so a model that always answered “sad”/);
  assert.match(words('en', { happy: 12, sad: 12 }, { happy: 0, sad: 0 }).at(-1)!, /^There are no validation images, so no model can be scored/);
  assert.match(words('id', { happy: 12, sad: 12 }, { happy: 0, sad: 3 }).at(-1)!, /^Validasi tidak punya gambar senang, jadi model yang selalu menjawab “sedih”/);
});

test('a folder training would refuse: the class missing, where to put it, and the other expressions found', () => {
  const en = wording('en');
  assert.equal(dataProblemText({ kind: 'noTrainingImages', missing: ['sad'], found: [] }, en), 'No sad training images in this folder: put them in a folder named sad next to happy (or in train/sad next to train/happy).');
  assert.match(dataProblemText({ kind: 'noTrainingImages', missing: ['happy'], found: [] }, en), /^No happy training images in this folder: put them in a folder named happy next to sad/);
  assert.equal(
    dataProblemText({ kind: 'noTrainingImages', missing: ['happy', 'sad'], found: ['angry', 'fear'] }, en),
    'No happy or sad training images in this folder: it needs folders named happy and sad (or train/happy and train/sad, with validation/ if you like). Other folders, not used: angry, fear.',
  );
  assert.match(dataProblemText({ kind: 'noTrainingImages', missing: ['sad'], found: ['fear'] }, wording('id')), /^Tidak ada gambar latihan sedih di folder ini: .* Folder lain, tidak dipakai: fear\.$/);
});
