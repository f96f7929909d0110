import { contextBridge, ipcRenderer } from 'electron';
import { methods } from '../core/methods';

/**
 * The only bridge into the renderer: `invoke` for the API's known methods, a subscription to core
 * events, and handing files in and out (by token). No Node, no ipcRenderer, no arbitrary channels cross.
 */
const known = new Set<string>(methods);

contextBridge.exposeInMainWorld('parkpilot', {
  invoke: (method: string, input: unknown, locale: string) => {
    if (!known.has(method)) return Promise.resolve({ ok: false, error: { code: 'unknown_method', message: `Unknown operation: ${method}` } });
    return ipcRenderer.invoke('parkpilot:invoke', method, input, locale);
  },
  upload: (name: string, bytes: ArrayBuffer, locale?: string) => ipcRenderer.invoke('parkpilot:upload', String(name), bytes, String(locale ?? 'zh-CN')),
  save: (token: string, name: string) => ipcRenderer.invoke('parkpilot:save', String(token), String(name)),
  onEvent: (listener: (event: unknown) => void) => {
    const wrapped = (_e: unknown, payload: unknown) => listener(payload);
    ipcRenderer.on('parkpilot:event', wrapped);
    return () => ipcRenderer.removeListener('parkpilot:event', wrapped);
  },
});

/** While the desktop shell upgrades an older database (main/upgrade.ts): its progress, for the upgrade screen. */
contextBridge.exposeInMainWorld('parkpilotUpgrade', { status: (locale: string) => ipcRenderer.invoke('parkpilot:upgrade-status', String(locale)) });
