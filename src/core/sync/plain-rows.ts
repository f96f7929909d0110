import { afterWrite } from '../db/aggregates';
import { BATCH, ENTERPRISE_REFS, sameJson, type EntryCache, type LogEntry } from '../db/materialize';
import { prepared, type Db } from '../db/open';
import { tables, type TableName, type TableSpec } from '../db/tables';
import { decodeRow, normalise, refreshSearch, stampTime, toSql, type Row, type WriteContext } from '../db/write';

/**
 * The merge's short way for the common case, a "plain" row: one the package changes only by per-field
 * writes that are each newer than the field's write here (a laptop's edits of records the office left
 * alone). Its fold is the stored row (which equals the fold of its log, the invariant the write path and
 * every merge keep) with those fields set to their newest value, so the row is rewritten from the package
 * without folding its whole history again: no snapshot walked, no column normalised twice, and the stored
 * rows read 1,000 a statement. Whatever could make a row more than that (a snapshot, `deleted`, a credit
 * code that may absorb a record, a reference that follows a survivor, a row merged with another, stage
 * events whose neighbours change with them, a row not stored yet) goes the long way, `materializeRow`.
 *
 * The merge's differential test (tests/unit/sync-plain-rows.test.ts) holds this to the long way: the same
 * packages merged both ways leave identical databases, timestamps, search index and aggregates included.
 */

/**
 * The short way's UPDATE: by rowid, read with the row (one B-tree descent a row instead of two: id's
 * index, then the table). A package's rows mostly change the same columns (a laptop's visits update the
 * same figures), so the statement of the row before is kept while the table and columns stay the same:
 * its SQL is not built and looked up again for each of 25,000 rows. The values are bound as an array
 * (better-sqlite3 binds an array's items in turn), not spread into a new argument list.
 */
class Updates {
  private table = '';
  private fields: readonly string[] = [];
  private stmt: ReturnType<typeof prepared> | null = null;

  run(ctx: WriteContext, table: TableName, fields: readonly string[], values: unknown[], updated: string, rowid: number): void {
    if (!this.stmt || table !== this.table || !sameList(fields, this.fields)) {
      this.stmt = prepared(ctx.db, `UPDATE ${table} SET ${fields.map((c) => `${c} = ?, `).join('')}updated_at = ? WHERE rowid = ?`);
      this.table = table;
      this.fields = fields;
    }
    this.stmt.run(values, updated, rowid);
  }
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Planned UPDATEs held back at most before they run in rowid order (PlainRows.flush). */
const DEFER_WINDOW = 8192;

/** Tables whose rows never take the short way: folded with their neighbours, or bookkeeping of merging itself. */
const LONG_WAY = new Set<string>(['row_aliases', 'stage_events']);

/** Whether a change of `field` in `table` can be applied the short way (the row's other changes decide too). */

/** Rows rewritten from the classify thread's plans since the process started (tests check the thread's plans are used). */
export const threadPlans = { applied: 0 };
export function plainField(table: TableName, field: string): boolean {
  if (LONG_WAY.has(table) || field === '*' || field === 'deleted') return false;
  if (table === 'enterprises' && field === 'uscc') return false;
  return ENTERPRISE_REFS[table] !== field;
}

const rowKey = (table: string, id: string) => `${table}\u0000${id}`;

/** Whether row `id` was absorbed into another or absorbed one (row_aliases): its fold is the group's, the long way. */
function mergedWithAnother(cache: EntryCache, table: TableName, id: string): boolean {
  const aliases = cache.aliases();
  return !aliases.empty && (aliases.survivor(table, id) !== id || aliases.members(table, id).length !== 1);
}

/**
 * Per table, every column the short way's upkeep reads from a row besides the ones the package writes:
 * the search text (tables.ts `search.text`) and the Overview aggregates (aggregates.ts `afterWrite`). A
 * plain row of these tables is read with only those columns, its id and the fields the package writes
 * anywhere in the table; the 25,000 enterprises of the bench's package were read with all thirty
 * stored columns, decoded and copied twice, for four. Tables left out (leads and incubations keep the
 * pipeline's reach tables in step from many columns) are read whole. tests/unit/sync-plain-columns.test.ts
 * records through a Proxy what search.text and afterWrite read, so a column added to either fails it
 * until listed here.
 */
export const UPKEEP_READS: Partial<Record<TableName, readonly string[]>> = {
  enterprises: ['deleted', 'name', 'uscc', 'tags', 'industry', 'entry_date', 'exit_date', 'qualifications'],
  industries: [], staff: [], plans: [], targets: [], milestones: [], activities: [], visits: [], attachments: [], requests: [],
  financing_rounds: [], startup_milestones: [], review_items: [],
};

/**
 * The columns a row is stored with, generated columns left out: `SELECT *` also computes those (the
 * enterprises' qualification_expires reads ten JSON paths a row), and nothing the short way does with
 * the row (search text, aggregates, the UPDATE) reads them.
 */
const columnLists = new WeakMap<Db, Map<string, string[]>>();
function storedColumns(db: Db, table: TableName): string[] {
  let lists = columnLists.get(db);
  if (!lists) columnLists.set(db, (lists = new Map()));
  let list = lists.get(table);
  if (list === undefined) {
    // table_xinfo's `hidden`: 0 for an ordinary column, 2 or 3 for a generated one.
    lists.set(table, (list = db.prepare('SELECT name FROM pragma_table_xinfo(?) WHERE hidden = 0').pluck().all(table) as string[]));
  }
  return list;
}

/**
 * A plain row's rewrite worked out ahead by the classify thread (merge-worker.ts), ready to bind: the
 * columns that change, their SQL values, the last-write time and the rowid. Made only when no column the
 * upkeep reads changes (so the search text and the aggregates stay as they are): the merge then only
 * runs the UPDATE. `fields` empty: the row does not change.
 */
export interface RowPlan {
  rowid: number;
  fields: string[];
  values: unknown[];
  updated: string;
}

export class PlainRows {
  /** Row key → the newest package change of each of its fields, for rows still plain. */
  private readonly newest = new Map<string, Map<string, LogEntry>>();
  private readonly dropped = new Set<string>();
  /** Stored rows read ahead, per table; cleared when a merge of two records may have changed any row. */
  private stored = new Map<string, Map<string, Row>>();
  /** Per table, every field a package change offered for a row (plain or not): what the rows are read with. */
  private readonly written = new Map<string, Set<string>>();

