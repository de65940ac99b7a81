import assert from 'node:assert/strict';
import { test } from 'node:test';
import { modelNames } from '../../../renderer/lib/model-names.js';

// minutes and seconds straight from the ISO time, so the test does not depend on the machine's time zone
const format = (iso: string, seconds: boolean) => (seconds ? iso.slice(11, 19) : iso.slice(11, 16));

test('to the minute; to the second where two share a minute; numbered in order where two share a second', () => {
  const names = modelNames(
    [
      { id: '20261207-014155-e004', createdAt: '2026-12-07T01:41:55.100Z' },
      { id: '20261207-014155-b876', createdAt: '2026-12-07T01:41:55.900Z' },
      { id: '20261207-014120-aaaa', createdAt: '2026-12-07T01:41:20.000Z' },
      { id: '20261207-013000-cccc', createdAt: '2026-12-07T01:30:00.000Z' },
      { id: '20261207-014155-0000', createdAt: '2026-12-07T01:41:55.900Z' },
    ],
    format,
  );
  assert.deepEqual(Object.fromEntries(names), {
    '20261207-013000-cccc': '01:30',
    '20261207-014120-aaaa': '01:41:20',
    '20261207-014155-e004': '01:41:55 (1)',
    '20261207-014155-0000': '01:41:55 (2)',
    '20261207-014155-b876': '01:41:55 (3)',
  });
  assert.equal(new Set(names.values()).size, names.size, 'no two alike');
  assert.deepEqual(Object.fromEntries(modelNames([{ id: 'a', createdAt: '2026-12-07T01:41:55Z' }], format)), { a: '01:41' });
});
