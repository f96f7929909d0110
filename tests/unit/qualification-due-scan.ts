import type { Db } from '../../src/core/db/open';
import { DUE_ENTRIES, type QualificationDue } from '../../src/core/enterprises/qualifications';

/**
 * The due-list as one json_each over every live enterprise: what `qualifications.due` computed before
 * migration 0017 (with the id and type after expiry and name, so ties have one order). The property test
 * and the bench compare the handler with it.
 */
export function dueByScan(db: Db, today: string, until: string, limit: number): { total: number; expired: number; items: Omit<QualificationDue, 'expired'>[] } {
  const items = db
    .prepare(`SELECT e.id, e.name, json_extract(q.value, '$.type') AS type, json_extract(q.value, '$.expires') AS expires ${DUE_ENTRIES} ORDER BY expires, e.name, e.id, type LIMIT ?`)
    .all(until, limit) as Omit<QualificationDue, 'expired'>[];
  const counts = db.prepare(`SELECT count(*) AS total, coalesce(sum(json_extract(q.value, '$.expires') < ?), 0) AS expired ${DUE_ENTRIES}`).get(today, until) as { total: number; expired: number };
  return { ...counts, items };
}
