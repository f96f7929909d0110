import { prepared, type Db } from '../db/open';
import { walkStep } from './plans';
import type { RankOrder } from './values';

/**
 * A filter's matching rowids, read once per (filter, data version) and held in memory, so that every
 * page of that filter tests membership instead of the filter itself. Walking a sort index and testing
 * `grid_in(rowid)` reads only the index entry (about 0.3 µs an entry at 1M), where testing the filter
 * reads the table row (2.5–7 µs): a filter keeping 6% of rows pays ~1,700 row reads for a page of 100.
 * Small sets also keep their members' sort keys and serve their pages from memory (`SetKeys`, `set keys`).
 */
export class RowSet {
  /** One bit per rowid up to the largest member (125 KB at a million rows), or a Set when rowids are sparse. */
  private readonly bits: Uint32Array | null;
  private readonly sparse: Set<number> | null;
  /** The members as a JSON array (only for small sets): the parameter of `json_each`. */
  readonly json: string | null;

  /** `rowids`: a query's rowids (any order, repeats allowed), or a bitmap of rowids with its count (rank-filter.ts). */
  constructor(
    rowids: number[] | { bits: Uint32Array; count: number },
    smallMax: number,
  ) {
    if (!Array.isArray(rowids)) {
      this.bits = rowids.bits;
      this.sparse = null;
      this.inRowidOrder = membersOf(rowids.bits, rowids.count);
    } else {
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
      this.inRowidOrder = this.bits ? inRowidOrder(rowids, this.bits) : null;
    }
    this.size = this.inRowidOrder ? this.inRowidOrder.length : this.sparse!.size;
    const listed = Array.isArray(rowids) ? rowids.length : this.size;
    this.json = listed <= smallMax ? JSON.stringify(Array.isArray(rowids) ? rowids : Array.from(this.inRowidOrder!)) : null;
  }

  readonly size: number;

  /** A small set's sort keys, read once with it (`readSetKeys`): its pages are then served from memory. */
  keys: SetKeys | null = null;

  /**
   * Orders of the members by a column's ranks (values.ts `RankOrder`: a head, the whole order, or scans of
   * the column's whole order), per column SQL, with the ranks they were made from; the last
   * RANK_ORDERS_KEPT used are kept (4 bytes a member each, at most).
   */
  readonly rankOrders = new Map<string, { ranks: object; order: RankOrder }>();

  /**
   * The members in rowid order (4 bytes a member), made with the set as it is counted: a page with no
   * sort is a slice of it, at any depth, and an order by ranks reads it. Made at a page, it was 0.5 ms
   * and 640 KB of new memory for 160,000 members, each time a filter changed; that memory's collection
   * then fell on later pages. Null for a sparse set.
   */
  private readonly inRowidOrder: Int32Array | null;

  /** The members in rowid order (shared: not to be changed), or null for a sparse set. */
  rowidOrder(): Int32Array | null {
    return this.inRowidOrder;
  }

  /** The members in rowid order (shared: not to be changed), or null for a sparse set (rowids beyond the bit set). */
  members(): Int32Array | null {
    return this.inRowidOrder;
  }

  has(rowid: number): boolean {
    if (this.bits) return rowid >= 0 && rowid >>> 5 < this.bits.length && ((this.bits[rowid >>> 5]! >>> (rowid & 31)) & 1) === 1;
    return this.sparse!.has(rowid);
  }

  /** Bytes held (for the report on memory). */
  get bytes(): number {
    let orders = 0;
    for (const o of this.rankOrders.values()) orders += o.order.bytes;
    orders += this.inRowidOrder?.byteLength ?? 0;
    return (this.bits ? this.bits.byteLength : this.size * 16) + (this.json?.length ?? 0) * 2 + (this.keys?.bytes ?? 0) + orders;
  }
}

/** Distinct rowids in ascending order: copied when given so (a scan in rowid order), else read from their bits. */
function inRowidOrder(rowids: number[], bits: Uint32Array): Int32Array {
  let ascending = true;
  for (let i = 1; i < rowids.length && ascending; i++) ascending = rowids[i - 1]! < rowids[i]!;
  if (ascending) return Int32Array.from(rowids);
  // Repeated rowids are one member.
  return membersOf(bits, rowids.length);
}

