import { createHash } from 'node:crypto';
import { afterWrite } from './aggregates';
import { prepared, type Db } from './open';
import { tables, type TableName, type TableSpec } from './tables';
import { decodeRow, insertRow, normalise, refreshSearch, stampTime, toSql, transact, type Row, type WriteContext } from './write';

/**
 * A row as its change log says it is. Each field is a last-writer-wins register: its value is the one
 * written by the change with the largest stamp (hybrid logical clock, then site id), whatever order the
 * changes arrived in. That is what makes every copy converge. Local writes keep the table equal to this
 * fold as they go (their stamp is always the largest); a merge adds changes to the log and then
 * rewrites the rows they touch from the fold, keeping the search index and Overview aggregates in step.
 *
 * Rows merged as one (the same enterprise created on two devices, see `absorb`) fold over the union of
 * their histories under the surviving id; the absorbed row stays as a tombstone.
 */
export interface LogEntry {
  stamp: string;
  site: string;
  user: string;
  tbl: string;
  row_id: string;
  field: string;
  old_value: string | null;
  new_value: string | null;
}

/** One field's winning write: its stamp, value (decoded JSON) and the entry that wrote it. */
export interface FieldWrite {
  stamp: string;
  value: unknown;
  old: unknown;
  entry: LogEntry;
}

/** Columns that hold an enterprise id: merged rows' references follow the survivor. */
export const ENTERPRISE_REFS: Partial<Record<TableName, string>> = {
  incubations: 'enterprise_id', leads: 'enterprise_id', activities: 'enterprise_id', visits: 'enterprise_id', requests: 'enterprise_id',
};

const parse = (v: string | null): unknown => (v === null ? null : JSON.parse(v));

/**
 * A snapshot's fields, parsed once per entry: a merge folds a row's history to classify its changes and
 * again to rewrite it, and a bulk-loaded row's snapshot is most of the parsing. Read only, never changed.
 */
const snapshots = new WeakMap<LogEntry, Row>();
function snapshotOf(e: LogEntry): Row {
  let fields = snapshots.get(e);
  if (!fields) snapshots.set(e, (fields = (parse(e.new_value) ?? {}) as Row));
  return fields;
}

/** The latest write of each field among the entries ('*' snapshots write the fields they hold). */
export function fieldWinners(entries: LogEntry[]): Map<string, FieldWrite> {
  const out = new Map<string, FieldWrite>();
  const offer = (field: string, w: FieldWrite) => {
    const cur = out.get(field);
    if (!cur || cur.stamp < w.stamp) out.set(field, w);
  };
  for (const e of entries) {
    if (e.field === '*') {
      const snapshot = snapshotOf(e);
      for (const [f, v] of Object.entries(snapshot)) offer(f, { stamp: e.stamp, value: v, old: null, entry: e });
    } else offer(e.field, { stamp: e.stamp, value: parse(e.new_value), old: parse(e.old_value), entry: e });
  }
  return out;
}

/**
 * `fieldWinners(entries).get(field)`, without building the winners of every other field: a merge that
 * classifies a few fields of a bulk-loaded row would otherwise make a write for each of its thirty-odd
 * columns. Same order of offers, same tie rule (a later entry wins only with a larger stamp), and a
 * snapshot is read only when its stamp could win.
 */
export function fieldWinner(entries: LogEntry[], field: string): FieldWrite | undefined {
  let best: LogEntry | undefined;
  let fromSnapshot = false;
  for (const e of entries) {
    if (best && best.stamp >= e.stamp) continue;
    if (e.field === field) {
      best = e;
      fromSnapshot = false;
    } else if (e.field === '*' && Object.hasOwn(snapshotOf(e), field)) {
      best = e;
      fromSnapshot = true;
    }
  }
  if (!best) return undefined;
  return fromSnapshot
    ? { stamp: best.stamp, value: snapshotOf(best)[field], old: null, entry: best }
    : { stamp: best.stamp, value: parse(best.new_value), old: parse(best.old_value), entry: best };
}

/**
 * One row's log, by field then stamp (the order of the changes_latest index, stated so that a batched
 * read gives each row the same list as a read of the row alone).
 */
const ROW_LOG = 'SELECT stamp, site, user, tbl, row_id, field, old_value, new_value FROM changes WHERE tbl = ? AND row_id = ? ORDER BY field, stamp';
const ROWS_LOG = 'SELECT stamp, site, user, tbl, row_id, field, old_value, new_value FROM changes WHERE tbl = ? AND row_id IN (SELECT value FROM json_each(?)) ORDER BY row_id, field, stamp';
/** Ids per statement when reading many rows at once (a JSON array bound as one parameter). */
export const BATCH = 1000;

