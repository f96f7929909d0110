import { prepared, type Db } from '../db/open';
import type { GridView } from './request';

/**
 * Segment indexes: a registry's rows fall into a few segments by low-cardinality, NOT NULL code columns
 * (an enterprise's status × kind: 在孵 startups, settled core enterprises, …), and the figures a grid
 * sorts by differ by segment (core enterprises have a hundred times a startup's revenue; only exited
 * ones have an exit date). Walking one sort index with a filter such as status = 在孵 then skips every
 * row of the other segments first, hundreds of thousands at a million rows. An index keyed
 * (segment columns, sort column) holds each segment's rows in the grid's order instead, so the first
 * page is the merge of each matching segment's first rows: a handful of short index range scans.
 */
export interface Segmentation {
  /** Column ids of the view that key every segment index, in index order. Stored, NOT NULL columns. */
  columns: readonly string[];
  /**
   * The index keyed (segment columns, that column) per sortable column id; under '' the index on the
   * segment columns alone (its entries are in rowid order: the grid's order with no sort, or sorted by a
   * segment column itself).
   */
  indexes: Readonly<Record<string, string>>;
  /**
   * The term the segment indexes add to their partial-index WHERE (always true), stated by every
   * segment query: SQLite uses a partial index only when the query states its terms, so the planner
   * never picks a segment index for another query on its own.
   */
  optIn: string;
}

/** A segment: one value per segment column. */
export type Cell = readonly string[];

/** The stored names of the segment columns (`e.status` → `status`), for a one-row stand-in table. */
function storedNames(view: GridView, seg: Segmentation): string[] {
  return seg.columns.map((id) => view.columns[id]!.sql.split('.').pop()!);
}

/**
 * The segments present among live rows, in index order: a loose index scan (one probe per segment), so
 * a million rows cost a dozen index seeks, not a pass over the index.
 */
export function presentCells(db: Db, view: GridView, seg: Segmentation): Cell[] {
  const cols = seg.columns.map((id) => view.columns[id]!.sql);
  const names = cols.map((_, i) => `_c${i}`);
  const head = `SELECT ${cols.map((c, i) => `${c} AS ${names[i]}`).join(', ')} FROM ${view.from} INDEXED BY ${seg.indexes['']} WHERE ${view.where} AND ${seg.optIn}`;
  const tail = `ORDER BY ${cols.join(', ')} LIMIT 1`;
  const first = prepared(db, `${head} ${tail}`);
  const next = prepared(db, `${head} AND (${cols.join(', ')}) > (${cols.map(() => '?').join(', ')}) ${tail}`);
  const cells: Cell[] = [];
  let row = first.get() as Record<string, string> | undefined;
  while (row) {
    const cell = names.map((n) => row![n]!);
    cells.push(cell);
    row = next.get(...cell) as Record<string, string> | undefined;
  }
  return cells;
}

/**
 * The segments a filter on the segment columns keeps: SQLite evaluates that part of the WHERE clause on
 * a one-row stand-in for each segment, so every condition type (pick lists, typed labels, blanks)
 * means exactly what it means in the plain query.
 */
export function matchingCells(db: Db, view: GridView, seg: Segmentation, cells: Cell[], segmentWhere: { sql: string; params: unknown[] }): Cell[] {
  const alias = view.rowid.split('.')[0]!;
  const names = storedNames(view, seg);
  // The view's own condition (e.g. `e.deleted = 0`) holds for every live row: the stand-in row has deleted = 0.
  const standIn = `SELECT ${names.map((n) => `? AS ${n}`).join(', ')}, 0 AS deleted`;
  const test = prepared(db, `SELECT 1 AS ok FROM (${standIn}) ${alias} WHERE ${segmentWhere.sql}`);
  return cells.filter((cell) => test.get(...cell, ...segmentWhere.params) !== undefined);
}

/**
 * A page through the segment indexes: each segment's first `offset + limit` rows in the grid's order
 * (an index range scan, the rest of the filter tested per row), merged by SQLite in the same ORDER BY,
 * then the page's rows read by rowid. Identical to the plain query: the first n rows of the union of
 * segments are among the first n rows of each segment, and the order is total (rowid breaks ties).
 */
export function segmentPageSql(
  view: GridView,
  seg: Segmentation,
  index: string,
  cells: Cell[],
  shape: { select: string; where: { sql: string; params: unknown[] }; order: { sql: string; dir: 'asc' | 'desc' }[]; orderSql: string },
  extra: { sql: string; params: unknown[] } | null,
  limit: number,
  offset: number,
): { sql: string; params: unknown[] } {
  const segCols = seg.columns.map((id) => view.columns[id]!.sql);
  const keys = shape.order.map((o, i) => `${o.sql} AS _m${i}`).join(', ');
  const mergeOrder = shape.order.map((o, i) => `_m${i} ${o.dir.toUpperCase()}`).join(', ');
  const where = `${segCols.map((c) => `${c} = ?`).join(' AND ')} AND ${seg.optIn} AND ${shape.where.sql}${extra ? ` AND ${extra.sql}` : ''}`;
  const arm = `SELECT * FROM (SELECT ${keys} FROM ${view.from} INDEXED BY ${index} WHERE ${where} ORDER BY ${shape.orderSql} LIMIT ?)`;
  const rowidKey = `_m${shape.order.length - 1}`;
  const sql =
    `${shape.select} WHERE ${view.rowid} IN (SELECT ${rowidKey} FROM (${cells.map(() => arm).join(' UNION ALL ')} ORDER BY ${mergeOrder} LIMIT ? OFFSET ?)) ` +
    `ORDER BY ${shape.orderSql}`;
  const params: unknown[] = [];
  for (const cell of cells) params.push(...cell, ...shape.where.params, ...(extra?.params ?? []), offset + limit);
  params.push(limit, offset);
  return { sql, params };
}

/** A cell's rows through the index on the segment columns alone (`indexes['']`, which holds every live row). */
function cellSql(view: GridView, seg: Segmentation, what: string): string {
  const cols = seg.columns.map((id) => view.columns[id]!.sql);
  return `SELECT ${what} FROM ${view.from} INDEXED BY ${seg.indexes['']} WHERE ${view.where} AND ${cols.map((c) => `${c} = ?`).join(' AND ')} AND ${seg.optIn}`;
}

/**
 * The exact count of a filter on the segment columns alone: the sum of its segments' counts, each a
 * range of the segment index. SQLite would count through one column's index and read every row of that
 * value to test the other (kind = core + status = exited: the 95,000 exited rows read, 340 ms at 1M,
 * for 2,490 matches).
 */
export function segmentsCount(db: Db, view: GridView, seg: Segmentation, cells: Cell[]): number {
  const q = prepared(db, cellSql(view, seg, 'count(*)')).pluck();
  let n = 0;
  for (const cell of cells) n += q.get(...cell) as number;
  return n;
}

/** The rowids of a filter on the segment columns alone, read from its segments' ranges of the segment index. */
export function segmentsRowids(db: Db, view: GridView, seg: Segmentation, cells: Cell[]): number[] {
  const q = prepared(db, cellSql(view, seg, view.rowid)).pluck();
  const out: number[] = [];
  for (const cell of cells) for (const r of q.all(...cell) as number[]) out.push(r);
  return out;
}
