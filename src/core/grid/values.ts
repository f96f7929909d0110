import { prepared, type Db } from '../db/open';
import { compareSqlite, type RowSet } from './sets';
import { currentLog, singleTable, takeTouched, touchLog } from './touched';

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
 *
 * After the connection's own writes (an edit, a delete), kept ranks are patched for the rows written
 * (touched.ts) instead of read again: each such row gets the rank of its value now, found among the
 * column's distinct values (kept with the ranks). A value not among them is inserted in order and the
 * ranks above it move up by one (one pass over the array, ~1 ms at 1M): ranks stay equal for equal
 * values and ordered as the values are. A value no row holds any more keeps its place (ranks need not
 * be dense: only their order counts).
 */

/** Rowids above this are not held in a rank array (64 MB). */
const MAX_ROWID = 2 ** 24;
/**
 * Columns whose ranks a connection keeps (the most recently used): 1–4 MB each at 1M, about 35 MB for
 * all 16 sortable columns of the enterprise grid, plus 4 MB for each column that keeps its whole order
 * (`rankOrderLimits`: names, credit codes and last change in the bench's park; money columns too where a
 * park's figures take 65,536 distinct values or more). At 12, a sweep of every sort evicted and read
 * again the first columns it had read (250–350 ms each). The enterprise grid asks all 16 ahead, so
 * another big grid's ranks, asked later, evict its least recently used.
 */
const KEPT_COLUMNS = 16;
/**
 * Sets are ordered by a count over every rank up to this many distinct values, by a radix sort of their
 * members' ranks above it. Measured on 1M random ranks (best of 5, loaded machine): the count over
 * 295,000 values took 9.5 ms for 70,000 members and the float sort before it 69 ms (29 ms pages sorted
 * by last change); over 1,000,000 values, 16 ms for 20,000 members (float sort 11).
 */
const COUNTING_MAX_RANK = 65_536;
/**
 * Distinct values kept with a column's ranks, at most (dates, codes, buildings: a few thousand); a column
 * with more (names) is read again after a write, as its values would cost tens of MB.
 */
const VALUES_MAX = 100_000;
/**
 * Ranks of at least this many distinct values keep the column's whole order with them (4 bytes a row: 4 MB
 * at 1M): names, credit codes, last change. A set's page by such a column was a walk of its index testing
 * each entry (name containing 数据 + top tenth of revenue, 15,000 members: 6,000 entries, 4–19 ms a first
 * page at 1M) or a radix sort of its members' ranks; with the order it is a scan of an array testing a
 * bit per entry (~2 ns). Columns of fewer values order a set by a counting sort, already cheap.
 */
export const rankOrderLimits = {
  /** The plan tests lower it, so that a small generated park's columns keep their order too. */
  orderMinRanks: COUNTING_MAX_RANK,
};

/** One column's rank per rowid (0 for rows that were not live: ranks start at 1), for one state of the data. */
export interface ValueRanks {
  ranks: Uint8Array | Uint16Array | Uint32Array;
  /** The highest rank (the number of distinct values). */
  top: number;
  /**
   * Every ranked rowid in (value, rowid) order, as the read met them: kept for columns of many distinct
   * values (rankOrderLimits), where ordering a set by rank is a radix sort. A page of a set is then a scan
   * of this order testing membership (`RankOrder`). Never patched: patched ranks are a new object without it.
   */
  order?: Int32Array;
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
  /** The column's distinct values in order (rank r is values[r - 1]), when they can be patched (see `patch`). */
  values: unknown[] | null;
  /** The touch log (touched.ts) the ranks are kept current with, and its epoch when they were read. */
  touched: { table: string; epoch: number } | null;
  query: RankQuery;
}

const kept = new WeakMap<Db, Map<string, Kept>>();

/** Forgets the ranks a connection keeps: the next sort that needs them reads them (a first read, as after another connection's commit). */
export function dropKeptRanks(db: Db): void {
  kept.delete(db);
}

