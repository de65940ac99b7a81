import assert from 'node:assert/strict';
import { test } from 'node:test';
import { asSentence } from '../../../renderer/lib/sentence.js';

test('asSentence raises a first lower-case letter only: paths, numbers and capitals stay as they are', () => {
  assert.equal(asSentence('corrupt or truncated JPEG image'), 'Corrupt or truncated JPEG image');
  assert.equal(asSentence('gambar JPEG rusak atau terpotong'), 'Gambar JPEG rusak atau terpotong');
  assert.equal(asSentence('/tmp/faces: no such folder'), '/tmp/faces: no such folder');
  assert.equal(asSentence('C:\\photos: not a folder'), 'C:\\photos: not a folder');
  assert.equal(asSentence('4.0 times as many happy'), '4.0 times as many happy');
  assert.equal(asSentence('élan'), 'Élan');
  assert.equal(asSentence(''), '');
});