export function entriesOf(db: Db, table: string, ids: string[], cache?: EntryCache): LogEntry[] {
  if (cache) return ids.flatMap((id) => cache.get(table, id));
  const stmt = prepared(db, ROW_LOG);
  return ids.flatMap((id) => stmt.all(table, id) as LogEntry[]);
}

/**
 * A merge reads each touched row's history several times (to classify, to fold, to look for edits on
 * deleted rows): it reads it once into this cache and appends the changes it stores.
 */
export class EntryCache {
  private rows = new Map<string, LogEntry[]>();
  private aliasIndex: AliasIndex | null = null;
  constructor(private readonly db: Db) {}

  get(table: string, id: string): LogEntry[] {
    const key = `${table}\u0000${id}`;
    let list = this.rows.get(key);
    if (!list) {
      list = prepared(this.db, ROW_LOG).all(table, id) as LogEntry[];
      if (this.order) list = this.order(key, list);
      this.rows.set(key, list);
    }
    return list;
  }

  /**
   * For a merge whose classify read the logs on another thread (sync/merge-thread.ts), so that this
   * cache, first read after the merge stored its changes, lists a row's log as it would have had it
   * read the row before (as classify's read-ahead does) and appended the stored changes one by one:
   * `arrange(key, list)` reorders a list read from the table for a row that read-ahead would have held.
   */
  arrangeReads(arrange: (key: string, list: LogEntry[]) => LogEntry[]): void {
    this.order = arrange;
  }
  private order: ((key: string, list: LogEntry[]) => LogEntry[]) | null = null;

  /**
   * Reads the logs of many rows of one table, BATCH rows a statement, as `get` would one by one (a
   * merge of 100,000 changes touches tens of thousands of rows: one statement per row was most of it).
   */
  preload(table: string, ids: Iterable<string>): void {
    const missing = [...new Set(ids)].filter((id) => !this.rows.has(`${table}\u0000${id}`));
    const stmt = prepared(this.db, ROWS_LOG);
    for (let i = 0; i < missing.length; i += BATCH) {
      const chunk = missing.slice(i, i + BATCH);
      for (const id of chunk) this.rows.set(`${table}\u0000${id}`, []);
      for (const e of stmt.all(table, JSON.stringify(chunk)) as LogEntry[]) this.rows.get(`${table}\u0000${e.row_id}`)!.push(e);
      if (this.order) for (const id of chunk) this.rows.set(`${table}\u0000${id}`, this.order(`${table}\u0000${id}`, this.rows.get(`${table}\u0000${id}`)!));
    }
  }

  /**
   * Row `id`'s log is not needed any more (the classify thread is done with the row): it is dropped, and
   * read again should it be asked for. Only for a cache nothing is stored through (a read-only connection,
   * in one read transaction): a second read gives the same list.
   */
  forget(table: string, id: string): void {
    this.rows.delete(`${table}\u0000${id}`);
  }

  /** A change just stored: rows already read see it; others will read it from the table. */
  add(e: LogEntry): void {
    this.rows.get(`${e.tbl}\u0000${e.row_id}`)?.push(e);
  }

  /** The live aliases, read once and again after each change to them (`forgetAliases`). */
  aliases(): AliasIndex {
    return (this.aliasIndex ??= new AliasIndex(this.db));
  }

  /** row_aliases changed (a row absorbed, an alias row rewritten): read them again when next asked. */
  forgetAliases(): void {
    this.aliasIndex = null;
  }
}

/**
 * The live rows of row_aliases in memory: `survivorOf` and `membersOf` without a statement each. Exact
 * only while row_aliases does not change: whoever changes it drops the index (EntryCache.forgetAliases).
 */
export class AliasIndex {
  private readonly target = new Map<string, string>();
  private readonly absorbed = new Map<string, string[]>();

  constructor(db: Db) {
    // In rowid order: the order membersOf's statement lists the ids of one target in (its index ends in rowid).
    for (const r of prepared(db, 'SELECT id, tbl, target_id FROM row_aliases WHERE deleted = 0 ORDER BY rowid').all() as { id: string; tbl: string; target_id: string }[]) {
      this.target.set(`${r.tbl}\u0000${r.id}`, r.target_id);
      const key = `${r.tbl}\u0000${r.target_id}`;
      const list = this.absorbed.get(key);
      if (list) list.push(r.id);
      else this.absorbed.set(key, [r.id]);
    }
  }

  get empty(): boolean {
    return this.target.size === 0;
  }

