import { z } from 'zod';
import { prepared, type Db } from '../db/open';
import { fieldWinners, type LogEntry } from '../db/materialize';
import { incubationProgression, incubationStages } from '../enums';
import { AppError } from '../errors';
import { isoDate } from '../fields';
import { leadStages } from '../leads/pipeline';
import { endOfLocalDay } from '../util/day';

/**
 * How a target's progress is measured. Either computed from the registry — a count (or sum of a
 * field) over enterprises, incubations or leads matching filters, placed in a date window by a date
 * column or by the date a stage was first reached (`stage:signed`) — or a milestone completed by hand.
 * Fields come from an allow-list per entity; nothing reaches SQL unchecked.
 */
export const measurable = {
  enterprises: { filters: ['kind', 'status', 'industry'], dates: ['entry_date', 'exit_date', 'founded_date'], sums: ['registered_capital', 'revenue', 'tax', 'headcount', 'area_m2', 'patents'] },
  incubations: { filters: ['stage', 'cohort'], dates: ['applied_date', 'admitted_date', 'exit_date'], sums: [] },
  leads: { filters: ['stage', 'source', 'industry', 'owner_id'], dates: ['next_follow_up'], sums: ['intended_investment', 'expected_area_m2'] },
} as const;
export type MeasuredEntity = keyof typeof measurable;

/** Incubation stages in order, up to graduated (terminated is a dead end, like a lost lead). */
export const INCUBATION_ORDER = incubationProgression;

export const measureSchema = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.enum(['count', 'sum']),
    entity: z.enum(['enterprises', 'incubations', 'leads']),
    /** For `sum`: the field added up. */
    field: z.string().max(40).optional(),
    /** Each key is a field; the row matches when its value is one of the listed codes. */
    where: z.record(z.string().max(40), z.array(z.string().max(60)).min(1).max(20)).default({}),
    /** A date column, or `stage:<code>`: the date the row first reached that stage or a later one. */
    dateField: z.string().max(60),
    from: isoDate.optional(),
    to: isoDate.optional(),
  }),
  z.strictObject({ kind: z.literal('milestone') }),
]);
export type Measure = z.infer<typeof measureSchema>;
type Computed = Exclude<Measure, { kind: 'milestone' }>;

/** Why a definition cannot be computed, or null when it can. */
export function measureProblem(m: Measure, db?: Db): string | null {
  if (m.kind === 'milestone') return null;
  const allowed = measurable[m.entity];
  for (const f of Object.keys(m.where)) if (!(allowed.filters as readonly string[]).includes(f)) return `${m.entity}.${f} cannot be filtered`;
  if (m.dateField.startsWith('stage:')) {
    if (m.entity === 'enterprises') return 'enterprises have no stages';
    const stage = m.dateField.slice(6);
    const known = m.entity === 'incubations' ? [...incubationStages] : db ? leadStages(db).map((s) => s.id) : [stage];
    if (!known.includes(stage)) return `${m.entity} have no stage ${stage}`;
  } else if (!(allowed.dates as readonly string[]).includes(m.dateField)) return `${m.entity}.${m.dateField} is not a date field`;
  if (m.kind === 'sum' && !(allowed.sums as readonly string[]).includes(m.field ?? '')) return `${m.entity}.${m.field ?? '?'} cannot be summed`;
  if (m.kind === 'count' && m.field) return 'count takes no field';
  if (m.from && m.to && m.from > m.to) return 'from is after to';
  return null;
}

export interface Window {
  from: string;
  to: string;
}

/** Value per month (YYYY-MM) of the rows dated in the window; the value is their total. */
export interface MeasureResult {
  value: number;
  byMonth: Map<string, number>;
}

/** The stages that count as "reached X": X and every later stage of the same path (not lost/terminated). */
function reachedStages(db: Db, entity: 'leads' | 'incubations', stage: string): string[] {
  if (entity === 'incubations') {
    const i = INCUBATION_ORDER.indexOf(stage);
    return i < 0 ? [stage] : INCUBATION_ORDER.slice(i);
  }
  const stages = leadStages(db);
  const target = stages.find((s) => s.id === stage);
  if (!target || target.kind === 'lost') return [stage];
  return stages.filter((s) => s.kind !== 'lost' && s.sort >= target.sort).map((s) => s.id);
}


