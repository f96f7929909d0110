import { handlers, isMethod, type ApiInput, type ApiOutput, type Method } from './api';
import { HybridClock, type ClockState } from './db/clock';
import { openDatabase, prepared, type Db, type OpenOptions } from './db/open';
import { AppError, toErrorPayload, type ErrorPayload, type Locale } from './errors';
import { dispatch } from './dispatch';
import type { CoreContext } from './handler';
import type { Handler } from './handler';
import { randomIds, type IdFactory } from './util/ids';
import { Files, Jobs } from './jobs';
import { claimSite } from './sync/identity';
import { CURRENT_USER, demoDay, readSetting } from './settings/handlers';
import { hostname } from 'node:os';
import { HubLink, offStatus, type ConnectOptions, type HubHost } from './hub/link';
import { guardFor } from './hub/roles';
import { stopRankReader } from './grid/rank-reader';
import { stopWarmThread } from './sync/merge-thread';
import { readHubConfig, writeHubConfig } from './hub/state';
import { localDay } from './util/day';

/**
 * What the core tells the shells after data changed: the call (or job) that changed it and the tables
 * it wrote, so a screen refetches only when a change concerns it.
 */
export interface CoreEvent {
  type: 'changed';
  version: number;
  /** The method, or `jobs.<kind>` when a job (an import) committed. */
  method: string;
  tables: string[];
}

/** Events a shell adds: the desktop app reopened another database file. */
export type ShellEvent = CoreEvent | { type: 'reopened'; file?: string };

export type Result<T> = { ok: true; value: T } | { ok: false; error: ErrorPayload };

export interface CoreOptions extends OpenOptions {
  user?: string;
  now?: () => number;
  ids?: IdFactory;
  /** Fixed site id (tests); otherwise read from the database or made once and stored there. */
  site?: string;
  printPdf?: CoreContext['printPdf'];
  preparePrinter?: CoreContext['preparePrinter'];
  /**
   * Keep a connected database in sync with its office hub while open (the desktop app and web shell).
   * The password comes from the person (Settings → Office hub) or, when absent, PGPASSWORD / ~/.pgpass.
   */
  hubSync?: boolean;
  /** The hub password kept by the shell (the desktop app's OS keychain); otherwise PGPASSWORD / ~/.pgpass. */
  hubPassword?: string;
}

/**
 * The core behind every shell: one open database, its clock and the handler map. `invoke` is the
 * only entrance; it validates input with the handler's schema and turns failures into coded errors.
 */
export class ParkCore {
  private readonly ctx: Omit<CoreContext, 'locale'>;

  /** The open database (a restore replaces the connection; see `reopen`). */
  get db(): Db {
    return this.ctx.db;
  }

  constructor(
    private readonly file: string,
    private readonly options: CoreOptions = {},
  ) {
    const db = openDatabase(file, options);
    const now = options.now ?? Date.now;
    this.ctx = { db } as Omit<CoreContext, 'locale'>; // settings are read before the context is complete
    const { site } = claimSite(db, file, options.user, options.site);
    const saved = this.setting('clock');
    const state: ClockState = saved ? (JSON.parse(saved) as ClockState) : { millis: 0, counter: 0 };
    this.ctx = {
      db,
      clock: new HybridClock(site, state, now),
      ids: options.ids ?? randomIds,
      user: options.user ?? 'local',
      version: { value: 0 },
      today: () => localDay(now()),
      jobs: new Jobs((job) => this.emitChanges(`jobs.${job.kind}`)),
      files: new Files(),
      openReader: () => openDatabase(file, { readonly: true, create: false, ...(options.nativeBinding ? { nativeBinding: options.nativeBinding } : {}) }),
      ...(options.printPdf ? { printPdf: options.printPdf } : {}),
      ...(options.preparePrinter ? { preparePrinter: options.preparePrinter } : {}),
      reopen: (swap) => this.reopen(swap),
      hub: {
        status: (locale) => this.hubLink?.status(locale) ?? offStatus(this.db),
        connect: (o) => this.connectHub(o),
        disconnect: () => this.disconnectHub(),
        sync: () => this.syncHub(),
      },
    };
    if (options.hubSync) {
      this.hubLink = HubLink.resume(this.hubHost(), options.hubPassword);
      this.hubLink?.start();
    }
  }

  private hubLink: HubLink | null = null;
  private readonly writeListeners = new Set<() => void>();

  /** What the hub link needs of the core: merges run unguarded (each change was checked where it was made). */
  private hubHost(): HubHost {
    return {
      context: () => ({ ...this.context(), guard: undefined }),
      changed: () => this.emitChanges('hub.pull'),
      onLocalWrite: (listener) => {
        this.reported ??= { version: this.ctx.version.value, seq: this.lastSeq() };
        this.writeListeners.add(listener);
        return () => this.writeListeners.delete(listener);
      },
      device: () => readSetting(this.db, 'device') ?? hostname(),
    };
  }

