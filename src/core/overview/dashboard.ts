import { z } from 'zod';
import { prepared, type Db } from '../db/open';
import { isoDate } from '../fields';
import { readHandler, slice } from '../handler';
import { leadStages, openLeadStages } from '../leads/pipeline';
import { targetProgress } from '../targets/handlers';
import { REGISTERED_STATUSES } from '../enterprises/registered';
import { ACTIVE_INCUBATION_STAGES } from '../incubation/status';
import { incubationStages } from '../enums';

/**
 * Everything the Overview draws, as of one date, in one call: target progress, the lead funnel with
 * conversion rates, time spent per stage, the incubation flow, industry mix, entries and exits per
 * quarter, overdue follow-ups and the timeline of milestones and deadlines. Stage figures come from
 * dated stage events, so an earlier as-of date shows the pipeline as it stood then.
 */

export interface FunnelStage {
  stage: string;
  /** Leads whose stage on asOf is this one. */
  current: number;
  /** Leads at this stage or a later one of the path (not lost): the funnel's width. */
  atOrBeyond: number;
  /** atOrBeyond of this stage / atOrBeyond of the previous one; null for the first. */
  conversion: number | null;
  /** The stage and its later stages: what the grid filters on when this stage is clicked. */
  codes: string[];
}

/**
 * How many rows are in each stage on asOf. From today on that is the stored stage (every stage change
 * records an event, and events are never dated in the future); before, the stay (event) each row was
 * in on that day: whole months from stage_months, the month of asOf exactly from the events, minus
 * the stays of withdrawn (deleted) rows.
 */
export function stagesOn(db: Db, entity: 'leads' | 'incubations', asOf: string, today: string): Map<string, number> {
  if (asOf >= today) {
    // stage_counts: the live rows per stored stage, kept by the write path (db/reach.ts).
    const rows = prepared(db, 'SELECT stage, n FROM stage_counts WHERE entity = ? AND n > 0').all(entity) as { stage: string; n: number }[];
    return new Map(rows.map((r) => [r.stage, r.n]));
  }
  const m = monthBounds(asOf);
  const out = new Map<string, number>();
  const add = (rows: { stage: string; n: number }[], sign = 1) => {
    for (const r of rows) out.set(r.stage, (out.get(r.stage) ?? 0) + sign * r.n);
  };
  add(
    prepared(db, "SELECT stage, sum(n) AS n FROM stage_months WHERE entity = ? AND start_month < ? AND (end_month = '' OR end_month > ?) GROUP BY stage").all(entity, m.month, m.month) as {
      stage: string;
      n: number;
    }[],
  );
  add(
    prepared(
      db,
      `SELECT stage, count(*) AS n FROM stage_events WHERE rowid IN (
         SELECT rowid FROM stage_events WHERE entity = ? AND deleted = 0 AND date BETWEEN ? AND ?
         UNION SELECT rowid FROM stage_events WHERE entity = ? AND deleted = 0 AND until BETWEEN ? AND ?
       ) AND date <= ? AND (until IS NULL OR until > ?) GROUP BY stage`,
    ).all(entity, m.first, m.last, entity, m.first, m.last, asOf, asOf) as { stage: string; n: number }[],
  );
  add(
    prepared(
      db,
      `SELECT e.stage AS stage, count(*) AS n FROM ${entity} t INDEXED BY ${entity}_tombstones
       JOIN stage_events e ON e.entity = ? AND e.row_id = t.id AND e.deleted = 0
       WHERE t.deleted = 1 AND e.date <= ? AND (e.until IS NULL OR e.until > ?) GROUP BY e.stage`,
    ).all(entity, asOf, asOf) as { stage: string; n: number }[],
    -1,
  );
  for (const [stage, n] of out) if (n === 0) out.delete(stage);
  return out;
}

/** The month of a date as stage_months and enterprise_months key it, and its first and last day. */
function monthBounds(date: string): { month: string; first: string; last: string } {
  const month = date.slice(0, 7);
  return { month, first: `${month}-01`, last: `${month}-31` };
}

