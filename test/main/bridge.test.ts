import { readdir } from 'node:fs/promises';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { IPC, RENDERER_ENGINE_METHODS, type RendererEngineMethod } from '../../common/ipc.js';
import { EngineHost } from '../../engine/host.js';
import { EngineBridge, pathsIn, type IpcEventLike, type TrainObserver } from '../../main/bridge.js';
import { GivenPaths } from '../../main/given-paths.js';
import { APP_URL } from '../../main/protocol.js';
import { FakeWebContents } from '../helpers/fake-electron.js';
import { ASSETS, FACES, tempDir } from '../helpers/tmp.js';

let engine: EngineHost;
let requests: string[];
before(async () => {
  engine = new EngineHost({ home: await tempDir(), assetsDir: ASSETS });
  await engine.start();
});
after(() => engine.dispose());

/** `dropped`: what the user gave the app before (a drop, a dialog): the test images' folder unless said */
function setup(observer?: TrainObserver, methods?: readonly RendererEngineMethod[], dropped: string[] = [FACES]) {
  requests = [];
  const given = new GivenPaths();
  given.add(dropped);
  /** the folders picked in a save-into dialog (main keeps them apart from the given paths) */
  const outputs = new Set<string>();
  const spy = {
    request: ((method, params, opts) => {
      requests.push(method);
      return engine.request(method, params, opts);
    }) as EngineHost['request'],
    cancel: (id: string) => engine.cancel(id),
  };
  const bridge = new EngineBridge({
    engine: spy,
    isAppSender: (e) => e.senderFrame !== null && e.senderFrame.parent === null && e.senderFrame.url.startsWith(APP_URL),
    mayRead: (p) => given.entryFor(p) !== null,
    give: (paths) => given.add(paths),
    mayWriteTo: (p) => outputs.has(p),
    ...(observer && { train: observer }),
    ...(methods && { methods }),
  });
  return { bridge, given, outputs };
}

const from = (wc: FakeWebContents, url = APP_URL, parent: unknown = null): IpcEventLike => ({ sender: wc, senderFrame: { url, parent } });
const HAPPY = join(FACES, 'happy', 'Training_10080933.jpg');
const SAD = join(FACES, 'sad', 'Training_10091569.jpg');

test('answers the app page through the real engine', async () => {
  const { bridge } = setup();
  const r = await bridge.call(from(new FakeWebContents()), 'c1', 'info', {});
  assert.equal(r.ok, true);
  assert.deepEqual((r as { value: { backend: unknown } }).value.backend, await engine.start(), 'the backend this engine chose, whichever it is on this machine');
});

test('refuses other senders, bad call ids, unknown methods and bad payloads, without reaching the engine', async () => {
  const { bridge } = setup();
  const wc = new FakeWebContents();
  const refused: Array<[string, IpcEventLike, ...unknown[]]> = [
    ['a remote page', from(wc, 'https://evil.example/'), 'c1', 'info', {}],
    ['a file:// page', from(wc, 'file:///app/out/renderer/index.html'), 'c1', 'info', {}],
    ['a subframe of the app', from(wc, APP_URL, {}), 'c1', 'info', {}],
    ['no frame', { sender: wc, senderFrame: null }, 'c1', 'info', {}],
    ['an empty call id', from(wc), '', 'info', {}],
    ['a call id with spaces', from(wc), 'a b', 'info', {}],
    ['a call id with a slash', from(wc), '../x', 'info', {}],
    ['a 65-character call id', from(wc), 'x'.repeat(65), 'info', {}],
    ['a numeric call id', from(wc), 7, 'info', {}],
    ['an unknown method', from(wc), 'c1', 'deleteEverything', {}],
    ['a prototype method', from(wc), 'c1', 'constructor', {}],
    ['a prototype method', from(wc), 'c1', 'hasOwnProperty', {}],
    ['a method that is not a string', from(wc), 'c1', ['info'], {}],
    ['params for a method that takes none', from(wc), 'c1', 'info', { rm: '-rf' }],
    ['null params', from(wc), 'c1', 'info', null],
    ['predict without inputs', from(wc), 'c1', 'predict', { inputs: [] }],
    ['predict with a non-string input', from(wc), 'c1', 'predict', { inputs: [42] }],
    ['predict with an unknown key', from(wc), 'c1', 'predict', { inputs: [HAPPY], shell: 'x' }],
    ['train with 0 epochs', from(wc), 'c1', 'train', { data: FACES, epochs: 0 }],
    ['useModel with a bad id', from(wc), 'c1', 'useModel', { id: '../../etc' }],
    ['a report into a folder the user did not choose', from(wc), 'c1', 'evaluate', { data: FACES, report: '/etc' }],
    ['an export into a folder the user did not choose', from(wc), 'c1', 'exportModel', { id: '20261128-101530-ab12', dir: '/etc' }],
    ['a fourth argument', from(wc), 'c1', 'info', {}, 'extra'],
  ];
  for (const [what, event, ...args] of refused) {
    const r = await bridge.call(event, ...(args as [unknown, unknown, unknown]));
    assert.equal(r.ok, false, what);
    assert.equal(!r.ok && r.error.code, 'bad-input', what);
    assert.equal(typeof (!r.ok && r.error.message), 'string');
  }
  assert.deepEqual(requests, [], 'nothing reached the engine');
  assert.deepEqual(wc.sent, []);
  // a refused sender cannot cancel either
  assert.equal(bridge.cancel(from(wc, 'https://evil.example/'), 'c1'), false);
});

