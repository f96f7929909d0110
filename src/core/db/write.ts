import { AppError } from '../errors';
import { afterWrite } from './aggregates';
import type { IdFactory } from '../util/ids';
import { searchTokens } from '../search/tokens';
import type { HybridClock } from './clock';
import { prepared, type Db } from './open';
import { dropHeldSearch, holdSearchWrites, searchWrite, writeHeldSearch } from './search-writes';
import { tables, type TableName, type TableSpec } from './tables';

/**
 * The one write path. Every create, update and delete goes through here and, in one transaction,
 * writes the row, appends one change-log entry per changed field (with a hybrid-logical-clock stamp,
 * site and user), keeps the search index in step and saves the clock. Deletes are tombstones.
 */
export interface WriteContext {
  db: Db;
  clock: HybridClock;
  ids: IdFactory;
  user: string;
  /** Bumped after each committed write; caches (grid counts, cursors) key on it. */
  version: { value: number };
  /** Set while an import runs: its changes carry the batch id so the import can be reverted. */
  batch?: string;
  /** Bulk writes (imports): a created row is logged as one whole-row snapshot (field '*'). */
  snapshotInserts?: boolean;
  /** Refuses writes the signed-in person may not make (a desktop connected to the office hub, hub/roles.ts). */
  guard?: (table: string, op: 'insert' | 'update' | 'delete' | 'restore') => void;
}

export type Row = Record<string, unknown>;

export interface ChangeEntry {
  stamp: string;
  site: string;
  /** The device of the site (from sync_sites), when known. */
  device?: string | null;
  /** The file of the import that wrote the change (import_batches), when an import did. */
  import_file?: string | null;
  user: string;
  tbl: string;
  row_id: string;
  field: string;
  old_value: unknown;
  new_value: unknown;
}

/**
 * Runs `fn` in one transaction with the clock saved at its end. Nested calls simply join the outer
 * transaction (no savepoint each): whoever needs a partial rollback takes its own savepoint.
 */
export function transact<T>(ctx: WriteContext, fn: () => T): T {
  if (ctx.db.inTransaction) return fn();
  const result = ctx.db.transaction(() => {
    holdSearchWrites(ctx.db);
    try {
      const value = fn();
      writeHeldSearch(ctx.db);
      saveClock(ctx);
      return value;
    } finally {
      dropHeldSearch(ctx.db);
    }
  })();
  ctx.version.value++;
  return result;
}

/**
 * A long write (an import) in one transaction that lets the event loop run between chunks, so its
 * progress reaches the screen and Cancel is heard. `pause()` yields; everything written before and
 * after it commits or rolls back together. While the transaction is open the core refuses other
 * calls with `busy` (service.ts), since they would run inside it.
 */
export async function transactAsync<T>(ctx: WriteContext, fn: (pause: () => Promise<void>) => Promise<T>): Promise<T> {
  if (ctx.db.inTransaction) throw new AppError('busy');
  ctx.db.exec('BEGIN IMMEDIATE');
  holdSearchWrites(ctx.db);
  try {
    const value = await fn(() => new Promise((resolve) => setImmediate(resolve)));
    writeHeldSearch(ctx.db);
    saveClock(ctx);
    ctx.db.exec('COMMIT');
    ctx.version.value++;
    return value;
  } catch (err) {
    if (ctx.db.inTransaction) ctx.db.exec('ROLLBACK');
    throw err;
  } finally {
    dropHeldSearch(ctx.db);
  }
}

export function insertRow(ctx: WriteContext, table: TableName, values: Row, id: string = ctx.ids()): string {
  ctx.guard?.(table, 'insert');
  return transact(ctx, () => {
    const spec: TableSpec = tables[table];
    const stamp = ctx.clock.tick();
    const now = stampTime(stamp);
    const cols = Object.keys(spec.columns).filter((c) => values[c] !== undefined);
    const sqlCols = ['id', ...cols, 'created_at', 'updated_at'];
    const { lastInsertRowid } = prepared(ctx.db, `INSERT INTO ${table} (${sqlCols.join(', ')}) VALUES (${sqlCols.map(() => '?').join(', ')})`)
      .run(id, ...cols.map((c) => toSql(spec, c, values[c])), now, now);
    if (ctx.snapshotInserts) logChange(ctx, stamp, table, id, '*', null, snapshotOf(spec, cols, values));
    else {
      for (const c of cols) {
        const value = normalise(spec, c, values[c]);
        if (!isEmpty(value)) logChange(ctx, stamp, table, id, c, null, value);
      }
    }
    insertTokens(ctx, table, Number(lastInsertRowid), values);
    afterWrite(ctx.db, table, null, { ...values, id, deleted: 0 });
    return id;
  });
}

