import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { MenuItemConstructorOptions } from 'electron';
import { translate, type MessageKey } from '../../common/i18n/index.js';
import { MENU_COMMANDS, type AppState, type Language, type MenuCommand } from '../../common/ipc.js';
import { availability, buildMenuTemplate, menuItems, INITIAL_APP_STATE } from '../../main/menu.js';

function build(platform: NodeJS.Platform, state: AppState = INITIAL_APP_STATE, opts: { dev?: boolean; lang?: Language; setting?: Language | null } = {}) {
  const calls: string[] = [];
  const template = buildMenuTemplate({
    platform,
    state,
    t: (k: MessageKey) => translate(opts.lang ?? 'en', k),
    language: opts.setting ?? null,
    dev: opts.dev ?? false,
    handlers: {
      command: (c) => void calls.push(`command:${c}`),
      openDataFolder: () => void calls.push('open-data-folder'),
      learnMore: () => void calls.push('learn-more'),
      setLanguage: (l) => void calls.push(`language:${l}`),
    },
  });
  const items = menuItems(template);
  const byId = (id: string) => {
    const found = items.filter((i) => i.id === id);
    assert.equal(found.length, 1, `exactly one item "${id}"`);
    return found[0]!;
  };
  const click = (id: string) => (byId(id).click as unknown as () => void)();
  return { template, items, byId, click, calls };
}

const ACCELERATORS: Record<string, string> = {
  'open-images': 'CmdOrCtrl+O',
  'open-folder': 'CmdOrCtrl+Shift+O',
  'choose-training-data': 'CmdOrCtrl+Shift+D',
  train: 'CmdOrCtrl+T',
  'retrain-with-collected-data': 'CmdOrCtrl+Shift+T',
  'stop-training': 'CmdOrCtrl+.',
  evaluate: 'CmdOrCtrl+E',
  'export-model': 'CmdOrCtrl+Shift+E',
  'view-predict': 'CmdOrCtrl+1',
  'view-train': 'CmdOrCtrl+2',
  'view-models': 'CmdOrCtrl+3',
  'view-library': 'CmdOrCtrl+4',
};

const LABELS: Record<string, string> = {
  'open-images': 'Open Image…',
  'open-folder': 'Open Folder of Images…',
  'choose-training-data': 'Choose Training Data…',
  'open-data-folder': 'Open Data Folder',
  train: 'Train…',
  'retrain-with-collected-data': 'Retrain with Collected Data',
  'stop-training': 'Stop Training',
  evaluate: 'Evaluate…',
  'export-model': 'Export Model…',
  'import-model': 'Import Model…',
  'view-predict': 'Predict',
  'view-train': 'Train',
  'view-models': 'Models',
  'view-library': 'Library',
  'learn-more': 'Learn More',
};

for (const platform of ['darwin', 'win32', 'linux'] as const) {
  test(`${platform}: every item exists with its label and accelerator, and sends its command`, () => {
    const m = build(platform, { training: false, hasModel: true });
    for (const [id, label] of Object.entries(LABELS)) assert.equal(m.byId(id).label, label, id);
    for (const [id, acc] of Object.entries(ACCELERATORS)) assert.equal(m.byId(id).accelerator, acc, id);
    // every menu command the renderer knows comes from exactly one item, which sends it
    for (const c of MENU_COMMANDS) {
      m.click(c);
      assert.equal(m.calls.at(-1), `command:${c}`);
    }
    m.click('retrain-with-collected-data');
    assert.equal(m.calls.at(-1), 'command:retrain-with-collected-data');
    m.click('open-data-folder');
    assert.equal(m.calls.at(-1), 'open-data-folder');
    m.click('learn-more');
    assert.equal(m.calls.at(-1), 'learn-more');
    const roles = m.items.map((i) => i.role).filter(Boolean);
    for (const r of ['undo', 'redo', 'cut', 'copy', 'paste', 'selectAll', 'resetZoom', 'zoomIn', 'zoomOut', 'togglefullscreen', 'quit']) assert.ok(roles.includes(r as never), `${platform} has ${r}`);
  });
}