/** Passes that patched kept ranks for a connection's own writes (the tests check writes patch, not read again). */
export const rankPatches = { count: 0 };

/** Passes that read a column's ranks since the process started (the tests check they follow writes, and only writes). */
export const rankReads = { count: 0 };

/** Pages served by scanning a column's whole order (`RankOrder.scan`), and scans that gave up for the sorted set (tests count both). */
export const rankScans = { pages: 0, handedOver: 0 };

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
      for (const asked of askedRanks.get(db) ?? []) if (asked.stamp === before) asked.stamp = after;
    }
  }
}

const dataVersionOf = (stamp: string) => stamp.slice(0, stamp.indexOf(':'));

/** Whether another connection has committed since the request was made (its ranks would not be kept). */
export function committedSince(db: Db, asked: RankRequest): boolean {
  return String(db.pragma('data_version', { simple: true })) !== dataVersionOf(asked.stamp);
}

let ranking: { ranks: Uint32Array; rank: number; last: unknown; bad: boolean; values: unknown[] | null; order: Int32Array; n: number } | null = null;
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
      if (r.values) {
        if (r.values.length < VALUES_MAX) r.values.push(value);
        else r.values = null;
      }
    }
    if (!(id >= 0 && id < r.ranks.length)) r.bad = true;
    else {
      r.ranks[id] = r.rank;
      r.order[r.n++] = id;
    }
    return null;
  });
  withRankFunction.add(db);
}

export const cacheKey = (q: RankQuery) => JSON.stringify(q);

/** The ranks of a column already read for the data as it is now, if any. */
export function knownRanks(db: Db, q: RankQuery): ValueRanks | null {
  const key = cacheKey(q);
  const byColumn = kept.get(db);
  const k = byColumn?.get(key);
  if (!k) return null;
  const stamp = dataStamp(db);
  if (k.stamp !== stamp) catchUp(db, byColumn!, k, stamp);
  const now = byColumn!.get(key);
  return now && now.stamp === stamp ? now.ranks : null;
}

/**
 * The ranks of a column already read for the data as it is now, with its distinct values in order (rank r
 * is values[r - 1]), when both are kept (a column of at most VALUES_MAX values, read along an index in
 * SQLite's binary order): a filter's values can then be turned into ranks.
 */
export function knownRanksWithValues(db: Db, q: RankQuery): { ranks: ValueRanks; values: readonly unknown[] } | null {
  const ranks = knownRanks(db, q);
  const k = ranks && kept.get(db)?.get(cacheKey(q));
  return ranks && k && k.ranks === ranks && k.values && k.values.length === ranks.top ? { ranks, values: k.values } : null;
}

/** The ranks of a column for the data as it is now: read once per state of the data, then kept. */
export function valueRanks(db: Db, q: RankQuery): ValueRanks | null {
  let byColumn = kept.get(db);
  if (!byColumn) kept.set(db, (byColumn = new Map()));
  const key = cacheKey(q);
  const stamp = dataStamp(db);
  let known = byColumn.get(key);
  if (known && known.stamp !== stamp) {
    catchUp(db, byColumn, known, stamp);
    known = byColumn.get(key);
  }
  if (known && known.stamp === stamp) {
    byColumn.delete(key);
    byColumn.set(key, known);
    return known.ranks;
  }
  // The log of own writes starts before the read: a write after it is then patched.
  const table = singleTable(q.from, q.rowid);
  const log = table ? touchLog(db, table) : null;
  const { ranks, values } = readRanks(db, q, !!log);
  // Read inside a transaction, ranks may see writes a rollback then undoes without moving the stamp
  // (total_changes never goes down): use them, keep none. Ranks kept from outside serve a transaction
  // as long as it has written nothing (the stamp is still theirs).
  if (db.inTransaction) return ranks;
  byColumn.delete(key);
  if (byColumn.size >= KEPT_COLUMNS) byColumn.delete(byColumn.keys().next().value!);
  byColumn.set(key, { stamp, ranks, values, touched: log && values ? { table: table!, epoch: log.epoch } : null, query: q });
  return ranks;
}

