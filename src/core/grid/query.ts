import { z } from 'zod';
import { prepared, type Db } from '../db/open';
import { isAllCjk, matchExpression } from '../search/tokens';

/**
 * Server side of AG Grid's infinite row model: a page of rows for (sort, filter, start, end), with the
 * exact count. Column names come only from the view's allow-list; values are always bound parameters.
 * Sequential pages continue from the last row seen (keyset) instead of OFFSET, which gets slow deep
 * into a million rows; a jump (scrollbar drag) falls back to OFFSET.
 */
export type ColumnType = 'text' | 'number' | 'date' | 'enum';

export interface GridColumn {
  /** SQL expression over the view's FROM clause; from code, never from input. */
  sql: string;
  type: ColumnType;
  sortable?: boolean;
  /** Enum columns: the codes whose labels match a typed text, in any UI language. */
  labels?: Record<string, readonly string[]>;
  /** Text columns indexed in an FTS table: `contains` uses it to avoid a full scan. */
  fts?: string;
}

export interface GridView {
  from: string;
  /** Row identity; also the last key of every ORDER BY, so the order is total and ids are stable. */
  rowid: string;
  where: string;
  select: string;
  columns: Record<string, GridColumn>;
}

const textCondition = z.object({
  filterType: z.literal('text'),
  type: z.enum(['contains', 'notContains', 'equals', 'notEqual', 'startsWith', 'endsWith', 'blank', 'notBlank']),
  filter: z.string().max(200).nullish(),
});
const numberCondition = z.object({
  filterType: z.literal('number'),
  type: z.enum(['equals', 'notEqual', 'lessThan', 'lessThanOrEqual', 'greaterThan', 'greaterThanOrEqual', 'inRange', 'blank', 'notBlank']),
  filter: z.number().nullish(),
  filterTo: z.number().nullish(),
});
const dateCondition = z.object({
  filterType: z.literal('date'),
  type: z.enum(['equals', 'notEqual', 'lessThan', 'greaterThan', 'inRange', 'blank', 'notBlank']),
  dateFrom: z.string().max(40).nullish(),
  dateTo: z.string().max(40).nullish(),
});
const condition = z.discriminatedUnion('filterType', [textCondition, numberCondition, dateCondition]);
const combined = z.object({
  filterType: z.enum(['text', 'number', 'date']),
  operator: z.enum(['AND', 'OR']),
  conditions: z.array(condition).min(1).max(4),
});

export const gridRequestSchema = z.strictObject({
  startRow: z.number().int().min(0),
  endRow: z.number().int().min(1),
  sortModel: z.array(z.strictObject({ colId: z.string().max(64), sort: z.enum(['asc', 'desc']) })).max(3).default([]),
  filterModel: z.record(z.string().max(64), z.union([condition, combined])).default({}),
  quickFilter: z.string().max(200).optional(),
});
export type GridRequest = z.infer<typeof gridRequestSchema>;
export type GridFilterModel = GridRequest['filterModel'];

export interface GridResult<R> {
  rows: R[];
  /** Exact number of rows matching the filter. */
  count: number;
}

type Condition = z.infer<typeof condition>;
type Clause = { sql: string; params: unknown[] };

/** Builds WHERE for a filter model; unknown columns are rejected by the caller's allow-list check. */
export function whereClause(view: GridView, filterModel: GridFilterModel, quickFilter?: string): Clause {
  const parts: string[] = [view.where];
  const params: unknown[] = [];
  for (const [colId, model] of Object.entries(filterModel)) {
    const col = view.columns[colId];
    if (!col) throw new GridColumnError(colId);
    const conds = 'conditions' in model ? model.conditions : [model];
    const op = 'operator' in model ? model.operator : 'AND';
    const built = conds.map((c) => conditionSql(view, col, c));
    parts.push(`(${built.map((b) => b.sql).join(` ${op} `)})`);
    for (const b of built) params.push(...b.params);
  }
  if (quickFilter?.trim()) {
    const ftsCol = Object.values(view.columns).find((c) => c.fts);
    const expr = matchExpression(quickFilter);
    if (ftsCol?.fts && expr) {
      parts.push(`${view.rowid} IN (SELECT rowid FROM ${ftsCol.fts} WHERE ${ftsCol.fts} MATCH ?)`);
      params.push(expr);
    }
  }
  return { sql: parts.join(' AND '), params };
}

