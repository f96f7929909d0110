import type { Db } from '../db/open';
import type { Clause } from './request';
import type { Cell } from './segments';
import type { RowSet } from './sets';
import type { RankOrder } from './values';

/**
 * How the runner (query.ts) chooses a page's plan: the thresholds between plans, measured at 1M rows,
 * the plans themselves, and the budget of index entries a walk may meet before it hands over.
 */

/** Filters matching at least this share of rows are cheaper to apply while walking the sort index. */
export const SCAN_SORT_INDEX_SHARE = 0.01;

/**
 * A search-box word matching at least this share of rows is tested per row while walking (one full-text
 * lookup each, ~0.25 ms at 1M) instead of collecting its matches first (~0.3 µs a match): a page of 100
 * walks about 100 / share rows, so per-row lookups win only for words in a large part of the names.
 */
export const FTS_PROBE_SHARE = 0.3;

/**
 * A filter on one indexed column (no search box) matching up to this many rows is read through its index
 * and sorted, whatever its share: the index range is exactly the matches (at 1M, exit date in 2021 sorted
 * by entry date: 18,669 matches read and sorted in ~5 ms; the walk along the entry-date index met them only
 * after hundreds of thousands of rows, 1.2 s).
 */
export const FILTER_INDEX_MAX_ROWS = 30_000;

/**
 * An indexed filter with up to this many matches is read through its index and sorted. Above it, each
 * match read is a table row fetched for its sort key (exit date in 2021 sorted by revenue, 18,669
 * matches: 130 ms CPU at 1M), so the sort index is walked instead with the matches' rowids as a set
 * (`filter probed`, 16 ms): an index entry outside the set is passed over without reading its row.
 */
export const FILTER_SORT_MAX_ROWS = 2_000;


/**
 * An indexed filter keeping less than this share of rows is probed (its rowid set, read from its index)
 * while walking the sort index: a plain walk reads a table row per step, 100 / share of them for a page.
 */
export const PROBE_SHARE = 0.03;

/**
 * A plain walk of the sort index stops after this many times the rows it should need for a page
 * (100 / share), at least WALK_BUDGET_MIN: the filter then correlates with the sort (top tenth of revenue
 * sorted by kind descending walks every startup first, 0.7 s) and the page is taken by the probed walk.
 */
export const WALK_BUDGET_FACTOR = 4;
export const WALK_BUDGET_MIN = 2_000;

/**
 * In-memory row sets (sets.ts) serve filtered pages of views with at least this many live rows; below
 * it every plan takes a few milliseconds and the plans without sets serve.
 */
export const SET_MIN_ROWS = 50_000;

/**
 * A filter keeping less than this share of rows is held as a row set: a walk of the sort index then
 * tests each entry's rowid (0.3 µs) instead of reading its row (2.5–7 µs). A broader filter meets a
 * page of 100 within a few hundred rows of the plain walk and needs no set (nor its cost at count time).
 */
export const SET_MAX_SHARE = 0.3;

/**
 * A set of at most this many rows keeps its members' sort keys (`set keys`: one read of each member's
 * row when the set is read, ~5 µs a row at 1M) and serves every page from memory, where a page along the
 * sort index would walk 100 / share entries (0.4% → 25,000, ~10 ms) and reading the members' rows for
 * each page (the earlier `set rows`) took 13–30 ms. 8,000: unit~320 (4,027 rows) is above 4,000; the keys
 * of 8,000 members cost ~40 ms more at the filter change and a few MB of heap (see `SetKeys.bytes`).
 */
export const SET_ROWS_MAX = 8_000;

/**
 * Index entries a walk of the segments with a row set may meet for a page (~0.4 µs each: 2.4 ms) before
 * the sort index serves instead (see `setPlan`); industry = ai + 在孵 (12% of each 在孵 segment) needs
 * about 2,500. At 20,000 the filters it does not suit (settled + top tenth of revenue) paid 20–28 ms.
 */
export const SEGMENT_SET_STEPS = 6_000;

/**
 * Index entries a walk of the sort index with a row set may meet for a page (~0.3 µs each: 30 ms) before
 * the set is ordered in memory by the sort column's ranks (`set ranks`), or 4 × the entries a page of an
 * uncorrelated filter needs (100 / share) if more. Generous: reading a column's ranks costs 250–400 ms
 * once per state of the data, so only walks far slower than a page hand over (entry date descending
 * with qualifications expiring in 2020: 100 ms a page). At 20,000 the sweep read 13 columns' ranks
 * for walks of 8–15 ms (NULLs first, ascending).
 */