/** Applies the fields of `patch` that differ from the stored row; returns the names that changed. */
export function updateRow(ctx: WriteContext, table: TableName, id: string, patch: Row): string[] {
  ctx.guard?.(table, 'update');
  return transact(ctx, () => {
    const spec: TableSpec = tables[table];
    const before = readLive(ctx.db, table, id);
    const changed = Object.keys(spec.columns).filter(
      (c) => patch[c] !== undefined && JSON.stringify(normalise(spec, c, patch[c])) !== JSON.stringify(before[c]),
    );
    if (changed.length === 0) return [];
    const stamp = ctx.clock.tick();
    prepared(ctx.db, `UPDATE ${table} SET ${changed.map((c) => `${c} = ?`).join(', ')}, updated_at = ? WHERE id = ?`)
      .run(...changed.map((c) => toSql(spec, c, patch[c])), stampTime(stamp), id);
    for (const c of changed) logChange(ctx, stamp, table, id, c, before[c] ?? null, normalise(spec, c, patch[c]));
    refreshSearch(ctx, table, id);
    afterWrite(ctx.db, table, before, { ...before, ...Object.fromEntries(changed.map((c) => [c, normalise(spec, c, patch[c])])) });
    return changed;
  });
}

export function deleteRow(ctx: WriteContext, table: TableName, id: string): void {
  ctx.guard?.(table, 'delete');
  transact(ctx, () => {
    const before = readLive(ctx.db, table, id);
    const stamp = ctx.clock.tick();
    prepared(ctx.db, `UPDATE ${table} SET deleted = 1, updated_at = ? WHERE id = ?`).run(stampTime(stamp), id);
    logChange(ctx, stamp, table, id, 'deleted', 0, 1);
    refreshSearch(ctx, table, id);
    afterWrite(ctx.db, table, before, { ...before, deleted: 1 });
  });
}

export function restoreRow(ctx: WriteContext, table: TableName, id: string): void {
  ctx.guard?.(table, 'restore');
  transact(ctx, () => {
    const stamp = ctx.clock.tick();
    const done = prepared(ctx.db, `UPDATE ${table} SET deleted = 0, updated_at = ? WHERE id = ? AND deleted = 1`).run(stampTime(stamp), id);
    if (done.changes !== 1) throw new AppError('not_found');
    logChange(ctx, stamp, table, id, 'deleted', 1, 0);
    refreshSearch(ctx, table, id);
    const after = readLive(ctx.db, table, id);
    afterWrite(ctx.db, table, { ...after, deleted: 1 }, after);
  });
}

/**
 * Bulk load for generated data sets: same transaction and clock rules, but one whole-row
 * snapshot entry (field '*') per row instead of one per field, to keep a million-row load small.
 */
export function insertMany(ctx: WriteContext, table: TableName, rows: Row[]): string[] {
  ctx.guard?.(table, 'insert');
  return transact(ctx, () => {
    const spec: TableSpec = tables[table];
    const cols = Object.keys(spec.columns);
    const insert = prepared(ctx.db, 
      `INSERT INTO ${table} (id, ${cols.join(', ')}, created_at, updated_at) VALUES (?, ${cols.map(() => '?').join(', ')}, ?, ?)`,
    );
    const ids: string[] = [];
    for (const row of rows) {
      const id = (row.id as string | undefined) ?? ctx.ids();
      const stamp = ctx.clock.tick();
      const now = stampTime(stamp);
      const { lastInsertRowid } = insert.run(id, ...cols.map((c) => toSql(spec, c, row[c] ?? null)), now, now);
      logChange(ctx, stamp, table, id, '*', null, snapshotOf(spec, cols, row));
      insertTokens(ctx, table, Number(lastInsertRowid), row);
      afterWrite(ctx.db, table, null, { ...row, id, deleted: 0 });
      ids.push(id);
    }
    return ids;
  });
}

