import type { Api, Method } from '../../../core/api';
import type { ErrorPayload } from '../../../core/errors';

/**
 * The renderer's typed client. The shell decides the transport: Electron's preload bridge when it
 * is there, otherwise HTTP to the web shell with the launch token from the page's meta tag.
 */
type Result = { ok: true; value: unknown } | { ok: false; error: ErrorPayload };

interface Bridge {
  invoke: (method: string, input: unknown, locale: string) => Promise<Result>;
  onEvent: (listener: (event: CoreEvent) => void) => () => void;
  /** Hands a file the user picked to the core; answers a token. */
  upload: (name: string, bytes: ArrayBuffer, locale?: string) => Promise<Result>;
  /** Gives the user a file the core produced (a download, or a save dialog in the app). */
  save: (token: string, name: string) => Promise<void>;
}

export interface CoreEvent {
  type: 'changed' | 'reopened';
  version?: number;
  method?: string;
}

declare global {
  interface Window {
    parkpilot?: Bridge;
  }
}

export class ApiError extends Error {
  constructor(readonly payload: ErrorPayload) {
    super(payload.message);
  }
  fieldMessage(field: string): string | undefined {
    return this.payload.fields?.find((f) => f.field === field)?.message;
  }
}

let currentLocale = 'zh-CN';
export const setApiLocale = (locale: string) => (currentLocale = locale);

function httpBridge(): Bridge {
  const token = document.querySelector<HTMLMetaElement>('meta[name="parkpilot-token"]')?.content ?? '';
  return {
    invoke: async (method, input, locale) => {
      const res = await fetch(`/api/${encodeURIComponent(method)}`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'X-ParkPilot-Token': token, 'X-ParkPilot-Locale': locale },
        body: JSON.stringify({ input }),
      });
      return (await res.json()) as Result;
    },
    onEvent: (listener) => {
      const source = new EventSource(`/api/events?token=${encodeURIComponent(token)}`);
      source.onmessage = (m) => listener(JSON.parse(m.data as string) as CoreEvent);
      return () => source.close();
    },
    upload: async (name, bytes) => {
      const res = await fetch(`/api/upload?name=${encodeURIComponent(name)}`, { method: 'POST', headers: { 'X-ParkPilot-Token': token }, body: bytes });
      return (await res.json()) as Result;
    },
    save: async (fileToken, name) => {
      const a = document.createElement('a');
      a.href = `/api/download/${encodeURIComponent(fileToken)}?token=${encodeURIComponent(token)}`;
      a.download = name;
      document.body.append(a);
      a.click();
      a.remove();
    },
  };
}

const bridge: Bridge = window.parkpilot ?? httpBridge();

/** Told when any call finds the database damaged: the app then shows its restore screen. */
const damageListeners = new Set<(error: ErrorPayload) => void>();
export function onDatabaseDamage(listener: (error: ErrorPayload) => void): () => void {
  damageListeners.add(listener);
  return () => damageListeners.delete(listener);
}

export const api = new Proxy({} as Api, {
  get: (_target, method: string) => async (input: unknown) => {
    const result = await bridge.invoke(method, input ?? {}, currentLocale);
    if (!result.ok && result.error.code === 'database_corrupt') for (const l of damageListeners) l(result.error);
    if (!result.ok) throw new ApiError(result.error);
    return result.value;
  },
});

export const onCoreEvent = (listener: (event: CoreEvent) => void) => bridge.onEvent(listener);

export async function uploadFile(file: File): Promise<{ token: string; name: string }> {
  const result = await bridge.upload(file.name, await file.arrayBuffer(), currentLocale);
  if (!result.ok) throw new ApiError(result.error);
  return result.value as { token: string; name: string };
}

export const saveFile = (token: string, name: string) => bridge.save(token, name);

/** Polls a job until it ends, reporting progress; resolves with its result or throws its error. */
export async function runJob<R>(id: string, onProgress?: (done: number, total: number) => void, signal?: AbortSignal): Promise<R> {
  for (;;) {
    const s = await api['jobs.status']({ id });
    onProgress?.(s.done, s.total);
    if (s.state === 'done') return s.result as R;
    if (s.state !== 'running') throw new ApiError(s.error ?? { code: 'internal', message: s.state });
    if (signal?.aborted) await api['jobs.cancel']({ id });
    await new Promise((r) => setTimeout(r, 150));
  }
}
export type { Method };

/** What to tell the user about a failed call: the field messages when there are any, else the message. */
export function errorText(err: unknown): string {
  if (err instanceof ApiError) return err.payload.fields?.map((f) => f.message).join('；') || err.message;
  return err instanceof Error ? err.message : String(err);
}
