import { z } from 'zod';
import { isoDate } from '../fields';
import { prepared } from '../db/open';
import { readHandler, slice } from '../handler';

/**
 * Qualifications (高新技术企业, 专精特新, 科技型中小企业) lapse and must be renewed: the park office
 * recertifies them every year. This lists the live enterprises' qualifications that have expired or
 * expire within `days` of the day, soonest first, with how many there are in all.
 */
export interface QualificationDue {
  id: string;
  name: string;
  type: string;
  expires: string;
  expired: boolean;
}

/** Each live enterprise's qualifications with an expiry up to ?: the list's rows. */
export const DUE_ENTRIES = `FROM enterprises e, json_each(CASE WHEN json_valid(e.qualifications) THEN e.qualifications ELSE '[]' END) q
  WHERE e.deleted = 0 AND json_extract(q.value, '$.expires') IS NOT NULL AND json_extract(q.value, '$.expires') <= ?`;

/**
 * The list reads qualification_days (migration 0017, kept by the write path) instead of every
 * enterprise's JSON (about 7 s at a million):
 *
 * - the counts are range sums over its days;
 * - the first `limit` items all expire on or before `bound`, the first day on which the running count of
 *   qualifications reaches `limit` (or `until` when fewer are due). An enterprise's earliest expiry
 *   (the indexed column qualification_expires, migration 0014) is at most each of its items' expiry, so
 *   only the enterprises whose earliest expiry is ≤ bound can hold such items: an index range of about
 *   `limit` enterprises plus those sharing the bound's day, then sorted in SQL exactly as before.
 *
 * The ordering is the old one (expiry, then name) with the enterprise id and the type after it, so
 * ties come out the same on every run. The column covers a list's first ten items, the most fields.ts
 * lets a list hold.
 */
export const qualificationHandlers = slice('qualifications', {
  due: readHandler(z.strictObject({ asOf: isoDate.optional(), days: z.number().int().min(1).max(3660).default(90), limit: z.number().int().min(1).max(500).default(20) }), (ctx, q) => {
    const today = q.asOf ?? ctx.today();
    const until = new Date(Date.parse(`${today}T00:00:00Z`) + q.days * 86_400_000).toISOString().slice(0, 10);
    const db = ctx.db;
    const counts = prepared(db, 'SELECT coalesce(sum(n), 0) AS total, coalesce(sum(CASE WHEN day < ? THEN n END), 0) AS expired FROM qualification_days WHERE day <= ?').get(today, until) as {
      total: number;
      expired: number;
    };
    const reached = prepared(db, 'SELECT day FROM (SELECT day, sum(n) OVER (ORDER BY day ROWS UNBOUNDED PRECEDING) AS upto FROM qualification_days WHERE day <= ?) WHERE upto >= ? ORDER BY day LIMIT 1').get(until, q.limit) as
      | { day: unknown }
      | undefined;
    const bound = reached ? reached.day : until;
    const rows = prepared(
      db,
      `SELECT e.id, e.name, json_extract(q.value, '$.type') AS type, json_extract(q.value, '$.expires') AS expires ${DUE_ENTRIES.replace('e.deleted = 0', 'e.deleted = 0 AND e.qualification_expires <= ?')}
       ORDER BY expires, e.name, e.id, type LIMIT ?`,
    ).all(bound, bound, q.limit) as Omit<QualificationDue, 'expired'>[];
    return { today, until, total: counts.total, expired: counts.expired, items: rows.map((r) => ({ ...r, expired: r.expires < today })) };
  }),
});

