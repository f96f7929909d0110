import { dialog, ipcMain, type WebContents } from 'electron';
import { writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import { AppError, toErrorPayload, type Locale } from '../core/errors';
import { MAX_UPLOAD_BYTES } from '../core/jobs';
import { copyAtomically } from '../core/util/atomic';
import type { ParkCore } from '../core/service';
import { isTrustedSender } from './security';

/** The IPC transport: one channel carries every handler call; the sender is checked on each one. */
export function relayApi(getCore: () => ParkCore): void {
  ipcMain.handle('parkpilot:invoke', (event, method: unknown, input: unknown, locale: unknown) => {
    if (!isTrustedSender(event.senderFrame?.url)) return { ok: false, error: { code: 'unauthorized', message: 'Unauthorized request' } };
    return getCore().invoke(String(method), input, loc(locale));
  });
  ipcMain.handle('parkpilot:upload', (event, name: unknown, bytes: unknown, locale: unknown) => {
    if (!isTrustedSender(event.senderFrame?.url) || !(bytes instanceof ArrayBuffer || ArrayBuffer.isView(bytes))) return { ok: false, error: { code: 'unauthorized', message: 'Unauthorized request' } };
    // The same limit as the web shell's uploads: a bigger file is refused before anything is written.
    if (bytes.byteLength > MAX_UPLOAD_BYTES) return { ok: false, error: toErrorPayload(new AppError('import_too_large', { detail: `> ${MAX_UPLOAD_BYTES / 1048576} MB` }), loc(locale)) };
    const safe = basename(String(name)).slice(0, 200) || 'upload';
    const path = getCore().files.outputPath(safe);
    const view = bytes instanceof ArrayBuffer ? new Uint8Array(bytes) : new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    writeFileSync(path, view, { mode: 0o600 });
    return { ok: true, value: { token: getCore().files.register(path, safe), name: safe } };
  });
  ipcMain.handle('parkpilot:save', async (event, token: unknown, name: unknown) => {
    if (!isTrustedSender(event.senderFrame?.url)) return;
    const file = getCore().files.get(String(token));
    const r = await dialog.showSaveDialog({ defaultPath: basename(String(name)) || file.name });
    if (!r.canceled && r.filePath) copyAtomically(file.path, r.filePath);
  });
}

const loc = (locale: unknown): Locale => (locale === 'en' ? 'en' : 'zh-CN');

/** Forwards the core's change events to the window; returns the unsubscribe for a database switch. */
export function relayEvents(core: ParkCore, contents: WebContents): () => void {
  return core.onEvent((e) => {
    if (!contents.isDestroyed()) contents.send('parkpilot:event', e);
  });
}