export const SET_WALK_STEPS = 100_000;

/**
 * A walk of the sort index with a row set that met more entries than this for a page (~0.3 µs each:
 * 6 ms) asks for the sort column's ranks in the background (rank-reader.ts): once they are kept, every
 * filter's page by that column is its set ordered in memory (`set ranks`, a few ms). At 1M, 62 pages
 * of `sort index, set` took 10–35 ms (status = settled + large areas by exit date descending: 21–24).
 */
export const SLOW_SET_WALK_STEPS = 20_000;

/**
 * With a column's ranks kept, the head of a set's order (the first pages: `headByRanks`, two passes over
 * the members) costs about 0.01 µs a member at 1M (45,846 members by entry date: 0.5 ms), and a walk of
 * the sort index about 0.35 µs an entry. A set larger than this many times the entries a walk may meet
 * for a page (4 × 100 / share) is walked first and ordered only if the walk spends that budget: an
 * uncorrelated sort of a large filter (industry = iot, 122,000 rows) meets its page within a few hundred
 * entries. Smaller sets are ordered at once: at 8 the two cost the same for an uncorrelated walk of a
 * filter keeping about 6% of rows (s² × 1M × 0.01 µs = 100 / s × 0.35 µs), and a walk the filter
 * correlates with costs its whole budget first (status = settled + qualifications expiring in 2020 by
 * entry date: 6–7 ms a first page at 3, when ordering the whole order cost 0.1 µs a member; 2.6 ms at 8).
 */
export const RANK_ORDER_WALK_RATIO = 8;

/**
 * A filter on status or kind alone keeping at least this share of rows, sorted by a column with no
 * segment index, walks the sort index (testing each row) rather than reading its set: 5% meets a page
 * of 100 within 2,000 rows (~5 ms), where its set is 50,000 rowids or more.
 */
export const SEGMENTS_WALK_SHARE = 0.05;

/**
 * A search-box word is tested per row through the full-text index (~0.25 ms a row) without a set, so
 * its set is worth more: up to this share (reading a set costs ~0.35 µs a row at count time, 0.35 s for
 * a word in every other name; the count itself takes about as long).
 */
export const SET_MAX_SHARE_SEARCH = 0.6;

/**
 * The thresholds above that choose between plans, as one object: the plan tests lower them so that a
 * small generated park takes every plan (each gives the same rows; only the cost differs).
 */
/**
 * A filter's conditions on columns of few values that keep at least this share of live rows are decided
 * from their kept ranks, the rest left to SQLite (query.ts `rankSplit`). Below it SQLite's index on such a
 * column finds the rows (kind = core, 3% at 1M: ~30,000 rows read, where one pass of the table takes ~0.4 s).
 */
const RANK_SPLIT_MIN_SHARE = 0.1;

export const planLimits = {
  filterSortMaxRows: FILTER_SORT_MAX_ROWS,
  probeShare: PROBE_SHARE,
  walkBudgetFactor: WALK_BUDGET_FACTOR,
  walkBudgetMin: WALK_BUDGET_MIN,
  setMinRows: SET_MIN_ROWS,
  setMaxShare: SET_MAX_SHARE,
  setRowsMax: SET_ROWS_MAX,
  segmentSetSteps: SEGMENT_SET_STEPS,
  setWalkSteps: SET_WALK_STEPS,
  slowSetWalkSteps: SLOW_SET_WALK_STEPS,
  rankOrderWalkRatio: RANK_ORDER_WALK_RATIO,
  rankSplitMinShare: RANK_SPLIT_MIN_SHARE,
};

/** Fewer matches than this are read in one pass and sorted, even when no index finds them. */
export const WALK_MIN_MATCHES = 1_000;

/**
 * Deepest row a page may end on and still be served from the segment indexes (each segment reads up to
 * this many rows); a jump further down (a scrollbar drag) runs the plain query with OFFSET.
 */
export const SEGMENT_MAX_DEPTH = 5_000;

/**
 * Plans that read every match and sort them: a scrolled page is the same work with OFFSET. A keyset
 * range there only misleads SQLite, which then walks the sort column's index from the cursor and tests
 * the filter on every row it meets (unit~320 + top tenth of R&D spend, scrolled: 1.5–1.9 s at 1M).
 */
