/**
 * Every enterprise grid view the app offers, for the benchmark: each sortable column (both ways, and
 * no sort) × the filters the grid's columns offer (taken from the field registry as the renderer builds
 * its columns: a pick list for coded columns, text, number and date filters), each alone and combined
 * with one other column's. Filter values come from the data, so the shares are those of the park.
 */
import type { Db } from '../../src/core/db/open';
import { enterprisesView } from '../../src/core/enterprises/handlers';
import { enterpriseRegistry } from '../../src/core/enterprises/fields';
import { enums } from '../../src/core/enums';
import type { GridFilterModel, GridRequest } from '../../src/core/grid/query';
import { fieldMetas } from '../../src/core/registry/derive';

export interface GridFilterCase {
  label: string;
  filterModel: GridFilterModel;
  quickFilter?: string;
}

/** One filter on one column: its label and model. */
type Part = { label: string; model: GridFilterModel[string] };

/** Sort orders the grid offers: every sortable column of the view, each way, and the default (none). */
export function gridSorts(): { label: string; sortModel: GridRequest['sortModel'] }[] {
  const sortable = Object.entries(enterprisesView.columns).filter(([, c]) => c.sortable).map(([id]) => id);
  return [{ label: 'no sort', sortModel: [] }, ...sortable.flatMap((colId) => (['asc', 'desc'] as const).map((sort) => ({ label: `${colId} ${sort}`, sortModel: [{ colId, sort }] })))];
}

/** The value at a share of a column's live non-null values in ascending order (from its index). */
function quantile(db: Db, column: string, share: number): unknown {
  const n = (db.prepare(`SELECT count(${column}) AS n FROM enterprises WHERE deleted = 0`).get() as { n: number }).n;
  const row = db.prepare(`SELECT ${column} AS v FROM enterprises WHERE deleted = 0 AND ${column} IS NOT NULL ORDER BY ${column} LIMIT 1 OFFSET ?`).get(Math.floor(n * share)) as { v: unknown } | undefined;
  return row?.v ?? null;
}

/**
 * The filters each column offers, with values from the data: every code of a pick list; a number
 * "greater than" the 90th percentile (the top tenth); a date range over the year of the median; a
 * text "contains" of a common value (a CJK bigram of names, the credit-code prefix of a region).
 */
function columnFilters(db: Db): Map<string, Part[]> {
  const out = new Map<string, Part[]>();
  for (const f of fieldMetas(enterpriseRegistry)) {
    if (!f.grid || f.grid.filter === false || !enterprisesView.columns[f.name]) continue;
    const col = f.name;
    const parts: Part[] = [];
    if (f.enum || f.type === 'industry') {
      const codes = f.type === 'industry' ? (db.prepare('SELECT id FROM industries WHERE deleted = 0 ORDER BY sort, id').all() as { id: string }[]).map((r) => r.id) : Object.keys(enums[f.enum!.name as keyof typeof enums]);
      for (const code of codes) parts.push({ label: `${col}=${code}`, model: { filterType: 'text', type: 'equals', filter: code } });
    } else if (f.grid.filter === 'number') {
      const v = Number(quantile(db, col, 0.9) ?? 0);
      parts.push({ label: `${col}>${v}`, model: { filterType: 'number', type: 'greaterThan', filter: v } });
    } else if (f.grid.filter === 'date') {
      const sql = enterprisesView.columns[col]!.sql;
      const median = sql === `e.${col}` ? (quantile(db, col, 0.5) as string | null) : null;
      const year = (median ?? '2020').slice(0, 4);
      parts.push({ label: `${col} in ${year}`, model: { filterType: 'date', type: 'inRange', dateFrom: `${year}-01-01`, dateTo: `${year}-12-31` } });
    } else {
      const median = col === 'name' ? '数据' : col === 'uscc' ? String(quantile(db, col, 0.5) ?? '').slice(0, 6) : String(quantile(db, col, 0.5) ?? 'A');
      parts.push({ label: `${col}~${median}`, model: { filterType: 'text', type: 'contains', filter: median } });
    }
    out.set(col, parts);
  }
  return out;
}

/**
 * No filter, each column's filters alone, every pair of columns' filters together, and the search box.
 * `pairStep` > 1 keeps every n-th pair only (a quicker, evenly spread sample of the pairs).
 */
export function gridFilters(db: Db, pairStep = 1): GridFilterCase[] {
  const byColumn = [...columnFilters(db)];
  const cases: GridFilterCase[] = [{ label: 'no filter', filterModel: {} }, { label: 'search 数据', filterModel: {}, quickFilter: '数据' }];
  for (const [col, parts] of byColumn) for (const p of parts) cases.push({ label: p.label, filterModel: { [col]: p.model } });
  let pairs = 0;
  for (let i = 0; i < byColumn.length; i++) {
    for (let j = i + 1; j < byColumn.length; j++) {
      const [a, pa] = byColumn[i]!;
      const [b, pb] = byColumn[j]!;
      for (const x of pa) for (const y of pb) if (pairs++ % pairStep === 0) cases.push({ label: `${x.label} + ${y.label}`, filterModel: { [a]: x.model, [b]: y.model } });
    }
  }
  return cases;
}
