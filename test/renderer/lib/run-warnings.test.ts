import assert from 'node:assert/strict';
import { test } from 'node:test';
import { withWarning } from '../../../renderer/lib/run-warnings.js';

test('a warning said during a run is added to a new list, with its figures when it has them and no empty key when not', () => {
  const none: never[] = [];
  const first = withWarning(none, { type: 'warning', message: 'only 3 images' });
  assert.deepEqual(first, [{ message: 'only 3 images' }]);
  assert.equal('detail' in first[0]!, false);
  assert.deepEqual(none, [], 'the list it was given is left as it was');
  const detail = { kind: 'few-images', happy: 2, sad: 1 } as never;
  const second = withWarning(first, { type: 'warning', message: 'few', detail });
  assert.deepEqual(second, [{ message: 'only 3 images' }, { message: 'few', detail }]);
  assert.notEqual(second, first);
});