/** `orderMinRanks`: the rank thread is told the asking thread's `rankOrderLimits` (tests lower it). */
export function readRanks(db: Db, q: RankQuery, keepValues: boolean, orderMinRanks = rankOrderLimits.orderMinRanks): { ranks: ValueRanks | null; values: unknown[] | null } {
  const none = { ranks: null, values: null };
  registerRank(db);
  // The live rows in the column's order (LIMIT keeps the subquery's ORDER BY), ranked as they come.
  const pass = `SELECT count(grid_rank(_r, _v)) FROM (SELECT ${q.rowid} AS _r, ${q.column} AS _v FROM ${q.from} WHERE ${q.where} ORDER BY ${q.column}, ${q.rowid} LIMIT -1)`;
  // Only along an index holding the column, in its order: a pass over the rows, or a sort, would cost seconds at 1M.
  const steps = (prepared(db, `EXPLAIN QUERY PLAN ${pass}`).all() as { detail: string }[]).map((s) => s.detail);
  if (!steps.some((d) => d.includes('USING COVERING INDEX')) || steps.some((d) => d.includes('TEMP B-TREE'))) return none;
  const maxRowid = (prepared(db, `SELECT max(${q.rowid}) FROM ${q.from}`).pluck().get() as number | null) ?? 0;
  if (maxRowid >= MAX_ROWID) return none;
  // Values are placed by compareSqlite when patched: only an index in SQLite's binary order matches it.
  const binary = keepValues && steps.every((d) => !d.includes('USING COVERING INDEX') || binaryIndex(db, d));
  const mine = { ranks: new Uint32Array(maxRowid + 1), rank: 0, last: undefined as unknown, bad: false, values: binary ? ([] as unknown[]) : null, order: new Int32Array(maxRowid + 1), n: 0 };
  const outer = ranking;
  ranking = mine;
  rankReads.count++;
  try {
    prepared(db, pass).pluck().get();
  } finally {
    ranking = outer;
  }
  if (mine.bad) return none;
  const ranks: ValueRanks = { ranks: fitted(mine.ranks, mine.rank), top: mine.rank };
  // A view of the rows read (not a copy: 4 MB at 1M); its buffer travels whole from the rank thread.
  if (mine.rank >= orderMinRanks) ranks.order = mine.order.subarray(0, mine.n);
  return { ranks, values: mine.values };
}

/** Requests of ranks in the background not answered yet, per connection (rank-reader.ts adds and removes them): `ownWrite` carries them over too. */
export const askedRanks = new WeakMap<Db, Set<RankRequest>>();

/**
 * The state a read of ranks in the background (rank-reader.ts) was asked in: the data stamp, and the
 * touch log opened first (as `valueRanks` does before its read), with its epoch and takes then.
 */
export interface RankRequest {
  stamp: string;
  log: { table: string; epoch: number; taken: number } | null;
}

/** Opens the touch log and notes the state, as ranks are asked for in the background; null inside a transaction. */
export function beginRankRequest(db: Db, q: RankQuery): RankRequest | null {
  if (db.inTransaction) return null;
  const stamp = dataStamp(db);
  const table = singleTable(q.from, q.rowid);
  const log = table ? touchLog(db, table) : null;
  return { stamp, log: log ? { table: table!, epoch: log.epoch, taken: log.taken } : null };
}

/**
 * Keeps ranks read in the background, as of the state they were asked in, when they can be brought up to
 * now: no other connection has committed since (data_version), and the connection's own writes since
 * are all in the touch log (same epoch, not taken since), so that `catchUp` patches them as it does
 * after an edit. The read's own snapshot began after the ask: rows written in between are in the log
 * and patched again to the same rank. Ranks already kept for the column win. Returns whether kept.
 */
