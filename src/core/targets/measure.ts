import { z } from 'zod';
import type { Db } from '../db/open';
import { AppError } from '../errors';
import { isoDate } from '../fields';

/**
 * How a target's progress is measured. Either computed from the registry — a count (or sum of a
 * field) over enterprises, incubations or leads matching filters, dated within a window — or a
 * milestone completed by hand. Fields come from an allow-list per entity; nothing reaches SQL unchecked.
 */
const measurable = {
  enterprises: { filters: ['kind', 'status', 'industry'], dates: ['entry_date', 'exit_date'], sums: ['registered_capital', 'revenue', 'tax', 'headcount', 'area_m2', 'patents'] },
  incubations: { filters: ['stage', 'cohort'], dates: ['applied_date', 'admitted_date', 'exit_date'], sums: [] },
  leads: { filters: ['stage', 'source', 'industry'], dates: ['next_follow_up'], sums: ['intended_investment', 'expected_area_m2'] },
} as const;

export const measureSchema = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.enum(['count', 'sum']),
    entity: z.enum(['enterprises', 'incubations', 'leads']),
    /** For `sum`: the field added up. */
    field: z.string().max(40).optional(),
    /** Each key is a field; the row matches when its value is one of the listed codes. */
    where: z.record(z.string().max(40), z.array(z.string().max(60)).min(1).max(20)).default({}),
    /** The date that places a row in the window; rows without it are not counted. */
    dateField: z.string().max(40),
    from: isoDate.optional(),
    to: isoDate.optional(),
  }),
  z.strictObject({ kind: z.literal('milestone') }),
]);
export type Measure = z.infer<typeof measureSchema>;

/** Why a definition cannot be computed, or null when it can. */
export function measureProblem(m: Measure): string | null {
  if (m.kind === 'milestone') return null;
  const allowed = measurable[m.entity];
  for (const f of Object.keys(m.where)) if (!(allowed.filters as readonly string[]).includes(f)) return `${m.entity}.${f} cannot be filtered`;
  if (!(allowed.dates as readonly string[]).includes(m.dateField)) return `${m.entity}.${m.dateField} is not a date field`;
  if (m.kind === 'sum' && !(allowed.sums as readonly string[]).includes(m.field ?? '')) return `${m.entity}.${m.field ?? '?'} cannot be summed`;
  if (m.kind === 'count' && m.field) return 'count takes no field';
  if (m.from && m.to && m.from > m.to) return 'from is after to';
  return null;
}

export interface Window {
  from: string;
  to: string;
}

/** The measured value in a date window (inclusive), without the baseline. */
export function measureValue(db: Db, m: Measure, window: Window): number {
  if (m.kind === 'milestone') return 0;
  const problem = measureProblem(m);
  if (problem) throw new AppError('bad_measure', { detail: problem });
  const params: unknown[] = [];
  const conds = ['deleted = 0', `${m.dateField} BETWEEN ? AND ?`];
  params.push(m.from && m.from > window.from ? m.from : window.from, m.to && m.to < window.to ? m.to : window.to);
  for (const [field, values] of Object.entries(m.where)) {
    conds.push(`${field} IN (${values.map(() => '?').join(', ')})`);
    params.push(...values);
  }
  const agg = m.kind === 'sum' ? `coalesce(sum(${m.field}), 0)` : 'count(*)';
  return (db.prepare(`SELECT ${agg} AS v FROM ${m.entity} WHERE ${conds.join(' AND ')}`).get(...params) as { v: number }).v;
}
