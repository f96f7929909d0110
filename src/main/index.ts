import { app, BrowserWindow, dialog, Menu, safeStorage, utilityProcess, type MenuItemConstructorOptions } from 'electron';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Locale } from '../core/errors';
import { CoreClient } from '../core/process/client';
import { CORE_V8_FLAGS } from '../core/process/v8-flags';
import { hubSecretStore, rememberHubPassword, type HubSecretStore } from './hubSecrets';
import { relayApi } from './ipc';
import { registerSchemes, serveRenderer } from './protocol';
import { hardenApp } from './security';
import { chromiumLang, uiLocaleKeeper } from './uiLocale';
import { upgradeIfNeeded } from './upgrade';

/**
 * The desktop shell: one hardened window over the same core the CLI and web shell use, run in its
 * own utilityProcess so a slow query or a long import never blocks the window. No domain logic
 * here — only the window, menu, dialogs and the IPC relay.
 */
if (!app.requestSingleInstanceLock()) app.quit();

registerSchemes();
hardenApp();
// Chromium's locale follows the app's language, not the computer's: a date field in Chinese reads
// yyyy/mm/dd, not mm/dd/yyyy (uiLocale.ts). It can be set only before the app is ready.
const LOCALE_FILE = join(app.getPath('userData'), 'ui-locale');
app.commandLine.appendSwitch('lang', chromiumLang(LOCALE_FILE));
const keepLocale = uiLocaleKeeper(LOCALE_FILE);

const locale = (): Locale => (app.getLocale().startsWith('zh') ? 'zh-CN' : 'en');
const zh = () => locale() === 'zh-CN';
/** better-sqlite3 compiled for Electron is kept apart from the Node build used by the CLI and tests. */
const nativeBinding = [process.env.PARKPILOT_SQLITE_BINDING, join(process.resourcesPath ?? '', 'native', 'better_sqlite3.node'), join(__dirname, '../../resources/native/electron/better_sqlite3.node')].find(
  (p): p is string => !!p && existsSync(p),
);

let window: BrowserWindow | undefined;
/** The core in its utilityProcess (which Electron starts only once the app is ready). */
let core: CoreClient;
const startCore = () =>
  new CoreClient({
    spawn: () => utilityProcess.fork(join(__dirname, 'core-process.js'), [], { serviceName: 'ParkPilot core', execArgv: [...CORE_V8_FLAGS] }),
    onEvent: (event) => {
      if (window && !window.webContents.isDestroyed()) window.webContents.send('parkpilot:event', event);
    },
    printPdf,
  });

/** Reports print with Electron's own Chromium: a hidden, sandboxed window and printToPDF. */
async function printPdf(html: string, options: { headerTitle: string }): Promise<Buffer> {
  const win = new BrowserWindow({ show: false, webPreferences: { sandbox: true, contextIsolation: true, nodeIntegration: false, javascript: false } });
  try {
    await win.loadURL(`data:text/html;charset=utf-8,${encodeURIComponent(html)}`);
    const font = 'font-family: sans-serif; font-size: 8pt; color: #5f6b7a; width: 100%; margin: 0 16mm;';
    return await win.webContents.printToPDF({
      pageSize: 'A4',
      printBackground: true,
      displayHeaderFooter: true,
      headerTemplate: `<div style='${font}'>${options.headerTitle.replace(/[<>&'"]/g, '')}</div>`,
      footerTemplate: `<div style='${font} text-align: center;'><span class="pageNumber"></span> / <span class="totalPages"></span></div>`,
      margins: { top: 0.87, bottom: 0.79, left: 0.63, right: 0.63 },
    });
  } finally {
    win.destroy();
  }
}

/** Office hub passwords, encrypted by the OS keychain (hubSecrets.ts); made once the app is ready. */
let secrets: HubSecretStore | undefined;
/** The database open in the core process (its saved hub password goes with it). */
let openFile: string | null = null;

/** Opens a database in the core process (a new file gets the demo data); the error text when it cannot. */
async function openCore(file: string, create: boolean): Promise<string | null> {
  const user = process.env.USER ?? process.env.USERNAME ?? 'desktop';
  const hubPassword = secrets?.load(file);
  const result = await core.open({ file, create, demo: true, user, shellPrints: true, ...(nativeBinding ? { nativeBinding } : {}), ...(hubPassword ? { hubPassword } : {}) });
  if (result.ok) openFile = file;
  return result.ok ? null : result.error.message;
}

