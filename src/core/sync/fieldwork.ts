import Database from 'better-sqlite3';
import { existsSync } from 'node:fs';
import { basename } from 'node:path';
import { backupBefore } from '../backup/engine';
import { prepared, type Db } from '../db/open';
import { isTableName, tables } from '../db/tables';
import { readLive, restoreRow, stampTime, transact, updateRow, type Row, type WriteContext } from '../db/write';
import { AppError } from '../errors';
import { newSiteId } from './identity';
import { recordLabel } from './record-label';
import { hasBlob, hashesIn, putBlob } from '../visits/blobs';
import { staffFor } from '../staff/visitor';
import { classifyThreadFor, mergeChanges, type MergeOptions, type MergeReport } from './merge';
import { checkManifest, readSource, buildPackage, encodePackage, writeFileAtomic } from './package';
import { deviceOf, knownSites, peerSeen, recordPeer, recordSites, vectorOf } from './peers';

/**
 * The fieldwork round trip: the office checks out a laptop copy (a new file with a new site id), the
 * laptop works offline, and each side merges the other's change packages by the rules of merge.ts.
 */
export interface FieldCopy {
  officeSite: string;
  officeDevice: string;
  officeFile: string;
  device: string;
  person: string | null;
  takenAt: string;
}

const setting = (db: Db, key: string) => (db.prepare('SELECT value FROM settings WHERE key = ?').get(key) as { value: string } | undefined)?.value ?? null;
const put = (db: Db, key: string, value: string) =>
  db.prepare('INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value').run(key, value);

export function fieldCopyOf(db: Db): FieldCopy | null {
  const raw = setting(db, 'field_copy');
  return raw ? (JSON.parse(raw) as FieldCopy) : null;
}

/**
 * The person taking a laptop joins the office's staff list first (when not on it), so that the copy
 * holds their staff record and its visits are by it: two laptops taken by someone new would otherwise each
 * add a record of their own, and the office would hold two. Skipped where this desktop may not change the
 * staff list (an office hub's role): the laptop then adds the person when a visit is logged.
 */
function addCarrierToStaff(ctx: WriteContext, person: string): void {
  try {
    transact(ctx, () => staffFor(ctx, person));
  } catch (err) {
    if (!(err instanceof AppError && (err.code === 'hub_read_only' || err.code === 'hub_admin_only'))) throw err;
  }
}

/** Writes a laptop copy of the office database to `out` (which must not exist) for `device`. */
export function checkout(ctx: WriteContext, out: string, device: string, person: string | null): { site: string; file: string } {
  if (existsSync(out)) throw new AppError('sync_out_exists', { detail: out });
  if (person) addCarrierToStaff(ctx, person);
  const officeSite = ctx.clock.site;
  const officeDevice = (prepared(ctx.db, 'SELECT device FROM sync_sites WHERE site = ?').get(officeSite) as { device: string } | undefined)?.device ?? officeSite;
  const held = vectorOf(ctx.db);
  // One consistent snapshot of the whole file, written by SQLite itself.
  ctx.db.prepare('VACUUM INTO ?').run(out);
  const site = newSiteId();
  const copy = new Database(out, { fileMustExist: true });
  try {
    copy.transaction(() => {
      put(copy, 'site', site);
      copy.prepare("DELETE FROM settings WHERE key IN ('site_home', 'hub')").run();
      put(copy, 'device', device);
      // The laptop's edits are the person's who takes it, not the office's current user.
      if (person) put(copy, 'user.name', person);
      else copy.prepare("DELETE FROM settings WHERE key = 'user.name'").run();
      const info: FieldCopy = { officeSite, officeDevice, officeFile: basename(ctx.db.name), device, person, takenAt: new Date(ctx.clock.wallTime()).toISOString() };
      put(copy, 'field_copy', JSON.stringify(info));
      recordSites(copy, [{ site, device, person }]);
      // The laptop holds everything the office held; the office is its peer.
      copy.prepare('DELETE FROM sync_peers').run();
      recordPeer(copy, officeSite, held);
    })();
  } finally {
    copy.close();
  }
  recordSites(ctx.db, [{ site, device, person }]);
  recordPeer(ctx.db, site, held, true);
  return { site, file: out };
}

