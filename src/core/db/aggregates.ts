import { prepared, type Db } from './open';
import { qualificationDaysAfterRow } from './qualification-days';
import { hasReachTables, reachAfterRow, reachAfterStage, refreshReach, stageCountsAfterRow } from './reach';
import type { TableName } from './tables';

type Row = Record<string, unknown>;

/**
 * The aggregates the Overview reads instead of scanning a million rows (tables from migration 0005),
 * kept in step by the write path inside each write's transaction:
 *
 * - enterprise_months: live enterprises by industry, entry month and exit month;
 * - stage_events.until: the date of the row's next stage event (by date, then order of entry), so the
 *   stage a row was in on day D is the stay with date <= D < until, whatever order events came in;
 * - stage_months: those stays by entity, entry stage, stage, start and end month, with their days;
 * - stage_reach: each live row's first date reaching each stage, with its project (reach.ts);
 * - stage_counts: live leads and incubations per stored stage (reach.ts);
 * - qualification_days: live enterprises' qualifications per expiry day (qualification-days.ts).
 *
 * They are plain statements of the write path rather than triggers: a trigger makes every insert
 * keep a statement journal, which cost more than the insert itself on large imports.
 */
export function afterWrite(db: Db, table: TableName, before: Row | null, after: Row | null): void {
  if (table === 'enterprises') {
    enterpriseMonths(db, before, after);
    qualificationDaysAfterRow(db, before, after);
  } else if (table === 'stage_events') {
    const row = (after ?? before)!;
    rechain(db, String(row.entity), String(row.row_id), String(row.id), before);
    if (!hasReachTables(db)) return;
    refreshReach(db, String(row.entity), String(row.row_id));
    if (before && after && before.row_id !== after.row_id) refreshReach(db, String(before.entity), String(before.row_id));
  } else if ((table === 'leads' || table === 'incubations') && hasReachTables(db)) {
    reachAfterRow(db, table, before, after);
    stageCountsAfterRow(db, table, before, after);
  } else if (table === 'pipeline_stages' && hasReachTables(db)) reachAfterStage(db, before, after);
}

const month = (date: unknown) => (typeof date === 'string' ? date.slice(0, 7) : '');

/** An enterprise's cell of enterprise_months (a module function: called for every row a merge writes). */
const monthsKey = (r: Row) => [typeof r.industry === 'string' ? r.industry : '', month(r.entry_date), month(r.exit_date)];

function enterpriseMonths(db: Db, before: Row | null, after: Row | null): void {
  const key = monthsKey;
  const was = before && before.deleted === 0 ? key(before) : null;
  const is = after && after.deleted === 0 ? key(after) : null;
  if (was && is && was.every((v, i) => v === is[i])) return;
  const pending = pendingMonths.get(db);
  if (was) {
    // A decrement may empty a cell (and delete it): the counts held back must be in the table first.
    if (pending?.size) flushMonths(db, pending);
    prepared(db, 'UPDATE enterprise_months SET n = n - 1 WHERE industry = ? AND entry_month = ? AND exit_month = ?').run(...was);
    prepared(db, 'DELETE FROM enterprise_months WHERE industry = ? AND entry_month = ? AND exit_month = ? AND n <= 0').run(...was);
  }
  if (is && pending) {
    const cell = JSON.stringify(is);
    pending.set(cell, (pending.get(cell) ?? 0) + 1);
  } else if (is) prepared(db, 'INSERT INTO enterprise_months VALUES (?, ?, ?, 1) ON CONFLICT DO UPDATE SET n = n + 1').run(...is);
}

/** enterprise_months increments held back per connection while a bulk load batches them (cell key → count). */
const pendingMonths = new WeakMap<Db, Map<string, number>>();

function flushMonths(db: Db, pending: Map<string, number>): void {
  const add = prepared(db, 'INSERT INTO enterprise_months VALUES (?, ?, ?, ?) ON CONFLICT DO UPDATE SET n = n + excluded.n');
  // Map order is each cell's first increment: new cells go in in the order one-by-one inserts made them.
  for (const [cell, n] of pending) add.run(...(JSON.parse(cell) as string[]), n);
  pending.clear();
}

/**
 * For a bulk load (an import): the enterprise_months increments of created rows are summed in memory
 * and written once per cell at each `flush()` (one upsert per industry and month pair instead of one
 * per row: the rollup was 4% of a 100,000-row import). The table's content after a flush is exactly
 * what the one-by-one upserts leave; a decrement (an update or delete) flushes first. The loader
 * flushes before every yield of its transaction and before it commits, so no reader, and nothing else
 * in the transaction, ever sees the table short; `end()` stops batching (what was not flushed is
 * dropped: call it after the last flush, or when the transaction rolls back).
 */
export function batchEnterpriseMonths(db: Db): { flush(): void; end(): void } {
  const pending = new Map<string, number>();
  pendingMonths.set(db, pending);
  return {
    flush: () => flushMonths(db, pending),
    end: () => {
      if (pendingMonths.get(db) === pending) pendingMonths.delete(db);
    },
  };
}

interface Stay {
  id: string;
  from_stage: string | null;
  stage: string;
  date: string;
  until: string | null;
  deleted: number;
}

/** A stored stage event (as the write path hands it over) as the stay it opened. */
const stayOf = (r: Row): Stay => ({ id: String(r.id), from_stage: (r.from_stage as string | null) ?? null, stage: String(r.stage), date: String(r.date), until: (r.until as string | null) ?? null, deleted: Number(r.deleted) });

const days = (from: string, to: string | null) => (to === null ? 0 : (Date.parse(to) - Date.parse(from)) / 86_400_000);

/**
 * Recomputes `until` for one row's live events after event `changedId` was written (`before`: its
 * stored values, null when just inserted) and moves the stays that changed in stage_months. Every other
 * live event is counted there with its stored until; the changed one is taken out first.
 */
function rechain(db: Db, entity: string, rowId: string, changedId: string, before: Row | null): void {
  if (before && before.deleted === 0) stayCount(db, entity, stayOf(before), (before.until as string | null) ?? null, -1);
  const events = prepared(db, 'SELECT id, from_stage, stage, date, until, deleted FROM stage_events WHERE entity = ? AND row_id = ? ORDER BY date, rowid').all(entity, rowId) as Stay[];
  const live = events.filter((e) => e.deleted === 0);
  live.forEach((e, i) => {
    const until = live[i + 1]?.date ?? null;
    const counted = e.id !== changedId;
    if (counted && until === e.until) return;
    if (counted) stayCount(db, entity, e, e.until, -1);
    if (until !== e.until) prepared(db, 'UPDATE stage_events SET until = ? WHERE id = ?').run(until, e.id);
    stayCount(db, entity, e, until, 1);
  });
}

function stayCount(db: Db, entity: string, e: Pick<Stay, 'from_stage' | 'stage' | 'date'>, until: string | null, sign: 1 | -1): void {
  const key = [entity, e.from_stage ?? '', e.stage, month(e.date), month(until)];
  prepared(db, 'INSERT INTO stage_months VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO UPDATE SET n = n + excluded.n, days = days + excluded.days').run(...key, sign, sign * days(e.date, until));
  if (sign < 0) prepared(db, 'DELETE FROM stage_months WHERE entity = ? AND from_stage = ? AND stage = ? AND start_month = ? AND end_month = ? AND n <= 0').run(...key);
}
