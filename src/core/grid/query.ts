import { prepared, type Db } from '../db/open';
import { matchingCells, presentCells, segmentPageSql, segmentsCount, segmentsRowids, type Cell } from './segments';
import { countWithRowSet, readRowSet, readSetKeys, registerGridIn, RowSet, withRowSet } from './sets';
import { pageRows, sortKeysOf } from './page-rows';
import { askRanks, askRanksAhead, awaitRanks, collectRanks } from './rank-reader';
import { knownRanks, knownRanksWithValues, ownWrite, pageOfOrder, rankOrder, valueRanks, type RankQuery } from './values';
import { bitsByRanks, rankSplits, setsByRanks, type RankCondition } from './rank-filter';
import { GridColumnError, type Clause, type Condition, type GridColumn, type GridFilterModel, type GridRequest, type GridResult, type GridView } from './request';
import { andClause, isIndexRange, whereClause } from './where';
import {
  FILTER_INDEX_MAX_ROWS, FTS_PROBE_SHARE, planLimits, RanksInstead, SCAN_SORT_INDEX_SHARE, SEGMENT_MAX_DEPTH, SEGMENTS_WALK_SHARE, segmentStopKey,
  SET_MAX_SHARE_SEARCH, SORTS_EVERY_MATCH, startWalk, thenPlan, WALK_MIN_MATCHES, WalkBudgetSpent, walkStepsUsed, walkStops, walkWhere, type Plan, type Shape,
} from './plans';

// The grid's API in one import for its callers: the request and view types, the filter's SQL, the plan limits.
export * from './request';
export { whereClause } from './where';
export { planLimits, walkStops } from './plans';

/**
 * Server side of AG Grid's infinite row model: a page of rows for (sort, filter, start, end), with the
 * exact count. Column names come only from the view's allow-list; values are always bound parameters.
 * Sequential pages continue from the last row seen (keyset) instead of OFFSET, which gets slow deep
 * into a million rows; a jump (scrollbar drag) falls back to OFFSET.
 */

interface Cursor {
  /** Values of the ORDER BY keys (sort column, rowid) of the last row served. */
  last: unknown[];
}

/** Rowid sets kept per runner (temporary tables; a set of 125,000 rowids is about 2 MB; in-memory sets, 125 KB each at 1M). */
const KEPT_SETS = 6;
/** Names of temporary tables are never reused: a cached statement may still name a dropped one. */
let setTables = 0;

/** Runs grid requests for one view, caching exact counts and page cursors per data version. */
export class GridRunner<R> {
  private counts = new Map<string, number>();
  /** Per filter and bounded column (`boundedColumns`): the least and greatest value among its matches, read with its count. */
  private bounds = new Map<string, readonly [unknown, unknown]>();
  private cursors = new Map<string, Cursor>();
  private cells: Cell[] | null = null;
  private seenVersion = -1;
  /** The filter's rowid set per probed filter (its subquery), as a temporary table, for this data version. */
  private sets = new Map<string, string>();
  private setsDb: Db | null = null;
  /** In-memory row sets per filter (its WHERE and parameters), for this data version and connection. */
  private rowSets = new Map<string, RowSet>();
  private rowSetsDb: Db | null = null;

  constructor(
    private readonly view: GridView,
    private readonly decode: (row: Record<string, unknown>) => R = (r) => r as R,
  ) {}

  /** Where, order and cache key of a request; column ids are checked against the view's allow-list. */
  private shape(db: Db, req: GridRequest, noIndex = false, scan = false, probeFts = false) {
    const filter = whereClause(this.view, req.filterModel, req.quickFilter, noIndex, db, req.sortModel.slice(0, 1).map((s) => s.colId), probeFts);
    // A walk (noIndex) is started at the first match of a condition on its own sort column that is no range.
    const where = noIndex ? andClause(filter, this.sortBound(db, req)) : filter;
    for (const s of req.sortModel) if (!this.view.columns[s.colId]?.sortable) throw new GridColumnError(s.colId);
    const order = [
      ...req.sortModel.map((s) => ({ sql: this.view.columns[s.colId]!.sql, dir: s.sort as 'asc' | 'desc' })),
      { sql: this.view.rowid, dir: (req.sortModel[0]?.sort ?? 'asc') as 'asc' | 'desc' },
    ];
    const orderSql = order.map((o) => `${o.sql} ${o.dir.toUpperCase()}`).join(', ');
    // NOT INDEXED: one pass over the table, then the matches sorted (see `plan`).
    const select = `SELECT ${this.view.select}, ${order.map((o, i) => `${o.sql} AS _k${i}`).join(', ')} FROM ${this.view.from}${scan ? ' NOT INDEXED' : ''}`;
    return { where, order, orderSql, select, key: JSON.stringify([where.sql, where.params, orderSql]) };
  }

  private count(db: Db, shape: Pick<Shape, 'where'>): number {
    const key = JSON.stringify([shape.where.sql, shape.where.params]);
    let n = this.counts.get(key);
    if (n === undefined) {
      n = (prepared(db, `SELECT count(*) AS n FROM ${this.view.from} WHERE ${shape.where.sql}`).get(...shape.where.params) as { n: number }).n;
      this.counts.set(key, n);
    }
    return n;
  }

