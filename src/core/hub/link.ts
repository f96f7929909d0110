import type pg from 'pg';
import { migrations } from '../db/migrations';
import type { LogEntry } from '../db/materialize';
import type { TableName } from '../db/tables';
import { prepared, type Db } from '../db/open';
import type { WriteContext } from '../db/write';
import { AppError, toErrorPayload, type ErrorPayload, type Locale } from '../errors';
import { PARK_NAME, readSetting } from '../settings/handlers';
import { mergeChanges } from '../sync/merge';
import { joinVectors, recordSites, vectorOf, type SiteInfo, type Vector } from '../sync/peers';
import { hashesIn, getBlob, hasBlob, putBlob, sha256 } from '../visits/blobs';
import { hubError, openClient, parseHubUrl, type HubAddress } from './client';
import { ADMIN_TABLES, HUB_ROLES, groupRole, readOnlyTables, strongestRole, type HubRole } from './roles';
import { HUB_FORMAT, HUB_SCHEMA, NOTIFY_CHANNEL, PUSH_LOCK } from './schema';
import { readHubConfig, writeHubConfig, type HubConfig } from './state';

/**
 * One desktop's link to the office hub. A sync is a pull then a push:
 * - pull: the hub's changes after the last sequence number merged here, one push (another copy's run
 *   of changes) at a time, through sync/merge.ts with that copy as the sender, exactly as a laptop's
 *   package is merged; attachment contents come with them;
 * - push: this copy's changes the hub lacks (per site, after the stamp the hub is known to hold), in
 *   batches; each batch is one transaction under an advisory lock, so the server's sequence order is
 *   the commit order and a puller never skips a row that commits late.
 * Running, the link listens for the hub's notifications and pushes shortly after each local write; a
 * lost connection retries with backoff and catches up by itself. Local work never waits on the hub.
 */
export interface HubHost {
  /** A write context without the role guard: merged changes were checked where they were written. */
  context: () => WriteContext;
  /** Tells the shells that merged changes touched these tables (open grids refetch). */
  changed: (tables: string[]) => void;
  /** Called after local writes: the link pushes them. */
  onLocalWrite: (listener: () => void) => () => void;
  device: () => string;
}

export type HubState = 'connecting' | 'connected' | 'offline' | 'error';

export interface HubStatus {
  connected: boolean;
  state: HubState | 'off';
  url: string | null;
  login: string | null;
  role: HubRole | null;
  /** Tables this desktop may not change under its hub role (none when not linked, or for an administrator). */
  readOnly: TableName[];
  person: string | null;
  /** Local changes the hub does not hold yet. */
  waiting: number;
  lastSync: string | null;
  error: ErrorPayload | null;
  refused: { count: number; detail: string } | null;
}

export interface ConnectOptions {
  url: string;
  login?: string;
  password?: string;
  /** Join a hub that holds another park database, merging this one into it like a returning laptop. */
  merge?: boolean;
}

const BATCH = 5000;
const latestMigration = () => migrations[migrations.length - 1]!.id;

/** Per site, the latest stamp among the entries. */
function vectorOfEntries(entries: { site: string; stamp: string }[]): Vector {
  const out: Vector = {};
  for (const e of entries) if (!out[e.site] || out[e.site]! < e.stamp) out[e.site] = e.stamp;
  return out;
}

/** The role's SQL policy, in the client: what the hub would refuse (roles.ts declares both). */
function mayPush(role: HubRole, c: LogEntry): boolean {
  if (role === 'admin') return true;
  const createsReview = c.tbl === 'review_items' && (c.old_value ?? 'null') === 'null' && (c.field !== 'status' || c.new_value === '"open"');
  if (role === 'viewer') return createsReview;
  return !(ADMIN_TABLES as readonly string[]).includes(c.tbl) && (c.tbl !== 'review_items' || createsReview);
}

export interface HubMeta {
  format: string;
  db_id: string;
  park: string;
  migration: string;
}

