import { prepared, type Db } from '../db/open';

type Statement = ReturnType<typeof prepared>;

/** Per page statement: the row's own columns (name and position) and the positions of its sort keys `_k0…`. */
interface Layout {
  names: string[];
  at: number[];
  keys: number[];
}
const layouts = new WeakMap<Statement, Layout>();

/** Each page row's sort keys (`_k0`, `_k1`…, in order): the runner's cursor for the next page is the last row's. */
const sortKeys = new WeakMap<object, unknown[]>();

function layoutOf(stmt: Statement): Layout {
  let layout = layouts.get(stmt);
  if (!layout) {
    const columns = stmt.columns().map((c) => c.name);
    const keys: number[] = [];
    const names: string[] = [];
    const at: number[] = [];
    columns.forEach((name, i) => {
      const k = /^_k(\d+)$/.exec(name);
      if (k) keys[Number(k[1])] = i;
      else {
        names.push(name);
        at.push(i);
      }
    });
    layouts.set(stmt, (layout = { names, at, keys }));
  }
  return layout;
}

/**
 * A page query's rows, without its sort-key columns `_k…` (kept aside: `sortKeysOf`). Read as arrays and
 * made into objects here: better-sqlite3 builds each row object a property at a time, and deleting the
 * sort keys afterwards turned every row into a slow dictionary object (100 rows of 29 columns at 1M: 2.3 →
 * 1.75 ms read and serialized). A later column of the same name wins, as in better-sqlite3's own objects.
 */
export function pageRows(db: Db, sql: string, params: unknown[]): Record<string, unknown>[] {
  const stmt = prepared(db, sql);
  const { names, at, keys } = layoutOf(stmt);
  // The statement is shared through `prepared`: raw only for this read.
  stmt.raw(true);
  let arrays: unknown[][];
  try {
    arrays = stmt.all(...params) as unknown[][];
  } finally {
    stmt.raw(false);
  }
  return arrays.map((a) => {
    const row: Record<string, unknown> = {};
    for (let i = 0; i < names.length; i++) row[names[i]!] = a[at[i]!];
    sortKeys.set(row, keys.map((k) => a[k]));
    return row;
  });
}

/** The sort keys a row of `pageRows` was read with (empty for a row read otherwise). */
export function sortKeysOf(row: object): unknown[] {
  return sortKeys.get(row) ?? [];
}
