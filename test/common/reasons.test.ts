/**
 * The engine's reasons for refusing an image: written from one table, read back from their text, and shown in
 * the user's language.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { translate } from '../../common/i18n/index.js';
import { reasonsEn, type ReasonKey } from '../../common/i18n/reasons.en.js';
import { inputReason, localizeReason, parseReason } from '../../common/i18n/reasons.js';

const SAMPLE: Record<string, string | number> = { count: 12, base: 'face-expression', fingerprint: 'ab12', installed: 'cd34', id: '20261207-014155-b876', first: 'report-1.html', last: 'report-99.html', path: '/photos/faces', resource: 'library', home: '/home/u/.happysad', min: 16, size: 2048, limit: 1024, format: 'JPEG', width: 3000, height: 2000, compression: 1, depth: 2, extension: '.txt', code: 'EIO', root: '/photos/faces', error: 'EACCES: permission denied', file: '/photos/faces/a.jpg', other: 'mobilenet-v2', version: 3, reads: 2, detail: 'exit code 134', name: 'TypeError' };
const keys = Object.keys(reasonsEn) as ReasonKey[];
const params = (key: ReasonKey) => Object.fromEntries([...reasonsEn[key].matchAll(/\{(\w+)\}/g)].map((m) => [m[1]!, String(SAMPLE[m[1]!])]));

test('every reason the engine writes is read back as itself, with its values (no two templates match one text)', () => {
  for (const key of keys) {
    const text = inputReason(key, params(key));
    assert.doesNotMatch(text, /\{\w+\}/, `${key}: every placeholder filled`);
    const parsed = parseReason(text);
    assert.equal(parsed?.key, key, text);
    assert.equal(inputReason(key, parsed!.params), text, 'its values make the same text again');
    assert.deepEqual(parsed!.params, params(key), text);
  }
});

test('in Bahasa Indonesia: a known reason is translated with its values; any other text stays as it is', () => {
  const id = (text: string) => localizeReason(text, (key, p) => translate('id', key, p));
  assert.equal(id(inputReason('reason.corrupt', { format: 'JPEG' })), 'gambar JPEG rusak atau terpotong');
  assert.equal(id(inputReason('reason.corruptUnnamed')), 'gambar rusak atau terpotong');
  assert.equal(id(inputReason('reason.fileTooLarge', { size: 2048, limit: 1024 })), 'berkas berukuran 2048 bita, melebihi batas 1024 bita');
  assert.equal(id(inputReason('reason.unsupportedFormat', { format: 'svg' })), 'format gambar "svg" tidak didukung');
  for (const key of keys) assert.notEqual(id(inputReason(key, params(key))), inputReason(key, params(key)), `${key} is translated`);
  assert.equal(id('EIO: i/o error, read'), 'EIO: i/o error, read', 'an operating system message the engine passes on');
  assert.equal(id('the file is empty, they said'), 'the file is empty, they said', 'only whole texts match');
  // a reason inside a reason: both translated; a path inside stays as it is
  assert.equal(
    id(inputReason('reason.datasetUnreadable', { root: '/photos/faces', error: `/photos/faces: ${inputReason('reason.noSuchFileOrFolder')}` })),
    '/photos/faces tidak dapat dibaca lagi (/photos/faces: no such file or folder); hanya foto pustaka yang dipakai',
  );
  assert.equal(
    id(inputReason('reason.datasetUnreadable', { root: '/photos/faces', error: inputReason('reason.noSuchFileOrFolder') })),
    `/photos/faces tidak dapat dibaca lagi (${translate('id', 'reason.noSuchFileOrFolder')}); hanya foto pustaka yang dipakai`,
  );
  assert.equal(id(inputReason('reason.nothingToRetrain', { error: inputReason('reason.retrainNoSad') })), 'tidak ada yang bisa dipakai untuk latih ulang: tidak akan ada gambar latihan sedih');
  // the engine's crash, its exit code inside: both translated
  assert.equal(id(inputReason('reason.engineCrashed', { detail: inputReason('reason.exitCode', { code: 134 }) })), 'mesin berhenti tiba-tiba (kode keluar 134); mesin sudah dijalankan ulang, silakan coba lagi');
  // a folder chosen that is gone: the path as it is, the rest translated
  assert.equal(id(inputReason('reason.noSuchFolderAt', { path: '/photos/faces' })), '/photos/faces: folder tidak ada');
  assert.equal(id(inputReason('reason.noSuchFolderAt', { path: '/photos/two\nlines' })), '/photos/two\nlines: folder tidak ada', 'a line break in a path');
  assert.equal(id(inputReason('reason.folderUnreadableAt', { path: '/photos', error: inputReason('reason.permissionDenied') })), `/photos: folder tidak dapat dibaca (${translate('id', 'reason.permissionDenied')})`);
  // a value that only reads like a reason (a folder named so) stays as it is
  assert.equal(id(inputReason('reason.datasetUnreadable', { root: 'made current', error: 'EIO' })), 'made current tidak dapat dibaca lagi (EIO); hanya foto pustaka yang dipakai');
});

test('a file named with ": " before a nested reason: the reason inside is found and translated too', () => {
  const id = (text: string) => localizeReason(text, (key, p) => translate('id', key, p));
  const corrupt = inputReason('reason.corrupt', { format: 'JPEG' });
  for (const file of ['/photos/Party: Ana and Bo.jpg', '/photos/a: b: c.jpg', 'C:\\photos\\x.jpg']) {
    const text = inputReason('reason.noneJudgedOne', { file, error: corrupt });
    assert.deepEqual(parseReason(text), { key: 'reason.noneJudgedOne', params: { file, error: corrupt } }, text);
    assert.equal(id(text), translate('id', 'reason.noneJudgedOne', { file, error: translate('id', 'reason.corrupt', { format: 'JPEG' }) }));
    const many = inputReason('reason.noneJudged', { count: 3, file, error: corrupt });
    assert.equal(id(many), translate('id', 'reason.noneJudged', { count: 3, file, error: translate('id', 'reason.corrupt', { format: 'JPEG' }) }));
  }
  // a system message ("EACCES: permission denied") after a path: the path stays whole, the message as it is
  // (its code taken into the path would stand in the wrong place where a language moves the path: "laporan
  // /photos: EACCES tidak dapat ditulis: izin ditolak")
  for (const key of ['reason.exportFailed', 'reason.reportFailed', 'reason.importFailed'] as const) {
    const values = Object.fromEntries([...reasonsEn[key].matchAll(/\{(\w+)\}/g)].map((m) => [m[1]!, m[1] === 'error' ? 'EACCES: permission denied' : m[1] === 'id' ? 'm1' : '/photos/faces']));
    const text = inputReason(key, values);
    assert.deepEqual(parseReason(text), { key, params: values }, text);
    assert.equal(id(text), translate('id', key, values));
  }
  // an error that is no reason (an operating system's words): the shortest reading, as before
  assert.deepEqual(parseReason(inputReason('reason.noneJudgedOne', { file: '/p/a.jpg', error: 'EIO: i/o error' })), {
    key: 'reason.noneJudgedOne',
    params: { file: '/p/a.jpg', error: 'EIO: i/o error' },
  });
});