/** Writes the changes `receiver` lacks (by default a field copy's office) to a package file. */
export function exportPackage(ctx: WriteContext, out: string, receiver: string | null, password?: string): { changes: number; bytes: number } {
  const target = receiver ?? fieldCopyOf(ctx.db)?.officeSite ?? null;
  const pkg = buildPackage(ctx.db, target);
  const bytes = encodePackage(pkg, password);
  writeFileAtomic(out, bytes);
  if (target) recordPeer(ctx.db, target, {}, true);
  return { changes: pkg.changes.length, bytes: bytes.length };
}

/** Merges a package file or another copy's database file (dry run: the same work, rolled back). */
export async function importSource(ctx: WriteContext, file: string, options: MergeOptions & { password?: string } = {}): Promise<MergeReport & { sender: { site: string; device: string; person: string | null } }> {
  const pkg = readSource(file, ctx.db, options.password);
  const sender = checkManifest(ctx.db, pkg.manifest);
  // Every attachment the changes name must arrive with them or be here already.
  for (const hash of hashesIn(pkg.changes)) {
    if (!pkg.blobs.has(hash) && !hasBlob(ctx.db, hash)) throw new AppError('attachment_missing', { detail: hash.slice(0, 12) });
  }
  const store = () => {
    for (const bytes of pkg.blobs.values()) putBlob(ctx.db, bytes);
  };
  // The merge's classify thread (a large package) loads meanwhile: started before the backup, it is
  // ready when the merge begins instead of loading beside the merge's first steps.
  const thread = classifyThreadFor(ctx, pkg.changes.length, options);
  // Once given to the merge, the thread is the merge's to release (it may be kept, and taken by the next merge).
  let merging = false;
  try {
    // A verified copy of the receiving database first: a merge can always be taken back.
    if (!options.dryRun) backupBefore(ctx.db, 'merge');
    merging = true;
    const report = await mergeChanges(ctx, pkg.changes, sender, { ...options, store, thread, ...(pkg.changesBytes !== undefined ? { packageLines: pkg.changesBytes } : {}) });
    return { ...report, sender: { site: sender.site, device: sender.device, person: sender.person } };
  } finally {
    // The backup failed: the thread did no work (kept warm).
    if (!merging) thread?.release();
  }
}

export interface PeerStatus {
  site: string;
  device: string | null;
  /** Who carries it: null for the office database a field copy was taken from. */
  person: string | null;
  /** The office database this field copy was taken from. */
  office: boolean;
  lastHeard: string | null;
  lastSent: string | null;
  /** Changes here the peer has not had from us (as far as we know). */
  waiting: number;
  /**
   * The records those changes are of: one field edit here, plus the review item a merge wrote, is a few
   * dozen field changes but two records, which is what a person counts. Null above MAX_RECORDS_COUNTED changes.
   */
  waitingRecords: number | null;
}

/** A change's record, as the status counts records (table and id). */
const RECORD_KEY = "c.tbl || char(0) || c.row_id";
/** Waiting changes up to which their records are counted too (each one's row read, beyond the site index). */
const MAX_RECORDS_COUNTED = 50_000;

