import { z } from 'zod';
import { incubationStages } from '../enums';
import type { Db } from '../db/open';
import { decodeRow } from '../db/write';
import { entityHandlers, refExists } from '../entity';
import type { FieldIssue } from '../errors';
import { id, isoDate, longText, optionalDate, optionalId, requiredText, shortText } from '../fields';
import { handler, readHandler, slice } from '../handler';
import { gridRequestSchema, type GridView } from '../grid/query';
import { measurable, measure, measureProblem, measureSchema, type Measure } from './measure';
import { leadStages } from '../leads/pipeline';
import { planNameEn, unitWords } from './names';

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

export type TargetStatus = 'achieved' | 'on_track' | 'at_risk' | 'missed' | 'overdue';

export interface TargetProgress {
  id: string;
  plan_id: string;
  plan_name: string;
  /** The seeded plan's English title (names.ts), or null for a plan the office named. */
  plan_name_en: string | null;
  plan_start: string;
  name: string;
  name_en: string | null;
  unit: string;
  min_value: number | null;
  max_value: number | null;
  baseline: number;
  deadline: string;
  kind: Measure['kind'];
  measure: Measure;
  value: number;
  /** Value expected at the deadline from the trend of the last 12 months (the value itself once due). */
  projection: number;
  /**
   * The as-of day is after the deadline: the value is the value at the deadline and nothing is left to
   * project (the Overview's card and the report show no projection). On the deadline day itself it is still projected.
   */
  pastDeadline: boolean;
  percent_of_min: number | null;
  status: TargetStatus;
  done_date: string | null;
  evidence: string | null;
  /** Cumulative value at the end of each month from the plan's start to min(asOf, deadline). */
  burnup: { month: string; value: number }[];
}

const DAY = 86_400_000;
const days = (from: string, to: string) => Math.round((Date.parse(to) - Date.parse(from)) / DAY);
const minusDays = (date: string, n: number) => new Date(Date.parse(date) - n * DAY).toISOString().slice(0, 10);

function monthsFrom(start: string, end: string): string[] {
  const out: string[] = [];
  let [y, m] = start.slice(0, 7).split('-').map(Number) as [number, number];
  const last = end.slice(0, 7);
  for (let guard = 0; guard < 1200; guard++) {
    const key = `${y}-${String(m).padStart(2, '0')}`;
    if (key > last) break;
    out.push(key);
    if (++m > 12) [y, m] = [y + 1, 1];
  }
  return out;
}

/**
 * Every live target's progress as of a date. Computed targets measure the registry between the plan's
 * start and min(deadline, asOf) with the values records had on that date (see measure.ts); milestones
 * are achieved when completed on or before it. Status: achieved (≥ min), missed (past the deadline),
 * on track (the projection reaches the minimum) or at risk; an open milestone past its deadline is overdue.
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
    const m = t.measure as Measure;
    const deadline = t.deadline as string;
    const start = t.start_date as string;
    const min = t.min_value as number | null;
    const baseline = (t.baseline as number | null) ?? 0;
    let value: number;
    let projection: number;
    let status: TargetStatus;
    let burnup: TargetProgress['burnup'] = [];
    if (m.kind === 'milestone') {
      const done = typeof t.done_date === 'string' && t.done_date <= asOf;
      value = projection = done ? 1 : 0;
      status = done ? 'achieved' : asOf > deadline ? 'overdue' : 'on_track';
    } else {
      const r = measure(db, m, { from: start, to: deadline }, asOf);
      value = baseline + r.value;
      const end = asOf < deadline ? asOf : deadline;
      let running = baseline;
      burnup = monthsFrom(start, end).map((month) => ({ month, value: (running += r.byMonth.get(month) ?? 0) }));
      let projected = value;
      if (asOf >= deadline) projection = value;
      else {
        const trendFrom = minusDays(asOf, 365) > start ? minusDays(asOf, 365) : start;
        const before = burnup.filter((b) => b.month < trendFrom.slice(0, 7)).at(-1)?.value ?? baseline;
        const span = Math.max(1, days(trendFrom, asOf));
        projected = value + ((value - before) / span) * days(asOf, deadline);
        // A count projects whole things ("7.5 companies" means nothing): the ones the trend completes
        // (rounded down, so the figure agrees with the status: 1.5 of 2 is 1, at risk). Sums keep one decimal.
        projection = m.kind === 'count' ? Math.floor(projected + 1e-9) : Math.round(projected * 10) / 10;
      }
      status = min !== null && value >= min ? 'achieved' : asOf > deadline ? 'missed' : projected >= (min ?? 0) ? 'on_track' : 'at_risk';
    }
    return {
      id: t.id as string,
      plan_id: t.plan_id as string,
      plan_name: t.plan_name as string,
      plan_name_en: planNameEn(t.plan_name as string),
      plan_start: start,
      name: t.name as string,
      name_en: (t.name_en as string | null) ?? null,
      unit: t.unit as string,
      min_value: min,
      max_value: t.max_value as number | null,
      baseline,
      deadline,
      kind: m.kind,
      measure: m,
      value,
      projection,
      pastDeadline: asOf > deadline,
      percent_of_min: min ? Math.round((value / min) * 1000) / 10 : null,
      status,
      // As known on the as-of day: a milestone completed later is not shown done, nor its evidence.
      ...(m.kind === 'milestone' && typeof t.done_date === 'string' && t.done_date > asOf
        ? { done_date: null, evidence: null }
        : { done_date: (t.done_date as string | null) ?? null, evidence: (t.evidence as string | null) ?? null }),
      burnup,
    };
  });
}

/** The units the office's targets use, each with the words it is shown as (the unit itself is the code). */
function unitLabels(db: Db): Record<string, readonly string[]> {
  const units = db.prepare('SELECT DISTINCT unit FROM targets WHERE deleted = 0').pluck().all() as string[];
  return Object.fromEntries(units.map((u) => [u, unitWords(u)]));
}

