import type { ErrorPayload, Locale } from '../errors';
import type { CoreEvent, Result } from '../service';
import type { CoreMessage, HostMessage, OpenRequest } from './protocol';

/** A started core process or thread: Electron's UtilityProcess and Node's Worker both fit. */
export interface CoreChild {
  postMessage(message: unknown): void;
  on(event: 'message', listener: (message: unknown) => void): unknown;
  on(event: 'exit', listener: (code: number) => void): unknown;
}

export interface CoreClientOptions {
  /** Starts the core process (again, after a crash). */
  spawn: () => CoreChild;
  onEvent: (event: CoreEvent) => void;
  /** Prints report HTML to PDF for the core (Electron's printToPDF). */
  printPdf?: (html: string, options: { headerTitle: string }) => Promise<Buffer>;
}

type Pending = (result: Result<unknown>) => void;
type Request = HostMessage extends infer M ? (M extends { id: number } ? Omit<M, 'id'> : never) : never;

/**
 * The shell's side of the core process: the same `invoke` as an in-process core, answered by
 * message. If the process dies, the calls in flight fail with a clear error, and a new process
 * opens the same database, so the window keeps working.
 */
export class CoreClient {
  private child: CoreChild;
  private seq = 0;
  private readonly pending = new Map<number, Pending>();
  private opened: OpenRequest | null = null;
  private closed = false;

  constructor(private readonly options: CoreClientOptions) {
    this.child = this.start();
  }

  private start(): CoreChild {
    const child = this.options.spawn();
    child.on('message', (raw) => this.receive(raw as CoreMessage));
    child.on('exit', (code) => {
      if (child !== this.child || this.closed) return;
      const lost: ErrorPayload = { code: 'internal', message: `The core process stopped (exit ${code}); please try again.` };
      for (const answer of this.pending.values()) answer({ ok: false, error: lost });
      this.pending.clear();
      this.child = this.start();
      if (this.opened) void this.request({ type: 'open', request: this.opened });
    });
    return child;
  }

  private receive(message: CoreMessage): void {
    if (message.type === 'event') return this.options.onEvent(message.event);
    if (message.type === 'print') {
      const print = this.options.printPdf ?? (() => Promise.reject(new Error('this shell cannot print')));
      print(message.html, { headerTitle: message.headerTitle }).then(
        (pdf) => this.child.postMessage({ type: 'printed', id: message.id, pdf: new Uint8Array(pdf) }),
        (err: unknown) => this.child.postMessage({ type: 'printed', id: message.id, error: String(err) }),
      );
      return;
    }
    const answer = this.pending.get(message.id);
    this.pending.delete(message.id);
    answer?.(message.result);
  }

  private request(message: Request): Promise<Result<unknown>> {
    const id = ++this.seq;
    return new Promise((resolve) => {
      this.pending.set(id, resolve);
      this.child.postMessage({ ...message, id });
    });
  }

  /** The shell is quitting: a process that ends from now on is not started again. */
  close(): void {
    this.closed = true;
  }

  /** Opens (or switches to) a database file in the core process. */
  async open(request: OpenRequest): Promise<Result<unknown>> {
    const result = await this.request({ type: 'open', request });
    if (result.ok) this.opened = request;
    return result;
  }

  invoke(method: string, input: unknown, locale: Locale): Promise<Result<unknown>> {
    return this.request({ type: 'invoke', method, input, locale });
  }

  upload(name: string, bytes: Uint8Array): Promise<Result<unknown>> {
    return this.request({ type: 'upload', name, bytes });
  }

  /** A consistent copy of the open database (SQLite's online backup), e.g. File → Save a copy as. */
  backup(path: string): Promise<Result<unknown>> {
    return this.request({ type: 'backup', path });
  }

  /** Where a produced file (an export, a report) lies, to hand it to the user. */
  async filePath(token: string): Promise<{ path: string; name: string }> {
    const result = await this.request({ type: 'file', token });
    if (!result.ok) throw new Error(result.error.message);
    return result.value as { path: string; name: string };
  }
}
