import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EngineError, errorText, toFailure } from '../../common/errors.js';
import { translate } from '../../common/i18n/index.js';
import { localizeReason } from '../../common/i18n/reasons.js';

test('a failure always says something: a message kept as it is, a bare error or a thrown non-error named', () => {
  assert.deepEqual(toFailure(new Error('disk on fire')), { code: 'internal', message: 'disk on fire' });
  assert.deepEqual(toFailure(new EngineError('bad-input', 'no such file', '/a.jpg')), { code: 'bad-input', message: 'no such file', file: '/a.jpg' });
  assert.equal(errorText('a thrown string'), 'a thrown string');
  assert.equal(errorText({ message: 'a plain object that says why' }), 'a plain object that says why');

  assert.deepEqual(toFailure(new Error()), { code: 'internal', message: 'an unexpected error (Error) that gave no description' });
  assert.equal(toFailure(new TypeError('  ')).message, 'an unexpected error (TypeError) that gave no description');
  // the code and the file survive an empty message
  assert.deepEqual(toFailure(new EngineError('crashed', '', '/b.png')), { code: 'crashed', message: 'an unexpected error (EngineError) that gave no description', file: '/b.png' });
  assert.equal(toFailure(undefined).message, 'an unexpected error (undefined) that gave no description');
  assert.equal(toFailure(null).message, 'an unexpected error (null) that gave no description');
  assert.equal(toFailure('').message, 'an unexpected error (Error) that gave no description');
  assert.equal(toFailure({}).message, 'an unexpected error (object) that gave no description');
  assert.equal(toFailure(42).message, '42', 'a thrown number keeps its value');
  assert.equal(errorText({ code: 'busy', message: '' }), 'an unexpected error (busy) that gave no description', 'a failure with no words: its code');
});

test('the wordless failure is one of the reasons, so the app says it in its language', () => {
  const id = localizeReason(errorText(new RangeError()), (key, p) => translate('id', key, p));
  assert.equal(id, 'kesalahan tak terduga (RangeError) tanpa keterangan');
});