test('only the allow-listed methods reach the engine', async () => {
  const { bridge } = setup(undefined, ['info']);
  const refused = await bridge.call(from(new FakeWebContents()), 'c1', 'predict', { inputs: [HAPPY] });
  assert.equal(!refused.ok && refused.error.code, 'bad-input');
  assert.match(!refused.ok ? refused.error.message : '', /does not call the engine method "predict"/);
  assert.deepEqual(requests, []);
  assert.equal((await bridge.call(from(new FakeWebContents()), 'c2', 'info', {})).ok, true);
  assert.deepEqual(requests, ['info']);
  assert.deepEqual([...RENDERER_ENGINE_METHODS].sort(), ['deleteModel', 'evaluate', 'exportModel', 'importModel', 'info', 'inspectData', 'libraryList', 'libraryReview', 'libraryUndo', 'listModels', 'predict', 'retrainPreview', 'retrainWithLibrary', 'thumbnail', 'train', 'useModel'], 'the renderer allow-list, reviewed when the engine grows a method');
});

test('the library methods reach the engine through the bridge; librarySave is not the renderer\'s (it saves with predict)', async () => {
  const { bridge } = setup();
  const wc = new FakeWebContents();
  const list = await bridge.call(from(wc), 'l1', 'libraryList', { sort: 'least-sure', offset: 0, limit: 10 });
  assert.equal(list.ok, true, JSON.stringify(list));
  const value = (list as { ok: true; value: { items: unknown[]; total: number; counts: { all: number }; dir: string } }).value;
  assert.deepEqual([value.items, value.total, value.counts.all], [[], 0, 0]);
  assert.match(value.dir, /library$/);
  const bad = await bridge.call(from(wc), 'l2', 'libraryList', { sort: 'random' });
  assert.equal(!bad.ok && bad.error.code, 'bad-input', 'params are checked against the contract');
  const save = await bridge.call(from(wc), 'l3', 'librarySave', { items: [{ file: HAPPY, predicted: 'happy', confidence: 0.9, modelId: 'zero-shot' }] });
  assert.match(!save.ok ? save.error.message : '', /does not call the engine method "librarySave"/);
  assert.deepEqual(requests, ['libraryList']);
});