export function leadFunnel(db: Db, asOf: string, today: string): { stages: FunnelStage[]; lost: number } {
  const stages = leadStages(db);
  const path = stages.filter((s) => s.kind !== 'lost');
  const current = stagesOn(db, 'leads', asOf, today);
  const out: FunnelStage[] = [];
  path.forEach((s, i) => {
    const codes = path.slice(i).map((x) => x.id);
    const atOrBeyond = codes.reduce((a, c) => a + (current.get(c) ?? 0), 0);
    const prev = out[i - 1];
    out.push({ stage: s.id, current: current.get(s.id) ?? 0, atOrBeyond, conversion: prev ? (prev.atOrBeyond ? Math.round((atOrBeyond / prev.atOrBeyond) * 1000) / 10 : 0) : null, codes });
  });
  const lost = stages.filter((s) => s.kind === 'lost').reduce((a, s) => a + (current.get(s.id) ?? 0), 0);
  return { stages: out, lost };
}

/** Average days spent in each stage by stays that ended (moved on) on or before asOf. */
export function timeInStage(db: Db, entity: 'leads' | 'incubations', asOf: string): { stage: string; days: number; leads: number }[] {
  const m = monthBounds(asOf);
  const totals = new Map<string, { days: number; n: number }>();
  const rows = [
    ...(prepared(db, "SELECT stage, sum(days) AS days, sum(n) AS n FROM stage_months WHERE entity = ? AND end_month <> '' AND end_month < ? GROUP BY stage").all(entity, m.month) as { stage: string; days: number; n: number }[]),
    ...(prepared(
      db,
      'SELECT stage, sum(julianday(until) - julianday(date)) AS days, count(*) AS n FROM stage_events WHERE entity = ? AND deleted = 0 AND until BETWEEN ? AND ? GROUP BY stage',
    ).all(entity, m.first, asOf) as { stage: string; days: number; n: number }[]),
  ];
  for (const r of rows) {
    const t = totals.get(r.stage) ?? { days: 0, n: 0 };
    totals.set(r.stage, { days: t.days + r.days, n: t.n + r.n });
  }
  return [...totals]
    .filter(([, t]) => t.n > 0)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([stage, t]) => ({ stage, days: Math.round((t.days / t.n) * 10) / 10, leads: t.n }));
}

/** Incubation stage transitions up to asOf, forward moves only (a sankey must not loop). */
export function incubationFlow(db: Db, asOf: string): { source: string; target: string; value: number }[] {
  const m = monthBounds(asOf);
  const flows = new Map<string, { source: string; target: string; value: number }>();
  const rows = [
    ...(prepared(db, "SELECT from_stage AS source, stage AS target, sum(n) AS value FROM stage_months WHERE entity = 'incubations' AND from_stage <> '' AND start_month < ? GROUP BY from_stage, stage").all(m.month) as {
      source: string;
      target: string;
      value: number;
    }[]),
    ...(prepared(
      db,
      "SELECT from_stage AS source, stage AS target, count(*) AS value FROM stage_events WHERE entity = 'incubations' AND deleted = 0 AND date BETWEEN ? AND ? AND from_stage IS NOT NULL GROUP BY from_stage, stage",
    ).all(m.first, asOf) as { source: string; target: string; value: number }[]),
  ];
  for (const r of rows) {
    const key = `${r.source}>${r.target}`;
    const f = flows.get(key);
    if (f) f.value += r.value;
    else flows.set(key, { ...r });
  }
  return [...flows.values()].filter((r) => r.value > 0 && incubationStages.indexOf(r.target) > incubationStages.indexOf(r.source)).sort((a, b) => (a.source + a.target < b.source + b.target ? -1 : 1));
}

/**
 * Enterprises present on asOf (entered by then, not yet left), by industry: whole months from
 * enterprise_months, and the rows that entered or left in the month of asOf checked by date.
 */
