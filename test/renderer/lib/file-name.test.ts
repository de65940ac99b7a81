import assert from 'node:assert/strict';
import { test } from 'node:test';
import { splitFileName } from '../../../renderer/lib/file-name.js';

test('splitFileName keeps the last 8 characters whole; short names are not split', () => {
  assert.deepEqual(splitFileName('Training_10204742.jpg'), { head: 'Training_1020', tail: '4742.jpg' });
  assert.deepEqual(splitFileName('short-name.jpg'), { head: 'short-name.jpg', tail: '' });
  // characters as seen: an emoji made of several code points, an e with a combining accent
  const family = '👨‍👩‍👧';
  const { head, tail } = splitFileName(`beach-party-${family}.jpg`);
  assert.equal(tail, `ty-${family}.jpg`);
  assert.equal(head, 'beach-par');
  assert.equal(splitFileName('cafe-au-lait-e\u0301e\u0301e\u0301.png').tail, '-e\u0301e\u0301e\u0301.png');
});