  /** Row key → the newest stamp of the row's log before the merge, when classify ran on another thread. */
  private logMax: Map<string, string> | null = null;
  /** Row key → its rewrite worked out by the classify thread (`usePlans`); dropped when any row may have changed. */
  private plans: Map<string, RowPlan> | null = null;
  /** Planned rewrites not run yet (`flush`). */
  private deferred: { table: TableName; plan: RowPlan }[] = [];
  private readonly updates = new Updates();

  /**
   * `plansOnly`: on the classify thread, which only works out plans (`plan`, never `apply`). A plan is made
   * only when no column the upkeep reads changes, so rows are read with their id and the fields the package
   * writes alone: the upkeep's columns (names, tags, the qualifications' JSON) were read and decoded for
   * nothing, 25,000 rows of them for the bench's package.
   */
  constructor(private readonly db: Db, private readonly plansOnly = false) {}

  /**
   * The newest stamp each changed row's log held before the merge (the classify worker read the logs,
   * this thread did not): a rewritten row's last-write time is the larger of it and the package's.
   */
  useLogMax(logMax: Map<string, string>): void {
    this.logMax = logMax;
  }

  /**
   * The rewrites the classify thread worked out from the database as the merge began (filled as its
   * answer arrives). They hold as long as no row the short way rewrites has changed since but by its
   * own rewrite: a merge of two records (forgetStored) drops them.
   */
  usePlans(plans: Map<string, RowPlan>): void {
    this.plans = plans;
  }

  /** Whether row `id` of `table` is still plain (its rewrite takes the short way when stored here). */
  isPlain(table: string, id: string): boolean {
    return this.newest.has(rowKey(table, id));
  }

  /** The row `offer` was last given a change of, and its key: a row's changes mostly come side by side. */
  private offeredTbl = '';
  private offeredId = '';
  private offeredKey = rowKey('', '');

