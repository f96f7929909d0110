import { prepared, type Db } from '../db/open';
import { compareSqlite, type RowSet } from './sets';

/**
 * Sort orders of a row set by a column of few values (kind, status, industry, building): the members
 * ordered in memory by (value, rowid), from one byte per rowid saying its value's rank.
 *
 * Walking the sort index with `grid_in` passes every row of the first sort values before a match: kind
 * descending with a filter on large areas walks 770,000 startups (~0.3 µs each, 250 ms at 1M) before the
 * first core enterprise. With each live row's value rank held in a byte array (1 MB at a million rows,
 * read once per state of the data along the column's index, ~200 ms), a set's members are bucketed by
 * rank in one pass (a counting sort, a few ms for 100,000 members) and every page is read by rowid.
 */

/** The rank byte of a row not among the live rows when the ranks were read (never a member's). */
const UNKNOWN = 255;
/** At most this many distinct values (a byte each, UNKNOWN kept back). */
const MAX_VALUES = UNKNOWN;
/** Rowids above this are not held in a byte array (16 MB). */
const MAX_ROWID = 2 ** 24;

/** One column's value rank per rowid (UNKNOWN for rows that were not live), for one state of the data. */
export interface ValueRanks {
  ranks: Uint8Array;
  /** The distinct values, in SQLite's ascending order (NULL first): the rank is the index. */
  values: readonly unknown[];
}

/** The query of a column's ranks: the view's rowid, FROM and live-row WHERE, and the column's SQL. */
export interface RankQuery {
  rowid: string;
  from: string;
  where: string;
  column: string;
}

interface Kept {
  stamp: string;
  /** null: the column has too many values, or no index holding it (a pass over the table would cost too much). */
  ranks: ValueRanks | null;
}

const kept = new WeakMap<Db, Map<string, Kept>>();

/** Passes that read a column's ranks since the process started (the tests check they follow writes, and only writes). */
export const rankReads = { count: 0 };

/**
 * The state of the data on a connection: SQLite's data_version (commits by other connections) and the
 * connection's own changes (total_changes, which counts every row a statement of this connection wrote,
 * triggers included). Ranks are kept while it stays the same, across the grid's data versions (which a
 * caller may advance without a write), and dropped by any write.
 */
function dataStamp(db: Db): string {
  const own = prepared(db, 'SELECT total_changes()').pluck().get() as number;
  return `${db.pragma('data_version', { simple: true }) as number}:${own}`;
}

/**
 * Runs `fn`, a write of the grid's own (a temporary table of rowids), without dropping ranks that were
 * up to date before it: those rows are not the view's.
 */
export function ownWrite<T>(db: Db, fn: () => T): T {
  const before = dataStamp(db);
  try {
    return fn();
  } finally {
    const after = dataStamp(db);
    for (const k of kept.get(db)?.values() ?? []) if (k.stamp === before) k.stamp = after;
  }
}

let ranking: { byValue: Map<unknown, number>; ranks: Uint8Array; bad: boolean } | null = null;
const withRankFunction = new WeakSet<Db>();

function registerRank(db: Db): void {
  if (withRankFunction.has(db)) return;
  db.function('grid_rank', { deterministic: false }, (rowid: unknown, value: unknown) => {
    const r = ranking!;
    const rank = r.byValue.get(value);
    const id = Number(rowid);
    if (rank === undefined || !(id >= 0 && id < r.ranks.length)) r.bad = true;
    else r.ranks[id] = rank;
    return null;
  });
  withRankFunction.add(db);
}

/** The ranks of a column for the data as it is now: read once per state of the data, then kept. */
export function valueRanks(db: Db, q: RankQuery): ValueRanks | null {
  let byColumn = kept.get(db);
  if (!byColumn) kept.set(db, (byColumn = new Map()));
  const key = JSON.stringify(q);
  const stamp = dataStamp(db);
  const known = byColumn.get(key);
  if (known && known.stamp === stamp) return known.ranks;
  const ranks = readRanks(db, q);
  byColumn.set(key, { stamp, ranks });
  return ranks;
}