test('disabled, not hidden: items follow the AppState the renderer reports', () => {
  const cases: Array<[AppState, Partial<Record<MenuCommand, boolean>>]> = [
    [{ training: false, hasModel: false }, { train: true, 'retrain-with-collected-data': false, 'stop-training': false, evaluate: true, 'export-model': false, 'import-model': true, 'choose-training-data': true }],
    [{ training: false, hasModel: true }, { train: true, 'retrain-with-collected-data': true, 'stop-training': false, evaluate: true, 'export-model': true }],
    [{ training: true, hasModel: true }, { train: false, 'retrain-with-collected-data': false, 'stop-training': true, evaluate: false, 'export-model': true, 'import-model': false, 'choose-training-data': false }],
    [{ training: true, hasModel: false }, { train: false, 'stop-training': true, 'export-model': false }],
  ];
  for (const [state, expected] of cases) {
    const m = build('linux', state);
    for (const [id, enabled] of Object.entries(expected)) {
      const item = m.byId(id);
      assert.equal(item.enabled, enabled, `${id} with ${JSON.stringify(state)}`);
      assert.notEqual(item.visible, false, `${id} is never hidden`);
    }
    // items that are always available carry no enabled flag
    for (const id of ['open-images', 'open-folder', 'view-predict', 'view-library', 'about']) assert.equal(m.byId(id).enabled, undefined, id);
    assert.deepEqual(availability(state)['stop-training'], state.training);
  }
});

test('macOS: an app menu first (about, services, hide, quit), a Window menu, no Quit in File, About not in Help', () => {
  const m = build('darwin');
  const labels = m.template.map((i) => i.label ?? i.role);
  assert.deepEqual(labels, ['HappySad Studio', 'File', 'Edit', 'Model', 'View', 'Window', 'Help']);
  const appMenu = m.template[0]!.submenu as MenuItemConstructorOptions[];
  assert.equal(appMenu[0]!.id, 'about');
  assert.deepEqual(
    appMenu.map((i) => i.role).filter(Boolean),
    ['services', 'hide', 'hideOthers', 'unhide', 'quit'],
  );
  const file = m.template[1]!.submenu as MenuItemConstructorOptions[];
  assert.ok(!file.some((i) => i.role === 'quit'));
  const help = m.template.at(-1)!.submenu as MenuItemConstructorOptions[];
  assert.deepEqual(help.map((i) => i.id), ['learn-more']);
  assert.equal(m.template[5]!.role, 'windowMenu');
});

test('Windows says Exit and Linux Quit (Ctrl+Q), both in File; About in Help', () => {
  for (const [platform, label, accelerator] of [['win32', 'Exit', undefined], ['linux', 'Quit', 'Ctrl+Q']] as const) {
    const m = build(platform);
    assert.deepEqual(m.template.map((i) => i.label), ['File', 'Edit', 'Model', 'View', 'Help']);
    const quit = (m.template[0]!.submenu as MenuItemConstructorOptions[]).find((i) => i.role === 'quit')!;
    assert.equal(quit.label, label);
    assert.equal(quit.accelerator, accelerator);
    assert.deepEqual((m.template.at(-1)!.submenu as MenuItemConstructorOptions[]).map((i) => i.id ?? i.type), ['about', 'separator', 'learn-more']);
  }
});

test('reload and dev tools only in development', () => {
  const roles = (dev: boolean) => build('linux', INITIAL_APP_STATE, { dev }).items.map((i) => i.role);
  for (const r of ['reload', 'forceReload', 'toggleDevTools']) {
    assert.ok(roles(true).includes(r as never), `dev has ${r}`);
    assert.ok(!roles(false).includes(r as never), `production has no ${r}`);
  }
});

test('Language submenu: radio items checked from the setting; choosing one sets it', () => {
  const m = build('linux', INITIAL_APP_STATE, { setting: 'id' });
  assert.equal(m.byId('language-system').checked, false);
  assert.equal(m.byId('language-id').checked, true);
  assert.equal(m.byId('language-en').type, 'radio');
  m.click('language-system');
  m.click('language-en');
  assert.deepEqual(m.calls, ['language:null', 'language:en']);
  assert.equal(build('linux').byId('language-system').checked, true);
});

test('menus speak Bahasa Indonesia from the same catalogue', () => {
  const m = build('win32', INITIAL_APP_STATE, { lang: 'id' });
  assert.equal(m.byId('open-images').label, 'Buka Gambar…');
  assert.equal(m.byId('retrain-with-collected-data').label, 'Latih Ulang dengan Data Terkumpul');
  assert.equal(m.template[0]!.label, 'Berkas');
  // every labelled item has a string, none a raw key
  for (const i of m.items) if (i.label !== undefined) assert.doesNotMatch(i.label, /^menu\./);
});