/**
 * The measured value as of `asOf`, over rows dated within `window` (inclusive). Rows are placed by
 * business dates (the date column, or the first stage event reaching the stage, dated ≤ asOf). Field
 * values are those the row had on `asOf`: changes logged after that day are replayed backwards from the
 * change log (a status changed later counts with its old value; a row deleted later still counts; one
 * restored later does not). Leads count once per project: leads linked to the same enterprise are one
 * project, and for sums the later lead only adds its increment over the earlier (the largest amount).
 * `rollup: false` computes a reached-stage count by the join alone (the tests' reference for stage_firsts).
 */
export function measure(db: Db, m: Measure, window: Window, asOf: string, options: { rollup?: boolean } = {}): MeasureResult {
  if (m.kind === 'milestone') return { value: 0, byMonth: new Map() };
  const problem = measureProblem(m, db);
  if (problem) throw new AppError('bad_measure', { detail: problem });
  const from = m.from && m.from > window.from ? m.from : window.from;
  const toBound = m.to && m.to < window.to ? m.to : window.to;
  const to = toBound < asOf ? toBound : asOf;
  if (from > to) return { value: 0, byMonth: new Map() };

  const fields = [...Object.keys(m.where), ...(m.kind === 'sum' ? [m.field!] : []), ...(m.dateField.startsWith('stage:') ? [] : [m.dateField]), ...(m.entity === 'leads' ? ['enterprise_id'] : [])];
  const replayed = replay(db, m.entity, [...new Set([...fields, 'deleted'])], asOf);

  // Rows with no change after asOf: their stored values are their values on asOf — plain SQL.
  const dateJoin = stageDateSource(db, m, asOf);
  // Rows to replay are excluded here (only when there are any: the clause makes SQLite read each row).
  const conds = [...(replayed.size ? ['t.id NOT IN (SELECT value FROM json_each(?))'] : []), 't.deleted = 0', `${dateJoin.date} BETWEEN ? AND ?`];
  const params: unknown[] = [...dateJoin.params, ...(replayed.size ? [JSON.stringify([...replayed.keys()])] : []), from, to];
  for (const [field, values] of Object.entries(m.where)) {
    conds.push(`t.${field} IN (${values.map(() => '?').join(', ')})`);
    params.push(...values);
  }
  const amount = m.kind === 'sum' ? `coalesce(t.${m.field}, 0)` : '1';
  const byMonth = new Map<string, number>();
  const add = (date: string, v: number) => byMonth.set(date.slice(0, 7), (byMonth.get(date.slice(0, 7)) ?? 0) + v);
  const qualifying: { project: string; date: string; amount: number }[] = [];

  const rollup = options.rollup === false ? null : reachFromRollup(db, m, from, to, replayed.size ? JSON.stringify([...replayed.keys()]) : null);
  if (rollup) {
    for (const r of rollup.byDay) add(r.date, r.n);
    qualifying.push(...rollup.linked);
  } else if (m.entity === 'leads' && replayed.size === 0) {
    // Nothing to replay: one project per enterprise, dated by its first lead, worth its largest amount — all
    // in SQL, in one pass over the dated leads. A lead linked to no enterprise is a project of its own: it
    // groups alone (by its id), so its date and amount are its own.
    const rows = prepared(
      db,
      `SELECT substr(first, 1, 7) AS month, ${m.kind === 'sum' ? 'sum(amount)' : 'count(*)'} AS v FROM (
         SELECT min(${dateJoin.date}) AS first, max(${amount}) AS amount
         FROM leads t ${dateJoin.sql} WHERE ${conds.join(' AND ')}
         GROUP BY t.enterprise_id, CASE WHEN t.enterprise_id IS NULL THEN t.id END
       ) GROUP BY month`,
    ).all(...params) as { month: string; v: number }[];
    for (const r of rows) add(r.month, r.v);
  } else if (m.entity === 'leads') {
    const rows = prepared(db, `SELECT coalesce(t.enterprise_id, t.id) AS project, ${dateJoin.date} AS date, ${amount} AS amount FROM leads t ${dateJoin.sql} WHERE ${conds.join(' AND ')}`).all(...params) as typeof qualifying;
    qualifying.push(...rows);
  } else {
    const rows = prepared(db, `SELECT substr(${dateJoin.date}, 1, 7) AS month, sum(${amount}) AS v FROM ${m.entity} t ${dateJoin.sql} WHERE ${conds.join(' AND ')} GROUP BY month`).all(...params) as { month: string; v: number }[];
    for (const r of rows) byMonth.set(r.month, r.v);
  }

  // Rows changed after asOf: evaluate their replayed values here.
  if (replayed.size) {
    const stageDates = dateJoin.datesFor ? dateJoin.datesFor([...replayed.keys()]) : null;
    for (const [id, row] of replayed) {
      if (row.deleted !== 0) continue;
      if (!Object.entries(m.where).every(([f, values]) => values.includes(String(row[f])))) continue;
      const date = stageDates ? stageDates.get(id) : (row[m.dateField] as string | null);
      if (!date || date < from || date > to) continue;
      const v = m.kind === 'sum' ? Number(row[m.field!] ?? 0) : 1;
      if (m.entity === 'leads') qualifying.push({ project: (row.enterprise_id as string | null) ?? id, date, amount: v });
      else add(date, v);
    }
  }

  if (m.entity === 'leads' && qualifying.length) {
    // One project per enterprise: dated by its first lead, worth its largest amount (first + increments).
    const projects = new Map<string, { date: string; amount: number }>();
    for (const q of qualifying) {
      const p = projects.get(q.project);
      if (!p) projects.set(q.project, { date: q.date, amount: q.amount });
      else projects.set(q.project, { date: q.date < p.date ? q.date : p.date, amount: Math.max(p.amount, q.amount) });
    }
    for (const p of projects.values()) add(p.date, m.kind === 'sum' ? p.amount : 1);
  }
  let value = 0;
  for (const v of byMonth.values()) value += v;
  return { value, byMonth };
}