export function industryMix(db: Db, asOf: string): { industry: string; n: number }[] {
  const m = monthBounds(asOf);
  const counts = new Map<string, number>();
  const rows = [
    ...(prepared(
      db,
      "SELECT industry, sum(n) AS n FROM enterprise_months WHERE (entry_month = '' OR entry_month < ?) AND (exit_month = '' OR exit_month > ?) GROUP BY industry",
    ).all(m.month, m.month) as { industry: string; n: number }[]),
    // Entered in the month of asOf (from enterprises_presence alone)...
    ...(prepared(
      db,
      `SELECT coalesce(industry, '') AS industry, count(*) AS n FROM enterprises INDEXED BY enterprises_presence
       WHERE deleted = 0 AND entry_date BETWEEN ? AND ? AND entry_date <= ? AND (exit_date IS NULL OR exit_date > ?) GROUP BY 1`,
    ).all(m.first, m.last, asOf, asOf) as { industry: string; n: number }[]),
    // ...or entered before it (or on no known date) and left in it (from enterprises_exit_presence).
    ...(prepared(
      db,
      `SELECT coalesce(industry, '') AS industry, count(*) AS n FROM enterprises INDEXED BY enterprises_exit_presence
       WHERE deleted = 0 AND exit_date BETWEEN ? AND ? AND (entry_date IS NULL OR entry_date < ?) AND exit_date > ? GROUP BY 1`,
    ).all(m.first, m.last, m.first, asOf) as { industry: string; n: number }[]),
  ];
  for (const r of rows) counts.set(r.industry, (counts.get(r.industry) ?? 0) + r.n);
  return [...counts]
    .filter(([, n]) => n > 0)
    .map(([industry, n]) => ({ industry, n }))
    .sort((a, b) => b.n - a.n || (a.industry < b.industry ? -1 : 1));
}

const quarterOf = (date: string) => `${date.slice(0, 4)}-Q${Math.floor((Number(date.slice(5, 7)) - 1) / 3) + 1}`;

/** Quarters the chart may span at most (fifty years): a mistyped 1900 entry date must not make thousands. */
const MAX_QUARTERS = 200;

/**
 * The first and last entry or exit date on or before asOf. One min() or max() per subquery: SQLite
 * answers each with one seek into the date's index, where a min() and a max() together read every
 * entry of the range (a million at scale).
 */
export function entryExitBounds(db: Db, asOf: string): { lo: string | null; hi: string | null } {
  return prepared(
    db,
    `SELECT min(lo) AS lo, max(hi) AS hi FROM (
       SELECT (SELECT min(entry_date) FROM enterprises WHERE deleted = 0 AND entry_date <= ?) AS lo, (SELECT max(entry_date) FROM enterprises WHERE deleted = 0 AND entry_date <= ?) AS hi
       UNION ALL SELECT (SELECT min(exit_date) FROM enterprises WHERE deleted = 0 AND exit_date <= ?), (SELECT max(exit_date) FROM enterprises WHERE deleted = 0 AND exit_date <= ?))`,
  ).get(asOf, asOf, asOf, asOf) as { lo: string | null; hi: string | null };
}

/**
 * Entries and exits per quarter over the whole history: from the quarter of the first entry or exit
 * to the quarter of the last one on or before asOf (the renderer shows a movable window over it), so
 * one new entry today does not hide the years before it.
 */
export function entriesAndExits(db: Db, asOf: string): { quarter: string; from: string; to: string; entries: number; exits: number }[] {
  const bounds = entryExitBounds(db, asOf);
  const end = new Date(`${bounds.hi ?? asOf}T00:00:00Z`);
  const start = new Date(`${bounds.lo ?? asOf}T00:00:00Z`);
  const span = (end.getUTCFullYear() - start.getUTCFullYear()) * 4 + Math.floor(end.getUTCMonth() / 3) - Math.floor(start.getUTCMonth() / 3);
  const quarters: { quarter: string; from: string; to: string; entries: number; exits: number }[] = [];
  for (let i = Math.min(span, MAX_QUARTERS - 1); i >= 0; i--) {
    const d = new Date(Date.UTC(end.getUTCFullYear(), Math.floor(end.getUTCMonth() / 3) * 3 - i * 3, 1));
    const from = d.toISOString().slice(0, 10);
    const to = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 3, 0)).toISOString().slice(0, 10);
    quarters.push({ quarter: quarterOf(from), from, to, entries: 0, exits: 0 });
  }
  const first = quarters[0]!.from;
  const byQuarter = new Map(quarters.map((q) => [q.quarter, q]));
  // Whole months from enterprise_months; the month of asOf (up to asOf) from the rows themselves.
  const m = monthBounds(asOf);
  const perMonth = (column: 'entry_date' | 'exit_date') => {
    const key = column === 'entry_date' ? 'entry_month' : 'exit_month';
    return [
      ...(prepared(db, `SELECT ${key} AS month, sum(n) AS n FROM enterprise_months WHERE ${key} >= ? AND ${key} < ? GROUP BY ${key}`).all(first.slice(0, 7), m.month) as { month: string; n: number }[]),
      ...(prepared(db, `SELECT substr(${column}, 1, 7) AS month, count(*) AS n FROM enterprises WHERE deleted = 0 AND ${column} BETWEEN ? AND ?`).all(m.first < first ? first : m.first, asOf) as {
        month: string | null;
        n: number;
      }[]),
    ];
  };
  for (const r of perMonth('entry_date')) if (r.month && r.n) (byQuarter.get(quarterOf(r.month)) ?? { entries: 0 }).entries += r.n;
  for (const r of perMonth('exit_date')) if (r.month && r.n) (byQuarter.get(quarterOf(r.month)) ?? { exits: 0 }).exits += r.n;
  return quarters;
}

