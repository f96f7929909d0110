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
 * has the same stamp, and so the same site (a stamp ends with its site's id: checkIncoming holds every
 * received change to that), so only the log's changes of each sending site between that site's first and
 * last stamp in the package can be among them: usually few (what came from that site by another way while
 * the sender was away), read as one range of the changes_site index a site. When those ranges hold more
 * than `limit` (a long absence next to a busy office) each change is looked up by its identity, BATCH a
 * statement, along changes_latest (which holds the identity's columns and keeps them unique, migration 0018).
 */
export function heldAmong(db: Db, changes: LogEntry[], limit = Math.max(10_000, 4 * changes.length)): Set<string> {
  const held = new Set<string>();
  if (changes.length === 0) return held;
  const ranges = new Map<string, { min: string; max: string }>();
  let range: { min: string; max: string } | undefined;
  let rangeSite = '';
  for (const c of changes) {
    // Changes of one site mostly sit side by side (one device's session): the map is asked only when the site changes.
    if (c.site !== rangeSite || !range) {
      rangeSite = c.site;
      range = ranges.get(c.site);
      if (!range) ranges.set(c.site, (range = { min: c.stamp, max: c.stamp }));
    }
    if (c.stamp < range.min) range.min = c.stamp;
    if (c.stamp > range.max) range.max = c.stamp;
  }
  const inSite = prepared(db, 'SELECT stamp, tbl, row_id, field FROM changes WHERE site = ? AND stamp BETWEEN ? AND ? LIMIT ?');
  const inRange: LogEntry[] = [];
  for (const [site, { min, max }] of ranges) {
    for (const c of inSite.all(site, min, max, limit + 1 - inRange.length) as LogEntry[]) inRange.push(c);
    if (inRange.length > limit) break;
  }
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
    WHERE tbl = j.value ->> 1 AND row_id = j.value ->> 2 AND field = j.value ->> 3 AND stamp = j.value ->> 0)`);
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
