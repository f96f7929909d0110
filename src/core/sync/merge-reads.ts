import { BATCH, type LogEntry } from '../db/materialize';
import { prepared, type Db } from '../db/open';
import type { TableName } from '../db/tables';

/**
 * The reads a merge makes for many rows at once. A statement per change or per row cost more than the
 * merge's writes (100,000 changes: 100,000 look-ups of "held already?", then tens of thousands of row
 * reads); these answer the same questions with a few statements.
 */

/** A change's identity on every copy, as one string. */
export const changeKey = (c: Pick<LogEntry, 'stamp' | 'tbl' | 'row_id' | 'field'>): string => `${c.stamp}\u0000${c.tbl}\u0000${c.row_id}\u0000${c.field}`;

/**
 * The identities (changeKey) of the changes among `changes` that this copy holds already. A held change
 * has the same stamp, so only the log's stamps between the package's first and last can be among them:
 * usually few (what the receiver wrote while the sender was away), read in one range of the identity
 * index. When that range holds more than `limit` (a long absence next to a busy office) each change is
 * looked up by its identity, BATCH a statement.
 */
export function heldAmong(db: Db, changes: LogEntry[], limit = Math.max(10_000, 4 * changes.length)): Set<string> {
  const held = new Set<string>();
  if (changes.length === 0) return held;
  let min = changes[0]!.stamp;
  let max = min;
  for (const c of changes) {
    if (c.stamp < min) min = c.stamp;
    if (c.stamp > max) max = c.stamp;
  }
  const inRange = prepared(db, 'SELECT stamp, tbl, row_id, field FROM changes WHERE stamp BETWEEN ? AND ? LIMIT ?').all(min, max, limit + 1) as LogEntry[];
  if (inRange.length <= limit) {
    if (inRange.length === 0) return held;
    const offered = new Set(changes.map(changeKey));
    for (const c of inRange) {
      const key = changeKey(c);
      if (offered.has(key)) held.add(key);
    }
    return held;
  }
  const lookup = prepared(db, `SELECT j.key AS i FROM json_each(?) j WHERE EXISTS (SELECT 1 FROM changes
    WHERE stamp = j.value ->> 0 AND tbl = j.value ->> 1 AND row_id = j.value ->> 2 AND field = j.value ->> 3)`);
  for (let i = 0; i < changes.length; i += BATCH) {
    const chunk = changes.slice(i, i + BATCH);
    for (const r of lookup.all(JSON.stringify(chunk.map((c) => [c.stamp, c.tbl, c.row_id, c.field]))) as { i: number }[]) held.add(changeKey(chunk[r.i]!));
  }
  return held;
}

/** Of the rows `ids` of `table`, those stored as deleted. */
export function deletedAmong(db: Db, table: TableName, ids: string[]): Set<string> {
  const out = new Set<string>();
  const stmt = prepared(db, `SELECT id FROM ${table} WHERE deleted = 1 AND id IN (SELECT value FROM json_each(?))`);
  for (let i = 0; i < ids.length; i += BATCH) {
    for (const r of stmt.all(JSON.stringify(ids.slice(i, i + BATCH))) as { id: string }[]) out.add(r.id);
  }
  return out;
}