async function switchTo(file: string, create: boolean): Promise<void> {
  const problem = await openCore(file, create);
  if (problem) return dialog.showErrorBox(zh() ? '无法打开数据库' : 'Cannot open the database', problem);
  window?.webContents.send('parkpilot:event', { type: 'reopened', file });
}

function buildMenu(): void {
  const t = (zhText: string, en: string) => (zh() ? zhText : en);
  const filters = [{ name: 'ParkPilot', extensions: ['db', 'sqlite'] }];
  const template: MenuItemConstructorOptions[] = [
    {
      label: t('文件', 'File'),
      submenu: [
        {
          label: t('新建演示数据库…', 'New demo database…'),
          accelerator: 'CmdOrCtrl+N',
          click: async () => {
            const r = await dialog.showSaveDialog({ filters, defaultPath: 'parkpilot.db' });
            if (!r.canceled && r.filePath) {
              if (existsSync(r.filePath)) return void dialog.showErrorBox(t('文件已存在', 'File exists'), r.filePath);
              await switchTo(r.filePath, true);
            }
          },
        },
        {
          label: t('打开数据库…', 'Open database…'),
          accelerator: 'CmdOrCtrl+O',
          click: async () => {
            const r = await dialog.showOpenDialog({ filters, properties: ['openFile'] });
            if (!r.canceled && r.filePaths[0]) await switchTo(r.filePaths[0], false);
          },
        },
        {
          label: t('另存副本为…', 'Save a copy as…'),
          accelerator: 'CmdOrCtrl+Shift+S',
          click: async () => {
            const r = await dialog.showSaveDialog({ filters, defaultPath: 'parkpilot-copy.db' });
            if (!r.canceled && r.filePath) await core.backup(r.filePath);
          },
        },
        { type: 'separator' },
        { role: 'quit', label: t('退出', 'Quit') },
      ],
    },
    { role: 'editMenu', label: t('编辑', 'Edit') },
    {
      label: t('视图', 'View'),
      submenu: [{ role: 'reload' }, { role: 'resetZoom' }, { role: 'zoomIn' }, { role: 'zoomOut' }, { type: 'separator' }, { role: 'togglefullscreen' }, ...(app.isPackaged ? [] : [{ role: 'toggleDevTools' as const }])],
    },
    { role: 'windowMenu', label: t('窗口', 'Window') },
  ];
  Menu.setApplicationMenu(Menu.buildFromTemplate(template));
}

function createWindow(query = ''): void {
  window = new BrowserWindow({
    width: 1360,
    height: 860,
    minWidth: 960,
    minHeight: 600,
    title: 'ParkPilot',
    show: false,
    webPreferences: { preload: join(__dirname, '../preload/index.js'), contextIsolation: true, sandbox: true, nodeIntegration: false, webSecurity: true, spellcheck: false },
  });
  window.once('ready-to-show', () => window?.show());
  window.on('closed', () => (window = undefined));
  void window.loadURL(`app://parkpilot/${query}`);
}

app.on('second-instance', () => {
  if (window) {
    if (window.isMinimized()) window.restore();
    window.focus();
  }
});

app.whenReady().then(async () => {
  const dir = app.getPath('userData');
  mkdirSync(dir, { recursive: true });
  secrets = hubSecretStore(join(dir, 'hub-secrets.json'), safeStorage);
  core = startCore();
  const file = join(dir, 'parkpilot.db');
  let opened = false;
  const openAndRelay = async (): Promise<string | null> => {
    const problem = await openCore(file, true);
    if (problem) return problem;
    relayApi(core, (method, input, result, language) => {
      keepLocale(language);
      if (secrets) rememberHubPassword(secrets, openFile, method, input, result);
    });
    buildMenu();
    opened = true;
    return null;
  };
  const show = (query = '') => {
    serveRenderer(join(__dirname, '../renderer'));
    createWindow(query);
  };
  // A database made by an older version: the window shows the upgrade's progress first (upgrade.ts).
  if (!(await upgradeIfNeeded(file, nativeBinding, show, openAndRelay))) return; // the window says why
  if (opened) return;
  const problem = await openAndRelay();
  if (problem) {
    dialog.showErrorBox('ParkPilot', problem);
    app.exit(1);
    return;
  }
  show();
});

app.on('window-all-closed', () => {
  core?.close(); // the utilityProcess ends with the app; it is not started again
  app.quit();
});
