import { createHash } from 'node:crypto';
import { prepared, type Db } from '../../src/core/db/open';
import { tables } from '../../src/core/db/tables';

/**
 * A hash of every synced table's content (all columns but the local timestamps of the last write),
 * rows in id order: equal on two copies exactly when they hold the same data.
 */
export function contentHash(db: Db): string {
  const hash = createHash('sha256');
  for (const table of Object.keys(tables).sort()) {
    const cols = ['id', ...Object.keys(tables[table as keyof typeof tables].columns).sort(), 'deleted'];
    for (const row of prepared(db, `SELECT ${cols.join(', ')} FROM ${table} ORDER BY id`).raw(true).all()) hash.update(`${table}\u0000${JSON.stringify(row)}\n`);
  }
  return hash.digest('hex');
}