export function keepBackgroundRanks(db: Db, q: RankQuery, asked: RankRequest, read: { ranks: ValueRanks | null; values: unknown[] | null }): boolean {
  let byColumn = kept.get(db);
  if (!byColumn) kept.set(db, (byColumn = new Map()));
  const key = cacheKey(q);
  if (byColumn.has(key)) return false;
  const stamp = dataStamp(db);
  if (dataVersionOf(stamp) !== dataVersionOf(asked.stamp)) return false;
  const log = asked.log && currentLog(db, asked.log.table);
  const logWhole = !!log && log.epoch === asked.log!.epoch && log.taken === asked.log!.taken;
  if (stamp !== asked.stamp && !(logWhole && read.values)) return false;
  if (byColumn.size >= KEPT_COLUMNS) byColumn.delete(byColumn.keys().next().value!);
  const touched = asked.log && logWhole && read.values ? { table: asked.log.table, epoch: asked.log.epoch } : null;
  byColumn.set(key, { stamp: asked.stamp, ranks: read.ranks, values: read.values, touched, query: q });
  return true;
}

/** The smallest array that holds ranks up to `top` (a copy when that is smaller than the one given). */
function fitted(ranks: ValueRanks['ranks'], top: number, length = ranks.length): ValueRanks['ranks'] {
  const Type = top < 2 ** 8 ? Uint8Array : top < 2 ** 16 ? Uint16Array : Uint32Array;
  if (ranks instanceof Type && length === ranks.length) return ranks;
  const out = new Type(length);
  out.set(ranks);
  return out;
}

/** Whether the index a plan step names compares every key column with SQLite's BINARY collation. */
function binaryIndex(db: Db, step: string): boolean {
  const name = /USING COVERING INDEX (\w+)/.exec(step)?.[1];
  if (!name) return false;
  const keys = (db.pragma(`index_xinfo(${name})`) as { key: number; coll: string | null }[]).filter((c) => c.key === 1);
  return keys.length > 0 && keys.every((c) => c.coll === 'BINARY');
}

/**
 * Brings the kept ranks of `known`'s table up to `stamp` after the connection's own writes: every kept
 * column of that table is patched for the rows written since (one log, taken once for all of them).
 * Ranks that cannot be patched (another connection committed, the log broke, a column without its
 * values, inside a transaction) are dropped, to be read again.
 */
function catchUp(db: Db, byColumn: Map<string, Kept>, known: Kept, stamp: string): void {
  if (db.inTransaction) return;
  const table = known.touched?.table;
  const taken = table ? takeTouched(db, table) : null;
  const sameTable = table ? [...byColumn].filter(([, k]) => k.touched?.table === table) : [];
  for (const [key, k] of table ? sameTable : []) {
    const ok = taken && k.touched!.epoch === taken.epoch && dataVersionOf(k.stamp) === dataVersionOf(stamp) && patchOrDrop(db, k, taken.rows);
    if (ok) k.stamp = stamp;
    else byColumn.delete(key);
  }
  if (!table) byColumn.delete([...byColumn].find(([, k]) => k === known)![0]);
}

/** A patch that failed half-way (the log is taken already) leaves ranks that must not be kept. */
function patchOrDrop(db: Db, k: Kept, rowids: number[]): boolean {
  try {
    return patch(db, k, rowids);
  } catch {
    return false;
  }
}

