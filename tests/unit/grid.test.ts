import { describe, expect, it } from 'vitest';
import { decodeRow, type Row } from '../../src/core/db/write';
import { generate } from '../../src/core/seed/seed';
import { testCore } from './helpers';

function bigCore() {
  const core = testCore();
  generate(core.context(), { enterprises: 3000, leads: 300, activities: 300 }, undefined, 3);
  return core;
}

type Page = { rows: Record<string, unknown>[]; count: number };

describe('grid pages from SQL', () => {
  const core = bigCore();
  const rows = (req: object) => core.call('enterprises.rows', { startRow: 0, endRow: 100, ...req } as never) as Page;

  it('sorts in SQL with a total order; scrolled pages (keyset, NULLs included) equal one ORDER BY', async () => {
    const sorts = [{ colId: 'name', sort: 'asc' }, { colId: 'revenue', sort: 'desc' }, { colId: 'exit_date', sort: 'desc' }, { colId: 'exit_date', sort: 'asc' }] as const;
    // No filter; a broad filter (walks the sort index); a narrow one (drives from the filter's index).
    const filters = [
      ['', {}],
      ["AND status = 'incubating'", { status: { filterType: 'text', type: 'equals', filter: '在孵' } }],
      ["AND kind = 'core' AND headcount > 300", { kind: { filterType: 'text', type: 'equals', filter: 'core' }, headcount: { filterType: 'number', type: 'greaterThan', filter: 300 } }],
    ] as const;
    for (const [whereSql, filterModel] of filters) {
      for (const sort of sorts) {
        const all = core.db
          .prepare(`SELECT id FROM enterprises WHERE deleted = 0 ${whereSql} ORDER BY ${sort.colId} ${sort.sort}, rowid ${sort.sort}`)
          .all()
          .map((r) => (r as { id: string }).id);
        expect(all.length).toBeGreaterThan(0);
        const seen: string[] = [];
        for (let start = 0; start < all.length; start += 100) {
          const page = rows({ startRow: start, endRow: start + 100, sortModel: [sort], filterModel });
          expect(page.count).toBe(all.length);
          seen.push(...page.rows.map((r) => r.id as string));
        }
        expect(seen).toEqual(all);
        // A jump (no cursor) lands on the same rows as the ORDER BY.
        const mid = Math.floor(all.length / 2);
        expect(rows({ startRow: mid, endRow: mid + 5, sortModel: [sort], filterModel }).rows.map((r) => r.id)).toEqual(all.slice(mid, mid + 5));
      }
    }
  });

  it('a page holds each row exactly as the table does: every column, no sort keys of the query', () => {
    for (const sort of [{ colId: 'name', sort: 'asc' }, { colId: 'revenue', sort: 'desc' }, { colId: 'status', sort: 'asc' }]) {
      for (const startRow of [0, 100]) {
        const page = rows({ startRow, endRow: startRow + 100, sortModel: [sort], filterModel: { kind: { filterType: 'text', type: 'equals', filter: 'startup' } } });
        expect(page.rows.length).toBe(100);
        const stored = core.db.prepare('SELECT * FROM enterprises WHERE id = ?');
        for (const r of page.rows) expect(r).toStrictEqual(decodeRow('enterprises', stored.get(r.id) as Row));
      }
    }
  });

  it('filters text, numbers, dates and enum labels in either language, with exact counts', async () => {
    const expectCount = (where: string, params: unknown[]) => (core.db.prepare(`SELECT count(*) AS n FROM enterprises WHERE deleted = 0 AND ${where}`).get(...params) as { n: number }).n;
    expect(rows({ filterModel: { status: { filterType: 'text', type: 'contains', filter: '在孵' } } }).count).toBe(expectCount("status = 'incubating'", []));
    expect(rows({ filterModel: { status: { filterType: 'text', type: 'equals', filter: 'Graduated' } } }).count).toBe(expectCount("status = 'graduated'", []));
    expect(rows({ filterModel: { headcount: { filterType: 'number', type: 'greaterThan', filter: 20 } } }).count).toBe(expectCount('headcount > 20', []));
    expect(rows({ filterModel: { entry_date: { filterType: 'date', type: 'inRange', dateFrom: '2019-01-01 00:00:00', dateTo: '2019-12-31 00:00:00' } } }).count).toBe(expectCount("entry_date BETWEEN '2019-01-01' AND '2019-12-31'", []));
    const both = rows({ filterModel: { name: { filterType: 'text', type: 'contains', filter: '数据' }, kind: { filterType: 'text', type: 'equals', filter: 'core' } } });
    expect(both.count).toBe(expectCount("name LIKE '%数据%' AND kind = 'core'", []));
    expect(both.count).toBeGreaterThan(0);
    for (const r of both.rows) expect(r.name).toContain('数据');
  });

  it('a contains filter on the name is exact for Latin text too', async () => {
    const r = rows({ filterModel: { name: { filterType: 'text', type: 'contains', filter: '1A' } } });
    expect(r.count).toBe((core.db.prepare("SELECT count(*) AS n FROM enterprises WHERE name LIKE '%1A%'").get() as { n: number }).n);
  });

  it('rejects columns that are not in the allow-list, so no SQL can be smuggled in', async () => {
    const sort = await core.invoke('enterprises.rows', { startRow: 0, endRow: 10, sortModel: [{ colId: 'name; DROP TABLE enterprises', sort: 'asc' }] });
    expect(sort.ok).toBe(false);
    const filter = await core.invoke('enterprises.rows', { startRow: 0, endRow: 10, filterModel: { 'id) OR (1=1': { filterType: 'text', type: 'equals', filter: 'x' } } });
    expect(filter.ok).toBe(false);
    const injectValue = rows({ filterModel: { name: { filterType: 'text', type: 'equals', filter: "x' OR '1'='1" } } });
    expect(injectValue.count).toBe(0);
  });

  it('sees a write in the next page request (caches key on the data version)', async () => {
    const before = rows({}).count;
    core.call('enterprises.delete', { id: rows({}).rows[0]!.id as string });
    expect(rows({}).count).toBe(before - 1);
  });
});
