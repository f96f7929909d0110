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

/** The latest write of each field among the entries ('*' snapshots write the fields they hold). */
export function fieldWinners(entries: LogEntry[]): Map<string, FieldWrite> {
  const out = new Map<string, FieldWrite>();
  const offer = (field: string, w: FieldWrite) => {
    const cur = out.get(field);
    if (!cur || cur.stamp < w.stamp) out.set(field, w);
  };
  for (const e of entries) {
    if (e.field === '*') {
      const snapshot = (parse(e.new_value) ?? {}) as Row;
      for (const [f, v] of Object.entries(snapshot)) offer(f, { stamp: e.stamp, value: v, old: null, entry: e });
    } else offer(e.field, { stamp: e.stamp, value: parse(e.new_value), old: parse(e.old_value), entry: e });
  }
  return out;
}

export function entriesOf(db: Db, table: string, ids: string[], cache?: EntryCache): LogEntry[] {
  if (cache) return ids.flatMap((id) => cache.get(table, id));
  const stmt = prepared(db, 'SELECT stamp, site, user, tbl, row_id, field, old_value, new_value FROM changes WHERE tbl = ? AND row_id = ?');
  return ids.flatMap((id) => stmt.all(table, id) as LogEntry[]);
}

/**
 * A merge reads each touched row's history several times (to classify, to fold, to look for edits on
 * deleted rows): it reads it once into this cache and appends the changes it stores.
 */
export class EntryCache {
  private rows = new Map<string, LogEntry[]>();
  constructor(private readonly db: Db) {}

  get(table: string, id: string): LogEntry[] {
    const key = `${table}\u0000${id}`;
    let list = this.rows.get(key);
    if (!list) {
      list = prepared(this.db, 'SELECT stamp, site, user, tbl, row_id, field, old_value, new_value FROM changes WHERE tbl = ? AND row_id = ?').all(table, id) as LogEntry[];
      this.rows.set(key, list);
    }
    return list;
  }

  /** A change just stored: rows already read see it; others will read it from the table. */
  add(e: LogEntry): void {
    this.rows.get(`${e.tbl}\u0000${e.row_id}`)?.push(e);
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
  const root = survivorOf(db, table, id);
  const entries = entriesOf(db, table, membersOf(db, table, root), cache);
  if (entries.length === 0) return null;
  const spec: TableSpec = tables[table];
  const wins = fieldWinners(entries);
  const values: Row = {};
  for (const c of Object.keys(spec.columns)) values[c] = normalise(spec, c, wins.get(c)?.value ?? null);
  const ref = ENTERPRISE_REFS[table];
  if (ref && typeof values[ref] === 'string') values[ref] = survivorOf(db, 'enterprises', values[ref]);
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

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/**
 * Rewrites row `id` from its log (see the module comment). Returns whether the stored row changed.
 * An enterprise that would share its credit code with another live one absorbs, or is absorbed by, it.
 */
export function materialize(ctx: WriteContext, table: TableName, id: string, onAbsorb?: (kept: string, absorbed: string, uscc: string) => void, cache?: EntryCache): boolean {
  const folded = foldRow(ctx.db, table, id, cache);
  if (!folded) return false;
  const spec: TableSpec = tables[table];
  const cols = Object.keys(spec.columns);
  const stored = prepared(ctx.db, `SELECT * FROM ${table} WHERE id = ?`).get(id) as Row | undefined;
  const before = stored ? decodeRow(table, stored) : null;
  if (before && before.deleted === folded.deleted && cols.every((c) => same(before[c], folded.values[c]))) return false;

  if (table === 'enterprises' && folded.deleted === 0 && typeof folded.values.uscc === 'string') {
    const other = prepared(ctx.db, 'SELECT id FROM enterprises WHERE uscc = ? AND deleted = 0 AND id <> ?').get(folded.values.uscc, id) as { id: string } | undefined;
    if (other) {
      const [kept, absorbed] = other.id < id ? [other.id, id] : [id, other.id];
      absorb(ctx, 'enterprises', kept, absorbed);
      onAbsorb?.(kept, absorbed, folded.values.uscc);
      materialize(ctx, table, absorbed, undefined, cache);
      return materialize(ctx, table, kept, onAbsorb, cache) || true;
    }
  }

  const after: Row = { ...folded.values, id, deleted: folded.deleted };
  if (before) {
    // Only the columns that changed: SQLite rewrites the index entries of every column named in SET.
    const changed = cols.filter((c) => !same(before[c], folded.values[c]));
    prepared(ctx.db, `UPDATE ${table} SET ${changed.map((c) => `${c} = ?, `).join('')}deleted = ?, updated_at = ? WHERE id = ?`)
      .run(...changed.map((c) => toSql(spec, c, folded.values[c])), folded.deleted, folded.updated, id);
    const search = spec.search;
    if (search && (before.deleted !== folded.deleted || search.text(before) !== search.text(after))) refreshSearch(ctx, table, id);
  } else {
    prepared(ctx.db, `INSERT INTO ${table} (id, ${cols.join(', ')}, deleted, created_at, updated_at) VALUES (?, ${cols.map(() => '?').join(', ')}, ?, ?, ?)`)
      .run(id, ...cols.map((c) => toSql(spec, c, folded.values[c])), folded.deleted, folded.created, folded.updated);
    refreshSearch(ctx, table, id);
  }
  afterWrite(ctx.db, table, before, after);
  return true;
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