/** Sets the ranks of the rows written to the rank of their value now (0 for a row no longer live). */
function patch(db: Db, k: Kept, rowids: number[]): boolean {
  const q = k.query;
  if (!k.ranks || !k.values) return false;
  if (rowids.length === 0) return true;
  if (rowids.some((id) => id >= MAX_ROWID)) return false;
  rankPatches.count++;
  const rows = prepared(db, `SELECT ${q.rowid} AS r, ${q.column} AS v, (${q.where}) AS live FROM ${q.from} WHERE ${q.rowid} IN (SELECT value FROM json_each(?))`).all(JSON.stringify(rowids)) as { r: number; v: unknown; live: number | null }[];
  const live = rows.filter((row) => row.live);
  let values = k.values;
  // Values no rank stands for yet, merged in order; the ranks at and above each move up in one pass.
  const added = [...new Set(live.map((row) => row.v).filter((v) => !findValue(values, v).found))].sort(compareSqlite);
  const unique = added.filter((v, i) => i === 0 || compareSqlite(added[i - 1], v) !== 0);
  if (values.length + unique.length > VALUES_MAX) return false;
  let ranks = k.ranks.ranks;
  const maxId = Math.max(ranks.length - 1, ...rowids);
  if (unique.length) {
    const shift = new Uint32Array(values.length + 2);
    for (const v of unique) shift[findValue(values, v).at + 1]!++;
    // shift[r] becomes the number of new values placed before old rank r (old rank r is values[r - 1]).
    for (let r = 1; r < shift.length; r++) shift[r]! += shift[r - 1]!;
    // A new array, not the old one refilled: a spread of up to VALUES_MAX arguments can overflow the stack.
    values = k.values = values.concat(unique).sort(compareSqlite);
    ranks = fitted(ranks, values.length, maxId + 1);
    // New values after every held one (a later date, a new last building) move no rank: no pass.
    if (shift[shift.length - 2]! > 0) {
      for (let i = 0; i < ranks.length; i++) {
        const r = ranks[i]!;
        if (r) ranks[i] = r + shift[r]!;
      }
    }
  } else if (maxId >= ranks.length) {
    ranks = fitted(ranks, values.length, maxId + 1);
  }
  for (const id of rowids) ranks[id] = 0;
  for (const row of live) ranks[row.r] = findValue(values, row.v).at + 1;
  // A new object: an order made from the ranks before (kept with a set) is not taken for one of these.
  k.ranks = { ranks, top: Math.max(k.ranks.top, values.length) };
  return true;
}

/** Where a value is, or would go, among ordered distinct values (binary search in SQLite's order). */
function findValue(values: unknown[], v: unknown): { at: number; found: boolean } {
  let lo = 0;
  let hi = values.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (compareSqlite(values[mid], v) < 0) lo = mid + 1;
    else hi = mid;
  }
  return { at: lo, found: lo < values.length && compareSqlite(values[lo], v) === 0 };
}

/**
 * A set's members in (value, rowid) ascending order by a column's ranks (descending is its reverse: the
 * order is total), or null when a member has no rank (the ranks are of another state of the data).
 */
export function orderByRanks(set: RowSet, ranks: ValueRanks): Int32Array | null {
  const members = set.members();
  return members && orderMembers(members, ranks.ranks, ranks.top);
}

