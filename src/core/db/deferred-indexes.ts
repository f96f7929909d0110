import type { Db } from './open';

/** From this many incoming rows on, deferring can pay off at all. */
const MIN_ROWS = 2_000;

/**
 * The page cache (KB) while the indexes are rebuilt: SQLite's sorter keeps up to this much of the keys
 * in memory before it writes a sorted run to its temporary file (its merge reads them back from there).
 */
export const REBUILD_CACHE_KB = 4 * 1024;

/**
 * Whether a load of `incoming` rows into a table of `existing` should defer the indexes: only when it
 * at least doubles the table. A rebuild sorts every row of the table, old ones too, so 2,000 rows into
 * a park of a million would rebuild twenty indexes over a million rows (minutes) to save a fraction
 * of a second.
 */
export function worthDeferring(existing: number, incoming: number): boolean {
  return incoming >= MIN_ROWS && incoming >= existing;
}

/** About how many rows a table holds: max(rowid) reads one B-tree edge, where count(*) would scan it. */
export function tableRows(db: Db, table: string): number {
  return (db.prepare(`SELECT coalesce(max(rowid), 0) AS n FROM "${table.replace(/"/g, '""')}"`).get() as { n: number }).n;
}

/**
 * Bulk loads (imports of thousands of rows) build a table's secondary indexes once at the end instead
 * of updating each of them row by row: sorting keys once is several times faster than thousands of
 * scattered B-tree inserts. Unique indexes stay (they enforce rules during the load), and so do the
 * indexes on the columns the load looks rows up by. Call inside the load's transaction: the drop and
 * the rebuild commit (or roll back) together with the rows, so no reader ever sees a table without
 * its indexes, and the schema after commit is the same as before.
 */
export function deferIndexes(db: Db, table: string, lookupColumns: string[]): { rebuild(): boolean } {
  if (!db.inTransaction) throw new Error('deferIndexes needs a transaction');
  const all = db.prepare("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL").all(table) as { name: string; sql: string }[];
  const unique = all.filter((ix) => /^CREATE\s+UNIQUE/i.test(ix.sql));
  const indexes = all.filter((ix) => {
    if (unique.includes(ix)) return false;
    const column = firstColumn(ix.sql) ?? '';
    return !lookupColumns.includes(column) || unique.some((u) => servesLiveLookups(u.sql, column));
  });
  for (const ix of indexes) db.exec(`DROP INDEX "${ix.name.replace(/"/g, '""')}"`);
  return {
    /** Rebuilds the indexes; says whether SQLite's sorter could spill to a file (see withFileSorter). */
    rebuild: () =>
      indexes.length > 0 &&
      withFileSorter(db, () => {
        for (const ix of indexes) db.exec(ix.sql);
      }),
  };
}

/**
 * Runs `build` (CREATE INDEX statements) with SQLite's sorter spilling to a temporary file. With the
 * connection's temp_store = MEMORY (open.ts: statement journals), the sorter never spills: it holds
 * every key of the table in memory at once, one allocation per row. A million-row import's rebuild of
 * changes_latest (tbl, row_id, field, stamp; not unique before migration 0018) took +123 MB that way; with the sorter on a file and a
 * 4 MB cache, +5 MB, and the sort ran faster (measured by .bench-style peak RSS, issue 14). The
 * pragmas are the connection's own and come back after. temp_store cannot change inside a transaction
 * once the temporary database is open: then the build runs with the memory sorter, and the function
 * says so (false). A ParkPilot connection has it open from the start (reading the schema opens it), so
 * a long write that will rebuild indexes closes it before its transaction begins (`releaseTempDatabase`).
 */
export function withFileSorter(db: Db, build: () => void): boolean {
  const temp = db.pragma('temp_store', { simple: true }) as number;
  const cache = db.pragma('cache_size', { simple: true }) as number;
  let onFile = false;
  try {
    db.pragma('temp_store = FILE');
    onFile = true;
  } catch {
    // (the temporary database is open in this transaction: keep the memory sorter)
  }
  db.pragma(`cache_size = -${REBUILD_CACHE_KB}`);
  try {
    build();
  } finally {
    db.pragma(`cache_size = ${cache}`);
    if (onFile) db.pragma(`temp_store = ${temp}`);
  }
  return onFile;
}

/**
 * Closes the connection's temporary database (outside a transaction), so that a transaction begun
 * after it can still switch the sorter to a file for its index rebuild (withFileSorter). SQLite refuses
 * `PRAGMA temp_store` inside a transaction once the temporary database is open, and it is open on every
 * ParkPilot connection (opened when the schema is first read): the million-row import's rebuild then
 * kept every key in memory (+110 MB at its end, issue 14) although withFileSorter asked for a file.
 * Setting temp_store to another value and back closes it (a pragma setting the current value does
 * nothing). Temporary tables go with it: returns whether there were any (the grid's rowid sets), so
 * the caller bumps the data version and whoever kept them makes them afresh. Nothing is done inside a
 * transaction.
 */
export function releaseTempDatabase(db: Db): boolean {
  if (db.inTransaction) return false;
  const held = (db.prepare('SELECT count(*) AS n FROM sqlite_temp_master').get() as { n: number }).n > 0;
  const temp = db.pragma('temp_store', { simple: true }) as number;
  db.pragma(`temp_store = ${temp === 2 ? 1 : 2}`);
  db.pragma(`temp_store = ${temp}`);
  return held;
}

/**
 * Whether a unique index (which stays) answers the live-row lookups by `column` (`deleted = 0 AND
 * column = ?`, how imports and rules find rows) as well as a plain index on it would: it leads with the
 * column, and its WHERE, if any, is implied by that lookup (SQLite then uses the partial index). A
 * second, non-unique index on the column (enterprises_uscc, for sorting) need not be kept for the
 * load: one B-tree fewer to insert into per row (issue 14).
 */
function servesLiveLookups(sql: string, column: string): boolean {
  if (firstColumn(sql) !== column) return false;
  const where = /\bWHERE\s+([\s\S]*?)\s*;?\s*$/i.exec(sql)?.[1]?.replace(/\s+/g, ' ').toLowerCase();
  return where === undefined || where === 'deleted = 0' || where === `deleted = 0 and ${column.toLowerCase()} is not null`;
}

function firstColumn(sql: string): string | null {
  return /\bON\s+"?\w+"?\s*\(\s*"?(\w+)/i.exec(sql)?.[1] ?? null;
}