test('progress goes only to the window that asked, while windows call at once', async () => {
  const { bridge } = setup();
  const a = new FakeWebContents();
  const b = new FakeWebContents();
  const [ra, rb] = await Promise.all([bridge.call(from(a), 'p1', 'predict', { inputs: [HAPPY, SAD] }), bridge.call(from(b), 'p2', 'predict', { inputs: [SAD] })]);
  assert.equal(ra.ok && rb.ok, true, JSON.stringify([ra, rb]));
  const value = (ra as { value: { results: Array<{ file: string }> } }).value;
  assert.deepEqual(value.results.map((x) => x.file), [HAPPY, SAD]);
  for (const [wc, id] of [[a, 'p1'], [b, 'p2']] as const) {
    const progress = wc.sentOn(IPC.engineProgress);
    assert.ok(progress.length > 0, `${id}: got progress`);
    assert.ok(progress.every(([callId]) => callId === id), `${id}: only its own progress`);
    assert.ok(progress.some(([, e]) => (e as { type: string }).type === 'embedding'));
  }
  assert.deepEqual(new FakeWebContents().sent, []);
  assert.equal(bridge.pendingCount(a), 0);
});

test('a call may name only files and folders the app was given: naming one does not give it (a page gone wrong would read the disk through the engine); no base download from a window', async () => {
  const { bridge, given } = setup(undefined, undefined, [HAPPY]);
  const wc = new FakeWebContents();
  const elsewhere = await tempDir();
  const refusals: Array<[string, string, unknown]> = [
    ['predict', 'r1', { inputs: [HAPPY, SAD] }],
    ['inspectData', 'r2', { data: FACES }],
    ['train', 'r3', { data: FACES, epochs: 1 }],
    ['evaluate', 'r4', { data: FACES, model: 'zero-shot' }],
    ['importModel', 'r5', { dir: elsewhere }],
  ];
  for (const [method, id, params] of refusals) {
    const r = await bridge.call(from(wc), id, method, params);
    assert.match(!r.ok ? r.error.message : 'judged', /is not a file or folder the app was given$/, method);
  }
  assert.deepEqual(requests, [], 'none reached the engine');
  assert.equal(given.entryFor(SAD), null, 'and none became given');
  assert.equal(given.entryFor(FACES), null);
  assert.deepEqual(pathsIn('train', { data: FACES }), [FACES]);
  assert.deepEqual(pathsIn('importModel', { dir: elsewhere }), [elsewhere]);
  // what was given is judged
  const ok = await bridge.call(from(wc), 'r6', 'predict', { inputs: [HAPPY] });
  assert.equal(ok.ok, true, JSON.stringify(ok));
  // where a base's weights come from: the command line's to say, never a window's (a fetch of any URL)
  given.add([FACES]);
  const fetch = await bridge.call(from(wc), 'r7', 'train', { data: FACES, epochs: 1, base: 'mobilenet-v2', mobilenet: { url: 'http://127.0.0.1:9/model.json' } });
  assert.match(!fetch.ok ? fetch.error.message : 'trained', /does not choose where a base is downloaded from/);
  assert.deepEqual(requests, ['predict']);
});

test('a window cancels its own call by id (not another window), and a pending id cannot be reused', async () => {
  const events: string[] = [];
  const { bridge } = setup({
    started: () => void events.push('started'),
    progress: () => void (events.at(-1) !== 'progress' && events.push('progress')),
    ended: (_s, o) => void events.push(o.ok ? 'ok' : o.error.code),
  });
  const a = new FakeWebContents();
  const b = new FakeWebContents();
  let cancelledByB: boolean | null = null;
  let cancelledByA: boolean | null = null;
  const origSend = a.send.bind(a);
  a.send = (channel: string, ...args: unknown[]) => {
    origSend(channel, ...args);
    if (channel === IPC.engineProgress && cancelledByA === null) {
      cancelledByB = bridge.cancel(from(b), 't1');
      cancelledByA = bridge.cancel(from(a), 't1');
    }
  };
  const call = bridge.call(from(a), 't1', 'train', { data: FACES, epochs: 200 });
  const dup = await bridge.call(from(a), 't1', 'info', {});
  assert.equal(!dup.ok && dup.error.code, 'bad-input', 'the id is in use');
  const r = await call;
  assert.equal(cancelledByB, false, "B cannot cancel A's call");
  assert.equal(cancelledByA, true);
  assert.equal(!r.ok && r.error.code, 'cancelled');
  assert.deepEqual(events, ['started', 'progress', 'cancelled']);
  assert.equal(bridge.pendingCount(a), 0);
});