/** Members given in rowid order, in (rank, rowid) order (`orderByRanks`); null when one has no rank. */
function orderMembers(members: Int32Array, r: ValueRanks['ranks'], top: number): Int32Array | null {
  // Many distinct values (names, codes, last change: 300,000–1,000,000 at 1M): a radix sort of the
  // members' ranks, 12 bits a pass, not a count over every rank (nor a comparison sort).
  if (top > COUNTING_MAX_RANK) return radixByRank(members, r, top);
  const counts = new Uint32Array(top + 2);
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

/** Bits of a rank sorted per pass of `radixByRank` (a count array of 4,096). */
const RADIX_BITS = 12;

/**
 * The members (in rowid order) in (rank, rowid) order: a least-significant-digit radix sort of their
 * ranks, each pass stable, so members of equal rank stay in rowid order. Null when a member has no rank.
 */
function radixByRank(members: Int32Array, r: ValueRanks['ranks'], top: number): Int32Array | null {
  const n = members.length;
  let keys = new Uint32Array(n);
  let ids = Int32Array.from(members);
  for (let i = 0; i < n; i++) {
    const id = ids[i]!;
    const rank = id < r.length ? r[id]! : 0;
    if (rank === 0) return null;
    keys[i] = rank;
  }
  let nextKeys = new Uint32Array(n);
  let nextIds = new Int32Array(n);
  const mask = (1 << RADIX_BITS) - 1;
  for (let shift = 0; top >>> shift > 0; shift += RADIX_BITS) {
    const counts = new Uint32Array(mask + 2);
    for (let i = 0; i < n; i++) counts[((keys[i]! >>> shift) & mask) + 1]!++;
    for (let d = 1; d < counts.length; d++) counts[d]! += counts[d - 1]!;
    for (let i = 0; i < n; i++) {
      const at = counts[(keys[i]! >>> shift) & mask]!++;
      nextKeys[at] = keys[i]!;
      nextIds[at] = ids[i]!;
    }
    [keys, nextKeys] = [nextKeys, keys];
    [ids, nextIds] = [nextIds, ids];
  }
  return ids;
}

/** Orders by rank a set keeps (the most recently used): each is 4 bytes a member (1.2 MB for 300,000). */
const RANK_ORDERS_KEPT = 2;

/** Positions a head holds at least (`headByRanks`): the first page and the next few scrolled ones. */
export const HEAD_MIN_ROWS = 1_000;

/** A head buckets ranks by their top bits: at most 2^HEAD_BUCKET_BITS buckets (16 KB of counts). */
const HEAD_BUCKET_BITS = 12;

/**
 * The first `upTo` positions (or a few more) of a set's order by ranks one way (`dir`): the members whose
 * ranks fall in the lowest buckets of their top bits (the highest, descending), sorted. Those are exactly
 * the first (last) positions of the whole order, since every rank of a lower bucket is lower. Two passes
 * over the members and a sort of the few, where the whole order sorts them all (140,000 members by credit
 * code: 3 ms hot, 12 ms before the sort's code is compiled). Null when a member has no rank.
 */
export function headByRanks(set: RowSet, ranks: ValueRanks, dir: 'asc' | 'desc', upTo: number): Int32Array | null {
  const members = set.members();
  if (!members) return null;
  const r = ranks.ranks;
  if (ranks.top <= FEW_RANKS_MAX && upTo < members.length) return headOfFewRanks(members, r, ranks.top, dir, upTo);
  let shift = 0;
  while (ranks.top >>> shift >= 1 << HEAD_BUCKET_BITS) shift++;
  const counts = new Uint32Array((ranks.top >>> shift) + 1);
  for (let i = 0; i < members.length; i++) {
    const id = members[i]!;
    const rank = id < r.length ? r[id]! : 0;
    if (rank === 0) return null;
    counts[rank >>> shift]!++;
  }
  // The bucket the head ends in: from the low end (or the high end) until `upTo` members are taken.
  let edge = dir === 'asc' ? 0 : counts.length - 1;
  let taken = 0;
  for (; edge >= 0 && edge < counts.length; edge += dir === 'asc' ? 1 : -1) {
    taken += counts[edge]!;
    if (taken >= upTo) break;
  }
  // A bucket of one rank (a column of few values: shift 0) is in rowid order among the members, so its
  // first members (its last, descending) are the order's next positions: only as many as the head needs
  // are taken (industry ascending, name containing 数据: 1,000 of 140,000 bigdata members, not all).
  const inEdge = edge >= 0 && edge < counts.length ? counts[edge]! : 0;
  const edgeTaken = shift === 0 && inEdge > 0 ? Math.max(0, inEdge - (taken - upTo)) : inEdge;
  // Descending, the edge's members from the (inEdge - edgeTaken)th on; ascending, its first edgeTaken.
  const edgeFrom = dir === 'asc' ? 0 : inEdge - edgeTaken;
  const head = new Int32Array(Math.min(taken - inEdge + edgeTaken, members.length));
  let n = 0;
  let seen = 0;
  for (let i = 0; i < members.length; i++) {
    const id = members[i]!;
    const bucket = r[id]! >>> shift;
    if (bucket === edge) {
      if (seen >= edgeFrom && seen < edgeFrom + edgeTaken) head[n++] = id;
      seen++;
    } else if (dir === 'asc' ? bucket < edge : bucket > edge) head[n++] = id;
  }
  return orderMembers(head, r, ranks.top);
}

/** Distinct values at most for `headOfFewRanks` (kind, status, industry, building: 3–8 at 1M). */
const FEW_RANKS_MAX = 64;

/**
 * `headByRanks` for a column of few values, in one pass: each rank's first `upTo` members in rowid
 * order (its last, descending) are kept as they come. Every rank before the
 * one the head ends in has fewer than `upTo` members, so all of them are kept; the head is those lists
 * one after the other, already in (rank, rowid) order. Industry with a name filter keeping 160,000
 * members: one pass of 0.5 ms, where counting, then choosing, then sorting took 1 ms.
 */
function headOfFewRanks(members: Int32Array, r: ValueRanks['ranks'], top: number, dir: 'asc' | 'desc', upTo: number): Int32Array | null {
  const lists: number[][] = Array.from({ length: top + 1 }, () => []);
  const n = members.length;
  // Descending, members are met from the highest rowid, so each list holds its rank's last members, highest first.
  const asc = dir === 'asc';
  for (let k = 0; k < n; k++) {
    const id = members[asc ? k : n - 1 - k]!;
    const rank = id < r.length ? r[id]! : 0;
    if (rank === 0) return null;
    const list = lists[rank]!;
    if (list.length < upTo) list.push(id);
  }
  const head = new Int32Array(upTo);
  let filled = 0;
  for (let rank = asc ? 1 : top; filled < upTo && rank >= 1 && rank <= top; rank += asc ? 1 : -1) {
    const list = lists[rank]!;
    const take = Math.min(list.length, upTo - filled);
    // Descending, the head is filled from its end, so that it is in ascending order too.
    for (let i = 0; i < take; i++) head[asc ? filled + i : upTo - 1 - filled - i] = list[i]!;
    filled += take;
  }
  return head;
}

/**
 * A set's order by a column's ranks, made as far as pages ask: first the head of one way (`headByRanks`),
 * then, for a page beyond it or the other way, the whole order (`orderByRanks`), once. Or, with the
 * column's whole order kept with its ranks (`ValueRanks.order`, no head given), the members met scanning
 * that order from either end, as far as pages ask (`scan`).
 */
export class RankOrder {
  private whole: Int32Array | null = null;
  /** Per way, the members met so far scanning the column's order from that end (in that way's order), and where the scan stopped. */
  private readonly scans: Record<'asc' | 'desc', { found: Int32Array; n: number; at: number } | null> = { asc: null, desc: null };
  /** A scan gave up (`scan`): the whole order serves from then on. */
  private scanStopped = false;

  constructor(
    private readonly set: RowSet,
    readonly ranks: ValueRanks,
    /** The head: the first positions of the order `dir`, in ascending order (a head of `desc` is the whole order's tail). */
    private head: { dir: 'asc' | 'desc'; rows: Int32Array } | null,
  ) {
    // A head holding every member is the whole order.
    if (head && head.rows.length === set.size) {
      this.whole = head.rows;
      this.head = null;
    }
  }

  /** The rowids of a page. */
  page(dir: 'asc' | 'desc', offset: number, limit: number): number[] {
    if (!this.whole && !this.head && this.ranks.order && !this.scanStopped) {
      const found = this.scan(dir, offset + limit);
      this.scanStopped = !found;
      if (found) {
        rankScans.pages++;
        return Array.from(found.subarray(offset, offset + limit));
      }
    }
    const head = this.head;
    // The head is in ascending order, the first positions (or, descending, the last) of the whole order.
    if (!this.whole && head && head.dir === dir && offset + limit <= head.rows.length) return pageOfOrder(head.rows, dir, offset, limit);
    if (!this.whole) {
      // The head read every member's rank: the same ranks give the whole order (a set is dropped with its data version).
      const whole = orderByRanks(this.set, this.ranks);
      if (!whole) throw new Error('a set lost the ranks its order was made from');
      this.whole = whole;
      this.head = null;
    }
    return pageOfOrder(this.whole, dir, offset, limit);
  }

  /**
   * The first `upTo` members one way (all there are, if fewer), in that way's order: the column's order
   * scanned from that end, each entry's rowid tested against the set, on from where the last page stopped.
   * Null once the scan would pass more than SCAN_PER_MEMBER entries per member of the set (a deep page, or
   * members bunched at the other end: "name starts with Z" ascending): the whole order by ranks (a radix
   * sort of the members) then serves this page and the next.
   */
  private scan(dir: 'asc' | 'desc', upTo: number): Int32Array | null {
    const order = this.ranks.order!;
    const n = order.length;
    const want = Math.min(upTo, this.set.size);
    let st = this.scans[dir];
    if (!st) st = this.scans[dir] = { found: new Int32Array(Math.min(this.set.size, Math.max(want, HEAD_MIN_ROWS))), n: 0, at: 0 };
    if (st.n < want) {
      if (st.found.length < want) {
        const grown = new Int32Array(Math.min(this.set.size, Math.max(want, 2 * st.found.length)));
        grown.set(st.found.subarray(0, st.n));
        st.found = grown;
      }
      const set = this.set;
      const found = st.found;
      const stop = Math.min(n, SCAN_PER_MEMBER * this.set.size);
      let k = st.n;
      let at = st.at;
      if (dir === 'asc') {
        for (; at < stop && k < want; at++) if (set.has(order[at]!)) found[k++] = order[at]!;
      } else {
        for (; at < stop && k < want; at++) if (set.has(order[n - 1 - at]!)) found[k++] = order[n - 1 - at]!;
      }
      st.n = k;
      st.at = at;
      if (k < want && at < n) {
        rankScans.handedOver++;
        this.scans.asc = this.scans.desc = null;
        return null;
      }
    }
    return st.found.subarray(0, Math.min(st.n, upTo));
  }

  /** Bytes held: 4 a member ordered. */
  get bytes(): number {
    return (this.whole?.byteLength ?? 0) + (this.head?.rows.byteLength ?? 0) + (this.scans.asc?.found.byteLength ?? 0) + (this.scans.desc?.found.byteLength ?? 0);
  }
}

/**
 * A page of a set ordered by scanning the column's whole order (`RankOrder.scan`) meets about
 * positions × rows / members entries; the head (`headByRanks`) passes over every member twice and sorts
 * HEAD_MIN_ROWS of them. Scan where its first page meets at most this many times as many entries as the
 * set has members (15,000 members of 1M rows: 6,700 entries for a page of 100, ~20 µs).
 */
const SCAN_PER_MEMBER = 4;

/** Whether every member has a rank (is in the column's order): ranks and set are of one state of the data. */
function allRanked(set: RowSet, ranks: ValueRanks): boolean {
  const members = set.members();
  if (!members) return false;
  const r = ranks.ranks;
  for (let i = 0; i < members.length; i++) {
    const id = members[i]!;
    if (id >= r.length || r[id] === 0) return false;
  }
  return true;
}

/**
 * The set's order by a column's ranks, kept with the set per column and ranks: made now as far as a page
 * `dir` ending at `upTo` needs (at least HEAD_MIN_ROWS positions), further when asked. Null when a member
 * has no rank.
 */
export function rankOrder(set: RowSet, column: string, ranks: ValueRanks, dir: 'asc' | 'desc', upTo: number): RankOrder | null {
  const known = set.rankOrders.get(column);
  set.rankOrders.delete(column);
  if (known && known.ranks === ranks) {
    set.rankOrders.set(column, known);
    return known.order;
  }
  const scanned = !!ranks.order && set.size > 0 && upTo * ranks.order.length <= SCAN_PER_MEMBER * set.size * set.size;
  if (scanned && !allRanked(set, ranks)) return null;
  const head = scanned ? null : headByRanks(set, ranks, dir, Math.max(upTo, HEAD_MIN_ROWS));
  if (!scanned && !head) return null;
  const order = new RankOrder(set, ranks, head && { dir, rows: head });
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