/**
 * A count of rows that reached a stage, with no filter: read from stage_reach (migration 0013, kept by
 * the write path), which holds each live row's first date reaching each stage and its project — an
 * index range by (entity, stage, date) instead of grouping every stage event and looking each lead up.
 * The same figures as the join below: rows changed after asOf are left to the replay; rows that are
 * their own project (every incubation, leads linked to no enterprise) are counted per day, and linked
 * leads are returned as rows for the grouping per project (with the replayed ones). A row whose first
 * reach is in the window was reached by asOf (the window ends by asOf). Null when the measure needs
 * the rows' own fields (a filter or a sum): the join serves it.
 */
function reachFromRollup(db: Db, m: Computed, from: string, to: string, replayedIds: string | null): { byDay: { date: string; n: number }[]; linked: { project: string; date: string; amount: number }[] } | null {
  if (m.kind !== 'count' || !m.dateField.startsWith('stage:') || Object.keys(m.where).length > 0 || m.entity === 'enterprises') return null;
  const notReplayed = replayedIds ? ' AND row_id NOT IN (SELECT value FROM json_each(?))' : '';
  const params = [m.entity, m.dateField.slice(6), from, to, ...(replayedIds ? [replayedIds] : [])];
  // Each from its partial index (migration 0013): the WHERE terms name the index's condition.
  const range = (index: string, own: string) => `FROM stage_reach INDEXED BY ${index} WHERE ${own} AND entity = ? AND stage = ? AND date BETWEEN ? AND ?${notReplayed}`;
  return {
    byDay: prepared(db, `SELECT date, count(*) AS n ${range('stage_reach_own', 'project = row_id')} GROUP BY date`).all(...params) as { date: string; n: number }[],
    linked: m.entity === 'leads' ? (prepared(db, `SELECT project, min(date) AS date, 1 AS amount ${range('stage_reach_linked', 'project <> row_id')} GROUP BY project`).all(...params) as { project: string; date: string; amount: number }[]) : [],
  };
}

