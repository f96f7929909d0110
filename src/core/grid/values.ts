import { prepared, type Db } from '../db/open';
import { compareSqlite, type RowSet } from './sets';

/**
 * Sort orders of a row set by any indexed sort column: the members ordered in memory by (value, rowid),
 * from each live row's rank in the column's order (equal values, equal ranks), read along the column's
 * index once per state of the data.
 *
 * Walking the sort index with `grid_in` passes every row that sorts before the first member: kind
 * descending with a filter on large areas walks 770,000 startups (~0.3 µs each, 250 ms at 1M) before the
 * first core enterprise; entry date descending with qualifications expiring in 2020 walks every recent
 * entry (100 ms). With the ranks (1–4 bytes a rowid: 1–4 MB at a million rows, ~250 ms to read), a set's
 * members are bucketed by rank in one pass (a counting sort: a few ms for 100,000 members) and every page
 * is read by rowid. The runner reads a column's ranks only when a walk of its index proved slow (`setPlan`).
 */

/** Rowids above this are not held in a rank array (64 MB). */
const MAX_ROWID = 2 ** 24;
/** Columns whose ranks a connection keeps (the most recently used): 1–4 MB each at 1M. */
const KEPT_COLUMNS = 12;

/** One column's rank per rowid (0 for rows that were not live: ranks start at 1), for one state of the data. */
export interface ValueRanks {
  ranks: Uint8Array | Uint16Array | Uint32Array;
  /** The highest rank (the number of distinct values). */
  top: number;
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
  /** null: no index holds the column (a pass over the table would cost seconds at 1M), or rowids too high. */
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
    // Only this connection's own rows moved: a commit by another connection meanwhile (a CLI import, a
    // scheduled hub sync) changes data_version, and then nothing is carried over.
    if (dataVersionOf(after) === dataVersionOf(before)) {
      for (const k of kept.get(db)?.values() ?? []) if (k.stamp === before) k.stamp = after;
    }
  }
}

const dataVersionOf = (stamp: string) => stamp.slice(0, stamp.indexOf(':'));

let ranking: { ranks: Uint32Array; rank: number; last: unknown; bad: boolean } | null = null;
const withRankFunction = new WeakSet<Db>();

function registerRank(db: Db): void {
  if (withRankFunction.has(db)) return;
  // Called for each index entry in the column's order: the rank goes up when the value changes.
  db.function('grid_rank', { deterministic: false }, (rowid: unknown, value: unknown) => {
    const r = ranking!;
    const id = Number(rowid);
    if (r.rank === 0 || value !== r.last) {
      // Values arrive in SQLite's order (a check, not a sort: it runs once per distinct value).
      if (r.rank > 0 && compareSqlite(r.last, value) > 0) r.bad = true;
      r.rank++;
      r.last = value;
    }
    if (!(id >= 0 && id < r.ranks.length)) r.bad = true;
    else r.ranks[id] = r.rank;
    return null;
  });
  withRankFunction.add(db);
}

const cacheKey = (q: RankQuery) => JSON.stringify(q);

/** The ranks of a column already read for the data as it is now, if any. */
export function knownRanks(db: Db, q: RankQuery): ValueRanks | null {
  const k = kept.get(db)?.get(cacheKey(q));
  return k && k.stamp === dataStamp(db) ? k.ranks : null;
}

/** The ranks of a column for the data as it is now: read once per state of the data, then kept. */
export function valueRanks(db: Db, q: RankQuery): ValueRanks | null {
  let byColumn = kept.get(db);
  if (!byColumn) kept.set(db, (byColumn = new Map()));
  const key = cacheKey(q);
  const stamp = dataStamp(db);
  const known = byColumn.get(key);
  if (known && known.stamp === stamp) {
    byColumn.delete(key);
    byColumn.set(key, known);
    return known.ranks;
  }
  const ranks = readRanks(db, q);
  // Read inside a transaction, ranks may see writes a rollback then undoes without moving the stamp
  // (total_changes never goes down): use them, keep none. Ranks kept from outside serve a transaction
  // as long as it has written nothing (the stamp is still theirs).
  if (db.inTransaction) return ranks;
  byColumn.delete(key);
  if (byColumn.size >= KEPT_COLUMNS) byColumn.delete(byColumn.keys().next().value!);
  byColumn.set(key, { stamp, ranks });
  return ranks;
}

function readRanks(db: Db, q: RankQuery): ValueRanks | null {
  registerRank(db);
  // The live rows in the column's order (LIMIT keeps the subquery's ORDER BY), ranked as they come.
  const pass = `SELECT count(grid_rank(_r, _v)) FROM (SELECT ${q.rowid} AS _r, ${q.column} AS _v FROM ${q.from} WHERE ${q.where} ORDER BY ${q.column}, ${q.rowid} LIMIT -1)`;
  // Only along an index holding the column, in its order: a pass over the rows, or a sort, would cost seconds at 1M.
  const steps = (prepared(db, `EXPLAIN QUERY PLAN ${pass}`).all() as { detail: string }[]).map((s) => s.detail);
  if (!steps.some((d) => d.includes('USING COVERING INDEX')) || steps.some((d) => d.includes('TEMP B-TREE'))) return null;
  const maxRowid = (prepared(db, `SELECT max(${q.rowid}) FROM ${q.from}`).pluck().get() as number | null) ?? 0;
  if (maxRowid >= MAX_ROWID) return null;
  const mine = { ranks: new Uint32Array(maxRowid + 1), rank: 0, last: undefined as unknown, bad: false };
  const outer = ranking;
  ranking = mine;
  rankReads.count++;
  try {
    prepared(db, pass).pluck().get();
  } finally {
    ranking = outer;
  }
  if (mine.bad) return null;
  // The smallest array that holds the highest rank.
  const ranks = mine.rank < 2 ** 8 ? Uint8Array.from(mine.ranks) : mine.rank < 2 ** 16 ? Uint16Array.from(mine.ranks) : mine.ranks;
  return { ranks, top: mine.rank };
}

/**
 * A set's members in (value, rowid) ascending order by a column's ranks (descending is its reverse: the
 * order is total), or null when a member has no rank (the ranks are of another state of the data).
 */
export function orderByRanks(set: RowSet, ranks: ValueRanks): Int32Array | null {
  const members = set.members();
  if (!members) return null;
  const r = ranks.ranks;
  // Many more ranks than members (a column of distinct values: names, codes): a comparison sort of
  // (rank, rowid) packed in one float (rank < 2^24, rowid < 2^24: exact), not a pass over every rank.
  if (ranks.top > 4 * members.length) {
    const keys = new Float64Array(members.length);
    for (let i = 0; i < members.length; i++) {
      const id = members[i]!;
      const rank = id < r.length ? r[id]! : 0;
      if (rank === 0) return null;
      keys[i] = rank * MAX_ROWID + id;
    }
    keys.sort();
    return Int32Array.from(keys, (k) => k % MAX_ROWID);
  }
  const counts = new Uint32Array(ranks.top + 2);
  for (let i = 0; i < members.length; i++) {
    const id = members[i]!;
    const rank = id < r.length ? r[id]! : 0;
    if (rank === 0) return null;
    counts[rank + 1]!++;
  }
  // Counting sort: members are in rowid order, so each rank's bucket is too.
  for (let v = 1; v < counts.length; v++) counts[v]! += counts[v - 1]!;
  const out = new Int32Array(members.length);
  for (let i = 0; i < members.length; i++) {
    const id = members[i]!;
    out[counts[r[id]!]!++] = id;
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
