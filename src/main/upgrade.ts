import { ipcMain, utilityProcess } from 'electron';
import { join } from 'node:path';
import { followUpgrade, needsUpgrade, type UpgradeMessage, type UpgradeStatus } from '../core/db/upgrade';
import { AppError, toErrorPayload, type Locale } from '../core/errors';

/**
 * The desktop shell on a database made by an older version: the window opens at once on the upgrade
 * screen (app://parkpilot/?upgrading) while the migrations run in a utilityProcess of their own
 * (out/main/upgrade-worker.js, its own connection: a worker thread could not load it from app.asar); the screen asks for the progress over 'parkpilot:upgrade-status'. Resolves
 * false when it failed (the screen shows why). After an upgrade, `whenOpen` opens the core (its problem,
 * or null) before the screen hears "done", so the app it reloads into finds the core ready.
 */
export async function upgradeIfNeeded(file: string, nativeBinding: string | undefined, showWindow: (query: string) => void, whenOpen: () => Promise<string | null>): Promise<boolean> {
  if (!needsUpgrade(file, undefined, nativeBinding)) return true;
  let status: UpgradeStatus = { state: 'upgrading', progress: null };
  ipcMain.handle('parkpilot:upgrade-status', (_e, locale: string) =>
    status.state === 'failed' ? { state: 'failed', error: new AppError(status.error.code, status.error.params).toPayload(locale === 'en' ? 'en' : 'zh-CN') } : status,
  );
  showWindow('?upgrading');
  try {
    const child = utilityProcess.fork(join(__dirname, 'upgrade-worker.js'), [JSON.stringify({ file, ...(nativeBinding ? { nativeBinding } : {}) })], { serviceName: 'ParkPilot upgrade' });
    try {
      await followUpgrade({ onMessage: (listener) => child.on('message', (m: UpgradeMessage) => listener(m)), onExit: (listener) => child.on('exit', listener) }, (progress) => (status = { state: 'upgrading', progress }));
    } finally {
      child.kill();
    }
    const problem = await whenOpen();
    if (problem) throw new AppError('not_a_database', { detail: problem });
    status = { state: 'done' };
    return true;
  } catch (err) {
    const payload = toErrorPayload(err, 'en' as Locale);
    status = { state: 'failed', error: { code: payload.code, params: payload.params ?? {} } };
    return false;
  }
}
