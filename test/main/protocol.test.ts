import assert from 'node:assert/strict';
import { copyFile, mkdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { before, test } from 'node:test';
import { APP_CSP, imageUrl } from '../../common/api.js';
import { GivenPaths } from '../../main/given-paths.js';
import { APP_URL, SCHEME_PRIVILEGES, handleRequest, resolveRequest, type ProtocolContext } from '../../main/protocol.js';
import { FACES, tempDir } from '../helpers/tmp.js';

const FACE = join(FACES, 'happy', 'Training_10080933.jpg');
let root: string;
let ctx: ProtocolContext;
let p: Record<string, string>;

before(async () => {
  root = await tempDir();
  p = {
    appRoot: join(root, 'out', 'renderer'),
    dataset: join(root, 'dataset'),
    inDataset: join(root, 'dataset', 'happy', 'a.jpg'),
    dropped: join(root, 'drops', 'dropped.png'),
    notGiven: join(root, 'drops', 'sibling.jpg'),
    secret: join(root, 'secret', 'secret.jpg'),
    notes: join(root, 'dataset', 'notes.txt'),
    escape: join(root, 'dataset', 'happy', 'escape.jpg'),
    disguised: join(root, 'dataset', 'happy', 'disguised.jpg'),
    textName: join(root, 'dataset', 'happy', 'photo.txt'),
    appEscape: join(root, 'out', 'renderer', 'assets', 'leak.js'),
  };
  await mkdir(join(p.appRoot!, 'assets'), { recursive: true });
  await writeFile(join(p.appRoot!, 'index.html'), '<!doctype html><title>app</title>');
  await writeFile(join(p.appRoot!, 'assets', 'index-abc.js'), 'console.log(1)');
  await mkdir(join(p.dataset!, 'happy'), { recursive: true });
  await mkdir(join(root, 'drops'));
  await mkdir(join(root, 'secret'));
  await copyFile(FACE, p.inDataset!);
  await copyFile(FACE, p.dropped!);
  await copyFile(FACE, p.notGiven!);
  await copyFile(FACE, p.secret!);
  await writeFile(p.notes!, 'not an image');
  await writeFile(join(root, 'secret', 'passwd.js'), 'secret');
  await symlink(p.secret!, p.escape!); // a link in a given folder pointing out of it
  await symlink(p.notes!, p.disguised!); // an image name on a text file
  await symlink(p.inDataset!, p.textName!); // a text name on an image
  await symlink(join(root, 'secret', 'passwd.js'), p.appEscape!);
  const given = new GivenPaths();
  given.add([p.dataset!, p.dropped!]);
  ctx = { given, appRoot: p.appRoot! };
});

test('the scheme is registered standard, secure and fetchable', () => {
  assert.deepEqual(SCHEME_PRIVILEGES, { scheme: 'happysad', privileges: { standard: true, secure: true, supportFetchAPI: true } });
  assert.equal(APP_URL, 'happysad://app/index.html');
});

test('serves what it was given: a dropped file, an image in a chosen folder', async () => {
  for (const file of [p.dropped!, p.inDataset!]) {
    const r = await resolveRequest(imageUrl(file), ctx);
    assert.deepEqual(r, { ok: true, kind: 'image', path: file, contentType: file.endsWith('.png') ? 'image/png' : 'image/jpeg' }, file);
  }
  const res = await handleRequest(new Request(imageUrl(p.inDataset!)), ctx);
  assert.equal(res.status, 200);
  assert.equal(res.headers.get('content-type'), 'image/jpeg');
  assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
  assert.equal(res.headers.get('content-security-policy'), null, 'the CSP is for pages');
  const body = new Uint8Array(await res.arrayBuffer());
  assert.deepEqual([...body.subarray(0, 3)], [0xff, 0xd8, 0xff], 'the JPEG itself');
});

test("serves the app's files with the CSP header; index.html at the root", async () => {
  for (const url of [APP_URL, 'happysad://app/', 'happysad://app/index.html?x=1#/predict']) {
    const res = await handleRequest(new Request(url), ctx);
    assert.equal(res.status, 200, url);
    assert.equal(res.headers.get('content-type'), 'text/html; charset=utf-8');
    assert.equal(res.headers.get('content-security-policy'), APP_CSP);
    assert.match(await res.text(), /<title>app<\/title>/);
  }
  const js = await handleRequest(new Request('happysad://app/assets/index-abc.js'), ctx);
  assert.equal(js.status, 200);
  assert.equal(js.headers.get('content-type'), 'text/javascript; charset=utf-8');
  assert.equal((await handleRequest(new Request('happysad://app/assets/missing.js'), ctx)).status, 404);
  assert.equal((await handleRequest(new Request(APP_URL, { method: 'POST', body: 'x' }), ctx)).status, 405);
  const head = await handleRequest(new Request(APP_URL, { method: 'HEAD' }), ctx);
  assert.equal(head.status, 200);
});

test('the CSP is strict: no eval, no inline script, nothing remote', () => {
  const directives = new Map(APP_CSP.split('; ').map((d) => [d.split(' ')[0], d.split(' ').slice(1)]));
  assert.deepEqual(directives.get('default-src'), ["'none'"]);
  assert.deepEqual(directives.get('script-src'), ["'self'"]);
  assert.deepEqual(directives.get('style-src'), ["'self'"]);
  assert.deepEqual(directives.get('img-src'), ["'self'", 'happysad:', 'data:', 'blob:']);
  for (const d of ['object-src', 'base-uri', 'form-action', 'frame-ancestors']) assert.deepEqual(directives.get(d), ["'none'"], d);
  assert.doesNotMatch(APP_CSP, /unsafe-eval|unsafe-inline|https?:|\*/);
});

test('refuses hostile image URLs: traversal, encodings, absolute tricks, links, non-images, what was never given', async () => {
  const enc = encodeURIComponent;
  const hostile: Array<[string, string]> = [
    ['../ out of a given folder', `happysad://image/${enc(`${p.dataset}/../secret/secret.jpg`)}`],
    ['%2e%2e%2f traversal', `happysad://image/${enc(p.dataset!)}%2f%2e%2e%2fsecret%2fsecret.jpg`],
    ['raw ../ in the URL path', `happysad://image/${enc(p.dataset!)}/../secret/secret.jpg`],
    ['an unencoded separator (%2F decoded by hand)', `happysad://image${p.inDataset}`],
    ['double encoding', `happysad://image/${enc(enc(p.inDataset!))}`],
    ['double-encoded traversal', `happysad://image/${enc(p.dataset!)}%252f..%252fsecret%252fsecret.jpg`],
    ['a relative path', `happysad://image/${enc('dataset/happy/a.jpg')}`],
    ['a path that was never given', imageUrl(p.secret!)],
    ['a sibling of a dropped file', imageUrl(p.notGiven!)],
    ['a symlink in a given folder that leaves it', imageUrl(p.escape!)],
    ['an image name on a link to a text file', imageUrl(p.disguised!)],
    ['a non-image file in a given folder', imageUrl(p.notes!)],
    ['a non-image name, even on an image', imageUrl(p.textName!)],
    ['a NUL byte', `happysad://image/${enc(p.inDataset!)}%00.png`],
    ['a NUL byte before the extension', `happysad://image/${enc(`${p.notes}\0.jpg`)}`],
    ['a backslash path', `happysad://image/${enc(`${p.dataset}\\..\\secret\\secret.jpg`)}`],
    ['a UNC path', `happysad://image/${enc('\\\\server\\share\\a.jpg')}`],
    ['a // path', `happysad://image/${enc(`//${p.inDataset}`)}`],
    ['a query string', `${imageUrl(p.inDataset!)}?../../secret/secret.jpg`],
    ['a fragment', `${imageUrl(p.inDataset!)}#x`],
    ['a trailing /. segment', `happysad://image/${enc(`${p.inDataset}/.`)}`],
    ['bad percent-encoding', `happysad://image/%E0%A4%A${enc(p.inDataset!)}`],
    ['another host', `happysad://files/${enc(p.inDataset!)}`],
    ['credentials', `happysad://user:pw@image/${enc(p.inDataset!)}`],
    ['a port', `happysad://image:8080/${enc(p.inDataset!)}`],
    ['another scheme', `file://${p.inDataset}`],
  ];
  assert.ok(hostile.length >= 10);
  for (const [what, url] of hostile) {
    const r = await resolveRequest(url, ctx);
    assert.equal(r.ok, false, `${what}: ${url} must be refused`);
    let request: Request | null = null;
    try {
      request = new Request(url);
    } catch {
      // fetch itself refuses to build this request (credentials in the URL)
    }
    if (request) assert.ok((await handleRequest(request, ctx)).status >= 400, `${what}: status`);
    if (process.env.SHOW_REASONS) console.log(what, '->', r);
  }
});

test('refuses hostile app URLs: traversal, encoded separators, links out of the bundle', async () => {
  const hostile = [
    'happysad://app/%2e%2e/%2e%2e/secret/passwd.js',
    'happysad://app/..%2f..%2fsecret%2fpasswd.js',
    'happysad://app/assets%2f..%2f..%2f..%2fsecret%2fpasswd.js',
    'happysad://app/%2e%2e%5c%2e%2e%5csecret%5cpasswd.js',
    'happysad://app/assets/leak.js',
    `happysad://app/${encodeURIComponent(join(root, 'secret', 'passwd.js'))}`,
    'happysad://app/index.html%00.js',
    'happysad://app/C:%5Cwindows%5Cwin.ini',
  ];
  for (const url of hostile) {
    const r = await resolveRequest(url, ctx);
    assert.equal(r.ok, false, `${url} must be refused`);
  }
});

test('Windows rules: UNC, device and drive-relative paths are refused before any disk access', async () => {
  const win = { ...ctx, platform: 'win32' as const };
  for (const path of ['\\\\server\\share\\a.jpg', '\\\\?\\C:\\a.jpg', '\\\\.\\pipe\\x.jpg', 'C:a.jpg', 'C:/Users/a.jpg', 'C:\\Users\\..\\a.jpg', '/etc/a.jpg']) {
    const r = await resolveRequest(imageUrl(path), win);
    assert.deepEqual(r.ok ? r : r.status, 400, path);
  }
});

test('a given path stops being servable only by leaving what was given', async () => {
  const given = new GivenPaths();
  given.add([p.dataset!]);
  assert.equal(given.entryFor(p.inDataset!), p.dataset);
  assert.equal(given.entryFor(`${p.dataset}-other/a.jpg`), null, 'a folder name prefix is not the folder');
  assert.deepEqual(await given.check(p.inDataset!), { ok: true, realPath: p.inDataset });
  assert.deepEqual(await given.check(join(p.dataset!, 'happy', 'gone.jpg')), { ok: false, why: 'missing' });
  assert.deepEqual(await given.check(p.escape!), { ok: false, why: 'not-given' });
  given.add(['relative/path', '', 'x\0y']);
  assert.equal(given.has('relative/path'), false, 'only absolute paths are taken');
});