export function syncStatus(ctx: WriteContext) {
  const db = ctx.db;
  const sites = new Map(knownSites(db).map((s) => [s.site, s]));
  const sitesHere = Object.keys(vectorOf(db));
  const waitingFor = (seen: Record<string, string>) => {
    const after = Object.fromEntries(sitesHere.map((site) => [site, seen[site] ?? '']));
    // The count: one changes_site range per site, read from the index alone.
    const waiting = sitesHere.reduce((n, site) => n + (prepared(db, 'SELECT count(*) AS n FROM changes WHERE site = ? AND stamp > ?').get(site, after[site]) as { n: number }).n, 0);
    // The records: each change's row read too, so only while that stays small (a peer that missed a large
    // import is told the changes alone).
    const waitingRecords = waiting <= MAX_RECORDS_COUNTED ? (prepared(db, `SELECT count(DISTINCT ${RECORD_KEY}) AS n FROM json_each(?) v JOIN changes c ON c.site = v.key AND c.stamp > v.value`).get(JSON.stringify(after)) as { n: number }).n : null;
    return { waiting, waitingRecords };
  };
  const officeSite = fieldCopyOf(db)?.officeSite ?? null;
  const peers: PeerStatus[] = (db.prepare('SELECT site, last_heard, last_sent FROM sync_peers ORDER BY coalesce(last_heard, last_sent) DESC').all() as { site: string; last_heard: string | null; last_sent: string | null }[]).map((p) => ({
    site: p.site,
    device: sites.get(p.site)?.device ?? null,
    // The office's person is whoever last wrote a package there, not a carrier.
    person: p.site === officeSite ? null : sites.get(p.site)?.person ?? null,
    office: p.site === officeSite,
    lastHeard: p.last_heard,
    lastSent: p.last_sent,
    ...waitingFor(peerSeen(db, p.site)),
  }));
  const field = fieldCopyOf(db);
  const me = ctx.clock.site;
  return {
    site: me,
    device: sites.get(me)?.device ?? setting(db, 'device'),
    dbId: setting(db, 'db_id'),
    fieldCopy: field,
    /** On a field copy: its own changes the office has not had yet. */
    unreturned: unreturnedChanges(db, me).n,
    peers,
    openReviews: (db.prepare("SELECT count(*) AS n FROM review_items WHERE status = 'open' AND deleted = 0").get() as { n: number }).n,
  };
}

/** On a field copy, its own changes the office has not had yet (by the site index), and their records. */
function unreturnedChanges(db: Db, me: string): { n: number; records: number } {
  const field = fieldCopyOf(db);
  if (!field) return { n: 0, records: 0 };
  const returned = peerSeen(db, field.officeSite)[me] ?? '';
  return prepared(db, `SELECT count(*) AS n, count(DISTINCT ${RECORD_KEY}) AS records FROM changes c WHERE c.site = ? AND c.stamp > ?`).get(me, returned) as { n: number; records: number };
}

/**
 * The field-copy banner and the review badge: no scan of the log (the unreturned changes alone, found by
 * the site index). The banner counts field changes and the records they touch: one visit with a request
 * and a photo is a dozen field changes of three records.
 */
export function syncSummary(ctx: WriteContext) {
  const db = ctx.db;
  const field = fieldCopyOf(db);
  const mine = unreturnedChanges(db, ctx.clock.site);
  return {
    fieldCopy: field,
    unreturned: mine.n,
    /** The records those changes touch. */
    unreturnedRecords: mine.records,
    openReviews: (prepared(db, "SELECT count(*) AS n FROM review_items WHERE status = 'open' AND deleted = 0").get() as { n: number }).n,
  };
}

export interface ReviewItem {
  id: string;
  kind: 'conflict' | 'deleted_edit';
  tbl: string;
  row_id: string;
  field: string;
  label: string | null;
  current: unknown;
  kept: unknown;
  lost: unknown;
  lostBy: string;
  lostDevice: string | null;
  lostAt: string;
  /** Who wrote the value the field holds now, on which device and when (its latest change here); null if unknown. */
  keptBy: string | null;
  keptDevice: string | null;
  keptAt: string | null;
  status: 'open' | 'resolved';
  resolution: string | null;
  resolvedBy: string | null;
  resolvedAt: string | null;
}

/**
 * The latest write of a field here: its own latest change, or a later bulk-load snapshot ('*') that holds
 * the field. Each is one descent of changes_latest (tbl, row_id, field, stamp).
 */
