import type { Db } from './open';

/** From this many incoming rows on, deferring can pay off at all. */
const MIN_ROWS = 2_000;

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
export function deferIndexes(db: Db, table: string, lookupColumns: string[]): { rebuild(): void } {
  if (!db.inTransaction) throw new Error('deferIndexes needs a transaction');
  const indexes = (db.prepare("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL").all(table) as { name: string; sql: string }[]).filter(
    (ix) => !/^CREATE\s+UNIQUE/i.test(ix.sql) && !lookupColumns.includes(firstColumn(ix.sql) ?? ''),
  );
  for (const ix of indexes) db.exec(`DROP INDEX "${ix.name.replace(/"/g, '""')}"`);
  return {
    rebuild: () => {
      for (const ix of indexes) db.exec(ix.sql);
    },
  };
}

function firstColumn(sql: string): string | null {
  return /\bON\s+"?\w+"?\s*\(\s*"?(\w+)/i.exec(sql)?.[1] ?? null;
}