export async function readMeta(client: pg.Client): Promise<HubMeta> {
  const { rows } = await client.query(`SELECT key, value FROM ${HUB_SCHEMA}.meta`);
  const meta = Object.fromEntries(rows.map((r: { key: string; value: string }) => [r.key, r.value])) as Partial<HubMeta>;
  if (!meta.format) throw new AppError('hub_not_prepared');
  return { format: meta.format, db_id: meta.db_id ?? '', park: meta.park ?? '', migration: meta.migration ?? '' };
}

/** Refuses a hub this program must not write to: a newer format or a newer program's changes. */
export async function checkVersion(client: pg.Client, meta: HubMeta): Promise<void> {
  if (Number(meta.format) > HUB_FORMAT) throw new AppError('hub_newer', { detail: `format ${meta.format}` });
  if (meta.migration && !migrations.some((m) => m.id === meta.migration)) throw new AppError('hub_newer', { detail: meta.migration });
  await client.query(`SELECT ${HUB_SCHEMA}.note_migration($1)`, [latestMigration()]);
}

export async function roleOf(client: pg.Client, login: string): Promise<HubRole> {
  const { rows } = await client.query(`SELECT ${HUB_ROLES.map((r, i) => `pg_has_role(session_user, '${groupRole(r)}', 'MEMBER') AS r${i}`).join(', ')}`);
  const role = strongestRole(HUB_ROLES.filter((_, i) => rows[0][`r${i}`]).map(groupRole));
  if (!role) throw new AppError('hub_no_role', { detail: login });
  return role;
}

export class HubLink {
  private client: pg.Client | null = null;
  private state: HubState = 'connecting';
  private error: AppError | null = null;
  private running = false;
  private chain: Promise<unknown> = Promise.resolve();
  private timer: NodeJS.Timeout | null = null;
  private retry: NodeJS.Timeout | null = null;
  private backoff = 1000;
  private unsubscribe: (() => void) | null = null;

  private constructor(
    private readonly host: HubHost,
    private readonly address: HubAddress,
    private password: string | undefined,
  ) {}

  /** The link of a database that was connected before (its settings name the hub). */
  static resume(host: HubHost, password?: string): HubLink | null {
    const config = readHubConfig(host.context().db);
    if (!config) return null;
    return new HubLink(host, { url: config.url, login: config.login }, password);
  }

  /**
   * First connection: checks the hub, then publishes this database to an empty hub, joins the hub's
   * database when this one is empty, or (with `merge`) merges a standalone database into it. Then
   * one full sync. Throws, changing nothing here, when the hub cannot be used.
   */
  static async connect(host: HubHost, options: ConnectOptions): Promise<HubLink> {
    const parsed = parseHubUrl(options.url, options.login);
    const password = options.password ?? parsed.password;
    const link = new HubLink(host, { url: parsed.url, login: parsed.login }, password);
    const client = await openClient(link.address, password);
    try {
      const meta = await readMeta(client).catch((err: unknown) => Promise.reject(hubError(err)));
      await checkVersion(client, meta);
      const role = await roleOf(client, parsed.login);
      const ctx = host.context();
      const localDb = readSetting(ctx.db, 'db_id')!;
      const previous = readHubConfig(ctx.db);
      const empty = !prepared(ctx.db, 'SELECT 1 FROM changes LIMIT 1').get();
      let hubDb = meta.db_id;
      if (!hubDb) {
        if (role !== 'admin') throw new AppError('hub_publish_admin');
        const park = readSetting(ctx.db, PARK_NAME) ?? '';
        // Only the first publisher sets it; a second one racing sees the winner's id.
        await client.query(`UPDATE ${HUB_SCHEMA}.meta SET value = $1 WHERE key = 'db_id' AND value = ''`, [localDb]);
        await client.query(`UPDATE ${HUB_SCHEMA}.meta SET value = $1 WHERE key = 'park' AND value = ''`, [park]);
        hubDb = (await readMeta(client)).db_id;
      }
      if (hubDb !== localDb && !empty && !options.merge) throw new AppError('hub_other_park', { detail: meta.park || hubDb.slice(0, 8) });
      const { rows } = await client.query(`SELECT display_name FROM ${HUB_SCHEMA}.people WHERE login = session_user`);
      const person = (rows[0] as { display_name?: string } | undefined)?.display_name ?? parsed.login;
      const sameHub = previous && previous.url === parsed.url && previous.hubDb === hubDb;
      const config: HubConfig = sameHub
        ? { ...previous, login: parsed.login, role, person }
        : { url: parsed.url, login: parsed.login, role, person, hubDb, pulled: 0, seen: {}, parkName: null, refused: null, lastSync: null };
      // Joining makes this copy part of the hub's park database: packages and checks now name it.
      if (hubDb !== localDb) prepared(ctx.db, "UPDATE settings SET value = ? WHERE key = 'db_id'").run(hubDb);
      writeHubConfig(ctx.db, config);
      link.client = client;
      await link.syncWith(client);
      link.state = 'connected';
      return link;
    } catch (err) {
      await client.end().catch(() => {});
      throw hubError(err);
    }
  }