  /**
   * The filter's exact count. When the filter may be served from a row set (a big park, one sort column
   * or none, a filter that is not a union of segments), the count and the set are read in one pass
   * (`countWithRowSet`): the set is kept when the count says it is small enough for one, and the plan
   * finds it ready, instead of a second pass over the matches.
   */
  private filterCount(db: Db, req: GridRequest, counted: Shape): number {
    const key = JSON.stringify([counted.where.sql, counted.where.params]);
    const known = this.counts.get(key);
    if (known !== undefined) return known;
    const filtered = Object.keys(req.filterModel).length > 0 || !!req.quickFilter?.trim();
    if (filtered && this.onSegments(req)) {
      const total = this.count(db, { where: { sql: this.view.where, params: [] } });
      // With the segment columns' ranks kept (a big park reads them ahead), count and set are one pass over them.
      const byRanks = this.countByRanks(db, req, key, total);
      if (byRanks !== null) return byRanks;
      const n = segmentsCount(db, this.view, this.view.segments!, this.segmentCells(db, req));
      this.counts.set(key, n);
      // A small one's set and sort keys are read now, as with other filters (kind = core + status = exited:
      // 2,490 rows), and so is the set of one a sort without a segment index would read (`setPlan`: under
      // SEGMENTS_WALK_SHARE; kind = core, 30,000 rowids from the segment index, 5–10 ms that the first sort
      // by name or last change paid); a larger one's set only if a sort needs it.
      const setLater = n <= planLimits.setRowsMax || n / total < SEGMENTS_WALK_SHARE;
      if (setLater && total >= planLimits.setMinRows && req.sortModel.length <= 1) this.rowSet(db, counted, req);
      return n;
    }
    if (!filtered || req.sortModel.length > 1) return this.count(db, counted);
    const total = this.count(db, { where: { sql: this.view.where, params: [] } });
    if (total < planLimits.setMinRows) return this.count(db, counted);
    // A filter on columns of few values alone (kind + a building): one pass over their kept ranks.
    const byRanks = this.countByRanks(db, req, key, total);
    if (byRanks !== null) return byRanks;
    const bounded = this.boundedColumns(req);
    const split = this.rankSplit(db, req, total);
    const where = split?.where ?? counted.where;
    const q = { rowid: this.view.rowid, from: this.view.from, where: where.sql, params: where.params };
    const read = () => countWithRowSet(db, q, this.setCap(req, total), planLimits.setRowsMax, bounded);
    const { count, set, bounds } = split ? withRowSet(db, split.set, read) : read();
    this.counts.set(key, count);
    if (count > 0) bounded.forEach((column, i) => this.bounds.set(JSON.stringify([key, column]), bounds[i]!));
    if (set) {
      this.withKeys(db, set);
      this.keepRowSet(db, key, set);
    }
    return count;
  }

  /**
   * The filter's text columns (name, credit code) whose condition is no range of their index (contains,
   * ends with) and keeps no NULL. Their matches' least and greatest values are read with the count, and a
   * walk sorted by one starts at the first match (`sortBound`): at 1M, credit code ascending with "contains
   * 914404 + settled" met 55,000 settled "52…" codes before it, 7–11 ms a page; with the bound, the page
   * starts at the first "91…" code.
   */
  private boundedColumns(req: GridRequest): string[] {
    // LIKE and = are never true of NULL: the matches have a least and a greatest value, and NULLs are none of them.
    const noNull = (c: Condition) => c.filterType === 'text' && ['contains', 'startsWith', 'endsWith', 'equals'].includes(c.type);
    const keepsNoNull = (m: GridFilterModel[string]) => ('conditions' in m ? (m.operator === 'OR' ? m.conditions.every(noNull) : m.conditions.some(noNull)) : noNull(m));
    return Object.entries(req.filterModel)
      .filter(([id, m]) => {
        const col = this.view.columns[id];
        return !!col?.sortable && col.type === 'text' && !col.fewValues && !isIndexRange(col, m) && keepsNoNull(m);
      })
      .map(([id]) => this.view.columns[id]!.sql);
  }

  /** `sort column BETWEEN least AND greatest` of the matches, when the filter has a bounded condition on its one sort column (`boundedColumns`). */
  private sortBound(db: Db, req: GridRequest): Clause | null {
    const col = req.sortModel.length === 1 ? this.view.columns[req.sortModel[0]!.colId] : undefined;
    if (!col || !this.boundedColumns(req).includes(col.sql)) return null;
    const counted = whereClause(this.view, req.filterModel, req.quickFilter, false, db);
    const bound = this.bounds.get(JSON.stringify([JSON.stringify([counted.sql, counted.params]), col.sql]));
    return bound ? { sql: `${col.sql} BETWEEN ? AND ?`, params: [...bound] } : null;
  }

  /**
   * The most rows a filter's set may hold: `setPlan` takes a set of at most `setRowsMax` rows, or one
   * under its share of the park (`setMaxShare`, a search word's up to SET_MAX_SHARE_SEARCH).
   */
  private setCap(req: GridRequest, total: number): number {
    const maxShare = req.quickFilter?.trim() ? SET_MAX_SHARE_SEARCH : planLimits.setMaxShare;
    return Math.max(planLimits.setRowsMax, Math.ceil(maxShare * total) - 1);
  }

  /** The SQL of every sortable column, once each: the keys a small set keeps. */
  private sortKeyColumns(): string[] {
    return [...new Set(Object.values(this.view.columns).filter((c) => c.sortable).map((c) => c.sql))];
  }

  /**
   * The record's name among the sortable text columns whose ranks may not be kept (read ahead last, see
   * `aheadQueries`, and dropped by any own write): the one searched by word, else the column `name`, else
   * the first. A small set's keys are read in its order, the one a sort change would otherwise make by
   * comparing strings.
   */
  private unrankedTextColumn(): string | null {
    const text = Object.entries(this.view.columns).filter(([, c]) => c.sortable && c.type === 'text' && !c.fewValues);
    return (text.find(([, c]) => c.fts) ?? text.find(([id]) => id === 'name') ?? text[0])?.[1].sql ?? null;
  }

  /** The segments a filter on the segment columns alone keeps (its rows are exactly theirs). */
  private segmentCells(db: Db, req: GridRequest): Cell[] {
    const seg = this.view.segments!;
    this.cells ??= presentCells(db, this.view, seg);
    return matchingCells(db, this.view, seg, this.cells, whereClause(this.view, req.filterModel, undefined, false, db));
  }