  /** A package change, newer than what its field held here (`newer`), or not. */
  offer(e: LogEntry, newer: boolean): void {
    // The same key string as the change before when the row is the same: not made again, its hash already
    // computed for the look-ups (100,000 changes of 25,000 rows are offered on each thread).
    if (e.row_id !== this.offeredId || e.tbl !== this.offeredTbl) {
      this.offeredTbl = e.tbl;
      this.offeredId = e.row_id;
      this.offeredKey = rowKey(e.tbl, e.row_id);
    }
    const key = this.offeredKey;
    if (this.dropped.has(key)) return;
    if (!newer || !plainField(e.tbl as TableName, e.field)) {
      this.dropped.add(key);
      this.newest.delete(key);
      return;
    }
    let fields = this.newest.get(key);
    if (!fields) this.newest.set(key, (fields = new Map()));
    let written = this.written.get(e.tbl);
    if (!written) this.written.set(e.tbl, (written = new Set()));
    written.add(e.field);
    const cur = fields.get(e.field);
    if (!cur || cur.stamp < e.stamp) fields.set(e.field, e);
  }

  /**
   * Before verdicts arrive a chunk at a time (the classify thread's stream, merge-stream.ts): the rows
   * read ahead are read with every field a change could offer in their table, not only those offered so
   * far (a row read with the first chunk's rows would lack a field only a later chunk writes). Columns
   * read and not written are the same before and after, so the rewrite does not change.
   */
  expectFields(fresh: LogEntry[]): void {
    for (const e of fresh) {
      if (!plainField(e.tbl as TableName, e.field)) continue;
      let written = this.written.get(e.tbl);
      if (!written) this.written.set(e.tbl, (written = new Set()));
      written.add(e.field);
    }
  }

  /** Rows (and everything) may have changed under the read-ahead: read them again when needed. */
  forgetStored(): void {
    this.stored = new Map();
    this.plans = null;
  }

  /**
   * Rewrites row `id` the short way when it is plain and stored here; returns null when it is not (the
   * caller takes the long way), else whether the stored row changed. `cache` holds the row's log.
   */
  apply(ctx: WriteContext, table: TableName, id: string, ids: Iterable<string>, cache: EntryCache): boolean | null {
    const fields = this.newest.get(rowKey(table, id));
    const plan = fields && this.plans?.get(rowKey(table, id));
    if (plan && !mergedWithAnother(cache, table, id)) {
      threadPlans.applied++;
      if (plan.fields.length === 0) return false;
      this.deferred.push({ table, plan });
      if (this.deferred.length >= DEFER_WINDOW) this.flush(ctx);
      return true;
    }
    // Anything else reads or writes the database: the deferred UPDATEs go first, as if run in their turn.
    this.flush(ctx);
    if (!fields || mergedWithAnother(cache, table, id)) return null;
    const raw = this.storedRow(table, id, ids);
    if (!raw) return null;
    const { before, after, changed } = this.fold(table, raw, fields);
    if (changed.length === 0) return false;
    const spec: TableSpec = tables[table];
    const updated = this.lastWrite(table, id, fields, cache);
    const values = changed.map((c) => toSql(spec, c, after[c]));
    this.updates.run(ctx, table, changed, values, updated, Number(raw.rowid));
    raw.updated_at = updated;
    changed.forEach((c, i) => (raw[c] = values[i]));
    const search = spec.search;
    if (search && search.text(before) !== search.text(after)) refreshSearch(ctx, table, id);
    afterWrite(ctx.db, table, before, after);
    return true;
  }

  /**
   * Runs the planned UPDATEs held back by `apply`, in rowid order (table by table): rows of a package come
   * in clock order, scattered over the table, and in rowid order neighbours share the table's leaf pages
   * (25,000 UPDATEs of rows scattered over the 200,000-enterprise bench database: about a third less CPU,
   * tests/bench/sync-floor.ts SYNC_ROWS=random SYNC_UPDATE_ORDER=rowid). They change only columns nothing else of the merge
   * reads in between (no upkeep column, no reference), so only their order among themselves changes; the
   * merge flushes before anything else touches the database (apply does for the other ways, the caller once
   * its rewrite ends).
   */
  flush(ctx: WriteContext): void {
    if (this.deferred.length === 0) return;
    const rows = this.deferred;
    this.deferred = [];
    rows.sort((a, b) => (a.table < b.table ? -1 : a.table > b.table ? 1 : a.plan.rowid - b.plan.rowid));
    for (const { table, plan } of rows) this.updates.run(ctx, table, plan.fields, plan.values, plan.updated, plan.rowid);
  }

