import { z } from 'zod';
import type { Db } from '../db/open';
import { decodeRow } from '../db/write';
import { entityHandlers, refExists } from '../entity';
import type { FieldIssue } from '../errors';
import { id, isoDate, longText, optionalDate, optionalId, requiredText, shortText } from '../fields';
import { handler, slice } from '../handler';
import { gridRequestSchema } from '../grid/query';
import { measureProblem, measureSchema, measureValue, type Measure } from './measure';

export const targetFields = {
  plan_id: id,
  name: requiredText,
  name_en: shortText,
  unit: z.string().trim().min(1).max(20),
  min_value: z.number().min(0).nullish(),
  max_value: z.number().min(0).nullish(),
  baseline: z.number().min(0).nullish(),
  deadline: isoDate,
  measure: measureSchema,
  done_date: optionalDate,
  evidence: longText,
  sort: z.number().int().min(0).max(10_000).nullish(),
};

export type TargetStatus = 'achieved' | 'in_progress' | 'missed' | 'pending' | 'overdue';

export interface TargetProgress {
  id: string;
  plan_id: string;
  plan_name: string;
  name: string;
  name_en: string | null;
  unit: string;
  min_value: number | null;
  max_value: number | null;
  deadline: string;
  kind: Measure['kind'];
  value: number;
  percent_of_min: number | null;
  status: TargetStatus;
  done_date: string | null;
}

/**
 * Every live target's progress as of a date: computed targets count the registry between the plan's
 * start and min(deadline, asOf); milestones are achieved when completed on or before asOf.
 * (History-aware replay and trend projection build on this in the targets dashboard.)
 */
export function targetProgress(db: Db, asOf: string, planId?: string): TargetProgress[] {
  const rows = db
    .prepare(
      `SELECT t.*, p.name AS plan_name, p.start_date FROM targets t JOIN plans p ON p.id = t.plan_id
       WHERE t.deleted = 0 AND p.deleted = 0 AND (? IS NULL OR t.plan_id = ?) ORDER BY p.start_date, t.sort, t.name`,
    )
    .all(planId ?? null, planId ?? null) as Record<string, unknown>[];
  return rows.map((raw) => {
    const t = decodeRow('targets', raw);
    const measure = t.measure as Measure;
    const deadline = t.deadline as string;
    const min = t.min_value as number | null;
    let value: number;
    let status: TargetStatus;
    if (measure.kind === 'milestone') {
      const done = typeof t.done_date === 'string' && t.done_date <= asOf;
      value = done ? 1 : 0;
      status = done ? 'achieved' : asOf > deadline ? 'overdue' : 'pending';
    } else {
      const to = asOf < deadline ? asOf : deadline;
      value = (t.baseline as number) + measureValue(db, measure, { from: t.start_date as string, to });
      status = min !== null && value >= min ? 'achieved' : asOf > deadline ? 'missed' : 'in_progress';
    }
    return {
      id: t.id as string,
      plan_id: t.plan_id as string,
      plan_name: t.plan_name as string,
      name: t.name as string,
      name_en: (t.name_en as string | null) ?? null,
      unit: t.unit as string,
      min_value: min,
      max_value: t.max_value as number | null,
      deadline,
      kind: measure.kind,
      value,
      percent_of_min: min ? Math.round((value / min) * 1000) / 10 : null,
      status,
      done_date: (t.done_date as string | null) ?? null,
    };
  });
}

const entity = entityHandlers({
  table: 'targets',
  fields: targetFields,
  rules: (ctx, row) => {
    const issues: FieldIssue[] = [];
    if (!refExists(ctx, 'plans', row.plan_id)) issues.push({ field: 'plan_id', code: 'unknown_reference', params: { detail: String(row.plan_id) } });
    if (row.min_value != null && row.max_value != null && (row.min_value as number) > (row.max_value as number)) issues.push({ field: 'max_value', code: 'min_max' });
    const parsed = measureSchema.safeParse(row.measure);
    const problem = parsed.success ? measureProblem(parsed.data) : 'malformed';
    if (problem) issues.push({ field: 'measure', code: 'bad_measure', params: { detail: problem } });
    return issues;
  },
  view: {
    from: 'targets t JOIN plans p ON p.id = t.plan_id',
    rowid: 't.rowid',
    where: 't.deleted = 0',
    select: 't.*, p.name AS plan_name',
    columns: {
      name: { sql: 't.name', type: 'text', sortable: true },
      plan_name: { sql: 'p.name', type: 'text' },
      unit: { sql: 't.unit', type: 'text' },
      min_value: { sql: 't.min_value', type: 'number' },
      max_value: { sql: 't.max_value', type: 'number' },
      deadline: { sql: 't.deadline', type: 'date', sortable: true },
      updated_at: { sql: 't.updated_at', type: 'date', sortable: true },
    },
  },
});

export const targetsHandlers = slice('targets', {
  ...entity,
  /** Grid rows with each target's live value and status beside its definition. */
  rows: handler(gridRequestSchema, (ctx, req) => {
    const page = entity.rows.run(ctx, req);
    const progress = new Map(targetProgress(ctx.db, ctx.today()).map((p) => [p.id, p]));
    return { ...page, rows: page.rows.map((r) => ({ ...r, value: progress.get(r.id as string)?.value ?? null, status: progress.get(r.id as string)?.status ?? null })) };
  }),
  progress: handler(z.strictObject({ asOf: isoDate.optional(), planId: z.uuid().optional() }), (ctx, { asOf, planId }) =>
    targetProgress(ctx.db, asOf ?? ctx.today(), planId),
  ),
});

export const plansHandlers = slice('plans', {
  ...entityHandlers({
    table: 'plans',
    fields: { name: requiredText, source: shortText, start_date: isoDate, deadline: isoDate, notes: longText },
    view: { from: 'plans', rowid: 'plans.rowid', where: 'plans.deleted = 0', select: 'plans.*', columns: { name: { sql: 'plans.name', type: 'text', sortable: true } } },
  }),
  list: handler(z.strictObject({}), (ctx) => ctx.db.prepare('SELECT * FROM plans WHERE deleted = 0 ORDER BY start_date').all() as Record<string, unknown>[]),
});

export const milestonesHandlers = slice('milestones', {
  ...entityHandlers({
    table: 'milestones',
    fields: { plan_id: id, target_id: optionalId, name: requiredText, due_date: isoDate, done_date: optionalDate, notes: longText },
    rules: (ctx, row) => (refExists(ctx, 'plans', row.plan_id) ? [] : [{ field: 'plan_id', code: 'unknown_reference', params: { detail: String(row.plan_id) } }]),
    view: {
      from: 'milestones m', rowid: 'm.rowid', where: 'm.deleted = 0', select: 'm.*',
      columns: { name: { sql: 'm.name', type: 'text', sortable: true }, due_date: { sql: 'm.due_date', type: 'date', sortable: true } },
    },
  }),
  list: handler(z.strictObject({ planId: z.uuid().optional() }), (ctx, { planId }) =>
    ctx.db.prepare('SELECT * FROM milestones WHERE deleted = 0 AND (? IS NULL OR plan_id = ?) ORDER BY due_date').all(planId ?? null, planId ?? null) as Record<string, unknown>[],
  ),
});