test("closing a window cancels its pending calls and nothing is sent to it afterwards", async () => {
  const { bridge } = setup();
  const a = new FakeWebContents();
  const origSend = a.send.bind(a);
  a.send = (channel: string, ...args: unknown[]) => {
    origSend(channel, ...args);
    if (!a.destroyed) a.destroy(); // the window closes at the first progress event
  };
  const r = await bridge.call(from(a), 'w1', 'train', { data: FACES, epochs: 200 });
  assert.equal(!r.ok && r.error.code, 'cancelled');
  assert.equal(a.sent.length, 1, 'one progress event before the close, none after (FakeWebContents throws on send after destroy)');
  // the engine is free again
  const info = await bridge.call(from(new FakeWebContents()), 'i1', 'info', {});
  assert.equal(info.ok, true);
});

test("an evaluation's judged images become given (the window shows them); a report goes only into a chosen folder", async () => {
  const { bridge, given, outputs } = setup(undefined, undefined, []);
  const wc = new FakeWebContents();
  // on a model's own validation images: the call names no folder, the engine finds the files
  const trained = await engine.call('train', { data: FACES, epochs: 1, seed: 3 });
  const r = await bridge.call(from(wc), 'e1', 'evaluate', { model: trained.modelId });
  assert.equal(r.ok, true, JSON.stringify(r));
  assert.equal(given.entryFor(FACES), null, 'the folder itself was not given');
  const files = (r as { value: { images: Array<{ file: string }> } }).value.images.map((i) => i.file);
  assert.ok(files.length > 0);
  for (const f of files) assert.equal(given.has(f), true, f);
  const chosen = await tempDir();
  // a folder the app was given (dropped, chosen to read) is read, never written into
  given.add([chosen, FACES]);
  const refused = await bridge.call(from(wc), 'e3', 'evaluate', { data: FACES, model: 'zero-shot', report: chosen });
  assert.equal(refused.ok, false);
  assert.deepEqual(await readdir(chosen), [], 'nothing written');
  outputs.add(chosen);
  const withReport = await bridge.call(from(wc), 'e2', 'evaluate', { data: FACES, model: 'zero-shot', report: chosen });
  assert.equal(withReport.ok, true);
  assert.equal((withReport as { value: { report: string } }).value.report, join(chosen, 'report-zero-shot.html'));
});

test("a page that went away (reloaded, or its renderer died) has its calls cancelled; another window's go on", async () => {
  const { bridge } = setup();
  const a = new FakeWebContents();
  const b = new FakeWebContents();
  let cancelled = false;
  const origSend = a.send.bind(a);
  a.send = (channel: string, ...args: unknown[]) => {
    origSend(channel, ...args);
    if (channel === IPC.engineProgress && !cancelled) {
      cancelled = true;
      bridge.cancelAll(a); // the window stays (not destroyed): only its page is gone
    }
  };
  const other = bridge.call(from(b), 'i1', 'info', {});
  const r = await bridge.call(from(a), 'p1', 'train', { data: FACES, epochs: 200 });
  assert.equal(!r.ok && r.error.code, 'cancelled');
  assert.equal((await other).ok, true, "the other window's call is answered");
  assert.equal(bridge.pendingCount(a), 0);
  bridge.cancelAll(new FakeWebContents()); // a window with no calls: nothing to do, no error
});

test('a library retrain is a training for the taskbar and the notification too', async () => {
  const seen: string[] = [];
  const observer: TrainObserver = { started: () => void seen.push('started'), progress: () => undefined, ended: (_s, o) => void seen.push(o.ok ? 'ok' : o.error.code) };
  const { bridge } = setup(observer);
  // an empty library: the engine refuses, and the observer still sees it begin and end (the bar is cleared)
  const r = await bridge.call(from(new FakeWebContents()), 'r1', 'retrainWithLibrary', {});
  assert.equal(r.ok, false, JSON.stringify(r));
  assert.deepEqual(seen, ['started', r.ok ? 'ok' : r.error.code]);
});
