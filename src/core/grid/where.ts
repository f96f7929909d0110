import type { Db } from '../db/open';
import { isAllCjk, matchExpression } from '../search/tokens';
import { GridColumnError, type Clause, type Condition, type GridColumn, type GridFilterModel, type GridView } from './request';

/**
 * Builds WHERE for a filter model; unknown columns are rejected. With `noIndex`, filtered columns are
 * written `+col` so SQLite cannot drive the query from their index and walks the sort index instead
 * (except the columns in `keepIndex`: a range on the sort column is a range of the sort index), and a
 * name `contains` is tested with LIKE alone: the full-text lookup only narrows, and when the walk meets
 * a match every few rows, collecting every match from the full-text index first costs far more.
 */
export function whereClause(view: GridView, filterModel: GridFilterModel, quickFilter?: string, noIndex = false, db?: Db, keepIndex: readonly string[] = [], probeFts = false): Clause {
  const parts: string[] = [view.where];
  const params: unknown[] = [];
  for (const [colId, model] of Object.entries(filterModel)) {
    const col = view.columns[colId];
    if (!col) throw new GridColumnError(colId);
    const conds = 'conditions' in model ? model.conditions : [model];
    const op = 'operator' in model ? model.operator : 'AND';
    const labels = typeof col.labels === 'function' ? col.labels(db!) : col.labels;
    const off = noIndex && !keepIndex.includes(colId);
    const built = conds.map((c) => conditionSql(view, { ...col, labels, sql: off ? `+${col.sql}` : col.sql, ...(noIndex ? { fts: undefined } : {}) }, c, off));
    parts.push(`(${built.map((b) => b.sql).join(` ${op} `)})`);
    for (const b of built) params.push(...b.params);
  }
  if (quickFilter?.trim()) {
    const ftsCol = Object.values(view.columns).find((c) => c.fts);
    const expr = matchExpression(quickFilter);
    if (ftsCol?.fts && expr && probeFts) {
      // Each row the walk meets is looked up in the full-text index (about 0.25 ms a row at 1M) instead
      // of first collecting every match (0.3 s for a word in every name): see FTS_PROBE_SHARE.
      parts.push(`EXISTS (SELECT 1 FROM ${ftsCol.fts} WHERE ${ftsCol.fts} MATCH ? AND ${ftsCol.fts}.rowid = ${view.rowid})`);
      params.push(expr);
    } else if (ftsCol?.fts && expr) {
      parts.push(`${noIndex ? '+' : ''}${view.rowid} IN (SELECT rowid FROM ${ftsCol.fts} WHERE ${ftsCol.fts} MATCH ?)`);
      params.push(expr);
    }
  }
  return { sql: parts.join(' AND '), params };
}


function conditionSql(view: GridView, col: GridColumn, c: Condition, noIndex: boolean): Clause {
  const e = col.sql;
  if (c.type === 'blank') return { sql: col.type === 'text' ? `(${e} IS NULL OR ${e} = '')` : `${e} IS NULL`, params: [] };
  if (c.type === 'notBlank') return { sql: col.type === 'text' ? `(${e} IS NOT NULL AND ${e} <> '')` : `${e} IS NOT NULL`, params: [] };
  if (c.filterType === 'text') {
    const v = c.filter ?? '';
    if (col.type === 'enum' && col.labels && typeof col.labels !== 'function') return enumSql({ ...col, labels: col.labels }, c.type, v);
    const like = (s: string) => s.replace(/[\\%_]/g, (m) => `\\${m}`);
    switch (c.type) {
      case 'contains': {
        // Bigrams make an FTS match exact for Chinese text; Latin substrings need the LIKE scan.
        const expr = col.fts && isAllCjk(v.trim()) ? matchExpression(v) : null;
        if (col.fts && expr) {
          // The index narrows to candidates; LIKE keeps the exact substring meaning.
          return { sql: `(${noIndex ? '+' : ''}${view.rowid} IN (SELECT rowid FROM ${col.fts} WHERE ${col.fts} MATCH ?) AND ${e} LIKE ? ESCAPE '\\')`, params: [expr, `%${like(v)}%`] };
        }
        if (col.fewValues) {
          // The same LIKE, on the distinct values: the rows with a value that contains the text. LIMIT -1
          // keeps the DISTINCT in its subquery (a skip along the column's index, not a pass over every row).
          const stored = e.replace(/^\+/, '');
          return { sql: `${e} IN (SELECT v FROM (SELECT DISTINCT ${stored} AS v FROM ${view.from} WHERE ${view.where} LIMIT -1) WHERE v LIKE ? ESCAPE '\\')`, params: [`%${like(v)}%`] };
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

function enumSql(col: GridColumn & { labels: Record<string, readonly string[]> }, type: string, typed: string): Clause {
  // "equals" takes one value or a comma-separated list (links such as a funnel stage and the ones after it).
  const exact = type === 'equals' || type === 'notEqual';
  const needles = (exact ? typed.split(',') : [typed]).map((n) => n.trim().toLowerCase()).filter(Boolean);
  const matches = (labels: readonly string[], code: string) =>
    [code, ...labels].some((l) => needles.some((needle) => (exact ? l.toLowerCase() === needle : l.toLowerCase().includes(needle))));
  const codes = Object.entries(col.labels).filter(([code, labels]) => matches(labels, code)).map(([code]) => code);
  const negate = type === 'notContains' || type === 'notEqual';
  if (codes.length === 0) return { sql: negate ? '1' : '0', params: [] };
  return { sql: `${col.sql} ${negate ? 'NOT IN' : 'IN'} (${codes.map(() => '?').join(', ')})`, params: codes };
}

/**
 * Whether a filter on the sort column is one range (or a few) of that column's index: a comparison or an
 * enum's codes. A `contains` is not (its full-text or value-list form would turn SQLite away from the walk).
 */
export function isIndexRange(col: GridColumn, model: GridFilterModel[string]): boolean {
  if ('conditions' in model) return false;
  if (col.type === 'enum') return model.type === 'equals';
  return ['equals', 'lessThan', 'lessThanOrEqual', 'greaterThan', 'greaterThanOrEqual', 'inRange'].includes(model.type) && model.filterType !== 'text';
}

/** `a AND b`, or `a` alone when there is no `b`. */
export function andClause(a: Clause, b: Clause | null): Clause {
  return b ? { sql: `${a.sql} AND ${b.sql}`, params: [...a.params, ...b.params] } : a;
}