/** Each row's date: the column itself, or (joined) the first stage event reaching the stage by asOf. */
function stageDateSource(db: Db, m: Computed, asOf: string): { sql: string; date: string; params: unknown[]; datesFor?: (ids: string[]) => Map<string, string> } {
  if (!m.dateField.startsWith('stage:')) return { sql: '', date: `t.${m.dateField}`, params: [] };
  const stages = reachedStages(db, m.entity as 'leads' | 'incubations', m.dateField.slice(6));
  const inList = stages.map(() => '?').join(', ');
  const sub = `SELECT row_id AS rid, min(date) AS date FROM stage_events WHERE deleted = 0 AND entity = ? AND stage IN (${inList}) AND date <= ? GROUP BY row_id`;
  return {
    sql: `JOIN (${sub}) d ON d.rid = t.id`,
    date: 'd.date',
    params: [m.entity, ...stages, asOf],
    datesFor: (ids) =>
      new Map(
        (db.prepare(`${sub.replace('GROUP BY row_id', 'AND row_id IN (SELECT value FROM json_each(?)) GROUP BY row_id')}`).all(m.entity, ...stages, asOf, JSON.stringify(ids)) as { rid: string; date: string }[]).map((r) => [r.rid, r.date]),
      ),
  };
}

/**
 * The rows of `table` that changed after `asOf` (not counting their creation), with the listed fields
 * as they were at the end of that day: each field's last write on or before it by clock order (merged
 * changes from other copies included, and bulk-load '*' snapshots like per-field writes), not the old
 * value some later writer happened to see. A row absorbed into another (the same enterprise created on
 * two devices) never counts: its history counts under the survivor.
 */
function replay(db: Db, table: MeasuredEntity, fields: string[], asOf: string): Map<string, Record<string, unknown>> {
  // Fields as a literal IN list and no ORDER BY: the plan must probe (tbl, field, stamp) for the few
  // later changes, not walk every change of the table in row order (a bulk load logs a million).
  const ids = [
    ...new Set(
      (
        prepared(
          db,
          `SELECT c.row_id FROM changes c INDEXED BY changes_field
           WHERE c.tbl = ? AND c.field IN (${fields.map(() => '?').join(', ')}) AND c.stamp > ?
             AND c.stamp > (SELECT min(c2.stamp) FROM changes c2 WHERE c2.tbl = c.tbl AND c2.row_id = c.row_id)`,
        ).all(table, ...fields, endOfLocalDay(asOf)) as { row_id: string }[]
      ).map((r) => r.row_id),
    ),
  ];
  const out = new Map<string, Record<string, unknown>>();
  if (!ids.length) return out;
  const entries = db
    .prepare(
      `SELECT stamp, site, user, tbl, row_id, field, old_value, new_value FROM changes
       WHERE tbl = ? AND row_id IN (SELECT value FROM json_each(?)) AND stamp <= ? AND field IN (${fields.map(() => '?').join(', ')}, '*')`,
    )
    .all(table, JSON.stringify(ids), endOfLocalDay(asOf), ...fields) as LogEntry[];
  const byRow = new Map<string, LogEntry[]>(ids.map((id) => [id, []]));
  for (const e of entries) byRow.get(e.row_id)!.push(e);
  const absorbed = new Set((db.prepare('SELECT id FROM row_aliases WHERE tbl = ? AND deleted = 0 AND id IN (SELECT value FROM json_each(?))').all(table, JSON.stringify(ids)) as { id: string }[]).map((r) => r.id));
  for (const [id, rowEntries] of byRow) {
    const wins = fieldWinners(rowEntries);
    const row: Record<string, unknown> = { id };
    for (const f of fields) row[f] = wins.get(f)?.value ?? (f === 'deleted' ? 0 : null);
    if (absorbed.has(id)) row.deleted = 1;
    out.set(id, row);
  }
  return out;
}