  /** A filter on the segment columns alone, served by the segment indexes (no set). */
  private onSegments(req: GridRequest): boolean {
    const seg = this.view.segments;
    return !!seg && !req.quickFilter?.trim() && Object.keys(req.filterModel).every((c) => seg.columns.includes(c));
  }

  /**
   * The plan a page query runs with. SQLite would drive a filtered, sorted query from the filter's
   * index and sort every match; when the exact count says the filter keeps ≥ 1% of rows, reading rows
   * in the sort order and testing the filter is far cheaper. That reads the segment indexes when the
   * view has one for the sort (each matching segment in order, merged), else the sort index with the
   * filter's indexes switched off.
   */
  private plan(db: Db, req: GridRequest, counted: Shape, count: number): Plan {
    const filtered = Object.keys(req.filterModel).length > 0 || !!req.quickFilter?.trim();
    const sorted = req.sortModel.length > 0;
    if (!filtered) return { kind: 'none', shape: counted, segments: null };
    const total = this.count(db, { where: { sql: this.view.where, params: [] } });
    if (total === 0) return { kind: 'none', shape: counted, segments: null };
    // Every live row matches (a search word in every name): the page is the unfiltered one. Both counts
    // are of this data version. In a big park only, like the row sets (a small one serves any plan quickly).
    if (count === total && total >= planLimits.setMinRows) return { kind: 'every row', shape: this.shape(db, { ...req, filterModel: {}, quickFilter: undefined }), segments: null };
    const withSet = this.setPlan(db, req, counted, count, total);
    if (withSet) return withSet;
    if (count / total < SCAN_SORT_INDEX_SHARE) {
      // A rare match is found through the filter's index. Without one, a near-empty match (a few hundred
      // rows) is cheaper read in one pass and sorted than walked for along the whole sort index; SQLite
      // would walk the sort index (it cannot tell the match is rare), so the pass is stated: NOT INDEXED.
      if (this.filterHasIndex(db, counted)) {
        if (!sorted) return { kind: 'none', shape: counted, segments: null };
        return this.filterIndexOrProbed(db, req, counted, count);
      }
      if (count < WALK_MIN_MATCHES) return { kind: sorted ? 'scan' : 'none', shape: sorted ? this.shape(db, req, false, true) : counted, segments: null };
    }
    const probe = !!req.quickFilter?.trim() && this.quickShare(db, req) >= FTS_PROBE_SHARE;
    const segments = this.segmentsFor(db, req);
    if (segments) return { kind: 'segments', shape: this.shape(db, req, true, false, probe), segments };
    const single = sorted && !req.quickFilter?.trim() && Object.keys(req.filterModel).length === 1;
    if (single && count <= FILTER_INDEX_MAX_ROWS && this.filterHasIndex(db, counted)) {
      return this.filterIndexOrProbed(db, req, counted, count);
    }
    if (sorted && !probe && req.sortModel.length === 1 && this.filterHasIndex(db, counted)) {
      if (count / total < planLimits.probeShare) return this.filterIndexOrProbed(db, req, counted, count);
      const steps = Math.max(planLimits.walkBudgetMin, Math.ceil((planLimits.walkBudgetFactor * (req.endRow - req.startRow) * total) / count));
      return { kind: 'sort index', shape: this.shape(db, req, true), segments: null, budget: { steps, then: this.probed(counted) } };
    }
    if (sorted) return { kind: probe ? 'sort index, search probed' : 'sort index', shape: this.shape(db, req, true, false, probe), segments: null };
    // No sort: rowid order, which the full-text set is in too; probing walks the table in rowid order.
    return probe ? { kind: 'rowid, search probed', shape: this.shape(db, req, true, false, true), segments: null } : { kind: 'none', shape: counted, segments: null };
  }

