import { dialog, ipcMain, type WebContents } from 'electron';
import { copyFileSync, writeFileSync } from 'node:fs';
import { basename } from 'node:path';
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
  ipcMain.handle('parkpilot:upload', (event, name: unknown, bytes: unknown) => {
    if (!isTrustedSender(event.senderFrame?.url) || !(bytes instanceof ArrayBuffer || ArrayBuffer.isView(bytes))) return { ok: false, error: { code: 'unauthorized', message: 'Unauthorized request' } };
    const safe = basename(String(name)).slice(0, 200) || 'upload';
    const path = getCore().files.outputPath(safe);
    writeFileSync(path, bytes instanceof ArrayBuffer ? Buffer.from(bytes) : Buffer.from((bytes as ArrayBufferView).buffer as ArrayBuffer));
    return { ok: true, value: { token: getCore().files.register(path, safe), name: safe } };
  });
  ipcMain.handle('parkpilot:save', async (event, token: unknown, name: unknown) => {
    if (!isTrustedSender(event.senderFrame?.url)) return;
    const file = getCore().files.get(String(token));
    const r = await dialog.showSaveDialog({ defaultPath: basename(String(name)) || file.name });
    if (!r.canceled && r.filePath) copyFileSync(file.path, r.filePath);
  });
}

/** Forwards the core's change events to the window; returns the unsubscribe for a database switch. */
export function relayEvents(core: ParkCore, contents: WebContents): () => void {
  return core.onEvent((e) => {
    if (!contents.isDestroyed()) contents.send('parkpilot:event', e);
  });
}