export function overdueFollowUps(db: Db, asOf: string): { count: number; leads: { id: string; company: string; next_follow_up: string; owner: string | null }[] } {
  const open = openLeadStages(db);
  // A literal IN list: one (stage, next_follow_up) index range per open stage.
  const where = `l.deleted = 0 AND l.stage IN (${open.map(() => '?').join(', ') || 'NULL'}) AND l.next_follow_up < ?`;
  return {
    count: (prepared(db, `SELECT count(*) AS n FROM leads l INDEXED BY leads_stage_follow_up WHERE ${where}`).get(...open, asOf) as { n: number }).n,
    leads: prepared(db, `SELECT l.id, l.company, l.next_follow_up, s.name AS owner FROM leads l LEFT JOIN staff s ON s.id = l.owner_id WHERE ${where} ORDER BY l.next_follow_up LIMIT 20`).all(
      ...open,
      asOf,
    ) as { id: string; company: string; next_follow_up: string; owner: string | null }[],
  };
}

/** Plan deadlines and milestones as known on the as-of day: one completed later is still open then. */
export function timeline(db: Db, asOf: string): { date: string; kind: 'deadline' | 'milestone'; name: string; done: boolean }[] {
  const plans = db.prepare("SELECT deadline AS date, 'deadline' AS kind, name, 0 AS done FROM plans WHERE deleted = 0").all() as { date: string; kind: 'deadline'; name: string; done: number }[];
  const milestones = db
    .prepare("SELECT CASE WHEN done_date <= ? THEN done_date ELSE due_date END AS date, 'milestone' AS kind, name, coalesce(done_date <= ?, 0) AS done FROM milestones WHERE deleted = 0")
    .all(asOf, asOf) as { date: string; kind: 'milestone'; name: string; done: number }[];
  return [...plans, ...milestones].map((r) => ({ ...r, done: !!r.done })).sort((a, b) => a.date.localeCompare(b.date));
}

export function overview(db: Db, asOf: string, today: string) {
  const mix = industryMix(db, asOf);
  return {
    asOf,
    targets: targetProgress(db, asOf),
    funnel: leadFunnel(db, asOf, today),
    leadTimeInStage: timeInStage(db, 'leads', asOf),
    incubationFlow: incubationFlow(db, asOf),
    incubationStages: Object.fromEntries(stagesOn(db, 'incubations', asOf, today)),
    industryMix: mix,
    entriesExits: entriesAndExits(db, asOf),
    overdue: overdueFollowUps(db, asOf),
    timeline: timeline(db, asOf),
    enterprises: mix.reduce((a, r) => a + r.n, 0),
    /**
     * What the figures at the top count, as grid filters: the registry's statuses that are 在册, the
     * incubation stages that are 在孵, the pipeline stages that are 跟进中 (kind open, as Settings names
     * them: a signed or settled lead is won, no longer followed up). The Overview's links take them from
     * here, not a copy of their own.
     */
    counted: {
      registeredStatuses: REGISTERED_STATUSES,
      activeIncubationStages: ACTIVE_INCUBATION_STAGES,
      openLeadStages: openLeadStages(db),
    },
  };
}

export const dashboardHandlers = slice('dashboard', {
  overview: readHandler(z.strictObject({ asOf: isoDate.optional() }), (ctx, { asOf }) => overview(ctx.db, asOf ?? ctx.today(), ctx.today())),
});