  /**
   * Plans over the filter's row set (sets.ts), for parks of at least `setMinRows` and one sort column:
   * a small set's pages ordered in memory by its kept sort keys (`set keys`); a larger one, under
   * `setMaxShare`, tested per entry of the sort index (`sort index, set`), or with no sort paged from its
   * members in rowid order (`set rowids`; `rowid, set` walks the table for a sparse set), or by its
   * segments' indexes when it has a condition on status or kind (`segments, set`).
   * A filter on the segment columns alone reads its segments (no set: their indexes hold exactly its
   * rows, in order).
   */
  private setPlan(db: Db, req: GridRequest, counted: Shape, count: number, total: number): Plan | null {
    if (total < planLimits.setMinRows || req.sortModel.length > 1) return null;
    const small = count <= planLimits.setRowsMax;
    // A search-box word is tested per row through the full-text index (~0.25 ms a row) without a set:
    // its set (read as the count is, from the full-text matches) is worth it at any share.
    const maxShare = req.quickFilter?.trim() ? SET_MAX_SHARE_SEARCH : planLimits.setMaxShare;
    if (!small && count / total >= maxShare) return null;
    // A filter on the segment columns alone is a union of segments: their indexes give its rows in order.
    const segments = this.segmentsFor(db, req);
    if (segments && this.onSegments(req)) return { kind: 'segments', shape: this.shape(db, req, true), segments };
    // Ranks of the sort column already read for this state of the data: the set's order is a counting sort.
    const rankQuery = this.rankQuery(req);
    collectRanks(db);
    const known = rankQuery && knownRanks(db, rankQuery);
    // Such a filter sorted by a column without a segment index (name, industry, building, last change),
    // keeping a good share of rows: a walk of the sort index meets a page within 100 / share rows, where
    // reading its set costs ~0.2 µs a member (status = graduated by name: 192,000 rowids, 40–70 ms; 64 ms
    // a first page with the name's whole order kept, against 2.6 ms along the name index).
    // Unless its set was read from the segment columns' ranks with its count (`countByRanks`) and the
    // sort column keeps its whole order (names, credit codes, last change at 1M): a page is then a scan of
    // that order (kind = startup + status = exited by name, 77,000 rows: 1.4 ms a scrolled page, against
    // 9–13 ms along the name index).
    if (this.onSegments(req) && req.sortModel.length && !small && count / total >= SEGMENTS_WALK_SHARE && !(known?.order && !this.view.segments!.indexes[req.sortModel[0]!.colId] && this.heldRowSet(db, counted))) return null;
    const set = this.rowSet(db, counted, req);
    registerGridIn(db);
    const id = this.view.rowid;
    // A small set is ordered by the kept ranks where there are some (a radix sort of its members: 8,000
    // by building, ~0.2 ms, where comparing their buildings' names took 4–8 ms), else by its kept keys.
    const smallRanked = small && set.keys && known ? rankOrder(set, rankQuery.column, known, req.sortModel[0]!.sort, req.endRow) : null;
    if (smallRanked) return { kind: 'set ranks', shape: counted, segments: null, set, ranked: smallRanked };
    if (small && set.keys) return { kind: 'set keys', shape: counted, segments: null, set };
    // No sort: rowid order is the set's own order, so a page is a slice of its members, at any depth. A
    // walk of the table with OFFSET met every row before the page again (a filter keeping 0.8% of rows:
    // 9 ms at row 100, 110 ms at row 2,000, the scroll's keyset needs a sort column).
    const inRowidOrder = req.sortModel.length === 0 ? set.rowidOrder() : null;
    if (inRowidOrder) return { kind: 'set rowids', shape: counted, segments: null, set, order: inRowidOrder };
    // A large set is walked first, for at most walkFirstSteps entries (RANK_ORDER_WALK_RATIO), unless it is ordered by these ranks already.
    const pageSteps = Math.ceil((planLimits.walkBudgetFactor * (req.endRow - req.startRow) * total) / Math.max(1, count));
    const walkFirstSteps = Math.max(planLimits.walkBudgetMin, pageSteps);
    // Ranks with the column's whole order (values.ts rankOrderLimits) page a set by scanning it: cheaper than any walk of the index.
    const walkFirst = !!known && !known.order && set.rankOrders.get(rankQuery.column)?.ranks !== known && walkFirstSteps * planLimits.rankOrderWalkRatio < set.size;
    const order = known && !walkFirst && rankOrder(set, rankQuery.column, known, req.sortModel[0]!.sort, req.endRow);
    // A column of few values (kind, status, industry, building) has its ranks read at once (one byte a
    // rowid): a walk of its index passes every row of the first values before a member (kind descending
    // passes 770,000 startups), so most of its walks with a set would hand over anyway.
    // In a big park they are read in the background (rank-reader.ts) and the walk serves until they come.
    const fewValues = !!rankQuery && this.sortsFewValues(req);
    const inBackground = !known && fewValues && askRanks(db, rankQuery, total);
    const ranked: Plan | null = order ? { kind: 'set ranks', shape: counted, segments: null, set, ranked: order } : fewValues && !inBackground && !walkFirst ? this.rankedPlan(db, req, counted, set, rankQuery) : null;
    // A condition on the sort column itself stays: it is a range of the sort index (industry = ai sorted
    // by industry walks the ai entries only, not every industry before them).
    const sortCol = req.sortModel[0]?.colId;
    const ownModel = sortCol ? req.filterModel[sortCol] : undefined;
    const own = sortCol && ownModel && isIndexRange(this.view.columns[sortCol]!, ownModel) ? whereClause(this.view, { [sortCol]: ownModel }, undefined, false, db) : null;
    const bound = this.sortBound(db, req);
    const where = andClause(own ? { sql: `grid_in(${id}) AND ${own.sql}`, params: own.params } : { sql: `grid_in(${id}) AND ${this.view.where}`, params: [] }, bound);
    const shape = { ...this.shape(db, req, true), where };
    const walk: Plan = { kind: req.sortModel.length ? 'sort index, set' : 'rowid, set', shape, segments: null, set };
    // A walk of the sort index that meets no page of members within its budget (the filter correlates
    // with the sort: kind descending passes every startup first) reads the sort column's ranks and
    // orders the set in memory (`set ranks`); later pages and filters then find the ranks ready. Ranks
    // asked for in the background are waited for then (reading them here would take as long); a walk
    // slower than a page should be (SLOW_SET_WALK_STEPS) asks for them, for the pages after it.
    const steps = Math.max(planLimits.setWalkSteps, pageSteps);
    const ranksNow = (q: RankQuery) => {
      if (askRanks(db, q, total)) awaitRanks(db, q);
      return this.rankedPlan(db, req, counted, set, q) ?? walk;
    };
    const alongSortIndex: Plan =
      ranked ??
      (walkFirst ? { ...walk, budget: { steps: walkFirstSteps, then: () => this.rankedPlan(db, req, counted, set, rankQuery) ?? walk } }
      : rankQuery ? { ...walk, budget: { steps, then: () => ranksNow(rankQuery) }, slowWalk: () => askRanks(db, rankQuery, total, true) }
      : walk);
    // A filter with a condition on status or kind: its segments walked in the sort order, each entry
    // tested with `grid_in`, when the sort correlates with the segments (industry = ai + 在孵 by R&D spend
    // descending: the sort index passes every settled enterprise first, 57 ms). Where the other condition is
    // rare in some segment, that segment's walk reads it to the end (status = settled + top tenth of revenue
    // by R&D spend): a budget of steps stops it, and the sort index serves.
    const segmentShape = { ...this.shape(db, req, true), where: andClause({ sql: `grid_in(${id}) AND ${this.view.where}`, params: [] }, bound) };
    // A walk of these segments that spent its budget once is not tried again for this data version. With
    // the sort column's ranks kept and a set ordered at once (`order`, not walked first), its head costs
    // less than such a walk at its best (45,846 members by entry date: 0.5 ms, where a segments walk that
    // spent its budget and then a walk of the sort index took 6–7 ms a first page).
    if (!segments || order || this.counts.has(segmentStopKey(segmentShape))) return alongSortIndex;
    return { kind: 'segments, set', shape: segmentShape, segments, set, budget: { steps: planLimits.segmentSetSteps, then: alongSortIndex } };
  }