export class GridColumnError extends Error {
  constructor(readonly column: string) {
    super(`unknown column ${column}`);
  }
}

function conditionSql(view: GridView, col: GridColumn, c: Condition): Clause {
  const e = col.sql;
  if (c.type === 'blank') return { sql: col.type === 'text' ? `(${e} IS NULL OR ${e} = '')` : `${e} IS NULL`, params: [] };
  if (c.type === 'notBlank') return { sql: col.type === 'text' ? `(${e} IS NOT NULL AND ${e} <> '')` : `${e} IS NOT NULL`, params: [] };
  if (c.filterType === 'text') {
    const v = c.filter ?? '';
    if (col.type === 'enum' && col.labels) return enumSql(col, c.type, v);
    const like = (s: string) => s.replace(/[\\%_]/g, (m) => `\\${m}`);
    switch (c.type) {
      case 'contains': {
        // Bigrams make an FTS match exact for Chinese text; Latin substrings need the LIKE scan.
        const expr = col.fts && isAllCjk(v.trim()) ? matchExpression(v) : null;
        if (col.fts && expr) {
          // The index narrows to candidates; LIKE keeps the exact substring meaning.
          return { sql: `(${view.rowid} IN (SELECT rowid FROM ${col.fts} WHERE ${col.fts} MATCH ?) AND ${e} LIKE ? ESCAPE '\\')`, params: [expr, `%${like(v)}%`] };
        }
        return { sql: `${e} LIKE ? ESCAPE '\\'`, params: [`%${like(v)}%`] };
      }
      case 'notContains': return { sql: `coalesce(${e}, '') NOT LIKE ? ESCAPE '\\'`, params: [`%${like(v)}%`] };
      case 'equals': return { sql: `${e} = ?`, params: [v] };
      case 'notEqual': return { sql: `coalesce(${e}, '') <> ?`, params: [v] };
      case 'startsWith': return { sql: `${e} LIKE ? ESCAPE '\\'`, params: [`${like(v)}%`] };
      case 'endsWith': return { sql: `${e} LIKE ? ESCAPE '\\'`, params: [`%${like(v)}`] };
    }
  }
  if (c.filterType === 'number') {
    const v = c.filter ?? 0;
    switch (c.type) {
      case 'equals': return { sql: `${e} = ?`, params: [v] };
      case 'notEqual': return { sql: `(${e} IS NULL OR ${e} <> ?)`, params: [v] };
      case 'lessThan': return { sql: `${e} < ?`, params: [v] };
      case 'lessThanOrEqual': return { sql: `${e} <= ?`, params: [v] };
      case 'greaterThan': return { sql: `${e} > ?`, params: [v] };
      case 'greaterThanOrEqual': return { sql: `${e} >= ?`, params: [v] };
      case 'inRange': return { sql: `${e} BETWEEN ? AND ?`, params: [v, c.filterTo ?? v] };
    }
  }
  if (c.filterType === 'date') {
    const from = (c.dateFrom ?? '').slice(0, 10);
    const to = (c.dateTo ?? '').slice(0, 10);
    switch (c.type) {
      case 'equals': return { sql: `${e} = ?`, params: [from] };
      case 'notEqual': return { sql: `(${e} IS NULL OR ${e} <> ?)`, params: [from] };
      case 'lessThan': return { sql: `${e} < ?`, params: [from] };
      case 'greaterThan': return { sql: `${e} > ?`, params: [from] };
      case 'inRange': return { sql: `${e} BETWEEN ? AND ?`, params: [from, to || from] };
    }
  }
  throw new GridColumnError(String((c as { type: string }).type));
}

function enumSql(col: GridColumn, type: string, typed: string): Clause {
  const needle = typed.trim().toLowerCase();
  const matches = (labels: readonly string[], code: string) =>
    [code, ...labels].some((l) => (type === 'equals' || type === 'notEqual' ? l.toLowerCase() === needle : l.toLowerCase().includes(needle)));
  const codes = Object.entries(col.labels!).filter(([code, labels]) => matches(labels, code)).map(([code]) => code);
  const negate = type === 'notContains' || type === 'notEqual';
  if (codes.length === 0) return { sql: negate ? '1' : '0', params: [] };
  return { sql: `${col.sql} ${negate ? 'NOT IN' : 'IN'} (${codes.map(() => '?').join(', ')})`, params: codes };
}

