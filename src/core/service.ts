import { randomBytes } from 'node:crypto';
import type { z } from 'zod';
import { handlers, isMethod, type ApiInput, type ApiOutput, type Method } from './api';
import { HybridClock, type ClockState } from './db/clock';
import { openDatabase, type Db, type OpenOptions } from './db/open';
import { AppError, toErrorPayload, type ErrorPayload, type FieldIssue, type Locale } from './errors';
import type { CoreContext } from './handler';
import type { Handler } from './handler';
import { randomIds, type IdFactory } from './util/ids';
import { Files, Jobs } from './jobs';
import { CURRENT_USER, demoDay, readSetting } from './settings/handlers';

export interface CoreEvent {
  type: 'changed';
  version: number;
  method: string;
}

export type Result<T> = { ok: true; value: T } | { ok: false; error: ErrorPayload };

export interface CoreOptions extends OpenOptions {
  user?: string;
  now?: () => number;
  ids?: IdFactory;
  /** Fixed site id (tests); otherwise read from the database or made once and stored there. */
  site?: string;
  printPdf?: CoreContext['printPdf'];
}

/**
 * The core behind every shell: one open database, its clock and the handler map. `invoke` is the
 * only entrance; it validates input with the handler's schema and turns failures into coded errors.
 */
export class ParkCore {
  readonly db: Db;
  private readonly ctx: Omit<CoreContext, 'locale'>;

  constructor(file: string, options: CoreOptions = {}) {
    this.db = openDatabase(file, options);
    const now = options.now ?? Date.now;
    const site = options.site ?? this.setting('site') ?? randomBytes(8).toString('hex');
    if (!this.setting('site')) this.setSetting('site', site);
    const saved = this.setting('clock');
    const state: ClockState = saved ? (JSON.parse(saved) as ClockState) : { millis: 0, counter: 0 };
    this.ctx = {
      db: this.db,
      clock: new HybridClock(site, state, now),
      ids: options.ids ?? randomIds,
      user: options.user ?? 'local',
      version: { value: 0 },
      today: () => new Date(now()).toISOString().slice(0, 10),
      jobs: new Jobs(),
      files: new Files(),
      openReader: () => openDatabase(file, { readonly: true, create: false, ...(options.nativeBinding ? { nativeBinding: options.nativeBinding } : {}) }),
      ...(options.printPdf ? { printPdf: options.printPdf } : {}),
    };
  }

  context(locale: Locale = 'zh-CN'): CoreContext {
    // The person named in Settings, when there is one, is who the change log records for each edit.
    const user = this.db.open ? readSetting(this.db, CURRENT_USER) : null;
    // A demo database lives on its last day of history unless the user chose today (settings/handlers.ts).
    const day = this.db.open ? demoDay(this.db) : null;
    return { ...this.ctx, locale, ...(user ? { user } : {}), ...(day ? { today: () => day } : {}) };
  }

  private readonly listeners = new Set<(event: CoreEvent) => void>();

  /** Subscribe to data-change events (the shells relay them to the renderer). Returns unsubscribe. */
  onEvent(listener: (event: CoreEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Untyped entrance for transports: method names and input arrive from outside. Synchronous
   * handlers answer at once; the few asynchronous ones (files) answer with a promise of the result.
   */
  invoke(method: string, input: unknown, locale: Locale = 'zh-CN'): Result<unknown> | Promise<Result<unknown>> {
    const before = this.ctx.version.value;
    const notify = () => {
      if (this.ctx.version.value !== before) for (const l of this.listeners) l({ type: 'changed', version: this.ctx.version.value, method });
    };
    try {
      if (!isMethod(method)) throw new AppError('unknown_method', { method });
      const h = handlers[method] as Handler;
      const ctx = this.contextFor(method, h, locale);
      const parsed = h.input.safeParse(input ?? {});
      if (!parsed.success) throw zodToAppError(parsed.error);
      const value = h.run(ctx, parsed.data);
      if (value instanceof Promise) {
        return value.then(
          (v: unknown): Result<unknown> => (notify(), { ok: true, value: v }),
          (err: unknown): Result<unknown> => (notify(), { ok: false, error: toErrorPayload(err, locale) }),
        );
      }
      notify();
      return { ok: true, value };
    } catch (err) {
      notify();
      return { ok: false, error: toErrorPayload(err, locale) };
    }
  }

  /** Typed call for in-process users (CLI, tests); throws AppError on failure. */
  call<M extends Method>(method: M, input: ApiInput<M>, locale: Locale = 'zh-CN'): ApiOutput<M> {
    const h = handlers[method] as Handler;
    const ctx = this.contextFor(method, h, locale);
    const parsed = h.input.safeParse(input ?? {});
    if (!parsed.success) throw zodToAppError(parsed.error);
    return h.run(ctx, parsed.data) as ApiOutput<M>;
  }

  /** Opened for the first read that arrives during an import; kept until the core closes. */
  private snapshot: Db | null = null;

  /**
   * Calls between two chunks of an import would otherwise run inside its open transaction (and see,
   * or be rolled back with, its rows). Reads go to a read-only connection instead, which sees the
   * database as it was before the import; writes are refused until it commits. Job status and cancel,
   * and static metadata, need no database.
   */
  private contextFor(method: string, h: Handler, locale: Locale): CoreContext {
    const ctx = this.context(locale);
    if (!this.db.inTransaction || /^(jobs\.|meta\.)/.test(method)) return ctx;
    if (!h.reads) throw new AppError('busy');
    this.snapshot ??= this.ctx.openReader();
    return { ...ctx, db: this.snapshot };
  }

  setting(key: string): string | null {
    return (this.db.prepare('SELECT value FROM settings WHERE key = ?').get(key) as { value: string } | undefined)?.value ?? null;
  }

  setSetting(key: string, value: string): void {
    this.db.prepare('INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value').run(key, value);
  }

  get files(): Files {
    return this.ctx.files;
  }

  get jobs(): Jobs {
    return this.ctx.jobs;
  }

  close(): void {
    this.snapshot?.close();
    if (this.db.open) this.db.close();
  }
}

function zodToAppError(error: z.ZodError): AppError {
  const fields: FieldIssue[] = error.issues.map((issue) => {
    const field = issue.path.map(String).join('.') || '(input)';
    const missing = (issue.code === 'invalid_type' && issue.input === undefined) || (issue.code === 'too_small' && issue.origin === 'string' && issue.minimum === 1);
    return missing ? { field, code: 'required' } : { field, code: 'invalid_input', params: { detail: issue.message } };
  });
  return new AppError('invalid_input', { detail: fields.map((f) => f.field).join(', ') }, fields);
}
