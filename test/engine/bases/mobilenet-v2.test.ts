import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { EngineError } from '../../../common/errors.js';
import { BaseLoader } from '../../../engine/bases/loader.js';
import { ensureMobileNet, loadMobileNetBase, mobilenetCacheDir } from '../../../engine/bases/mobilenet-v2.js';
import { fileSystemHandler } from '../../../engine/fs-io-handler.js';
import { useBestBackend } from '../../helpers/backend.js';
import { buildMobileNetV2 } from '../../helpers/mobilenet-v2.js';
import { ASSETS, tempDir } from '../../helpers/tmp.js';

let served: string;
let server: Server;
let base: string;
let requests: string[] = [];

before(async () => {
  await useBestBackend();
  served = await tempDir();
  const model = buildMobileNetV2(64);
  await model.save(fileSystemHandler(served));
  model.dispose();
  server = createServer(async (req, res) => {
    requests.push(req.url!);
    try {
      const body = await readFile(join(served, req.url!.split('/').pop()!));
      res.writeHead(200, { 'content-length': body.length }).end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/models/mnv2`;
});
after(() => new Promise<void>((r) => server.close(() => r())));

const sha = async (f: string) => createHash('sha256').update(await readFile(join(served, f))).digest('hex');

test('download from a loopback server, verify, cache, and embed', async () => {
  const home = await tempDir();
  requests = [];
  const progress: string[] = [];
  const dir = await ensureMobileNet(home, { url: `${base}/model.json`, sha256: { 'model.json': await sha('model.json'), 'weights.bin': await sha('weights.bin') } }, { onProgress: (f) => progress.push(f) });
  assert.equal(dir, mobilenetCacheDir(home, `${base}/model.json`));
  assert.deepEqual(requests, ['/models/mnv2/model.json', '/models/mnv2/weights.bin']);
  assert.ok(progress.includes('weights.bin'));
  assert.deepEqual((await readdir(dir)).sort(), ['integrity.json', 'model.json', 'weights.bin']);

  const mb = await loadMobileNetBase(dir);
  assert.equal(mb.inputSize, 64);
  assert.equal(mb.dim, 1280);
  const out = tf.tidy(() => mb.embed(tf.randomUniform([2, 64, 64, 3], 0, 255, 'int32') as tf.Tensor4D));
  assert.deepEqual(out.shape, [2, 1280]);
  out.dispose();
  mb.dispose();

  requests = [];
  assert.equal(await ensureMobileNet(home, { url: `${base}/model.json` }), dir);
  assert.deepEqual(requests, [], 'second use comes from the cache');

  // a damaged cache is noticed and fetched again
  await writeFile(join(dir, 'weights.bin'), Buffer.alloc(10));
  await ensureMobileNet(home, { url: `${base}/model.json` });
  assert.deepEqual(requests, ['/models/mnv2/model.json', '/models/mnv2/weights.bin']);
});

test('a bad checksum is refused and nothing is cached', async () => {
  const home = await tempDir();
  await assert.rejects(
    ensureMobileNet(home, { url: `${base}/model.json`, sha256: { 'weights.bin': 'ab'.repeat(32) } }),
    /checksum mismatch for weights.bin/,
  );
  await assert.rejects(readdir(join(home, 'base-models', 'mobilenet-v2')).then((d) => (d.length ? d : Promise.reject(new Error('empty')))));
});

test('server down, missing files and wrong sizes are clear errors', async () => {
  const home = await tempDir();
  const closed = createServer();
  await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
  const port = (closed.address() as AddressInfo).port;
  await new Promise<void>((r) => closed.close(() => r()));
  await assert.rejects(ensureMobileNet(home, { url: `http://127.0.0.1:${port}/model.json` }), /cannot download http:\/\/127.0.0.1:\d+\/model.json: ECONNREFUSED/);
  // offline: say how to do without the download
  await assert.rejects(ensureMobileNet(home, { url: `http://127.0.0.1:${port}/model.json` }), /ECONNREFUSED\. Without internet, .* import that folder with --base-dir DIR$/);
  await assert.rejects(ensureMobileNet(home, { url: `${base}/missing.json` }), /HTTP 404/);
  // the user's to fix (connect, or import a folder), not a bug: said as bad input, not as an internal error
  await assert.rejects(ensureMobileNet(home, { url: `http://127.0.0.1:${port}/model.json` }), (e) => e instanceof EngineError && e.code === 'bad-input');
  await assert.rejects(ensureMobileNet(home, { url: `${base}/missing.json` }), (e) => e instanceof EngineError && e.code === 'bad-input');
  // part way: the connection drops, or the time runs out (not a raw TypeError: terminated, or a DOMException)
  const partial = createServer((req, res) => {
    res.writeHead(200, { 'content-length': '100000' });
    res.write('{"modelTopology":');
    if (req.url?.includes('drop')) setTimeout(() => res.socket?.destroy(), 50);
  });
  await new Promise<void>((r) => partial.listen(0, '127.0.0.1', r));
  const at = `http://127.0.0.1:${(partial.address() as AddressInfo).port}`;
  try {
    await assert.rejects(ensureMobileNet(home, { url: `${at}/drop/model.json` }), (e) => e instanceof EngineError && e.code === 'bad-input' && /the connection broke off \(.+\) after 17 bytes\. Without internet/.test(e.message));
    await assert.rejects(ensureMobileNet(home, { url: `${at}/stall/model.json` }, { timeoutMs: 300 }), (e) => e instanceof EngineError && e.code === 'bad-input' && /it took longer than 0\.3 s after 17 bytes/.test(e.message));
  } finally {
    partial.closeAllConnections();
    await new Promise<void>((r) => partial.close(() => r()));
  }

  const short = await tempDir();
  await writeFile(join(short, 'model.json'), await readFile(join(served, 'model.json')));
  await writeFile(join(short, 'weights.bin'), (await readFile(join(served, 'weights.bin'))).subarray(0, 1000));
  await assert.rejects(ensureMobileNet(home, { dir: short }), /weight files hold 1000 bytes, the manifest needs/);
});

test('import from a folder; weight paths cannot escape it', async () => {
  const home = await tempDir();
  const dir = await ensureMobileNet(home, { dir: served });
  assert.equal((await loadMobileNetBase(dir)).dim, 1280);
  const evil = await tempDir();
  const json = JSON.parse(await readFile(join(served, 'model.json'), 'utf8'));
  json.weightsManifest[0].paths = ['../../secret.bin'];
  await mkdir(evil, { recursive: true });
  await writeFile(join(evil, 'model.json'), JSON.stringify(json));
  await assert.rejects(ensureMobileNet(home, { dir: evil }), /unsafe weights path/);
});

// the timeout: a read that waits on the pipe would hang the run instead of failing it
test('a folder to import whose weights are a pipe is refused at once, not waited on', { skip: process.platform === 'win32' && 'no mkfifo', timeout: 20_000 }, async () => {
  const home = await tempDir();
  const piped = await tempDir();
  await writeFile(join(piped, 'model.json'), await readFile(join(served, 'model.json')));
  execFileSync('mkfifo', [join(piped, 'weights.bin')]);
  // someone writing the real weights into it: were the pipe read, the import would succeed
  const writer = spawn('sh', ['-c', 'cat "$1" > "$2"', 'sh', join(served, 'weights.bin'), join(piped, 'weights.bin')], { stdio: 'ignore' });
  try {
    await assert.rejects(ensureMobileNet(home, { dir: piped }), /weights\.bin is not a regular file/);
  } finally {
    writer.kill();
  }
});

test('"Fetching MobileNetV2" is said only when it is downloaded: not for the copy already here, nor for a folder imported', async () => {
  const home = await tempDir();
  const stages = async (source: { url?: string; dir?: string }) => {
    const said: string[] = [];
    const b = await new BaseLoader(home, ASSETS).load('mobilenet-v2', source, { progress: (e) => e.type === 'stage' && said.push(e.stage) });
    b.dispose();
    return said;
  };
  assert.deepEqual(await stages({ url: `${base}/model.json` }), ['loading-base', 'downloading-base']);
  assert.deepEqual(await stages({ url: `${base}/model.json` }), ['loading-base'], 'cached now');
  assert.deepEqual(await stages({ dir: served }), ['loading-base']);
});