  /** Whether the one sort column is a column of few values: an enum, or a text column marked so. */
  private sortsFewValues(req: GridRequest): boolean {
    const col = req.sortModel.length === 1 ? this.view.columns[req.sortModel[0]!.colId] : undefined;
    return !!col && (col.type === 'enum' || !!col.fewValues);
  }

  /**
   * The rank queries read ahead, the likeliest to be needed first: columns of few values (a walk of
   * their index passes every row of the first values before a member: the slowest walks), then numbers
   * and dates, then other text (names and codes). Those cost most to read (0.3–0.9 s of CPU at 1M) but
   * come with the column's whole order (values.ts rankOrderLimits), which pages any filter by name in a
   * few ms, where a walk of the name index took 4–19 ms a first page for a filter keeping 1.5% of rows.
   */
  private aheadQueries(): RankQuery[] {
    const weight = (c: GridColumn) => (c.type === 'enum' || c.fewValues ? 0 : c.type === 'text' ? 2 : 1);
    const columns = Object.values(this.view.columns).filter((c) => c.sortable);
    const sqls = [...new Set(columns.sort((a, b) => weight(a) - weight(b)).map((c) => c.sql))];
    return sqls.map((column) => ({ rowid: this.view.rowid, from: this.view.from, where: this.view.where, column }));
  }

  /** The query of the sort column's ranks (values.ts), for one sort column. */
  private rankQuery(req: GridRequest): RankQuery | null {
    const col = req.sortModel.length === 1 ? this.view.columns[req.sortModel[0]!.colId] : undefined;
    return col ? { rowid: this.view.rowid, from: this.view.from, where: this.view.where, column: col.sql } : null;
  }

  /** The set ordered in memory by the sort column's ranks, read now if need be; null where there are none. */
  private rankedPlan(db: Db, req: GridRequest, counted: Shape, set: RowSet, q: RankQuery): Plan | null {
    const ranks = valueRanks(db, q);
    const order = ranks && rankOrder(set, q.column, ranks, req.sortModel[0]!.sort, req.endRow);
    return order ? { kind: 'set ranks', shape: counted, segments: null, set, ranked: order } : null;
  }

  /**
   * The filter's row set: read with its count (`filterCount`), or else through its indexes now (a count
   * taken for another sort); once per data version, the last KEPT_SETS kept.
   */
  private rowSet(db: Db, counted: Shape, req: GridRequest): RowSet {
    if (this.rowSetsDb !== db) {
      this.rowSets.clear();
      this.rowSetsDb = db;
    }
    const key = JSON.stringify([counted.where.sql, counted.where.params]);
    // A filter on the segment columns alone: its segments' ranges of the segment index (no row read).
    const read = () =>
      this.onSegments(req)
        ? new RowSet(segmentsRowids(db, this.view, this.view.segments!, this.segmentCells(db, req)), planLimits.setRowsMax)
        : readRowSet(db, `SELECT ${this.view.rowid} FROM ${this.view.from} WHERE ${counted.where.sql}`, counted.where.params, planLimits.setRowsMax);
    const set = this.rowSets.get(key) ?? this.withKeys(db, read());
    this.keepRowSet(db, key, set);
    return set;
  }

  /**
   * A filter on columns of few values alone (status, kind, industry, building: `enum` or `fewValues`),
   * counted, and its set kept, from those columns' kept ranks (rank-filter.ts); null where any column's
   * ranks are not kept for the data as it is now (read ahead in a big park): SQL counts it then.
   */
  private countByRanks(db: Db, req: GridRequest, key: string, total: number): number | null {
    if (req.quickFilter?.trim()) return null;
    const conditions = this.rankConditions(db, Object.entries(req.filterModel));
    if (!conditions?.length) return null;
    const read = bitsByRanks(conditions);
    setsByRanks.count++;
    this.counts.set(key, read.count);
    if (req.sortModel.length <= 1 && read.count <= this.setCap(req, total)) this.keepRowSet(db, key, this.withKeys(db, new RowSet(read, planLimits.setRowsMax)));
    return read.count;
  }

  /** Whether a filter's condition on this column can be decided from its kept ranks (a column of few values, stored as it is). */
  private rankable(colId: string): boolean {
    const col = this.view.columns[colId];
    // The stand-in rows of `allowedRanks` hold the column and `deleted`: a view whose live-row term is that alone.
    return !!col && (col.type === 'enum' || !!col.fewValues) && /^\w+\.\w+$/.test(col.sql) && /^\w+\.deleted = 0$/.test(this.view.where);
  }

  /** The conditions on columns of few values as rank conditions; null where one is not such a column or its ranks are not kept for the data as it is now. */
  private rankConditions(db: Db, entries: [string, GridFilterModel[string]][]): RankCondition[] | null {
    const conditions: RankCondition[] = [];
    for (const [colId, model] of entries) {
      if (!this.rankable(colId)) return null;
      const col = this.view.columns[colId]!;
      const kept = knownRanksWithValues(db, { rowid: this.view.rowid, from: this.view.from, where: this.view.where, column: col.sql });
      if (!kept) return null;
      conditions.push({ ranks: kept.ranks, allowed: this.allowedRanks(db, colId, model, kept.values) });
    }
    return conditions;
  }

