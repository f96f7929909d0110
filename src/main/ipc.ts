import { dialog, ipcMain } from 'electron';
import { basename } from 'node:path';
import { AppError, toErrorPayload, type Locale } from '../core/errors';
import { MAX_UPLOAD_BYTES } from '../core/jobs';
import { copyAtomically } from '../core/util/atomic';
import type { CoreClient } from '../core/process/client';
import type { Result } from '../core/service';
import { isTrustedSender } from './security';

const unauthorized = { ok: false, error: { code: 'unauthorized', message: 'Unauthorized request' } } as const;

/**
 * The IPC transport: one channel carries every handler call to the core process; the sender is
 * checked on each one. Files cross as bytes in and tokens out, as on the web shell.
 */
export function relayApi(client: CoreClient, onResult?: (method: string, input: unknown, result: Result<unknown>, locale: Locale) => void): void {
  ipcMain.handle('parkpilot:invoke', async (event, method: unknown, input: unknown, locale: unknown) => {
    if (!isTrustedSender(event.senderFrame?.url)) return unauthorized;
    const loc: Locale = locale === 'en' ? 'en' : 'zh-CN';
    const result = await client.invoke(String(method), input, loc);
    // The shell's own bookkeeping (the hub password, the window's language) must never cost the window its answer.
    try {
      onResult?.(String(method), input, result, loc);
    } catch {
      // nothing to do: the password is asked for again after a restart
    }
    return result;
  });
  ipcMain.handle('parkpilot:upload', (event, name: unknown, bytes: unknown, locale: unknown) => {
    if (!isTrustedSender(event.senderFrame?.url) || !(bytes instanceof ArrayBuffer || ArrayBuffer.isView(bytes))) return unauthorized;
    // The same limit as the web shell's uploads: a bigger file is refused before anything is written.
    if (bytes.byteLength > MAX_UPLOAD_BYTES) return { ok: false, error: toErrorPayload(new AppError('import_too_large', { detail: `> ${MAX_UPLOAD_BYTES / 1048576} MB` }), locale === 'en' ? 'en' : 'zh-CN') };
    const data = bytes instanceof ArrayBuffer ? new Uint8Array(bytes) : new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    return client.upload(String(name), data);
  });
  ipcMain.handle('parkpilot:save', async (event, token: unknown, name: unknown) => {
    if (!isTrustedSender(event.senderFrame?.url)) return;
    const file = await client.filePath(String(token));
    const r = await dialog.showSaveDialog({ defaultPath: basename(String(name)) || file.name });
    if (!r.canceled && r.filePath) copyAtomically(file.path, r.filePath);
  });
}
