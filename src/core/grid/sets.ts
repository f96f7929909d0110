import { prepared, type Db } from '../db/open';

/**
 * A filter's matching rowids, read once per (filter, data version) and held in memory, so that every
 * page of that filter tests membership instead of the filter itself. Walking a sort index and testing
 * `grid_in(rowid)` reads only the index entry (about 0.3 µs an entry at 1M), where testing the filter
 * reads the table row (2.5–7 µs): a filter keeping 6% of rows pays ~1,700 row reads for a page of 100.
 * Small sets are also kept as a JSON list of rowids, read by rowid and sorted (`set rows`).
 */
export class RowSet {
  /** One bit per rowid up to the largest member (125 KB at a million rows), or a Set when rowids are sparse. */
  private readonly bits: Uint32Array | null;
  private readonly sparse: Set<number> | null;
  /** The members as a JSON array (only for small sets): the parameter of `json_each`. */
  readonly json: string | null;

  constructor(
    rowids: number[],
    smallMax: number,
  ) {
    let max = 0;
    for (const r of rowids) if (r > max) max = r;
    if (max < MAX_BITMAP_ROWID && rowids.every((r) => Number.isInteger(r) && r >= 0)) {
      this.bits = new Uint32Array((max >>> 5) + 1);
      for (const r of rowids) this.bits[r >>> 5]! |= 1 << (r & 31);
      this.sparse = null;
    } else {
      this.bits = null;
      this.sparse = new Set(rowids);
    }
    this.size = rowids.length;
    this.json = rowids.length <= smallMax ? JSON.stringify(rowids) : null;
  }

  readonly size: number;

  has(rowid: number): boolean {
    if (this.bits) return rowid >= 0 && rowid >>> 5 < this.bits.length && ((this.bits[rowid >>> 5]! >>> (rowid & 31)) & 1) === 1;
    return this.sparse!.has(rowid);
  }

  /** Bytes held (for the report on memory). */
  get bytes(): number {
    return (this.bits ? this.bits.byteLength : this.size * 16) + (this.json?.length ?? 0) * 2;
  }
}

/** Rowids above this are held in a Set (a bitmap would be over 32 MB). */
const MAX_BITMAP_ROWID = 2 ** 28;

/** The rowids a query returns (its only column), as a set. */
export function readRowSet(db: Db, sql: string, params: unknown[], smallMax: number): RowSet {
  const rowids = prepared(db, sql).pluck().all(...params) as number[];
  return new RowSet(rowids, smallMax);
}

/** The set `grid_in` tests while one statement runs (better-sqlite3 runs statements synchronously). */
let active: RowSet | null = null;
const registered = new WeakSet<Db>();

/** Defines `grid_in` on a connection (once), so that SQL naming it can be prepared there. */
export function registerGridIn(db: Db): void {
  if (registered.has(db)) return;
  db.function('grid_in', { deterministic: false }, (rowid: unknown) => {
    if (!active) throw new Error('grid_in called outside a grid page');
    return active.has(Number(rowid)) ? 1 : 0;
  });
  registered.add(db);
}

/**
 * Runs `fn` (one statement) with `grid_in(rowid)` answering membership of `set`. It reads only the rowid,
 * so SQLite tests it on the index entry and fetches the table row only for members.
 */
export function withRowSet<T>(db: Db, set: RowSet, fn: () => T): T {
  registerGridIn(db);
  const outer = active;
  active = set;
  try {
    return fn();
  } finally {
    active = outer;
  }
}

/** The rows `grid_collect` keeps while one count runs: at most `cap` rowids (better-sqlite3 runs statements synchronously). */
let collecting: { cap: number; rowids: number[] } | null = null;
const withCollect = new WeakSet<Db>();

/** Defines the aggregate `grid_collect(rowid)` on a connection (once): the count, keeping the first `cap` rowids. */
function registerCollect(db: Db): void {
  if (withCollect.has(db)) return;
  db.aggregate('grid_collect', {
    start: 0,
    step: (n: number, rowid: unknown) => {
      const c = collecting!;
      if (n < c.cap) c.rowids.push(Number(rowid));
      return n + 1;
    },
  });
  withCollect.add(db);
}

/**
 * A filter's exact count and, when it matches at most `cap` rows, its row set, in ONE pass over the
 * matches (`q` is the view's rowid, FROM and the filter's WHERE): the count is what the filter change costs anyway (each match's row
 * is read to test the filter), and a second pass for the set cost about as much again (at 1M, p50 745 ms
 * for count and set against 321 ms for the count alone). The aggregate keeps the first `cap` rowids and
 * counts every match, so a filter too broad for a set pays one call per match (~0.35 µs), not a set read
 * then a count.
 */
export function countWithRowSet(db: Db, q: { rowid: string; from: string; where: string; params: unknown[] }, cap: number, smallMax: number): { count: number; set: RowSet | null } {
  registerCollect(db);
  const outer = collecting;
  const mine = { cap, rowids: [] as number[] };
  collecting = mine;
  try {
    const count = prepared(db, `SELECT grid_collect(${q.rowid}) AS n FROM ${q.from} WHERE ${q.where}`).pluck().get(...q.params) as number;
    return { count, set: count <= cap ? new RowSet(mine.rowids, smallMax) : null };
  } finally {
    collecting = outer;
  }
}