interface Cursor {
  key: string;
  endRow: number;
  last: unknown[];
}

/** Runs grid requests for one view, caching exact counts and page cursors per data version. */
export class GridRunner<R> {
  private counts = new Map<string, number>();
  private cursors = new Map<string, Cursor>();
  private seenVersion = -1;

  constructor(
    private readonly view: GridView,
    private readonly decode: (row: Record<string, unknown>) => R = (r) => r as R,
  ) {}

  /** Where, order and cache key of a request; column ids are checked against the view's allow-list. */
  private shape(req: GridRequest) {
    const where = whereClause(this.view, req.filterModel, req.quickFilter);
    for (const s of req.sortModel) if (!this.view.columns[s.colId]?.sortable) throw new GridColumnError(s.colId);
    const order = [
      ...req.sortModel.map((s) => ({ sql: this.view.columns[s.colId]!.sql, dir: s.sort as 'asc' | 'desc' })),
      { sql: this.view.rowid, dir: (req.sortModel[0]?.sort ?? 'asc') as 'asc' | 'desc' },
    ];
    const orderSql = order.map((o) => `${o.sql} ${o.dir.toUpperCase()}`).join(', ');
    const select = `SELECT ${this.view.select}, ${order.map((o, i) => `${o.sql} AS _k${i}`).join(', ')} FROM ${this.view.from}`;
    return { where, order, orderSql, select, key: JSON.stringify([where.sql, where.params, orderSql]) };
  }

  /** The SQL of a first or jumped-to page and of its count, for the benchmark's sqlite3 reference. */
  sqlFor(req: GridRequest): { page: Clause; count: Clause } {
    const shape = this.shape(req);
    return {
      page: { sql: this.offsetSql(shape), params: [...shape.where.params, req.endRow - req.startRow, req.startRow] },
      count: { sql: this.countSql(shape), params: shape.where.params },
    };
  }

  private offsetSql(s: { select: string; where: Clause; orderSql: string }): string {
    return `${s.select} WHERE ${s.where.sql} ORDER BY ${s.orderSql} LIMIT ? OFFSET ?`;
  }

  private countSql(s: { where: Clause }): string {
    return `SELECT count(*) AS n FROM ${this.view.from} WHERE ${s.where.sql}`;
  }

  run(db: Db, req: GridRequest, version: number): GridResult<R> {
    if (version !== this.seenVersion) {
      this.counts.clear();
      this.cursors.clear();
      this.seenVersion = version;
    }
    const shape = this.shape(req);
    const { where, order, orderSql, select, key } = shape;
    const limit = req.endRow - req.startRow;

    const cursor = this.cursors.get(`${key}@${req.startRow}`);
    let rows: Record<string, unknown>[];
    const keysetOk = cursor && order.length === 2 && cursor.last[0] !== null;
    if (keysetOk) {
      // Rows after (value, rowid) in this order; NULLs sort first ascending and last descending.
      const [first] = order;
      const cmp = first!.dir === 'asc' ? '>' : '<';
      const nullTail = first!.dir === 'desc' ? ` OR ${first!.sql} IS NULL` : '';
      rows = prepared(db, `${select} WHERE ${where.sql} AND ((${first!.sql}, ${this.view.rowid}) ${cmp} (?, ?)${nullTail}) ORDER BY ${orderSql} LIMIT ?`)
        .all(...where.params, ...cursor.last, limit) as Record<string, unknown>[];
    } else {
      rows = prepared(db, this.offsetSql(shape))
        .all(...where.params, limit, req.startRow) as Record<string, unknown>[];
    }
    const lastRow = rows[rows.length - 1];
    if (lastRow) {
      const last = order.map((_, i) => lastRow[`_k${i}`]);
      this.cursors.set(`${key}@${req.startRow + rows.length}`, { key, endRow: req.startRow + rows.length, last });
      if (this.cursors.size > 500) this.cursors.delete(this.cursors.keys().next().value!);
    }
    let count = this.counts.get(key);
    if (count === undefined) {
      count = (prepared(db, this.countSql(shape)).get(...where.params) as { n: number }).n;
      this.counts.set(key, count);
    }
    return {
      rows: rows.map((r) => {
        for (let i = 0; i < order.length; i++) delete r[`_k${i}`];
        return this.decode(r);
      }),
      count,
    };
  }
}