  /**
   * A filter with conditions on columns of few values (kind, status, industry, building) beside others,
   * whose few-value part keeps a large share of the park (`planLimits.rankSplitMinShare`): that part decided from
   * the kept ranks (`bitsByRanks`, ~2 ms at 1M) and tested per row as `grid_in`, the rest left to SQLite.
   * With the whole filter SQLite read along the few-value column's index and a table row for each entry
   * to test the rest (kind = startup + a credit code containing 914404: 770,000 startups read, 3.7 s at 1M),
   * where the rest alone reads its own index or one pass of the table. A rare part (kind = core, 3%) stays
   * in SQL: its index finds the few rows, cheaper than a pass. Null where this does not apply.
   */
  private rankSplit(db: Db, req: GridRequest, total: number): { where: Clause; set: RowSet } | null {
    const entries = Object.entries(req.filterModel);
    const few = entries.filter(([colId]) => this.rankable(colId));
    const rest = entries.filter(([colId]) => !this.rankable(colId));
    if (!few.length || (!rest.length && !req.quickFilter?.trim())) return null;
    const conditions = this.rankConditions(db, few);
    if (!conditions) return null;
    const read = bitsByRanks(conditions);
    if (read.count < planLimits.rankSplitMinShare * total) return null;
    rankSplits.count++;
    const others = whereClause(this.view, Object.fromEntries(rest), req.quickFilter, false, db);
    return { where: { sql: `grid_in(${this.view.rowid}) AND ${others.sql}`, params: others.params }, set: new RowSet(read, 0) };
  }

  /**
   * Which of a column's distinct values (rank r is values[r - 1]) a filter's condition on it keeps: SQLite
   * decides, on a stand-in row per value, with the very WHERE clause of the plain query (pick lists, typed
   * labels, blanks, "contains" on a building all mean what they mean there). The view's own live-row term
   * holds for every ranked row (ranks are of live rows only): the stand-in is live.
   */
  private allowedRanks(db: Db, colId: string, model: GridFilterModel[string], values: readonly unknown[]): Uint8Array {
    const col = this.view.columns[colId]!;
    const [alias, stored] = col.sql.split('.') as [string, string];
    const clause = whereClause(this.view, { [colId]: model }, undefined, false, db);
    const standIn = `SELECT CAST(key AS INTEGER) + 1 AS _r, value AS ${stored}, 0 AS deleted FROM json_each(?)`;
    const kept = prepared(db, `SELECT _r FROM (${standIn}) ${alias} WHERE ${clause.sql}`).pluck().all(JSON.stringify(values), ...clause.params) as number[];
    const allowed = new Uint8Array(values.length + 1);
    for (const r of kept) allowed[r] = 1;
    return allowed;
  }

  /** Whether the filter's row set is held already (read with its count), without reading one. */
  private heldRowSet(db: Db, counted: Shape): boolean {
    return this.rowSetsDb === db && this.rowSets.has(JSON.stringify([counted.where.sql, counted.where.params]));
  }

  /** A small set gets its sort keys (one read of each member's row): every sort of it is then served from memory. */
  private withKeys(db: Db, set: RowSet): RowSet {
    if (set.json !== null) readSetKeys(db, set, { rowid: this.view.rowid, from: this.view.from, columns: this.sortKeyColumns(), orderBy: this.unrankedTextColumn() });
    return set;
  }

  /** Keeps a filter's set as the most recently used (last): the oldest is the one dropped beyond KEPT_SETS. */
  private keepRowSet(db: Db, key: string, set: RowSet): void {
    if (this.rowSetsDb !== db) {
      this.rowSets.clear();
      this.rowSetsDb = db;
    }
    this.rowSets.delete(key);
    if (this.rowSets.size >= KEPT_SETS) this.rowSets.delete(this.rowSets.keys().next().value!);
    this.rowSets.set(key, set);
  }

  /** Bytes held by this runner's row sets (the bench reports it). */
  rowSetBytes(): number {
    let n = 0;
    for (const s of this.rowSets.values()) n += s.bytes;
    return n;
  }

  /**
   * An indexed filter's matches read and sorted (`filter index`) when that is cheap: few of them, or an
   * index that gives them in the sort order or holds their sort key (exit date in 2021 sorted by exit or
   * entry date: 3–6 ms, as the probed walk takes 20–40); else the probed walk.
   */
  private filterIndexOrProbed(db: Db, req: GridRequest, counted: Shape, count: number): Plan {
    const filterIndex: Plan = { kind: 'filter index', shape: counted, segments: null };
    if (count <= planLimits.filterSortMaxRows || req.sortModel.length > 1) return filterIndex;
    if (count <= FILTER_INDEX_MAX_ROWS && this.sortKeyInFilterIndex(db, counted)) return filterIndex;
    return this.probed(counted);
  }

  /** Whether SQLite reads the filter's matches through an index that gives their sort order or holds their sort key. */
  private sortKeyInFilterIndex(db: Db, counted: Shape): boolean {
    const key = `sortkey:${counted.where.sql}:${counted.orderSql}`;
    let covered = this.counts.get(key);
    if (covered === undefined) {
      const keys = counted.order.map((o) => o.sql).join(', ');
      const steps = (prepared(db, `EXPLAIN QUERY PLAN SELECT ${keys} FROM ${this.view.from} WHERE ${counted.where.sql} ORDER BY ${counted.orderSql}`).all(...counted.where.params) as { detail: string }[]).map((s) => s.detail);
      const alias = this.view.rowid.split('.')[0]!;
      const search = steps.some((d) => d.startsWith(`SEARCH ${alias} `));
      // Steps of subqueries (a value list) do not count: only the view's own table read through an index.
      const keyInIndex = steps.some((d) => d.startsWith(`SEARCH ${alias} USING COVERING INDEX`));
      covered = keyInIndex || (search && !steps.some((d) => d.includes('TEMP B-TREE'))) ? 1 : 0;
      this.counts.set(key, covered);
    }
    return covered === 1;
  }

  /**
   * The sort index walked with the filter's matches as a rowid set (read once per page through the
   * filter's index): index entries not in the set are passed over without fetching their rows.
   */
  private probed(counted: Shape): Plan {
    const id = this.view.rowid;
    const probe = { sql: `SELECT ${id} FROM ${this.view.from} WHERE ${counted.where.sql}`, params: counted.where.params };
    const where = { sql: `${this.view.where} AND +${id} IN (${probe.sql})`, params: probe.params };
    return { kind: 'sort index, filter probed', shape: { ...counted, where }, segments: null, probe };
  }

