import type { Api, ApiOutput, Method } from '../../../core/api';
import type { ErrorPayload } from '../../../core/errors';
import type { Result, ShellEvent } from '../../../core/service';

/**
 * The renderer's typed client. The shell decides the transport: Electron's preload bridge when it
 * is there, otherwise HTTP to the web shell with the launch token from the page's meta tag.
 */
interface Bridge {
  invoke: (method: string, input: unknown, locale: string) => Promise<Result<unknown>>;
  /** Several calls in one round trip (the web shell); the desktop's IPC has no connections to queue for. */
  invokeBatch?: (calls: { method: string; input: unknown }[], locale: string) => Promise<Result<unknown>[]>;
  onEvent: (listener: (event: ShellEvent) => void) => () => void;
  /** Hands a file the user picked to the core; answers a token. */
  upload: (name: string, bytes: ArrayBuffer, locale?: string) => Promise<Result<{ token: string; name: string }>>;
  /** Gives the user a file the core produced (a download, or a save dialog in the app). */
  save: (token: string, name: string) => Promise<void>;
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
      return (await res.json()) as Result<unknown>;
    },
    invokeBatch: async (calls, locale) => {
      const res = await fetch('/api/batch', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'X-ParkPilot-Token': token, 'X-ParkPilot-Locale': locale },
        body: JSON.stringify({ calls }),
      });
      const batch = (await res.json()) as Result<Result<unknown>[]>;
      if (!batch.ok) throw new ApiError(batch.error);
      return batch.value;
    },
    onEvent: (listener) => {
      // EventSource cannot send a header, and the shell takes the token from no query string: the
      // event stream is read with fetch instead, and reconnected when it drops.
      const stop = new AbortController();
      const connect = async () => {
        while (!stop.signal.aborted) {
          try {
            const res = await fetch('/api/events', { headers: { 'X-ParkPilot-Token': token }, signal: stop.signal });
            const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
            let buffer = '';
            for (;;) {
              const { done, value } = await reader.read();
              if (done) break;
              buffer += value;
              let end;
              while ((end = buffer.indexOf('\n\n')) >= 0) {
                const data = buffer.slice(0, end).split('\n').filter((l) => l.startsWith('data: ')).map((l) => l.slice(6)).join('\n');
                buffer = buffer.slice(end + 2);
                if (data) listener(JSON.parse(data) as ShellEvent);
              }
            }
          } catch {
            // dropped or stopped: retry below unless stopped
          }
          if (!stop.signal.aborted) await new Promise((r) => setTimeout(r, 1000));
        }
      };
      void connect();
      return () => stop.abort();
    },
    upload: async (name, bytes) => {
      const res = await fetch(`/api/upload?name=${encodeURIComponent(name)}`, { method: 'POST', headers: { 'X-ParkPilot-Token': token }, body: bytes });
      return (await res.json()) as Result<{ token: string; name: string }>;
    },
    save: async (fileToken, name) => {
      // Fetched with the token in its header, then handed to the browser as a download.
      const res = await fetch(`/api/download/${encodeURIComponent(fileToken)}`, { headers: { 'X-ParkPilot-Token': token } });
      if (!res.ok) throw new ApiError(((await res.json()) as { error: ErrorPayload }).error);
      const url = URL.createObjectURL(await res.blob());
      const a = document.createElement('a');
      a.href = url;
      a.download = name;
      document.body.append(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 60_000);
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

/**
 * A call whose input is built at run time (one form and one grid serve every registry area): the
 * core validates it at the boundary, so its type is the method's answer and the input stays open.
 */
export async function invokeMethod<M extends Method>(method: M, input: unknown): Promise<ApiOutput<M>> {
  return valueOf(await bridge.invoke(method, input ?? {}, currentLocale)) as ApiOutput<M>;
}

function valueOf(result: Result<unknown>): unknown {
  if (!result.ok && result.error.code === 'database_corrupt') for (const l of damageListeners) l(result.error);
  if (!result.ok) throw new ApiError(result.error);
  return result.value;
}

/**
 * Calls made together (the start-up's): one round trip where the transport offers it, else each on its
 * own. Each answer settles as `invokeMethod` would for that call alone.
 */
export function invokeTogether(calls: { method: Method; input: unknown }[]): Promise<unknown>[] {
  const batch = bridge.invokeBatch;
  if (!batch) return calls.map((c) => invokeMethod(c.method, c.input));
  const results = batch(calls.map((c) => ({ method: c.method, input: c.input ?? {} })), currentLocale);
  return calls.map((_, i) => results.then((all) => valueOf(all[i]!)));
}

export const api = new Proxy({} as Api, {
  get: (_target, method: Method) => (input: unknown) => invokeMethod(method, input),
});

export const onCoreEvent = (listener: (event: ShellEvent) => void) => bridge.onEvent(listener);

export async function uploadFile(file: File): Promise<{ token: string; name: string }> {
  const result = await bridge.upload(file.name, await file.arrayBuffer(), currentLocale);
  if (!result.ok) throw new ApiError(result.error);
  return result.value;
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
  if (err instanceof ApiError) return err.payload.fields?.map((f) => f.message).join(currentLocale === 'en' ? '; ' : '；') || err.message;
  return err instanceof Error ? err.message : String(err);
}