  /** As `survivorOf`. */
  survivor(table: string, id: string): string {
    if (this.target.size === 0) return id;
    let cur = id;
    for (let hops = 0; hops < 16; hops++) {
      const next = this.target.get(`${table}\u0000${cur}`);
      if (next === undefined || next === cur) return cur;
      cur = next;
    }
    return cur;
  }

  /** As `membersOf`. */
  members(table: string, root: string): string[] {
    const out = [root];
    if (this.absorbed.size === 0) return out;
    for (let i = 0; i < out.length; i++) {
      for (const id of this.absorbed.get(`${table}\u0000${out[i]}`) ?? []) if (!out.includes(id)) out.push(id);
    }
    return out;
  }
}

/** The id a row is folded under: itself, or the survivor it was absorbed into. */
export function survivorOf(db: Db, table: string, id: string): string {
  let cur = id;
  for (let hops = 0; hops < 16; hops++) {
    const next = prepared(db, 'SELECT target_id FROM row_aliases WHERE id = ? AND tbl = ? AND deleted = 0').get(cur, table) as { target_id: string } | undefined;
    if (!next || next.target_id === cur) return cur;
    cur = next.target_id;
  }
  return cur;
}

/** The survivor and every id absorbed into it (transitively). */
export function membersOf(db: Db, table: string, root: string): string[] {
  const out = [root];
  for (let i = 0; i < out.length; i++) {
    for (const r of prepared(db, 'SELECT id FROM row_aliases WHERE tbl = ? AND target_id = ? AND deleted = 0').all(table, out[i]) as { id: string }[]) {
      if (!out.includes(r.id)) out.push(r.id);
    }
  }
  return out;
}

export interface FoldedRow {
  values: Row;
  deleted: number;
  created: string;
  updated: string;
}

/** The row `id` as the log says (under its survivor's history), or null when the log has nothing. */
export function foldRow(db: Db, table: TableName, id: string, cache?: EntryCache): FoldedRow | null {
  const aliases = cache?.aliases();
  const root = aliases ? aliases.survivor(table, id) : survivorOf(db, table, id);
  // A survivor folds the histories of every row merged into it; an absorbed row (a tombstone) keeps only
  // its own, so it never goes stale when the survivor changes later (every copy folds it the same).
  const members = root !== id ? [id] : aliases ? aliases.members(table, root) : membersOf(db, table, root);
  const entries = entriesOf(db, table, members, cache);
  if (entries.length === 0) return null;
  const spec: TableSpec = tables[table];
  const wins = fieldWinners(entries);
  const values: Row = {};
  for (const c of Object.keys(spec.columns)) values[c] = normalise(spec, c, wins.get(c)?.value ?? null);
  const ref = ENTERPRISE_REFS[table];
  if (ref && typeof values[ref] === 'string') values[ref] = aliases ? aliases.survivor('enterprises', values[ref]) : survivorOf(db, 'enterprises', values[ref]);
  let min = entries[0]!.stamp;
  let max = min;
  for (const e of entries) {
    if (e.stamp < min) min = e.stamp;
    if (e.stamp > max) max = e.stamp;
  }
  // An absorbed row is a tombstone: its history lives on under the survivor.
  const deleted = root !== id ? 1 : Number(wins.get('deleted')?.value ?? 0) ? 1 : 0;
  return { values, deleted, created: stampTime(min), updated: stampTime(max) };
}

/** A value whose JSON is itself alone: two of them have equal JSON exactly when they are ===. */
const plain = (v: unknown) => v === null || typeof v === 'string' || typeof v === 'boolean' || (typeof v === 'number' && Number.isFinite(v));

/** JSON.stringify(a) === JSON.stringify(b), without writing the JSON of plain values (most columns). */
export function sameJson(a: unknown, b: unknown): boolean {
  if (plain(a) && plain(b)) return a === b;
  return JSON.stringify(a) === JSON.stringify(b);
}

const same = sameJson;

/**
 * Rewrites row `id` from its log (see the module comment). Returns whether the stored row changed.
 * An enterprise that would share its credit code with another live one absorbs, or is absorbed by, it.
 */
export function materialize(ctx: WriteContext, table: TableName, id: string, onAbsorb?: (kept: string, absorbed: string, uscc: string) => void, cache?: EntryCache): boolean {
  return materializeRow(ctx, table, id, onAbsorb, cache).changed;
}