/** The rowids a bitmap holds, in ascending order; `atMost` bounds how many (the bits' count, or more). */
function membersOf(bits: Uint32Array, atMost: number): Int32Array {
  const out = new Int32Array(atMost);
  let n = 0;
  for (let w = 0; w < bits.length; w++) {
    let word = bits[w]!;
    while (word !== 0) {
      const low = word & -word;
      out[n++] = (w << 5) + 31 - Math.clz32(low);
      word ^= low;
    }
  }
  return n === atMost ? out : out.slice(0, n);
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
  // A walk's step and the membership test in one call (plans.ts walkWhere).
  db.function('grid_walk_in', { deterministic: false }, (rowid: unknown) => {
    if (!active) throw new Error('grid_walk_in called outside a grid page');
    walkStep();
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
 * then a count. `bounded` columns get their matches' least and greatest values (`GridRunner.sortBound`).
 */
export function countWithRowSet(
  db: Db,
  q: { rowid: string; from: string; where: string; params: unknown[] },
  cap: number,
  smallMax: number,
  bounded: readonly string[] = [],
): { count: number; set: RowSet | null; bounds: [unknown, unknown][] } {
  registerCollect(db);
  const outer = collecting;
  const mine = { cap, rowids: [] as number[] };
  collecting = mine;
  try {
    // The least and greatest value of each `bounded` column among the matches, in the same pass (their values are read to test the filter anyway).
    const extremes = bounded.map((c, i) => `, min(${c}) AS lo${i}, max(${c}) AS hi${i}`).join('');
    const row = prepared(db, `SELECT grid_collect(${q.rowid}) AS n${extremes} FROM ${q.from} WHERE ${q.where}`).get(...q.params) as Record<string, unknown>;
    const count = row.n as number;
    const bounds = bounded.map((_, i): [unknown, unknown] => [row[`lo${i}`], row[`hi${i}`]]);
    return { count, set: count <= cap ? new RowSet(mine.rowids, smallMax) : null, bounds };
  } finally {
    collecting = outer;
  }
}

/** One column's keys, by member: numbers and NULLs unboxed (NULL as NaN), any other column as values. */
type Keys = readonly unknown[] | Float64Array;

/**
 * A small set's members with their sort keys, one array per sortable column (by its SQL), read in one
 * pass over the members' rows. A page of any sort is then the members ordered in memory (once per column
 * and kept) and the page's rows read by rowid: a hundred row reads, where reading every member's row for
 * its key cost ~5 µs each (`set rows`, 4,000 rows: 13–30 ms at 1M).
 */
export class SetKeys {
  /** Per column: member positions in (key, rowid) ascending order (descending is its reverse: the order is total). */
  private readonly orders = new Map<string, Int32Array>();

  /** `inOrderOf`: the column the members come ordered by, (key, rowid) ascending (`readSetKeys`), if any. */
  constructor(
    readonly rowids: readonly number[],
    private readonly keys: ReadonlyMap<string, Keys>,
    inOrderOf: string | null = null,
  ) {
    if (inOrderOf !== null) this.orders.set(inOrderOf, Int32Array.from(rowids.keys()));
  }

  has(column: string): boolean {
    return this.keys.has(column);
  }

  /** The columns whose order is made and kept (for the tests and the report on memory). */
  ordered(): string[] {
    return [...this.orders.keys()];
  }

  /** The rowids of a page: members in (column, rowid) order, or rowid order with no column. */
  page(column: string | null, dir: 'asc' | 'desc', offset: number, limit: number): number[] {
    const order = this.order(column);
    const out: number[] = [];
    const n = order.length;
    for (let i = offset; i < Math.min(n, offset + limit); i++) out.push(this.rowids[order[dir === 'asc' ? i : n - 1 - i]!]!);
    return out;
  }

  private order(column: string | null): Int32Array {
    const name = column ?? '';
    let order = this.orders.get(name);
    if (!order) {
      const ids = this.rowids;
      const keys = column === null ? null : this.keys.get(column)!;
      order = Int32Array.from(ids.keys());
      if (keys) {
        const compare = comparator(keys);
        order.sort((a, b) => compare(keys[a], keys[b]) || ids[a]! - ids[b]!);
      } else order.sort((a, b) => ids[a]! - ids[b]!);
      this.orders.set(name, order);
    }
    return order;
  }

  /** About: 8 bytes a number, ~40 a short string (4,027 members: ~1.3 MB at 1M). */
  get bytes(): number {
    let n = this.rowids.length * 8;
    for (const k of this.keys.values()) n += k instanceof Float64Array ? k.byteLength : k.length * 40;
    for (const o of this.orders.values()) n += o.byteLength;
    return n;
  }
}

/**
 * The comparison for one column's keys: the general one (`compareSqlite`), or a quicker one when every
 * key is a number or NULL, or text or NULL without characters beyond U+FFFF (where UTF-16 order is
 * UTF-8 byte order).
 */
function comparator(keys: Keys): (a: unknown, b: unknown) => number {
  if (keys instanceof Float64Array) return (a, b) => (Number.isNaN(a) ? (Number.isNaN(b) ? 0 : -1) : Number.isNaN(b) ? 1 : (a as number) - (b as number));
  const numbers = keys.every((k) => k === null || typeof k === 'number');
  const texts = !numbers && keys.every((k) => k === null || (typeof k === 'string' && !/[\uD800-\uDFFF]/.test(k)));
  if (!numbers && !texts) return compareSqlite;
  return (a, b) => {
    if (a === null || b === null) return a === null ? (b === null ? 0 : -1) : 1;
    return (a as number | string) < (b as number | string) ? -1 : (a as number | string) > (b as number | string) ? 1 : 0;
  };
}

/** SQLite's storage classes in its sort order: NULL, numbers, text, blobs. */
function storageRank(v: unknown): number {
  if (v === null || v === undefined) return 0;
  if (typeof v === 'number' || typeof v === 'bigint') return 1;
  if (typeof v === 'string') return 2;
  return 3;
}

/**
 * SQLite's ORDER BY comparison of two values under the BINARY collation (the grid's sort columns declare
 * no other): by storage class, numbers by value, text by UTF-8 bytes. JavaScript compares UTF-16 code
 * units, which differs from UTF-8 byte order for characters beyond U+FFFF (surrogates, D800–DFFF, sort
 * below E000–FFFF in UTF-16, above in UTF-8): surrogates are moved up before comparing.
 */
export function compareSqlite(a: unknown, b: unknown): number {
  const ra = storageRank(a);
  const rb = storageRank(b);
  if (ra !== rb) return ra - rb;
  if (ra === 0) return 0;
  if (ra === 1) return (a as number) < (b as number) ? -1 : (a as number) > (b as number) ? 1 : 0;
  if (ra === 3) return Buffer.compare(a as Buffer, b as Buffer);
  const x = a as string;
  const y = b as string;
  if (x === y) return 0;
  const n = Math.min(x.length, y.length);
  for (let i = 0; i < n; i++) {
    let cx = x.charCodeAt(i);
    let cy = y.charCodeAt(i);
    if (cx === cy) continue;
    if (cx >= 0xd800) cx += cx < 0xe000 ? 0x2000 : -0x800;
    if (cy >= 0xd800) cy += cy < 0xe000 ? 0x2000 : -0x800;
    return cx - cy;
  }
  return x.length - y.length;
}

/**
 * Reads a small set's sort keys: every member's row once, each sortable column's value (`columns`: SQL
 * expressions over `from`), kept with the set. The rows come ordered by `orderBy` (and rowid), so that
 * column's order is made by SQLite's sorter as they are read: for a text column without kept ranks
 * (names), whose order in JavaScript costs most (8,000 names: ~5 ms of comparisons on a sort change),
 * at no cost the filter change can measure (8,000 rows read: ~50 ms either way).
 */
export function readSetKeys(db: Db, set: RowSet, q: { rowid: string; from: string; columns: readonly string[]; orderBy: string | null }): void {
  if (set.json === null) return;
  const order = q.orderBy === null ? '' : ` ORDER BY ${q.orderBy}, ${q.rowid}`;
  const sql = `SELECT ${q.rowid}, ${q.columns.join(', ')} FROM ${q.from} WHERE ${q.rowid} IN (SELECT value FROM json_each(?))${order}`;
  const rows = prepared(db, sql).raw().all(set.json) as unknown[][];
  const keys = new Map<string, Keys>();
  q.columns.forEach((c, j) => {
    const values = rows.map((r) => r[j + 1]);
    // A column of numbers (and NULLs) is held unboxed: NULL as NaN, which SQLite never stores (it stores NaN as NULL).
    const numeric = values.every((v) => v === null || typeof v === 'number');
    keys.set(c, numeric ? Float64Array.from(values, (v) => (v === null ? NaN : (v as number))) : values);
  });
  set.keys = new SetKeys(rows.map((r) => Number(r[0])), keys, q.orderBy !== null && q.columns.includes(q.orderBy) ? q.orderBy : null);
}
