import { prepared, type Db } from '../db/open';
import { incubationStages } from '../enums';
import { overview } from '../overview/dashboard';
import { ACTIVE_INCUBATION_STAGES } from '../incubation/status';
import type { Period } from './model';

/**
 * The operations report's key figures for a stretch of time, and the same figures for the same
 * stretch a year before (同比) and for the previous period (环比). A period still running (as of a
 * day inside it) is compared period-to-date: the comparison periods stop as many months and days in.
 */
export const FIGURE_KEYS = ['enterprises', 'entries', 'exits', 'incubating', 'signed', 'admitted', 'graduated', 'overdue'] as const;
export type FigureKey = (typeof FIGURE_KEYS)[number];
/** Stocks are counted on the last day; flows over the stretch. */
export const STOCK_FIGURES: ReadonlySet<FigureKey> = new Set(['enterprises', 'incubating', 'overdue']);

export interface Stretch {
  from: string;
  /** The last day counted: the period's end, or the as-of day when that is earlier. */
  to: string;
}

const lastDay = (y: number, m: number) => new Date(Date.UTC(y, m, 0)).getUTCDate();

/** The same day `months` months later (earlier when negative), on the month's last day when it has fewer. */
export function shiftMonths(iso: string, months: number): string {
  const [y, m, d] = iso.split('-').map(Number) as [number, number, number];
  const index = y * 12 + (m - 1) + months;
  const ny = Math.floor(index / 12);
  const nm = (index % 12) + 1;
  const wasLast = d === lastDay(y, m);
  const day = wasLast ? lastDay(ny, nm) : Math.min(d, lastDay(ny, nm));
  return `${ny}-${String(nm).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/** How many months a period spans: 12 (a year), 3 (a quarter) or 1 (a month). */
export function periodMonths(period: Period): number {
  const [fy, fm] = period.from.split('-').map(Number) as [number, number];
  const [ty, tm] = period.to.split('-').map(Number) as [number, number];
  return (ty - fy) * 12 + (tm - fm) + 1;
}

/** The stretches compared: this one, a year before, and the previous period (none for a year: that is the year before). */
export function comparedStretches(period: Period, asOf: string): { current: Stretch; lastYear: Stretch; previous: Stretch | null } {
  const current = { from: period.from, to: asOf < period.to ? asOf : period.to };
  const back = (months: number): Stretch => ({ from: shiftMonths(current.from, -months), to: shiftMonths(current.to, -months) });
  const span = periodMonths(period);
  return { current, lastYear: back(12), previous: span >= 12 ? null : back(span) };
}

/** The key figures of a stretch (see FIGURE_KEYS). */
export function keyFigures(db: Db, stretch: Stretch, today: string): Record<FigureKey, number> {
  const count = (sql: string, ...params: unknown[]) => (db.prepare(sql).get(...params) as { n: number }).n;
  const { from, to } = stretch;
  const d = overview(db, to, today);
  const entered = stageEntries(db, from, to);
  return {
    enterprises: d.enterprises,
    entries: count('SELECT count(*) AS n FROM enterprises WHERE deleted = 0 AND entry_date BETWEEN ? AND ?', from, to),
    exits: count('SELECT count(*) AS n FROM enterprises WHERE deleted = 0 AND exit_date BETWEEN ? AND ?', from, to),
    incubating: ACTIVE_INCUBATION_STAGES.reduce((a, stage) => a + (d.incubationStages[stage] ?? 0), 0),
    // A lead counts once, in the stretch it first reached a won stage.
    signed: count(
      "SELECT count(DISTINCT e.row_id) AS n FROM stage_events e JOIN pipeline_stages s ON s.id = e.stage AND s.kind = 'won' WHERE e.entity = 'leads' AND e.deleted = 0 AND e.date BETWEEN ? AND ? AND NOT EXISTS (SELECT 1 FROM stage_events p JOIN pipeline_stages ps ON ps.id = p.stage AND ps.kind = 'won' WHERE p.entity = 'leads' AND p.row_id = e.row_id AND p.date < ?)",
      from, to, from,
    ),
    admitted: entered.get('admitted') ?? 0,
    graduated: entered.get('graduated') ?? 0,
    overdue: d.overdue.count,
  };
}

/** Per incubation stage, the records that entered it from `from` to `to` (each record once a stage). */
export function stageEntries(db: Db, from: string, to: string): Map<string, number> {
  // A stage at a time: each one range of stage_events_reach (entity, stage, date, row_id), where one
  // GROUP BY stage reads every incubation event of every date.
  const count = prepared(db, "SELECT count(DISTINCT row_id) AS n FROM stage_events WHERE entity = 'incubations' AND stage = ? AND deleted = 0 AND date BETWEEN ? AND ?");
  return new Map(incubationStages.map((stage) => [stage, (count.get(stage, from, to) as { n: number }).n]));
}

/** A change as people read it in a report: "+3 (+12.5%)"; the percentage is left out when the base is 0. */
export function changeText(now: number, before: number): string {
  const diff = now - before;
  const sign = diff > 0 ? '+' : diff < 0 ? '−' : '';
  const abs = Math.abs(diff);
  if (before === 0) return `${sign}${abs}`;
  const pct = Math.round((Math.abs(diff) / before) * 1000) / 10;
  return `${sign}${abs} (${sign}${pct.toFixed(1)}%)`;
}
