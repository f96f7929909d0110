import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { testCore } from './helpers';

/**
 * Migration 0014: the grid's "qualification expires" is a virtual generated column (the least expiry
 * among at most ten items, JSON read in the row) with an index. It must equal what the column was
 * before, a subquery over json_each, for every list the form can save (including none, items without a
 * date, and ties), after inserts and updates; and the grid's date filter must be a range of its index.
 */
const OLD_SQL = "(SELECT min(json_extract(q.value, '$.expires')) FROM json_each(CASE WHEN json_valid(e.qualifications) THEN e.qualifications ELSE '[]' END) q WHERE json_extract(q.value, '$.expires') IS NOT NULL)";

const date = fc.date({ min: new Date('2015-01-01T00:00:00Z'), max: new Date('2032-12-31T00:00:00Z'), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10));
const item = fc.record({ type: fc.constantFrom('hnte', 'srdi', 'tsme'), expires: fc.option(date, { nil: null }) });
const list = fc.option(fc.array(item, { minLength: 0, maxLength: 10 }), { nil: null });

describe('qualification expiry column (migration 0014)', () => {
  it('equals the json_each subquery for any list saved through the write path, on insert and on update', () => {
    const core = testCore();
    let n = 0;
    fc.assert(
      fc.property(list, list, (first, second) => {
        const id = (core.call('enterprises.create', { name: `资质测试${n++}有限公司`, kind: 'startup', status: 'settled', qualifications: first } as never) as { id: string }).id;
        const check = () => {
          const row = core.db.prepare(`SELECT e.qualification_expires AS now, ${OLD_SQL} AS old FROM enterprises e WHERE id = ?`).get(id) as { now: string | null; old: string | null };
          expect(row.now).toBe(row.old);
        };
        check();
        core.call('enterprises.update', { id, patch: { qualifications: second } } as never);
        check();
      }),
      { numRuns: 300, seed: 14 },
    );
    // Every row at once (and the grid's view reads the column).
    const differing = core.db.prepare(`SELECT count(*) AS n FROM enterprises e WHERE e.qualification_expires IS NOT ${OLD_SQL}`).get() as { n: number };
    expect(differing.n).toBe(0);
  });

  it('the grid filter on it is a range of its index', () => {
    const core = testCore();
    core.call('enterprises.create', { name: '甲资质科技有限公司', kind: 'startup', status: 'settled', qualifications: [{ type: 'hnte', expires: '2020-05-01' }, { type: 'tsme', expires: '2019-02-01' }] } as never);
    core.call('enterprises.create', { name: '乙资质科技有限公司', kind: 'startup', status: 'settled', qualifications: [{ type: 'hnte', expires: null }] } as never);
    const filterModel = { qualification_expires: { filterType: 'date', type: 'inRange', dateFrom: '2019-01-01', dateTo: '2019-12-31' } };
    const got = core.call('enterprises.rows', { startRow: 0, endRow: 10, sortModel: [], filterModel } as never) as unknown as { count: number; rows: { name: string; qualification_expires: string }[] };
    expect(got.rows.map((r) => [r.name, r.qualification_expires])).toEqual([['甲资质科技有限公司', '2019-02-01']]);
    const plan = (core.db.prepare("EXPLAIN QUERY PLAN SELECT count(*) FROM enterprises e WHERE e.deleted = 0 AND e.qualification_expires BETWEEN '2019-01-01' AND '2019-12-31'").all() as { detail: string }[]).map((r) => r.detail);
    expect(plan.join('; ')).toMatch(/SEARCH e USING (COVERING )?INDEX enterprises_qualification_expires/);
  });
});
