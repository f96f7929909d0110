import { z } from 'zod';
import { isoDate } from '../fields';
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

export const qualificationHandlers = slice('qualifications', {
  due: readHandler(z.strictObject({ asOf: isoDate.optional(), days: z.number().int().min(1).max(3660).default(90), limit: z.number().int().min(1).max(500).default(20) }), (ctx, q) => {
    const today = q.asOf ?? ctx.today();
    const until = new Date(Date.parse(`${today}T00:00:00Z`) + q.days * 86_400_000).toISOString().slice(0, 10);
    const from = `FROM enterprises e, json_each(CASE WHEN json_valid(e.qualifications) THEN e.qualifications ELSE '[]' END) q
      WHERE e.deleted = 0 AND json_extract(q.value, '$.expires') IS NOT NULL AND json_extract(q.value, '$.expires') <= ?`;
    const rows = ctx.db
      .prepare(`SELECT e.id, e.name, json_extract(q.value, '$.type') AS type, json_extract(q.value, '$.expires') AS expires ${from} ORDER BY expires, e.name LIMIT ?`)
      .all(until, q.limit) as Omit<QualificationDue, 'expired'>[];
    const counts = ctx.db.prepare(`SELECT count(*) AS total, coalesce(sum(json_extract(q.value, '$.expires') < ?), 0) AS expired ${from}`).get(today, until) as { total: number; expired: number };
    return { today, until, total: counts.total, expired: counts.expired, items: rows.map((r) => ({ ...r, expired: r.expires < today })) };
  }),
});