/** As `materialize`; also says whether row `id` was not stored before (a record new here). */
export function materializeRow(ctx: WriteContext, table: TableName, id: string, onAbsorb?: (kept: string, absorbed: string, uscc: string) => void, cache?: EntryCache): { changed: boolean; created: boolean } {
  const folded = foldRow(ctx.db, table, id, cache);
  if (!folded) return { changed: false, created: false };
  const spec: TableSpec = tables[table];
  const cols = Object.keys(spec.columns);
  const stored = prepared(ctx.db, `SELECT * FROM ${table} WHERE id = ?`).get(id) as Row | undefined;
  const created = !stored;
  const before = stored ? decodeRow(table, stored) : null;
  if (before && before.deleted === folded.deleted && cols.every((c) => same(before[c], folded.values[c]))) return { changed: false, created };

  // A row that was live with this credit code already holds it alone (a unique index over live rows):
  // only a row that takes a code, or comes back to life, can meet another that holds it.
  const heldCode = before !== null && before.deleted === 0 && before.uscc === folded.values.uscc;
  if (table === 'enterprises' && folded.deleted === 0 && typeof folded.values.uscc === 'string' && !heldCode) {
    const other = prepared(ctx.db, 'SELECT id FROM enterprises WHERE uscc = ? AND deleted = 0 AND id <> ?').get(folded.values.uscc, id) as { id: string } | undefined;
    if (other) {
      const [kept, absorbed] = other.id < id ? [other.id, id] : [id, other.id];
      absorb(ctx, 'enterprises', kept, absorbed);
      cache?.forgetAliases();
      onAbsorb?.(kept, absorbed, folded.values.uscc);
      // Both rows are written (the absorbed one as a tombstone), so row `id` is stored afterwards.
      materialize(ctx, table, absorbed, undefined, cache);
      materialize(ctx, table, kept, onAbsorb, cache);
      return { changed: true, created };
    }
  }
  if (table === 'row_aliases') cache?.forgetAliases();

  const after: Row = { ...folded.values, id, deleted: folded.deleted };
  if (before) {
    // Only the columns that changed: SQLite rewrites the index entries of every column named in SET,
    // and of every partial index (WHERE deleted = 0) when `deleted` is named, so only when it changed.
    const changed = cols.filter((c) => !same(before[c], folded.values[c]));
    const set = folded.deleted !== before.deleted ? [...changed, 'deleted'] : changed;
    const values = changed.map((c) => toSql(spec, c, folded.values[c]));
    if (folded.deleted !== before.deleted) values.push(folded.deleted);
    prepared(ctx.db, `UPDATE ${table} SET ${set.map((c) => `${c} = ?, `).join('')}updated_at = ? WHERE id = ?`).run(...values, folded.updated, id);
    const search = spec.search;
    if (search && (before.deleted !== folded.deleted || search.text(before) !== search.text(after))) refreshSearch(ctx, table, id);
  } else {
    prepared(ctx.db, `INSERT INTO ${table} (id, ${cols.join(', ')}, deleted, created_at, updated_at) VALUES (?, ${cols.map(() => '?').join(', ')}, ?, ?, ?)`)
      .run(id, ...cols.map((c) => toSql(spec, c, folded.values[c])), folded.deleted, folded.created, folded.updated);
    refreshSearch(ctx, table, id);
  }
  afterWrite(ctx.db, table, before, after);
  return { changed: true, created };
}

/**
 * Records that `absorbed` is the same record as `kept` (a logged row_aliases write, so it travels) and
 * re-folds the rows that refer to the absorbed one. The survivor is the smaller id, so every copy that
 * meets the same pair, in whatever order, makes the same decision.
 */
export function absorb(ctx: WriteContext, table: TableName, kept: string, absorbed: string): void {
  transact(ctx, () => {
    const existing = prepared(ctx.db, 'SELECT target_id, deleted FROM row_aliases WHERE id = ?').get(absorbed) as { target_id: string; deleted: number } | undefined;
    if (!existing) insertRow(ctx, 'row_aliases', { tbl: table, target_id: kept }, absorbed);
    else if (existing.target_id !== kept || existing.deleted) return;
    for (const [refTable, col] of Object.entries(ENTERPRISE_REFS) as [TableName, string][]) {
      if (table !== 'enterprises') break;
      for (const r of prepared(ctx.db, `SELECT id FROM ${refTable} WHERE ${col} = ?`).all(absorbed) as { id: string }[]) materialize(ctx, refTable, r.id);
    }
  });
}

/** A UUID-shaped id derived from text: the same conflict gets the same review item on every copy. */
export function derivedId(text: string): string {
  const h = createHash('sha256').update(text).digest('hex');
  const variant = ((parseInt(h[16]!, 16) & 3) | 8).toString(16);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-8${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}