  private config(): HubConfig {
    const config = readHubConfig(this.host.context().db);
    if (!config) throw new AppError('hub_not_connected');
    return config;
  }

  private save(change: (c: HubConfig) => HubConfig): HubConfig {
    const db = this.host.context().db;
    const next = change(this.config());
    writeHubConfig(db, next);
    return next;
  }

  /** One pull and push on an open connection (serialised with every other use of this link). */
  private syncWith(client: pg.Client): Promise<{ pulled: number; pushed: number }> {
    const work = this.chain.then(async () => {
      const meta = await readMeta(client);
      if (meta.db_id && meta.db_id !== this.config().hubDb) throw new AppError('hub_other_park', { detail: meta.park || meta.db_id.slice(0, 8) });
      await checkVersion(client, meta);
      const role = await roleOf(client, this.address.login);
      if (role !== this.config().role) this.save((c) => ({ ...c, role }));
      await this.registerSite(client);
      const pulled = await this.pull(client);
      const pushed = await this.push(client, role);
      await this.syncSettings(client, role);
      const config = this.save((c) => ({ ...c, lastSync: new Date().toISOString() }));
      await client.query(`UPDATE ${HUB_SCHEMA}.sites SET pulled = $1, seen_at = now() WHERE site = $2`, [config.pulled, this.host.context().clock.site]);
      this.error = null;
      return { pulled, pushed };
    });
    this.chain = work.catch(() => {});
    return work;
  }

  private async registerSite(client: pg.Client): Promise<void> {
    const ctx = this.host.context();
    await client.query(
      `INSERT INTO ${HUB_SCHEMA}.sites (site, device, person) VALUES ($1, $2, $3)
       ON CONFLICT (site) DO UPDATE SET device = excluded.device, person = excluded.person, role = session_user, seen_at = now()`,
      [ctx.clock.site, this.host.device(), this.config().person],
    );
    // This copy's own entry names the device as it is called now (merged changes show it).
    prepared(ctx.db, 'UPDATE sync_sites SET device = ?, person = ? WHERE site = ?').run(this.host.device(), this.config().person, ctx.clock.site);
  }

