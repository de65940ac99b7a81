/**
 * The application menu as a template (Electron's MenuItemConstructorOptions), built from plain inputs so that
 * tests can read it: the platform's conventions (macOS app menu, Windows "Exit", Linux "Quit"), accelerators,
 * and items DISABLED (not hidden) when their action is not available in the AppState the renderer reported.
 */
import type { MenuItemConstructorOptions } from 'electron';
import type { MessageKey } from '../common/i18n/index.js';
import type { AppState, Language, MenuCommand } from '../common/ipc.js';

export interface MenuHandlers {
  /** a command for the renderer (IPC.menuCommand) */
  command(command: MenuCommand): void;
  openDataFolder(): void;
  learnMore(): void;
  /** null: follow the OS */
  setLanguage(language: Language | null): void;
}

export interface MenuInput {
  platform: NodeJS.Platform;
  state: AppState;
  t(key: MessageKey): string;
  /** the setting (null: follow the OS), for the Language radio items */
  language: Language | null;
  /** development build: reload and dev tools */
  dev: boolean;
  handlers: MenuHandlers;
}

export const INITIAL_APP_STATE: AppState = { training: false, hasModel: false };

/** When each state-dependent item is available. */
export function availability(state: AppState) {
  return {
    'choose-training-data': !state.training,
    train: !state.training,
    'retrain-with-collected-data': !state.training && state.hasModel,
    'stop-training': state.training,
    evaluate: !state.training,
    'export-model': state.hasModel,
    'import-model': !state.training,
  } satisfies Partial<Record<MenuCommand, boolean>>;
}

export function buildMenuTemplate({ platform, state, t, language, dev, handlers }: MenuInput): MenuItemConstructorOptions[] {
  const mac = platform === 'darwin';
  const enabled = availability(state);
  const cmd = (id: MenuCommand, label: MessageKey, accelerator?: string): MenuItemConstructorOptions => ({
    id,
    label: t(label),
    ...(accelerator && { accelerator }),
    ...(id in enabled && { enabled: enabled[id as keyof typeof enabled] }),
    click: () => handlers.command(id),
  });
  const sep: MenuItemConstructorOptions = { type: 'separator' };

  const appMenu: MenuItemConstructorOptions = {
    label: 'HappySad Studio',
    submenu: [
      cmd('about', 'menu.app.about'),
      sep,
      { role: 'services', label: t('menu.app.services') },
      sep,
      { role: 'hide', label: t('menu.app.hide') },
      { role: 'hideOthers', label: t('menu.app.hideOthers') },
      { role: 'unhide', label: t('menu.app.showAll') },
      sep,
      { role: 'quit', label: t('menu.app.quit') },
    ],
  };

  const file: MenuItemConstructorOptions = {
    id: 'file',
    label: t('menu.file'),
    submenu: [
      cmd('open-images', 'menu.openImage', 'CmdOrCtrl+O'),
      cmd('open-folder', 'menu.openFolder', 'CmdOrCtrl+Shift+O'),
      sep,
      cmd('choose-training-data', 'menu.chooseTrainingData', 'CmdOrCtrl+Shift+D'),
      { id: 'open-data-folder', label: t('menu.openDataFolder'), click: () => handlers.openDataFolder() },
      // macOS quits from the app menu; Windows says Exit, Linux Quit (Ctrl+Q)
      ...(mac
        ? []
        : [sep, platform === 'win32' ? { role: 'quit' as const, label: t('menu.exit') } : { role: 'quit' as const, label: t('menu.quit'), accelerator: 'Ctrl+Q' }]),
    ],
  };

  const edit: MenuItemConstructorOptions = {
    id: 'edit',
    label: t('menu.edit'),
    submenu: [
      { role: 'undo', label: t('menu.undo') },
      { role: 'redo', label: t('menu.redo') },
      sep,
      { role: 'cut', label: t('menu.cut') },
      { role: 'copy', label: t('menu.copy') },
      { role: 'paste', label: t('menu.paste') },
      { role: 'selectAll', label: t('menu.selectAll') },
    ],
  };

  const model: MenuItemConstructorOptions = {
    id: 'model',
    label: t('menu.model'),
    submenu: [
      cmd('train', 'menu.train', 'CmdOrCtrl+T'),
      cmd('retrain-with-collected-data', 'menu.retrainCollected', 'CmdOrCtrl+Shift+T'),
      cmd('stop-training', 'menu.stopTraining', 'CmdOrCtrl+.'),
      sep,
      cmd('evaluate', 'menu.evaluate', 'CmdOrCtrl+E'),
      cmd('export-model', 'menu.exportModel', 'CmdOrCtrl+Shift+E'),
      cmd('import-model', 'menu.importModel'),
    ],
  };

  const radio = (id: string, label: MessageKey, value: Language | null): MenuItemConstructorOptions => ({
    id,
    label: t(label),
    type: 'radio',
    checked: language === value,
    click: () => handlers.setLanguage(value),
  });
  const view: MenuItemConstructorOptions = {
    id: 'view',
    label: t('menu.view'),
    submenu: [
      cmd('view-predict', 'menu.viewPredict', 'CmdOrCtrl+1'),
      cmd('view-train', 'menu.viewTrain', 'CmdOrCtrl+2'),
      cmd('view-models', 'menu.viewModels', 'CmdOrCtrl+3'),
      cmd('view-library', 'menu.viewLibrary', 'CmdOrCtrl+4'),
      sep,
      { role: 'resetZoom', label: t('menu.actualSize') },
      { role: 'zoomIn', label: t('menu.zoomIn') },
      { role: 'zoomOut', label: t('menu.zoomOut') },
      sep,
      { role: 'togglefullscreen', label: t('menu.fullScreen') },
      sep,
      {
        id: 'language',
        label: t('menu.language'),
        submenu: [radio('language-system', 'menu.languageSystem', null), sep, radio('language-en', 'menu.languageEn', 'en'), radio('language-id', 'menu.languageId', 'id')],
      },
      ...(dev
        ? [
            sep,
            { role: 'reload' as const, label: t('menu.reload') },
            { role: 'forceReload' as const, label: t('menu.forceReload') },
            { role: 'toggleDevTools' as const, label: t('menu.devTools') },
          ]
        : []),
    ],
  };

  const windowMenu: MenuItemConstructorOptions = { role: 'windowMenu', label: t('menu.window') };

  const help: MenuItemConstructorOptions = {
    id: 'help',
    role: 'help',
    label: t('menu.help'),
    submenu: [
      ...(mac ? [] : [cmd('about', 'menu.about'), sep]),
      { id: 'learn-more', label: t('menu.learnMore'), click: () => handlers.learnMore() },
    ],
  };

  return mac ? [appMenu, file, edit, model, view, windowMenu, help] : [file, edit, model, view, help];
}

/** Every item of a template, depth first (for tests and lookups). */
export function menuItems(template: readonly MenuItemConstructorOptions[]): MenuItemConstructorOptions[] {
  return template.flatMap((item) => [item, ...(Array.isArray(item.submenu) ? menuItems(item.submenu) : [])]);
}
