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
  };
}

const bridge: Bridge = window.parkpilot ?? httpBridge();

export const api = new Proxy({} as Api, {
  get: (_target, method: string) => async (input: unknown) => {
    const result = await bridge.invoke(method, input ?? {}, currentLocale);
    if (!result.ok) throw new ApiError(result.error);
    return result.value;
  },
});

export const onCoreEvent = (listener: (event: CoreEvent) => void) => bridge.onEvent(listener);
export type { Method };