  /**
   * The probed plan reading its rowid set from a temporary table, filled on the first page of the filter
   * (about 20 ms for 18,669 rowids at 1M) and read by every later page and sort of this data version (the
   * walk alone: 2–3 ms). Not inside a transaction (a rollback would drop the table the runner relies on),
   * nor when the temporary table cannot be made: then the subquery, built per page.
   */
  private withSet(db: Db, plan: Plan): Plan {
    if (!plan.probe || db.inTransaction) return plan;
    // Temporary tables belong to one connection: a runner serving another database starts afresh.
    if (this.setsDb !== db) {
      this.sets.clear();
      this.setsDb = db;
    }
    const key = JSON.stringify([plan.probe.sql, plan.probe.params]);
    let table = this.sets.get(key);
    if (!table) {
      table = `grid_set_${++setTables}`;
      try {
        db.exec(`CREATE TEMP TABLE ${table} (r INTEGER PRIMARY KEY)`);
        const { sql, params } = plan.probe;
        ownWrite(db, () => prepared(db, `INSERT INTO temp.${table} ${sql}`).run(...params));
      } catch {
        return plan;
      }
      this.sets.set(key, table);
      if (this.sets.size > KEPT_SETS) {
        const [oldKey, old] = this.sets.entries().next().value!;
        this.sets.delete(oldKey);
        db.exec(`DROP TABLE IF EXISTS temp.${old}`);
      }
    }
    return { ...plan, probe: undefined, shape: { ...plan.shape, where: { sql: `${this.view.where} AND +${this.view.rowid} IN temp.${table}`, params: [] } } };
  }

  private dropSets(db: Db): void {
    if (this.setsDb !== db || db.inTransaction) return this.sets.clear();
    for (const table of this.sets.values()) db.exec(`DROP TABLE IF EXISTS temp.${table}`);
    this.sets.clear();
  }

  /** The share of live rows the search box's words match alone (its exact count, cached like the others). */
  private quickShare(db: Db, req: GridRequest): number {
    const total = this.count(db, { where: { sql: this.view.where, params: [] } });
    const n = this.count(db, { where: whereClause(this.view, {}, req.quickFilter, false, db) });
    return total ? n / total : 0;
  }

  /**
   * Whether SQLite finds the filter's matches through an index. Without one (a `contains` on a column
   * with no full-text index, a computed column) it reads every row and then sorts the matches, so
   * walking the sort index and stopping at the page's last row is never slower, even for a rare match.
   */
  private filterHasIndex(db: Db, counted: Shape): boolean {
    const key = `plan:${counted.where.sql}`;
    let indexed = this.counts.get(key);
    if (indexed === undefined) {
      const steps = prepared(db, `EXPLAIN QUERY PLAN SELECT count(*) FROM ${this.view.from} WHERE ${counted.where.sql}`).all(...counted.where.params) as { detail: string }[];
      // A full pass of the view's table is "SCAN e" or "SCAN e USING [COVERING] INDEX i"; a lookup is "SEARCH e …".
      const alias = this.view.rowid.split('.')[0]!;
      indexed = steps.some((s) => s.detail.startsWith(`SEARCH ${alias} `)) ? 1 : 0;
      this.counts.set(key, indexed);
    }
    return indexed === 1;
  }

  /** The segment index for the request's sort and the segments its filter keeps, when there is one. */
  private segmentsFor(db: Db, req: GridRequest): Plan['segments'] {
    const seg = this.view.segments;
    if (!seg || req.sortModel.length > 1) return null;
    const index = seg.indexes[req.sortModel[0]?.colId ?? ''];
    // Without a condition on a segment column every segment is read: one walk of the sort index is cheaper.
    const segmentFilter = Object.fromEntries(Object.entries(req.filterModel).filter(([colId]) => seg.columns.includes(colId)));
    if (!index || Object.keys(segmentFilter).length === 0) return null;
    this.cells ??= presentCells(db, this.view, seg);
    return { index, cells: matchingCells(db, this.view, seg, this.cells, whereClause(this.view, segmentFilter, undefined, false, db)) };
  }

  /** The SQL a first or jumped-to page runs, and its count, for the benchmark's sqlite3 reference. */
  sqlFor(db: Db, req: GridRequest): { page: Clause; plain: Clause; count: Clause; plan: Plan['kind'] } {
    const counted = this.shape(db, req);
    const plan = this.plan(db, req, counted, this.filterCount(db, req, counted));
    const limit = req.endRow - req.startRow;
    return {
      page: this.pageSql(plan, null, limit, req.startRow),
      plain: { sql: `${counted.select} WHERE ${counted.where.sql} ORDER BY ${counted.orderSql} LIMIT ? OFFSET ?`, params: [...counted.where.params, limit, req.startRow] },
      count: { sql: `SELECT count(*) AS n FROM ${this.view.from} WHERE ${counted.where.sql}`, params: counted.where.params },
      plan: plan.kind,
    };
  }

  run(db: Db, req: GridRequest, version: number): GridResult<R> {
    if (version !== this.seenVersion) {
      this.counts.clear();
      this.bounds.clear();
      this.cursors.clear();
      this.cells = null;
      this.dropSets(db);
      this.rowSets.clear();
      this.seenVersion = version;
    }
    const counted = this.shape(db, req);
    const count = this.filterCount(db, req, counted);
    const plan = this.plan(db, req, counted, count);
    // A big park's sort columns' ranks, asked ahead of the first sort that needs them (rank-reader.ts).
    askRanksAhead(db, this.aheadQueries(), this.count(db, { where: { sql: this.view.where, params: [] } }));
    const limit = req.endRow - req.startRow;
    const cursor = this.cursors.get(`${counted.key}@${req.startRow}`);
    const rows =
      count === 0 || req.startRow >= count
        ? []
        : cursor && plan.shape.order.length === 2 && !SORTS_EVERY_MATCH.includes(plan.kind)
          ? this.keysetOrRanked(db, plan, cursor, limit, req.startRow)
          : this.fetch(db, plan, null, limit, req.startRow);
    const lastRow = rows[rows.length - 1];
    if (lastRow) {
      this.cursors.set(`${counted.key}@${req.startRow + rows.length}`, { last: sortKeysOf(lastRow) });
      if (this.cursors.size > 500) this.cursors.delete(this.cursors.keys().next().value!);
    }
    return {
      rows: rows.map((r) => this.decode(r)),
      count,
    };
  }