  /** Merges the hub's changes after the last one merged here; returns how many were new here. */
  private async pull(client: pg.Client): Promise<number> {
    let applied = 0;
    const touched = new Set<string>();
    for (;;) {
      const from = this.config().pulled;
      const { rows } = await client.query(
        `SELECT seq, push_id, stamp, site, author AS "user", tbl, row_id, field, old_value, new_value FROM ${HUB_SCHEMA}.changes WHERE seq > $1 ORDER BY seq LIMIT ${BATCH}`,
        [from],
      );
      if (!rows.length) break;
      const pushIds = [...new Set(rows.map((r: { push_id: string }) => r.push_id))];
      const pushes = new Map<string, { site: string; device: string; person: string | null; seen: Vector }>(
        (await client.query(`SELECT id, site, device, person, seen FROM ${HUB_SCHEMA}.pushes WHERE id = ANY($1::bigint[])`, [pushIds])).rows.map(
          (p: { id: string; site: string; device: string; person: string | null; seen: Vector }) => [p.id, p],
        ),
      );
      const sites = (await client.query(`SELECT site, device, person FROM ${HUB_SCHEMA}.sites`)).rows as SiteInfo[];
      // Runs of the same push, in order: each is merged as one package from the copy that pushed it.
      let start = 0;
      while (start < rows.length) {
        let end = start;
        while (end < rows.length && rows[end].push_id === rows[start].push_id) end++;
        const run = rows.slice(start, end) as (LogEntry & { seq: string; push_id: string })[];
        applied += await this.mergeRun(client, run, pushes.get(run[0]!.push_id)!, sites, touched);
        start = end;
      }
      if (rows.length < BATCH) break;
    }
    if (touched.size) this.host.changed([...touched].sort());
    return applied;
  }

  private async mergeRun(
    client: pg.Client,
    run: (LogEntry & { seq: string })[],
    push: { site: string; device: string; person: string | null; seen: Vector },
    sites: SiteInfo[],
    touched: Set<string>,
  ): Promise<number> {
    const ctx = this.host.context();
    const changes: LogEntry[] = run
      .filter((c) => c.site !== ctx.clock.site)
      .map(({ stamp, site, user, tbl, row_id, field, old_value, new_value }) => ({ stamp, site, user, tbl, row_id, field, old_value, new_value }));
    let applied = 0;
    if (changes.length) {
      const wanted = [...hashesIn(changes)].filter((h) => !hasBlob(ctx.db, h));
      const blobs = wanted.length
        ? ((await client.query(`SELECT data FROM ${HUB_SCHEMA}.blobs WHERE hash = ANY($1::text[])`, [wanted])).rows as { data: Buffer }[])
        : [];
      recordSites(ctx.db, sites);
      // The hub's list is current: a desktop renamed since is shown by its new name.
      const rename = prepared(ctx.db, 'UPDATE sync_sites SET device = ?, person = ? WHERE site = ?');
      for (const s of sites) rename.run(s.device, s.person, s.site);
      const report = await mergeChanges(ctx, changes, { site: push.site, device: push.device, person: push.person, seen: push.seen, sites }, {
        store: () => blobs.forEach((b) => putBlob(ctx.db, b.data)),
      });
      applied = report.applied;
      if (applied) for (const c of changes) touched.add(c.tbl);
    }
    const last = Number(run[run.length - 1]!.seq);
    this.save((c) => ({ ...c, pulled: Math.max(c.pulled, last), seen: joinVectors(c.seen, vectorOfEntries(run)) }));
    return applied;
  }

  /** Local changes the hub lacks, per site in clock order, a batch at a time. */
  private *unpushed(seen: Vector): Generator<LogEntry[]> {
    const db = this.host.context().db;
    const stmt = prepared(db, `SELECT stamp, site, user, tbl, row_id, field, old_value, new_value FROM changes WHERE site = ? AND stamp > ? ORDER BY stamp LIMIT ${BATCH}`);
    for (const site of Object.keys(vectorOf(db))) {
      let after = seen[site] ?? '';
      for (;;) {
        const batch = stmt.all(site, after) as LogEntry[];
        if (!batch.length) break;
        yield batch;
        after = batch[batch.length - 1]!.stamp;
        if (batch.length < BATCH) break;
      }
    }
  }

  waiting(): number {
    return waitingFor(this.host.context().db);
  }