/** The targets grid: definitions with their plan; value and status are added from targetProgress. */
export const targetsView = {
  from: 'targets t JOIN plans p ON p.id = t.plan_id',
  rowid: 't.rowid',
  where: 't.deleted = 0',
  select: 't.*, p.name AS plan_name',
  columns: {
    name: { sql: 't.name', type: 'text', sortable: true },
    plan_name: { sql: 'p.name', type: 'text' },
    // A closed list of the units targets use, matched by what the UI shows in either language (家, companies).
    unit: { sql: 't.unit', type: 'enum', labels: unitLabels },
    min_value: { sql: 't.min_value', type: 'number' },
    max_value: { sql: 't.max_value', type: 'number' },
    deadline: { sql: 't.deadline', type: 'date', sortable: true },
    updated_at: { sql: 't.updated_at', type: 'date', sortable: true },
  },
} satisfies GridView;

const entity = entityHandlers({
  table: 'targets',
  fields: targetFields,
  rules: (ctx, row) => {
    const issues: FieldIssue[] = [];
    if (!refExists(ctx, 'plans', row.plan_id)) issues.push({ field: 'plan_id', code: 'unknown_reference', params: { detail: String(row.plan_id) } });
    if (row.min_value != null && row.max_value != null && (row.min_value as number) > (row.max_value as number)) issues.push({ field: 'max_value', code: 'min_max' });
    const parsed = measureSchema.safeParse(row.measure);
    const problem = parsed.success ? measureProblem(parsed.data, ctx.db) : 'malformed';
    if (problem) issues.push({ field: 'measure', code: 'bad_measure', params: { detail: problem } });
    return issues;
  },
  view: targetsView,
});

export const targetsHandlers = slice('targets', {
  ...entity,
  /** Grid rows with each target's live value and status beside its definition. */
  rows: handler(gridRequestSchema, (ctx, req) => {
    const page = entity.rows.run(ctx, req);
    const progress = new Map(targetProgress(ctx.db, ctx.today()).map((p) => [p.id, p]));
    return {
      ...page,
      rows: page.rows.map((r) => {
        const p = progress.get(r.id as string);
        return { ...r, plan_name_en: planNameEn(r.plan_name as string), value: p?.value ?? null, status: p?.status ?? null, kind: p?.kind ?? null };
      }),
    };
  }),
  /** What a computed target may count, sum, filter and date by: the metric editor's choices. */
  measurable: readHandler(z.strictObject({}), (ctx) => ({
    ...measurable,
    stages: { leads: leadStages(ctx.db).map((s) => s.id), incubations: [...incubationStages] },
  })),
  progress: readHandler(z.strictObject({ asOf: isoDate.optional(), planId: z.uuid().optional() }), (ctx, { asOf, planId }) =>
    targetProgress(ctx.db, asOf ?? ctx.today(), planId),
  ),
});

export const plansHandlers = slice('plans', {
  ...entityHandlers({
    table: 'plans',
    fields: { name: requiredText, source: shortText, start_date: isoDate, deadline: isoDate, notes: longText },
    view: { from: 'plans', rowid: 'plans.rowid', where: 'plans.deleted = 0', select: 'plans.*', columns: { name: { sql: 'plans.name', type: 'text', sortable: true } } },
  }),
  list: readHandler(z.strictObject({}), (ctx) =>
    (ctx.db.prepare('SELECT * FROM plans WHERE deleted = 0 ORDER BY start_date').all() as (Record<string, unknown> & { id: string; name: string })[]).map((p) => ({ ...p, name_en: planNameEn(p.name as string) })),
  ),
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
  list: readHandler(z.strictObject({ planId: z.uuid().optional() }), (ctx, { planId }) =>
    ctx.db.prepare('SELECT * FROM milestones WHERE deleted = 0 AND (? IS NULL OR plan_id = ?) ORDER BY due_date').all(planId ?? null, planId ?? null) as Record<string, unknown>[],
  ),
});