  /**
   * On the classify thread's read-only connection: row `id`'s rewrite as `apply` would make it, when it
   * is plain, stored, and changes no column the upkeep reads (else undefined: the merge works it out).
   * `ids` are the rows to read ahead with it; `cache` holds the logs as the merge began.
   */
  plan(table: TableName, id: string, ids: Iterable<string>, cache: EntryCache): RowPlan | undefined {
    const fields = this.newest.get(rowKey(table, id));
    const upkeep = UPKEEP_READS[table];
    if (!fields || !upkeep || mergedWithAnother(cache, table, id)) return undefined;
    const raw = this.storedRow(table, id, ids);
    if (!raw) return undefined;
    const { after, changed } = this.fold(table, raw, fields);
    if (changed.some((c) => upkeep.includes(c) || c === 'updated_at')) return undefined;
    const spec: TableSpec = tables[table];
    // The log as the merge began, and the package's changes: the whole log's newest stamp, as the merge sees it.
    let max = '';
    for (const e of cache.get(table, id)) if (e.stamp > max) max = e.stamp;
    for (const e of fields.values()) if (e.stamp > max) max = e.stamp;
    return { rowid: Number(raw.rowid), fields: changed, values: changed.map((c) => toSql(spec, c, after[c])), updated: stampTime(max) };
  }

  /** The stored row decoded, with the package's fields set: before, after and the fields that differ. */
  private fold(table: TableName, raw: Row, fields: Map<string, LogEntry>): { before: Row; after: Row; changed: string[] } {
    const spec: TableSpec = tables[table];
    const before = decodeRow(table, raw);
    const after: Row = { ...before };
    const changed: string[] = [];
    for (const [field, e] of fields) {
      const value = normalise(spec, field, e.new_value === null ? null : JSON.parse(e.new_value));
      after[field] = value;
      if (!sameJson(before[field], value)) changed.push(field);
    }
    return { before, after, changed };
  }

  /** The fold's last-write time: the newest stamp of the row's whole log (package changes included). */
  private lastWrite(table: TableName, id: string, fields: Map<string, LogEntry>, cache: EntryCache): string {
    let max = '';
    if (this.logMax) {
      max = this.logMax.get(rowKey(table, id)) ?? '';
      for (const e of fields.values()) if (e.stamp > max) max = e.stamp;
    } else for (const e of cache.get(table, id)) if (e.stamp > max) max = e.stamp;
    return stampTime(max);
  }

  /** The stored row, read with the rest of the table's plain rows, BATCH a statement. */
  private storedRow(table: TableName, id: string, ids: Iterable<string>): Row | undefined {
    let rows = this.stored.get(table);
    if (!rows || !rows.has(id)) {
      if (!rows) this.stored.set(table, (rows = new Map()));
      const wanted: string[] = [];
      let seen = false;
      for (const other of ids) {
        if (other === id) seen = true;
        if (!seen || rows.has(other) || !this.newest.has(rowKey(table, other)) || this.plans?.has(rowKey(table, other))) continue;
        wanted.push(other);
        if (wanted.length === BATCH) break;
      }
      if (!seen) wanted.push(id);
      // `rowid` rides along under its own name (no table has a column of that name; nothing reads it but the UPDATE).
      const stmt = prepared(this.db, `SELECT rowid, ${this.readColumns(table)} FROM ${table} WHERE id IN (SELECT value FROM json_each(?))`);
      for (const w of wanted) rows.set(w, undefined as unknown as Row);
      for (const r of stmt.all(JSON.stringify(wanted)) as Row[]) rows.set(String(r.id), r);
    }
    return rows.get(id);
  }

  /** The columns plain rows of `table` are read with (see UPKEEP_READS), in the table's order. */
  private readColumns(table: TableName): string {
    const stored = storedColumns(this.db, table);
    const upkeep = UPKEEP_READS[table];
    const wanted = upkeep ? new Set(['id', ...(this.plansOnly ? [] : upkeep), ...(this.written.get(table) ?? [])]) : null;
    return stored.filter((c) => !wanted || wanted.has(c)).map((c) => `"${c}"`).join(', ');
  }
}
