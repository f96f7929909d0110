import { z } from 'zod';
import { prepared, type Db } from '../db/open';
import { isoDate } from '../fields';
import { handler, slice } from '../handler';
import { leadStages } from '../leads/pipeline';
import { targetProgress } from './handlers';

/**
 * Everything the Overview draws, as of one date, in one call: target progress, the lead funnel with
 * conversion rates, time spent per stage, the incubation flow, industry mix, entries and exits per
 * quarter, overdue follow-ups and the timeline of milestones and deadlines. Stage figures come from
 * dated stage events, so an earlier as-of date shows the pipeline as it stood then.
 */
const INCUBATION_ORDER = ['applied', 'screening', 'admitted', 'incubating', 'graduated', 'terminated'];

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
 * records an event, and events are never dated in the future); before, each row's last event by then.
 */
function stagesOn(db: Db, entity: 'leads' | 'incubations', asOf: string, today: string): Map<string, number> {
  const rows = (
    asOf >= today
      ? prepared(db, `SELECT stage, count(*) AS n FROM ${entity} WHERE deleted = 0 GROUP BY stage`).all()
      : prepared(
          db,
          `SELECT e.stage AS stage, count(*) AS n FROM (
             SELECT row_id, stage, row_number() OVER (PARTITION BY row_id ORDER BY date DESC, rowid DESC) AS rn
             FROM stage_events WHERE entity = ? AND deleted = 0 AND date <= ?
           ) e JOIN ${entity} t ON t.id = e.row_id AND t.deleted = 0
           WHERE e.rn = 1 GROUP BY e.stage`,
        ).all(entity, asOf)
  ) as { stage: string; n: number }[];
  return new Map(rows.map((r) => [r.stage, r.n]));
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
  return prepared(
    db,
    `SELECT stage, round(avg(d), 1) AS days, count(*) AS leads FROM (
       SELECT stage, julianday(lead(date) OVER w) - julianday(date) AS d
       FROM stage_events WHERE entity = ? AND deleted = 0 AND date <= ?
       WINDOW w AS (PARTITION BY row_id ORDER BY date, rowid)
     ) WHERE d IS NOT NULL GROUP BY stage`,
  ).all(entity, asOf) as { stage: string; days: number; leads: number }[];
}

/** Incubation stage transitions up to asOf, forward moves only (a sankey must not loop). */
export function incubationFlow(db: Db, asOf: string): { source: string; target: string; value: number }[] {
  const rows = prepared(
    db,
    "SELECT from_stage AS source, stage AS target, count(*) AS value FROM stage_events WHERE entity = 'incubations' AND deleted = 0 AND date <= ? AND from_stage IS NOT NULL GROUP BY from_stage, stage",
  ).all(asOf) as { source: string; target: string; value: number }[];
  return rows.filter((r) => INCUBATION_ORDER.indexOf(r.target) > INCUBATION_ORDER.indexOf(r.source));
}

/** Enterprises present on asOf (entered by then, not yet left), by industry: one pass over an index. */
function industryMix(db: Db, asOf: string): { industry: string; n: number }[] {
  return prepared(
    db,
    `SELECT coalesce(industry, '') AS industry, count(*) AS n FROM enterprises INDEXED BY enterprises_presence
     WHERE deleted = 0 AND (entry_date IS NULL OR entry_date <= ?) AND (exit_date IS NULL OR exit_date > ?)
     GROUP BY industry ORDER BY n DESC`,
  ).all(asOf, asOf) as { industry: string; n: number }[];
}

const quarterOf = (date: string) => `${date.slice(0, 4)}-Q${Math.floor((Number(date.slice(5, 7)) - 1) / 3) + 1}`;

/** Entries and exits per quarter: the 16 quarters up to asOf, or up to the last entry or exit before it. */
function entriesAndExits(db: Db, asOf: string): { quarter: string; from: string; to: string; entries: number; exits: number }[] {
  const latest = (prepared(
    db,
    'SELECT max(d) AS d FROM (SELECT max(entry_date) AS d FROM enterprises WHERE deleted = 0 AND entry_date <= ? UNION ALL SELECT max(exit_date) FROM enterprises WHERE deleted = 0 AND exit_date <= ?)',
  ).get(asOf, asOf) as { d: string | null }).d;
  const end = new Date(`${latest ?? asOf}T00:00:00Z`);
  const quarters: { quarter: string; from: string; to: string; entries: number; exits: number }[] = [];
  for (let i = 15; i >= 0; i--) {
    const d = new Date(Date.UTC(end.getUTCFullYear(), Math.floor(end.getUTCMonth() / 3) * 3 - i * 3, 1));
    const from = d.toISOString().slice(0, 10);
    const to = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 3, 0)).toISOString().slice(0, 10);
    quarters.push({ quarter: quarterOf(from), from, to, entries: 0, exits: 0 });
  }
  const first = quarters[0]!.from;
  const byQuarter = new Map(quarters.map((q) => [q.quarter, q]));
  const perQuarter = (column: 'entry_date' | 'exit_date') =>
    prepared(
      db,
      `SELECT substr(${column}, 1, 4) || '-Q' || ((CAST(substr(${column}, 6, 2) AS INTEGER) + 2) / 3) AS q, count(*) AS n
       FROM enterprises WHERE deleted = 0 AND ${column} BETWEEN ? AND ? GROUP BY q`,
    ).all(first, asOf) as { q: string; n: number }[];
  for (const r of perQuarter('entry_date')) byQuarter.get(r.q)!.entries = r.n;
  for (const r of perQuarter('exit_date')) byQuarter.get(r.q)!.exits = r.n;
  return quarters;
}

function overdueFollowUps(db: Db, asOf: string): { count: number; leads: { id: string; company: string; next_follow_up: string; owner: string | null }[] } {
  const open = leadStages(db).filter((s) => s.kind === 'open').map((s) => s.id);
  const where = `l.deleted = 0 AND l.stage IN (SELECT value FROM json_each(?)) AND l.next_follow_up < ?`;
  return {
    count: (prepared(db, `SELECT count(*) AS n FROM leads l WHERE ${where}`).get(JSON.stringify(open), asOf) as { n: number }).n,
    leads: prepared(db, `SELECT l.id, l.company, l.next_follow_up, s.name AS owner FROM leads l LEFT JOIN staff s ON s.id = l.owner_id WHERE ${where} ORDER BY l.next_follow_up LIMIT 20`).all(
      JSON.stringify(open),
      asOf,
    ) as { id: string; company: string; next_follow_up: string; owner: string | null }[],
  };
}

function timeline(db: Db): { date: string; kind: 'deadline' | 'milestone'; name: string; done: boolean }[] {
  const plans = db.prepare("SELECT deadline AS date, 'deadline' AS kind, name, 0 AS done FROM plans WHERE deleted = 0").all() as { date: string; kind: 'deadline'; name: string; done: number }[];
  const milestones = db
    .prepare("SELECT coalesce(done_date, due_date) AS date, 'milestone' AS kind, name, done_date IS NOT NULL AS done FROM milestones WHERE deleted = 0")
    .all() as { date: string; kind: 'milestone'; name: string; done: number }[];
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
    timeline: timeline(db),
    enterprises: mix.reduce((a, r) => a + r.n, 0),
  };
}

export const dashboardHandlers = slice('dashboard', {
  overview: handler(z.strictObject({ asOf: isoDate.optional() }), (ctx, { asOf }) => overview(ctx.db, asOf ?? ctx.today(), ctx.today())),
});