  private async push(client: pg.Client, role: HubRole): Promise<number> {
    let pushed = 0;
    const ctx = this.host.context();
    const refusedTables = new Set<string>();
    let refused = 0;
    for (const batch of this.unpushed(this.config().seen)) {
      const allowed = batch.filter((c) => mayPush(role, c));
      for (const c of batch) if (!mayPush(role, c)) refusedTables.add(c.tbl);
      refused += batch.length - allowed.length;
      if (allowed.length) {
        const blobs = [...hashesIn(allowed)].map((h) => getBlob(ctx.db, h)).filter((b): b is Buffer => !!b);
        await client.query('BEGIN');
        try {
          await client.query('SELECT pg_advisory_xact_lock($1)', [PUSH_LOCK]);
          const { rows } = await client.query(
            `INSERT INTO ${HUB_SCHEMA}.pushes (site, device, person, seen) VALUES ($1, $2, $3, $4) RETURNING id`,
            [ctx.clock.site, this.host.device(), this.config().person, JSON.stringify(vectorOf(ctx.db))],
          );
          const col = (k: keyof LogEntry) => allowed.map((c) => c[k]);
          await client.query(
            `INSERT INTO ${HUB_SCHEMA}.changes (push_id, stamp, site, author, tbl, row_id, field, old_value, new_value)
             SELECT $1, * FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[])
             ON CONFLICT DO NOTHING`,
            [rows[0].id, col('stamp'), col('site'), col('user'), col('tbl'), col('row_id'), col('field'), col('old_value'), col('new_value')],
          );
          for (const b of blobs) await client.query(`INSERT INTO ${HUB_SCHEMA}.blobs (hash, data) VALUES ($1, $2) ON CONFLICT DO NOTHING`, [sha256(b), b]);
          await client.query('SELECT pg_notify($1, $2)', [NOTIFY_CHANNEL, ctx.clock.site]);
          await client.query('COMMIT');
        } catch (err) {
          await client.query('ROLLBACK').catch(() => {});
          const e = err as { code?: string };
          // The rules were checked here; a refusal left is the server's clock check.
          if (e.code === '42501') throw new AppError('hub_clock_ahead');
          throw err;
        }
        pushed += allowed.length;
      }
      this.save((c) => ({ ...c, seen: joinVectors(c.seen, vectorOfEntries(batch)) }));
    }
    if (refused) {
      this.save((c) => ({
        ...c,
        refused: { count: (c.refused?.count ?? 0) + refused, detail: [...new Set([...(c.refused?.detail.split(', ').filter(Boolean) ?? []), ...refusedTables])].join(', ') },
      }));
    }
    return pushed;
  }

  /** The park's name is shared: an administrator's local edit goes up, anyone else takes the hub's. */
  private async syncSettings(client: pg.Client, role: HubRole): Promise<void> {
    const db = this.host.context().db;
    const local = readSetting(db, PARK_NAME);
    const { rows } = await client.query(`SELECT value FROM ${HUB_SCHEMA}.settings WHERE key = $1`, [PARK_NAME]);
    const shared = (rows[0] as { value?: string } | undefined)?.value ?? null;
    const last = this.config().parkName;
    if (role === 'admin' && local !== null && local !== last && local !== shared) {
      await client.query(
        `INSERT INTO ${HUB_SCHEMA}.settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_by = session_user, updated_at = now()`,
        [PARK_NAME, local],
      );
      await client.query('SELECT pg_notify($1, $2)', [NOTIFY_CHANNEL, 'settings']);
      this.save((c) => ({ ...c, parkName: local }));
    } else if (shared !== null && shared !== local) {
      prepared(db, 'INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value').run(PARK_NAME, shared);
      this.save((c) => ({ ...c, parkName: shared }));
      this.host.changed(['settings']);
    } else if (shared !== last) this.save((c) => ({ ...c, parkName: shared }));
  }

  /** One pull and push now (a scheduled job, the Sync button); opens a connection when needed. */
  async syncOnce(): Promise<{ pulled: number; pushed: number }> {
    const client = this.client ?? (await openClient(this.address, this.password));
    try {
      const result = await this.syncWith(client);
      this.state = 'connected';
      return result;
    } catch (err) {
      throw this.fail(err);
    } finally {
      if (!this.running && client !== this.client) await client.end().catch(() => {});
    }
  }

