import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PROJECT_LINKS } from '../../common/api.js';
import { APP_URL } from '../../main/protocol.js';
import { isAllowedRequest, isAppPage, isProjectLink, rendererOrigin, secureWebPreferences } from '../../main/security.js';

test('webPreferences: isolated, sandboxed, no Node, web security on, no webview; no developer tools once installed', () => {
  assert.equal(secureWebPreferences('/p.cjs', false).devTools, true, 'npm start: the developer can open them');
  assert.deepEqual(secureWebPreferences('/p.cjs', true), {
    preload: '/p.cjs',
    devTools: false,
    safeDialogs: true,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    webviewTag: false,
    navigateOnDragDrop: false,
    spellcheck: false,
  });
});

test('the renderer comes from the app scheme; the dev server only unpackaged and only on localhost', () => {
  assert.deepEqual(rendererOrigin(undefined, false), { url: APP_URL, devServer: null });
  assert.deepEqual(rendererOrigin('http://localhost:5173/', false), { url: 'http://localhost:5173/', devServer: 'http://localhost:5173' });
  assert.deepEqual(rendererOrigin('http://localhost:5173/', true), { url: APP_URL, devServer: null });
  assert.deepEqual(rendererOrigin('https://evil.example/', false), { url: APP_URL, devServer: null });
  assert.deepEqual(rendererOrigin('http://192.168.1.5:5173/', false), { url: APP_URL, devServer: null });
});

test("the app's page, with any fragment or query; nothing else", () => {
  const origin = rendererOrigin(undefined, true);
  for (const url of [APP_URL, `${APP_URL}#/library`, `${APP_URL}?lang=id`, 'happysad://app/']) assert.ok(isAppPage(url, origin), url);
  for (const url of ['happysad://app/other.html', 'happysad://image/index.html', 'file:///app/index.html', 'https://app/index.html', 'not a url', '']) assert.ok(!isAppPage(url, origin), url);
});

test('requests: the app scheme, devtools, data and blob; nothing remote', () => {
  const origin = rendererOrigin(undefined, true);
  for (const url of [APP_URL, 'happysad://image/%2Fa.jpg', 'devtools://devtools/x', 'data:,x', 'blob:happysad://app/1234']) assert.ok(isAllowedRequest(url, origin), url);
  for (const url of ['https://example.com/', 'http://localhost:5173/', 'ws://localhost:5173/', 'file:///etc/passwd', 'chrome://gpu', 'ftp://x/', '']) assert.ok(!isAllowedRequest(url, origin), url);
});

test('openExternal allow-list: the project links (https), nothing that merely looks like them', () => {
  for (const url of [PROJECT_LINKS.home, `${PROJECT_LINKS.home}/`, `${PROJECT_LINKS.home}/issues/3`, PROJECT_LINKS.faceApi]) assert.ok(isProjectLink(url), url);
  for (const url of [
    `${PROJECT_LINKS.home}.evil.example`,
    `${PROJECT_LINKS.home}-fork`,
    PROJECT_LINKS.home.replace('https:', 'http:'),
    `${PROJECT_LINKS.faceApi}/../../evil/repo`,
    `https://user@github.com/happysad-studio/happysad-studio`,
    'https://github.com:8443/happysad-studio/happysad-studio',
    'https://example.com/',
    'javascript:alert(1)',
    'file:///etc/passwd',
  ]) {
    assert.ok(!isProjectLink(url), url);
  }
});