function readRanks(db: Db, q: RankQuery): ValueRanks | null {
  const alias = q.rowid.split('.')[0]!;
  const pass = `SELECT count(grid_rank(${q.rowid}, ${q.column})) FROM ${q.from} WHERE ${q.where}`;
  registerRank(db);
  // Only along an index holding the column: a pass over the table's rows would cost seconds at 1M.
  const steps = (prepared(db, `EXPLAIN QUERY PLAN ${pass}`).all() as { detail: string }[]).map((s) => s.detail);
  if (steps.length !== 1 || !steps[0]!.startsWith(`SCAN ${alias} USING COVERING INDEX`)) return null;
  const distinct = prepared(db, `SELECT DISTINCT ${q.column} FROM ${q.from} WHERE ${q.where} LIMIT ${MAX_VALUES + 1}`).pluck().all();
  // Numbers and text only (a Map tells 1 from '1' as SQLite does; blobs would be told apart by reference).
  if (distinct.length > MAX_VALUES || distinct.some((v) => v !== null && typeof v !== 'number' && typeof v !== 'string')) return null;
  const values = [...distinct].sort(compareSqlite);
  const maxRowid = (prepared(db, `SELECT max(${q.rowid}) FROM ${q.from}`).pluck().get() as number | null) ?? 0;
  if (maxRowid >= MAX_ROWID) return null;
  const mine = { byValue: new Map(values.map((v, i) => [v, i])), ranks: new Uint8Array(maxRowid + 1).fill(UNKNOWN), bad: false };
  const outer = ranking;
  ranking = mine;
  rankReads.count++;
  try {
    prepared(db, pass).pluck().get();
  } finally {
    ranking = outer;
  }
  // Two values SQLite tells apart that JavaScript does not (an integer and a real of the same value): no ranks.
  if (mine.bad || new Set(values).size !== values.length) return null;
  return { ranks: mine.ranks, values };
}

/**
 * A set's members in (value, rowid) ascending order by a column's ranks (descending is its reverse: the
 * order is total), or null when a member has no rank (the ranks are of another state of the data).
 */
export function orderByRanks(set: RowSet, ranks: ValueRanks): Int32Array | null {
  const members = set.members();
  if (!members) return null;
  const r = ranks.ranks;
  const counts = new Uint32Array(UNKNOWN + 1);
  for (let i = 0; i < members.length; i++) {
    const id = members[i]!;
    counts[id < r.length ? r[id]! : UNKNOWN]!++;
  }
  if (counts[UNKNOWN]! > 0) return null;
  // Counting sort: members are in rowid order, so each rank's bucket is too.
  const start = new Uint32Array(UNKNOWN + 1);
  for (let v = 1; v <= UNKNOWN; v++) start[v] = start[v - 1]! + counts[v - 1]!;
  const out = new Int32Array(members.length);
  for (let i = 0; i < members.length; i++) {
    const id = members[i]!;
    out[start[r[id]!]!++] = id;
  }
  return out;
}

/** Orders by rank a set keeps (the most recently used): each is 4 bytes a member (1.2 MB for 300,000). */
const RANK_ORDERS_KEPT = 2;

/** The set's order by a column's ranks, made once per set, column and ranks, and kept with the set. */
export function rankOrder(set: RowSet, column: string, ranks: ValueRanks): Int32Array | null {
  const known = set.rankOrders.get(column);
  set.rankOrders.delete(column);
  if (known && known.ranks === ranks) {
    set.rankOrders.set(column, known);
    return known.order;
  }
  const order = orderByRanks(set, ranks);
  if (!order) return null;
  if (set.rankOrders.size >= RANK_ORDERS_KEPT) set.rankOrders.delete(set.rankOrders.keys().next().value!);
  set.rankOrders.set(column, { ranks, order });
  return order;
}

/** The rowids of a page of an order from `orderByRanks`. */
export function pageOfOrder(order: Int32Array, dir: 'asc' | 'desc', offset: number, limit: number): number[] {
  const out: number[] = [];
  const n = order.length;
  for (let i = offset; i < Math.min(n, offset + limit); i++) out.push(order[dir === 'asc' ? i : n - 1 - i]!);
  return out;
}
