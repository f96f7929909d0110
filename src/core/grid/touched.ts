import { prepared, type Db } from '../db/open';

/**
 * The rows of a table this connection has written, recorded by temporary triggers (they belong to the
 * connection and see every write it makes to the table, whichever path makes it: an edit, a delete or
 * restore, an import or merge on this connection, a trigger's own write). Kept value ranks (values.ts)
 * are patched from them after the connection's own writes instead of read again (250–550 ms at 1M).
 * Commits by other connections are not seen here: they move SQLite's data_version, and kept ranks are
 * then read again.
 *
 * The log may hold more rows than were changed (a statement that failed, a rolled-back transaction):
 * a patch reads each row's value as it is now, so a row patched for nothing keeps its rank.
 */

/** Rows a log holds before it gives up (a bulk write: reading the ranks again is then cheaper than patching). */
export const TOUCHED_MAX = 5_000;

export interface TouchLog {
  rows: Set<number>;
  /** More than TOUCHED_MAX rows written since the log was last taken: the rows are no longer listed. */
  overflow: boolean;
  /**
   * Moves whenever the log stops being a complete record (an overflow, a trigger found missing): ranks
   * current at one epoch may be patched from the log only while it is still that epoch.
   */
  epoch: number;
  /** Times the log was taken (`takeTouched`): ranks read in the background are patched only from a log not taken since they were asked for. */
  taken: number;
}

const logs = new WeakMap<Db, Map<string, TouchLog>>();
const withTouchFunction = new WeakSet<Db>();

const triggerNames = (table: string) => ['insert', 'update', 'delete'].map((op) => `grid_touched_${table}_${op}`);

/** The table a view reads its rows from, when it is one table (named, aliased or not): only such rows are logged. */
export function singleTable(from: string, rowid: string): string | null {
  const m = /^\s*(\w+)(?:\s+(?:AS\s+)?(\w+))?\s*$/i.exec(from);
  if (!m) return null;
  const alias = m[2] ?? m[1]!;
  return rowid === `${alias}.rowid` || (!m[2] && rowid === 'rowid') ? m[1]! : null;
}

function registerTouch(db: Db): void {
  if (withTouchFunction.has(db)) return;
  db.function('grid_touched', { deterministic: false, varargs: true }, (table: unknown, ...rowids: unknown[]) => {
    const log = logs.get(db)?.get(String(table));
    if (!log || log.overflow) return null;
    for (const id of rowids) if (id !== null) log.rows.add(Number(id));
    if (log.rows.size > TOUCHED_MAX) {
      log.overflow = true;
      log.rows.clear();
      // A bulk write: the triggers go as soon as the connection is free (a statement cannot drop them),
      // so the rest of an import or merge runs without them; the next read of ranks makes them again.
      setImmediate(() => dropTriggers(db, String(table)));
    }
    return null;
  });
  withTouchFunction.add(db);
}

function dropTriggers(db: Db, table: string): void {
  if (!db.open) return;
  try {
    for (const name of triggerNames(table)) db.exec(`DROP TRIGGER IF EXISTS temp.${name}`);
  } catch {
    // The connection is busy (a statement still open): the triggers stay; the overflowed log only returns.
  }
}

function triggersPresent(db: Db, table: string): boolean {
  const names = triggerNames(table);
  const n = prepared(db, "SELECT count(*) FROM temp.sqlite_master WHERE type = 'trigger' AND name IN (?, ?, ?)").pluck().get(...names) as number;
  return n === names.length;
}

/**
 * The table's log, its triggers made if need be; a log found broken (overflowed, a trigger gone) starts
 * a new epoch, empty. Null where none can be kept: a read-only connection (it writes nothing), inside a
 * transaction (a rollback would take the triggers away), a table not in the main database.
 */
export function touchLog(db: Db, table: string): TouchLog | null {
  if (db.readonly || db.inTransaction) return null;
  let byTable = logs.get(db);
  if (!byTable) logs.set(db, (byTable = new Map()));
  let log = byTable.get(table);
  if (log && !log.overflow && triggersPresent(db, table)) return log;
  registerTouch(db);
  const [insert, update, del] = triggerNames(table);
  try {
    db.exec(
      `CREATE TEMP TRIGGER IF NOT EXISTS ${insert} AFTER INSERT ON main.${table} BEGIN SELECT grid_touched('${table}', new.rowid); END;` +
        `CREATE TEMP TRIGGER IF NOT EXISTS ${update} AFTER UPDATE ON main.${table} BEGIN SELECT grid_touched('${table}', old.rowid, new.rowid); END;` +
        `CREATE TEMP TRIGGER IF NOT EXISTS ${del} AFTER DELETE ON main.${table} BEGIN SELECT grid_touched('${table}', old.rowid); END;`,
    );
  } catch {
    return null;
  }
  log = { rows: new Set(), overflow: false, epoch: (log?.epoch ?? 0) + 1, taken: log?.taken ?? 0 };
  byTable.set(table, log);
  return log;
}

/** The table's log as it is, without making one (null when none is kept). */
export function currentLog(db: Db, table: string): TouchLog | null {
  return logs.get(db)?.get(table) ?? null;
}

/**
 * The rows written to the table since the log was last taken, and the log's epoch; the log is emptied.
 * Null when the log is not a complete record since then (see TouchLog.epoch): it starts a new epoch.
 */
export function takeTouched(db: Db, table: string): { rows: number[]; epoch: number } | null {
  const log = logs.get(db)?.get(table);
  if (!log) return null;
  log.taken++;
  if (log.overflow || !triggersPresent(db, table)) {
    log.overflow = false;
    log.rows.clear();
    log.epoch++;
    return null;
  }
  const rows = [...log.rows];
  log.rows.clear();
  return { rows, epoch: log.epoch };
}