/** The field-level history of one row, oldest first. */
export function rowHistory(db: Db, table: TableName, id: string): ChangeEntry[] {
  // With the device each change was made on: merged changes name the laptop they came from.
  // And the file of the import that wrote it, if one did: a field filled by a spreadsheet says which.
  const rows = prepared(
    db,
    `SELECT c.stamp, c.site, s.device, c.user, c.tbl, c.row_id, c.field, c.old_value, c.new_value, b.file_name AS import_file
     FROM changes c LEFT JOIN sync_sites s ON s.site = c.site LEFT JOIN import_batches b ON b.id = c.batch WHERE c.tbl = ? AND c.row_id = ? ORDER BY c.stamp, c.seq`,
  )
    .all(table, id) as ChangeEntry[];
  return rows.map((r) => ({
    ...r,
    old_value: r.old_value == null ? null : JSON.parse(r.old_value as string),
    new_value: r.new_value == null ? null : JSON.parse(r.new_value as string),
  }));
}

/** Reads a live row with JSON columns decoded; throws not_found for missing or deleted rows. */
export function readLive(db: Db, table: TableName, id: string): Row {
  const row = prepared(db, `SELECT * FROM ${table} WHERE id = ? AND deleted = 0`).get(id) as Row | undefined;
  if (!row) throw new AppError('not_found');
  return decodeRow(table, row);
}

/** Each table's JSON columns, listed once (a merge decodes tens of thousands of rows). */
const jsonColumns = new Map<string, string[]>();

export function decodeRow(table: TableName, row: Row): Row {
  let json = jsonColumns.get(table);
  if (!json) {
    const spec: TableSpec = tables[table];
    jsonColumns.set(table, (json = Object.keys(spec.columns).filter((c) => spec.columns[c] === 'json')));
  }
  const out: Row = { ...row };
  for (const c of json) {
    const v = out[c];
    if (typeof v === 'string') out[c] = JSON.parse(v);
  }
  return out;
}

function logChange(ctx: WriteContext, stamp: string, table: string, id: string, field: string, oldV: unknown, newV: unknown): void {
  prepared(ctx.db, 'INSERT INTO changes (stamp, site, user, tbl, row_id, field, old_value, new_value, batch) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)')
    .run(stamp, ctx.clock.site, ctx.user, table, id, field, JSON.stringify(oldV), JSON.stringify(newV), ctx.batch ?? null);
}

/** A row's search tokens from the values in hand (normalised the way they read back); none may exist yet. */
function insertTokens(ctx: WriteContext, table: TableName, rowid: number, values: Row): void {
  const spec: TableSpec = tables[table];
  if (!spec.search) return;
  searchWrite(ctx.db, { fts: spec.search.fts, rowid, remove: false, tokens: tokensOf(table, values) });
}

function tokensOf(table: TableName, values: Row): string {
  const spec: TableSpec = tables[table];
  const row: Row = {};
  for (const c of Object.keys(spec.columns)) row[c] = normalise(spec, c, values[c]);
  return searchTokens(spec.search!.text(row));
}

/** Keeps a changed row's search tokens in step (tombstones have none). */
export function refreshSearch(ctx: WriteContext, table: TableName, id: string): void {
  const spec: TableSpec = tables[table];
  if (!spec.search) return;
  const row = prepared(ctx.db, `SELECT rowid AS rid, * FROM ${table} WHERE id = ?`).get(id) as Row & { rid: number };
  searchWrite(ctx.db, { fts: spec.search.fts, rowid: row.rid, remove: true, tokens: row.deleted === 0 ? tokensOf(table, decodeRow(table, row)) : null });
}

function saveClock(ctx: WriteContext): void {
  prepared(ctx.db, "INSERT INTO settings (key, value) VALUES ('clock', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value")
    .run(JSON.stringify(ctx.clock.snapshot()));
}

export function stampTime(stamp: string): string {
  return stamp.slice(0, 24);
}

/** The value as it reads back from the table: JSON lists are never null, text is never ''. */
export function normalise(spec: TableSpec, column: string, value: unknown): unknown {
  const kind = spec.columns[column];
  if (value === undefined || value === null || value === '') return kind === 'json' ? [] : null;
  if (kind === 'int') return Math.trunc(Number(value));
  if (kind === 'real') return Number(value);
  if (kind === 'text') return String(value);
  return value;
}

export function toSql(spec: TableSpec, column: string, value: unknown): unknown {
  const v = normalise(spec, column, value);
  return spec.columns[column] === 'json' ? JSON.stringify(v) : v;
}

const isEmpty = (v: unknown) => v === null || (Array.isArray(v) && v.length === 0);

/** A created row as one change-log value: its non-empty fields. */
function snapshotOf(spec: TableSpec, cols: string[], values: Row): Row {
  const snapshot: Row = {};
  for (const c of cols) {
    const value = normalise(spec, c, values[c]);
    if (!isEmpty(value)) snapshot[c] = value;
  }
  return snapshot;
}