  /** Keeps syncing: listens for the hub's notifications, pushes local writes, reconnects when lost. */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.unsubscribe = this.host.onLocalWrite(() => this.schedule(200));
    void this.connectLoop();
  }

  private async connectLoop(): Promise<void> {
    if (!this.running) return;
    this.retry = null;
    try {
      this.state = this.client ? this.state : 'connecting';
      const client = this.client ?? (await openClient(this.address, this.password));
      this.client = client;
      client.on('notification', () => this.schedule(50));
      client.once('end', () => this.lost(new AppError('hub_unreachable', { detail: 'connection closed' })));
      client.on('error', (err) => this.lost(err));
      await client.query(`LISTEN ${NOTIFY_CHANNEL}`);
      await this.syncWith(client);
      this.state = 'connected';
      this.backoff = 1000;
    } catch (err) {
      this.lost(err);
    }
  }

  private lost(err: unknown): void {
    const client = this.client;
    this.client = null;
    if (client) {
      client.removeAllListeners('notification');
      client.removeAllListeners('end');
      void client.end().catch(() => {});
    }
    this.fail(err);
    if (!this.running || this.retry) return;
    this.retry = setTimeout(() => void this.connectLoop(), this.backoff);
    this.backoff = Math.min(this.backoff * 2, 30_000);
  }

  private fail(err: unknown): AppError {
    const e = hubError(err);
    this.error = e;
    this.state = e.code === 'hub_unreachable' ? 'offline' : 'error';
    return e;
  }

  private schedule(delay: number): void {
    if (!this.running || this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      const client = this.client;
      if (!client) return;
      this.syncWith(client).then(
        () => (this.state = 'connected'),
        (err: unknown) => {
          const e = hubError(err);
          if (e.code === 'hub_unreachable') this.lost(e);
          else if ((e as AppError).code === 'busy') this.schedule(500);
          else this.fail(e);
        },
      );
    }, delay);
  }

  /** Waits until the queued syncs are done (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.timer) await new Promise((r) => setTimeout(r, 20));
    await this.chain;
  }

  setPassword(password: string | undefined): void {
    this.password = password;
  }

  async stop(): Promise<void> {
    this.running = false;
    this.unsubscribe?.();
    if (this.timer) clearTimeout(this.timer);
    if (this.retry) clearTimeout(this.retry);
    this.timer = this.retry = null;
    await this.chain;
    const client = this.client;
    this.client = null;
    if (client) {
      client.removeAllListeners();
      client.on('error', () => {});
      await client.end().catch(() => {});
    }
  }

  status(locale: Locale): HubStatus {
    const config = readHubConfig(this.host.context().db);
    return {
      connected: this.state === 'connected',
      state: this.state,
      url: config?.url ?? this.address.url,
      login: this.address.login,
      role: config?.role ?? null,
      readOnly: readOnlyTables(config?.role ?? null),
      person: config?.person ?? null,
      waiting: this.waiting(),
      lastSync: config?.lastSync ?? null,
      error: this.error ? toErrorPayload(this.error, locale) : null,
      refused: config?.refused ?? null,
    };
  }
}

/** Number of local changes the hub does not hold yet. */
export function waitingFor(db: Db): number {
  const config = readHubConfig(db);
  if (!config) return 0;
  const count = prepared(db, 'SELECT count(*) FROM changes WHERE site = ? AND stamp > ?').pluck();
  return Object.keys(vectorOf(db)).reduce((n, site) => n + (count.get(site, config.seen[site] ?? '') as number), 0);
}

/** Status of a database whose link is not running (not connected, or a one-off command). */
export function offStatus(db: Db): HubStatus {
  const config = readHubConfig(db);
  return {
    connected: false, state: 'off', url: config?.url ?? null, login: config?.login ?? null, role: config?.role ?? null, readOnly: readOnlyTables(config?.role ?? null),
    person: config?.person ?? null, waiting: waitingFor(db), lastSync: config?.lastSync ?? null, error: null, refused: config?.refused ?? null,
  };
}
