import { ipcMain, type WebContents } from 'electron';
import type { Locale } from '../core/errors';
import type { ParkCore } from '../core/service';
import { isTrustedSender } from './security';

/** The IPC transport: one channel carries every handler call; the sender is checked on each one. */
export function relayApi(getCore: () => ParkCore): void {
  ipcMain.handle('parkpilot:invoke', (event, method: unknown, input: unknown, locale: unknown) => {
    if (!isTrustedSender(event.senderFrame?.url)) return { ok: false, error: { code: 'unauthorized', message: 'Unauthorized request' } };
    const loc: Locale = locale === 'en' ? 'en' : 'zh-CN';
    return getCore().invoke(String(method), input, loc);
  });
}

/** Forwards the core's change events to the window; returns the unsubscribe for a database switch. */
export function relayEvents(core: ParkCore, contents: WebContents): () => void {
  return core.onEvent((e) => {
    if (!contents.isDestroyed()) contents.send('parkpilot:event', e);
  });
}