  /** The page query of a plan, narrowed by `extra` (a keyset range) when given. */
  private pageSql(plan: Plan, extra: Clause | null, limit: number, offset: number): Clause {
    const { shape, segments } = plan;
    if (segments && offset + limit <= SEGMENT_MAX_DEPTH) return segmentPageSql(this.view, this.view.segments!, segments.index, segments.cells, shape, extra, limit, offset);
    if (plan.kind === 'set keys' && plan.set?.keys) {
      // The page's members, ordered in memory by their kept keys; their rows read by rowid and put in the same order.
      const [first] = shape.order;
      const column = shape.order.length > 1 ? first!.sql : null;
      const rowids = plan.set.keys.page(column, first!.dir, offset, limit);
      return { sql: `${shape.select} WHERE ${this.view.rowid} IN (SELECT value FROM json_each(?)) AND ${this.view.where} ORDER BY ${shape.orderSql}`, params: [JSON.stringify(rowids)] };
    }
    if ((plan.kind === 'set ranks' && plan.ranked) || (plan.kind === 'set rowids' && plan.order)) {
      if (extra) throw new Error('an order in memory is paged by position');
      // The page's members from the set's order (by the sort column's value ranks, or by rowid); their rows read by rowid.
      const rowids = plan.ranked ? plan.ranked.page(shape.order[0]!.dir, offset, limit) : pageOfOrder(plan.order!, shape.order[0]!.dir, offset, limit);
      return { sql: `${shape.select} WHERE ${this.view.rowid} IN (SELECT value FROM json_each(?)) AND ${this.view.where} ORDER BY ${shape.orderSql}`, params: [JSON.stringify(rowids)] };
    }
    return {
      sql: `${shape.select} WHERE ${shape.where.sql}${extra ? ` AND ${extra.sql}` : ''} ORDER BY ${shape.orderSql} LIMIT ? OFFSET ?`,
      params: [...shape.where.params, ...(extra?.params ?? []), limit, offset],
    };
  }

  private fetch(db: Db, plan: Plan, extra: Clause | null, limit: number, offset: number): Record<string, unknown>[] {
    if (plan.segments && plan.segments.cells.length === 0) return [];
    const { budget } = plan;
    if (budget && offset + limit <= budget.steps) {
      // The walk counter goes first, on the index entry: it counts every step, matching or not.
      const counted = { ...plan, budget: undefined, shape: { ...plan.shape, where: walkWhere(plan.shape.where, this.view.rowid) } };
      const q = this.pageSql(counted, extra, limit, offset);
      startWalk(db, budget.steps);
      try {
        const page = () => pageRows(db, q.sql, q.params);
        const rows = plan.set ? withRowSet(db, plan.set, page) : page();
        if (plan.slowWalk && walkStepsUsed() > planLimits.slowSetWalkSteps) plan.slowWalk();
        return rows;
      } catch (err) {
        if (!(err instanceof WalkBudgetSpent)) throw err;
        walkStops.count++;
        if (plan.kind === 'segments, set') this.counts.set(segmentStopKey(plan.shape), 1);
        const next = thenPlan(budget);
        // An order in memory serves pages by position, not by keyset range: the caller pages it so.
        if (extra && next.kind === 'set ranks') throw new RanksInstead(next);
        return this.fetch(db, next, extra, limit, offset);
      }
    }
    const next = budget ? thenPlan(budget) : plan;
    if (extra && next.kind === 'set ranks') throw new RanksInstead(next);
    const q = this.pageSql(this.withSet(db, next), extra, limit, offset);
    const page = () => pageRows(db, q.sql, q.params);
    return plan.set ? withRowSet(db, plan.set, page) : page();
  }

  /** A keyset page, or, when its walk hands over to an order in memory, the page at its position. */
  private keysetOrRanked(db: Db, plan: Plan, cursor: Cursor, limit: number, startRow: number): Record<string, unknown>[] {
    try {
      return this.keysetPage(db, plan, cursor, limit);
    } catch (err) {
      if (!(err instanceof RanksInstead)) throw err;
      return this.fetch(db, err.plan, null, limit, startRow);
    }
  }

  /**
   * The rows after the cursor in (sort column, rowid) order, as index range scans. NULLs sort first
   * ascending and last descending, so the continuation is up to two ranges: the rest of the current
   * group (NULL or not), then the other group.
   */
  private keysetPage(db: Db, plan: Plan, cursor: Cursor, limit: number): Record<string, unknown>[] {
    const [first] = plan.shape.order;
    const col = first!.sql;
    const id = this.view.rowid;
    const asc = first!.dir === 'asc';
    const [value, rowid] = cursor.last;
    const parts: Clause[] =
      value === null
        ? [{ sql: `${col} IS NULL AND ${id} ${asc ? '>' : '<'} ?`, params: [rowid] }, ...(asc ? [{ sql: `${col} IS NOT NULL`, params: [] }] : [])]
        : [{ sql: `(${col}, ${id}) ${asc ? '>' : '<'} (?, ?)`, params: [value, rowid] }, ...(asc ? [] : [{ sql: `${col} IS NULL`, params: [] }])];
    const out: Record<string, unknown>[] = [];
    for (const part of parts) {
      if (out.length >= limit) break;
      out.push(...this.fetch(db, plan, part, limit - out.length, 0));
    }
    return out;
  }
}
