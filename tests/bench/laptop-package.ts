import { format } from '../../src/core/db/clock';
import type { LogEntry } from '../../src/core/db/materialize';
import type { Db } from '../../src/core/db/open';
import type { Sender } from '../../src/core/sync/merge';
import { vectorOf } from '../../src/core/sync/peers';

/** The bench laptop's site: its changes are new to every bench database. */
export const LAPTOP = 'fe11d0c0ffee0001';

/**
 * Which live enterprises the laptop edits, in the order it edits them: the first by rowid (the default), or
 * with SYNC_ROWS=random rows scattered over the table in a fixed pseudo-random order, as a laptop's visits
 * over a park are (the merge then meets them out of rowid order: PlainRows.flush).
 */
export const LAPTOP_ROWS_ORDER = process.env.SYNC_ROWS === 'random' ? '(rowid * 2654435761) % 4294967291' : 'rowid';

/** A laptop's edits: headcount, revenue, notes and patents of count / 4 live enterprises (LAPTOP_ROWS_ORDER). */
export function laptopChanges(db: Db, count: number): LogEntry[] {
  const rows = db.prepare(`SELECT id, headcount, revenue, notes, patents FROM enterprises WHERE deleted = 0 ORDER BY ${LAPTOP_ROWS_ORDER} LIMIT ?`).all(Math.ceil(count / 4)) as Record<string, unknown>[];
  const start = Date.now() - 60_000;
  const changes: LogEntry[] = [];
  let i = 0;
  for (const r of rows) {
    for (const [field, value] of [['headcount', Number(r.headcount ?? 0) + 1], ['revenue', Number(r.revenue ?? 0) + 1000], ['notes', `走访记录 ${i}`], ['patents', Number(r.patents ?? 0) + 1]] as const) {
      if (changes.length >= count) break;
      changes.push({ stamp: format(start + Math.floor(i / 50), i % 50, LAPTOP), site: LAPTOP, user: 'field', tbl: 'enterprises', row_id: String(r.id), field, old_value: JSON.stringify(r[field] ?? null), new_value: JSON.stringify(value) });
      i++;
    }
  }
  return changes;
}

/** The laptop as the sender of those changes, having seen everything the database holds. */
export function laptopSender(db: Db, changes: LogEntry[]): Sender {
  const seen = { ...vectorOf(db), [LAPTOP]: changes[changes.length - 1]!.stamp };
  return { site: LAPTOP, device: 'bench laptop', person: null, seen, sites: [{ site: LAPTOP, device: 'bench laptop', person: null }] };
}
