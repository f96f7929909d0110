import type { Locale } from '../errors';
import type { CoreEvent, Result } from '../service';

/**
 * The messages between a shell and the core running in its own process (Electron's utilityProcess)
 * or thread (Node's worker_threads). Both offer the same small port: postMessage, and 'message'
 * events. Electron's parentPort wraps each message in an event whose `data` is the message.
 */
export interface MessagePortLike {
  postMessage(message: unknown): void;
  on(event: 'message', listener: (message: unknown) => void): unknown;
}

export interface OpenRequest {
  file: string;
  /** Create the file when missing. */
  create: boolean;
  /** Fill a file created now with the demo data set (the desktop app's first run). */
  demo?: boolean;
  user?: string;
  nativeBinding?: string;
  /** The shell prints report HTML to PDF (Electron's printToPDF): the core asks it by message. */
  shellPrints?: boolean;
  /** The office hub password the shell keeps for this database (the desktop app's OS keychain). */
  hubPassword?: string;
}

export type HostMessage =
  | { type: 'open'; id: number; request: OpenRequest }
  | { type: 'invoke'; id: number; method: string; input: unknown; locale: Locale }
  | { type: 'upload'; id: number; name: string; bytes: Uint8Array }
  | { type: 'file'; id: number; token: string }
  | { type: 'backup'; id: number; path: string }
  | { type: 'printed'; id: number; pdf?: Uint8Array; error?: string };

export type CoreMessage =
  | { type: 'result'; id: number; result: Result<unknown> }
  | { type: 'event'; event: CoreEvent }
  | { type: 'print'; id: number; html: string; headerTitle: string };

/** The message itself, whether the port delivered it bare (Node) or in an event's `data` (Electron). */
export function unwrap(raw: unknown): unknown {
  return raw && typeof raw === 'object' && 'data' in raw && 'ports' in raw ? (raw as { data: unknown }).data : raw;
}