  private async connectHub(options: ConnectOptions) {
    await this.hubLink?.stop();
    this.hubLink = null;
    const link = await HubLink.connect(this.hubHost(), options);
    this.hubLink = link;
    if (this.options.hubSync) link.start();
    else await link.stop();
    this.ctx.version.value++;
    return link.status('en');
  }

  private async disconnectHub(): Promise<void> {
    await this.hubLink?.stop();
    this.hubLink = null;
    writeHubConfig(this.db, null);
    this.ctx.version.value++;
  }

  private async syncHub() {
    const link = this.hubLink ?? HubLink.resume(this.hubHost(), this.options.hubPassword);
    if (!link) throw new AppError('hub_not_connected');
    try {
      return await link.syncOnce();
    } finally {
      if (link !== this.hubLink) await link.stop();
    }
  }

  /** The running hub link, if any (tests wait on it). */
  get hub(): HubLink | null {
    return this.hubLink;
  }

  /**
   * Closes every connection, runs `swap` (a restore puts another file in place there) and opens the
   * file again. The clock's time stays: it is already ahead of anything the restored file holds.
   */
  private reopen(swap: () => void): void {
    this.snapshot?.close();
    this.snapshot = null;
    stopRankReader(this.ctx.db); // its thread may be reading the file a restore replaces
    stopWarmThread(this.ctx.db); // so may a merge's classify thread kept for the next merge
    this.ctx.db.close();
    try {
      swap();
    } finally {
      this.ctx.db = openDatabase(this.file, { ...this.options, create: false });
      // The restored file is another copy of history: it writes under a new site id (its peers then
      // send it everything they hold, including the changes the backup predates).
      const { site } = claimSite(this.ctx.db, this.file, this.options.user, this.options.site);
      this.ctx.clock = new HybridClock(site, this.ctx.clock.snapshot(), this.options.now ?? Date.now);
      this.ctx.version.value++;
    }
  }

  context(locale: Locale = 'zh-CN'): CoreContext {
    // The person named in Settings, when there is one, is who the change log records for each edit.
    const user = this.db.open ? readSetting(this.db, CURRENT_USER) : null;
    // A demo database lives on its last day of history unless the user chose today (settings/handlers.ts).
    const day = this.db.open ? demoDay(this.db) : null;
    // Connected to the office hub: edits carry the signed-in person, and the role's rules apply here too.
    const hub = this.db.open ? readHubConfig(this.db) : null;
    const signedIn = hub ? { user: hub.person, guard: guardFor(hub.role) } : {};
    return { ...this.ctx, locale, ...(user ? { user } : {}), ...signedIn, ...(day ? { today: () => day } : {}) };
  }

  private readonly listeners = new Set<(event: CoreEvent) => void>();

  /** The version and change-log position last reported to listeners. */
  private reported: { version: number; seq: number } | null = null;

  /** Tells listeners which tables changed since the last report, if any write committed since. */
  private emitChanges(method: string): void {
    const version = this.ctx.version.value;
    if (!this.reported || version === this.reported.version || this.db.inTransaction || !this.db.open) return;
    const since = this.reported.seq;
    const seq = this.lastSeq();
    const tables = (prepared(this.db, 'SELECT DISTINCT tbl FROM changes NOT INDEXED WHERE seq > ?').pluck().all(since) as string[]).sort();
    this.reported = { version, seq };
    for (const l of this.listeners) l({ type: 'changed', version, method, tables });
    if (method !== 'hub.pull' && tables.length) for (const l of this.writeListeners) l();
  }

  private lastSeq(): number {
    return prepared(this.db, 'SELECT coalesce(max(seq), 0) FROM changes').pluck().get() as number;
  }

  /** Subscribe to data-change events (the shells relay them to the renderer). Returns unsubscribe. */
  onEvent(listener: (event: CoreEvent) => void): () => void {
    this.reported ??= { version: this.ctx.version.value, seq: this.lastSeq() };
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Untyped entrance for transports: method names and input arrive from outside. Synchronous
   * handlers answer at once; the few asynchronous ones (files) answer with a promise of the result.
   */
  invoke(method: string, input: unknown, locale: Locale = 'zh-CN'): Result<unknown> | Promise<Result<unknown>> {
    const notify = () => this.emitChanges(method);
    try {
      if (!isMethod(method)) throw new AppError('unknown_method', { method });
      const h: Handler = handlers[method];
      const value = dispatch(h, this.contextFor(method, h, locale), input);
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
    const h: Handler = handlers[method];
    try {
      // The map's entry for M answers ApiOutput<M>; indexing by a generic key loses that, so it is restated.
      return dispatch(h, this.contextFor(method, h, locale), input) as ApiOutput<M>;
    } finally {
      this.emitChanges(method);
    }
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

  /** Stops the hub link (its last sync finishes first), then closes. */
  async closeAsync(): Promise<void> {
    await this.hubLink?.stop();
    this.hubLink = null;
    this.close();
  }

  close(): void {
    void this.hubLink?.stop();
    this.hubLink = null;
    this.snapshot?.close();
    stopRankReader(this.db);
    stopWarmThread(this.db);
    if (this.db.open) this.db.close();
    this.ctx.files.dispose();
  }
}