function keptWriter(db: Db, tbl: string, rowId: string, field: string): Pick<ReviewItem, 'keptBy' | 'keptDevice' | 'keptAt'> {
  const latest = (f: string) =>
    prepared(db, 'SELECT stamp, site, user, new_value FROM changes WHERE tbl = ? AND row_id = ? AND field = ? ORDER BY stamp DESC LIMIT 1').get(tbl, rowId, f) as
      | { stamp: string; site: string; user: string; new_value: string | null }
      | undefined;
  const own = latest(field);
  const snapshot = latest('*');
  const holds = snapshot?.new_value != null && Object.hasOwn(JSON.parse(snapshot.new_value) as object, field);
  const w = holds && (!own || snapshot!.stamp > own.stamp) ? snapshot : own;
  return w ? { keptBy: w.user, keptDevice: deviceOf(db, w.site), keptAt: stampTime(w.stamp) } : { keptBy: null, keptDevice: null, keptAt: null };
}

/** Review items (open ones, or all), optionally only those of one record (its history panel). */
export function reviewItems(db: Db, status: 'open' | 'all', of?: { tbl: string; row_id: string }): ReviewItem[] {
  const rows = db.prepare(`SELECT r.*, s.device FROM review_items r LEFT JOIN sync_sites s ON s.site = r.lost_site WHERE r.deleted = 0 ${status === 'open' ? "AND r.status = 'open'" : ''}
    ${of ? 'AND r.tbl = ? AND r.row_id = ?' : ''} ORDER BY r.status DESC, r.lost_stamp DESC LIMIT 1000`).all(...(of ? [of.tbl, of.row_id] : [])) as Row[];
  return rows.map((r) => {
    const tbl = String(r.tbl);
    const target = isTableName(tbl) ? (db.prepare(`SELECT * FROM ${tbl} WHERE id = ?`).get(r.row_id) as Row | undefined) : undefined;
    const kind = isTableName(tbl) ? (tables[tbl].columns as Record<string, string>)[String(r.field)] : undefined;
    const cur = target?.[String(r.field)];
    return {
      id: String(r.id), kind: r.kind as ReviewItem['kind'], tbl, row_id: String(r.row_id), field: String(r.field),
      label: recordLabel(tbl, target),
      current: kind === 'json' && typeof cur === 'string' ? JSON.parse(cur) : (cur ?? null),
      kept: r.kept_value == null ? null : JSON.parse(String(r.kept_value)),
      lost: r.lost_value == null ? null : JSON.parse(String(r.lost_value)),
      lostBy: String(r.lost_user), lostDevice: (r.device as string | null) ?? null, lostAt: stampTime(String(r.lost_stamp)),
      ...keptWriter(db, tbl, String(r.row_id), String(r.field)),
      status: r.status as ReviewItem['status'], resolution: (r.resolution as string | null) ?? null,
      resolvedBy: (r.resolved_by as string | null) ?? null, resolvedAt: (r.resolved_at as string | null) ?? null,
    };
  });
}

/**
 * A person's answer to a review item, written like any edit (so it travels to every copy): keep the
 * value that stayed, take the one that lost, or type another; for an edit on a deleted record,
 * restore it or leave it deleted.
 */
export function resolveReview(ctx: WriteContext, id: string, choice: 'kept' | 'lost' | 'other' | 'restore', value?: unknown): ReviewItem {
  transact(ctx, () => {
    const item = readLive(ctx.db, 'review_items', id);
    if (item.status !== 'open') throw new AppError('sync_review_resolved', { by: String(item.resolved_by ?? '') });
    const tbl = String(item.tbl);
    if (!isTableName(tbl)) throw new AppError('not_found');
    if (item.kind === 'deleted_edit') {
      if (choice === 'restore') restoreRow(ctx, tbl, String(item.row_id));
      else if (choice !== 'kept') throw new AppError('invalid_input', { detail: 'choice' });
    } else if (choice === 'lost' || choice === 'other') {
      const v = choice === 'lost' ? JSON.parse(String(item.lost_value)) : value;
      updateRow(ctx, tbl, String(item.row_id), { [String(item.field)]: v ?? null });
    } else if (choice !== 'kept') throw new AppError('invalid_input', { detail: 'choice' });
    updateRow(ctx, 'review_items', id, { status: 'resolved', resolution: choice, resolved_by: ctx.user, resolved_at: new Date(ctx.clock.wallTime()).toISOString() });
  });
  return reviewItems(ctx.db, 'all').find((r) => r.id === id)!;
}
