import { prepared, type Db } from './open';

type Row = Record<string, unknown>;

/**
 * qualification_days (migration 0017): how many qualifications of live enterprises expire on each day.
 * The Overview's due-list counts ("N due within 90 days, M expired") become range sums over a few
 * thousand days instead of json_each over every enterprise (about 7 s at a million), and its first
 * items are bounded by the day the first `limit` of them reach (enterprises/qualifications.ts).
 *
 * The days are read from the stored JSON with the very json_each/json_extract the list uses, so a
 * value that is not a date (or not a string) is counted exactly as the list would compare it; `day` is
 * ANY for that reason (an integer stays an integer, and sorts before every date as in the list).
 */

/** Each qualification's expiry in a stored qualifications text (@q), nulls left out. */
const EXPIRIES = `SELECT json_extract(q.value, '$.expires') AS day FROM json_each(CASE WHEN json_valid(@q) THEN @q ELSE '[]' END) q WHERE day IS NOT NULL`;

/** qualification_days as rebuilt from the rows (what migration 0017 fills it with); `parkpilot check` compares. */
export const QUALIFICATION_DAYS_SELECT = `SELECT json_extract(q.value, '$.expires') AS day, count(*) AS n
  FROM enterprises e, json_each(CASE WHEN json_valid(e.qualifications) THEN e.qualifications ELSE '[]' END) q
  WHERE e.deleted = 0 AND day IS NOT NULL GROUP BY day`;

const withTable = new WeakSet<Db>();

/** Whether migration 0017 made the table (a test may open with older migrations only). Tables are never dropped. */
export function hasQualificationDays(db: Db): boolean {
  if (withTable.has(db)) return true;
  if (!prepared(db, "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'qualification_days'").get()) return false;
  withTable.add(db);
  return true;
}

/**
 * The qualifications column as the write path stores it (write.ts toSql of a json column: missing or
 * empty is '[]'), from the decoded row the write path hands to afterWrite; null for a deleted row.
 */
function storedText(r: Row | null): string | null {
  if (!r || r.deleted !== 0) return null;
  const v = r.qualifications;
  return v === undefined || v === null || v === '' ? '[]' : JSON.stringify(v);
}

/** After an enterprise was written: moves its qualifications' days when its list or its liveness changed. */
export function qualificationDaysAfterRow(db: Db, before: Row | null, after: Row | null): void {
  const was = storedText(before);
  const is = storedText(after);
  if (was === is || !hasQualificationDays(db)) return;
  // The common case of an import or a generated park: no qualifications at all, nothing to count.
  if (was !== null && was !== '[]') {
    prepared(db, `INSERT INTO qualification_days (day, n) SELECT day, -1 FROM (${EXPIRIES}) WHERE true ON CONFLICT DO UPDATE SET n = n + excluded.n`).run({ q: was });
    prepared(db, `DELETE FROM qualification_days WHERE n <= 0 AND day IN (${EXPIRIES})`).run({ q: was });
  }
  if (is !== null && is !== '[]') prepared(db, `INSERT INTO qualification_days (day, n) SELECT day, 1 FROM (${EXPIRIES}) WHERE true ON CONFLICT DO UPDATE SET n = n + excluded.n`).run({ q: is });
}