export const SORTS_EVERY_MATCH: readonly Plan['kind'][] = ['filter index', 'scan', 'set keys', 'set ranks'];

/** The runner's note (in its per-version cache) that a filter and sort's walk of segments with a set spent its budget. */
export const segmentStopKey = (shape: { key: string }) => `segments stopped:${shape.key}`;

/** Walks stopped by their budget since the process started (the plan tests check both ways are taken). */
export const walkStops = { count: 0 };

/** Thrown by the walk counter when a walk has used up its budget of steps. */
export class WalkBudgetSpent extends Error {}

/** Thrown when a keyset page's walk hands over to an order in memory (paged by position instead). */
export class RanksInstead extends Error {
  constructor(readonly plan: Plan) {
    super('set ranks');
  }
}

/** The plan a walk hands over to when its budget is spent, made the first time it is needed. */
export function thenPlan(budget: NonNullable<Plan['budget']>): Plan {
  if (typeof budget.then === 'function') budget.then = budget.then();
  return budget.then;
}
/** Steps the running walk may still take (one walk at a time: better-sqlite3 runs statements synchronously). */
let walkLeft = 0;
let walkSteps = 0;

/** Entries the last walk met (its budget less what it had left). */
export function walkStepsUsed(): number {
  return walkSteps - Math.max(0, walkLeft);
}
const withWalkCounter = new WeakSet<Db>();

/**
 * Starts a walk of at most `steps` entries. `grid_walk(rowid)` counts the sort-index entries a walk meets and stops the statement when its budget is
 * spent. It reads only the rowid, so SQLite tests it on the index entry, before the row is fetched.
 */
export function startWalk(db: Db, steps: number): void {
  walkLeft = steps;
  walkSteps = steps;
  if (withWalkCounter.has(db)) return;
  db.function('grid_walk', { deterministic: false }, (_rowid: unknown) => {
    walkStep();
    return 1;
  });
  withWalkCounter.add(db);
}

/** One step of the running walk: throws WalkBudgetSpent once its budget is spent. */
export function walkStep(): void {
  if (--walkLeft < 0) throw new WalkBudgetSpent();
}

/**
 * A walk's WHERE: the step counter first, on the index entry. A set's membership test that leads the
 * WHERE becomes `grid_walk_in` (sets.ts), which counts and tests in one call: a call from SQLite into
 * JavaScript costs about 0.09 µs, so two a step made a walk of 8,000 entries 0.75 ms slower (2.2 ms against 1.5).
 */
export function walkWhere(where: Clause, rowid: string): Clause {
  const inSet = `grid_in(${rowid}) AND `;
  const sql = where.sql.startsWith(inSet) ? `grid_walk_in(${rowid}) AND ${where.sql.slice(inSet.length)}` : `grid_walk(${rowid}) AND ${where.sql}`;
  return { sql, params: where.params };
}

/** A request's page query: its WHERE, ORDER BY keys and SELECT, and the cache key of the three. */
export interface Shape {
  where: Clause;
  order: { sql: string; dir: 'asc' | 'desc' }[];
  orderSql: string;
  select: string;
  key: string;
}

/** How a page query runs: its shape, and the segment index and segments when it merges segments. */
export interface Plan {
  kind:
    | 'segments'
    | 'sort index'
    | 'sort index, search probed'
    | 'sort index, filter probed'
    | 'rowid, search probed'
    | 'filter index'
    | 'scan'
    | 'none'
    | 'set keys'
    | 'set ranks'
    | 'every row'
    | 'sort index, set'
    | 'segments, set'
    | 'rowid, set'
    | 'set rowids';
  shape: Shape;
  segments: { index: string; cells: Cell[] } | null;
  /** A walk: the most index entries a page may meet, and the plan to take beyond them (made when needed). */
  budget?: { steps: number; then: Plan | (() => Plan) };
  /** The probed plan: the query of the filter's rowid set (kept in a temporary table between pages). */
  probe?: Clause;
  /** The filter's rows held in memory: the page's WHERE tests `grid_in(rowid)` against it. */
  set?: RowSet;
  /** `set rowids`: the set's members in rowid order. */
  order?: Int32Array;
  /** `set ranks`: the set's order by the sort column's ranks, made as far as pages ask (values.ts RankOrder). */
  ranked?: RankOrder;
  /** Called after a page whose walk met more than SLOW_SET_WALK_STEPS entries. */
  slowWalk?: () => void;
}
