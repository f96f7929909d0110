import { dialog, ipcMain } from 'electron';
import { copyFileSync } from 'node:fs';
import { basename } from 'node:path';
import type { Locale } from '../core/errors';
import type { CoreClient } from '../core/process/client';
import { isTrustedSender } from './security';

const unauthorized = { ok: false, error: { code: 'unauthorized', message: 'Unauthorized request' } } as const;

/**
 * The IPC transport: one channel carries every handler call to the core process; the sender is
 * checked on each one. Files cross as bytes in and tokens out, as on the web shell.
 */
export function relayApi(client: CoreClient): void {
  ipcMain.handle('parkpilot:invoke', (event, method: unknown, input: unknown, locale: unknown) => {
    if (!isTrustedSender(event.senderFrame?.url)) return unauthorized;
    const loc: Locale = locale === 'en' ? 'en' : 'zh-CN';
    return client.invoke(String(method), input, loc);
  });
  ipcMain.handle('parkpilot:upload', (event, name: unknown, bytes: unknown) => {
    if (!isTrustedSender(event.senderFrame?.url) || !(bytes instanceof ArrayBuffer || ArrayBuffer.isView(bytes))) return unauthorized;
    const data = bytes instanceof ArrayBuffer ? new Uint8Array(bytes) : new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    return client.upload(String(name), data);
  });
  ipcMain.handle('parkpilot:save', async (event, token: unknown, name: unknown) => {
    if (!isTrustedSender(event.senderFrame?.url)) return;
    const file = await client.filePath(String(token));
    const r = await dialog.showSaveDialog({ defaultPath: basename(String(name)) || file.name });
    if (!r.canceled && r.filePath) copyFileSync(file.path, r.filePath);
  });
}
