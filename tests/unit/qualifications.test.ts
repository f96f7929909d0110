import { describe, expect, it } from 'vitest';
import { testCore } from './helpers';

/** Issue 11, everyday gaps: qualifications due for renewal (next 90 days, and expired) on the Overview and as a grid filter. */
describe('qualifications due for renewal', () => {
  it('lists the expired and those expiring within 90 days, soonest first, and the grid filters by the earliest expiry', () => {
    const core = testCore();
    const make = (name: string, qualifications: { type: string; expires: string | null }[]) => (core.call('enterprises.create', { name, kind: 'startup', status: 'settled', qualifications } as never) as { id: string }).id;
    make('甲已过期科技有限公司', [{ type: 'hnte', expires: '2026-10-01' }]);
    make('乙将到期科技有限公司', [{ type: 'srdi', expires: '2027-01-15' }, { type: 'tsme', expires: '2029-01-01' }]);
    make('丙远期科技有限公司', [{ type: 'hnte', expires: '2028-06-30' }]);
    make('丁无期限科技有限公司', [{ type: 'tsme', expires: null }]);
    const due = core.call('qualifications.due', { asOf: '2026-11-21' } as never) as { total: number; expired: number; until: string; items: { name: string; type: string; expires: string; expired: boolean }[] };
    expect(due.until).toBe('2027-02-19');
    expect(due.total).toBe(2);
    expect(due.expired).toBe(1);
    expect(due.items.map((i) => [i.name, i.type, i.expired])).toEqual([['甲已过期科技有限公司', 'hnte', true], ['乙将到期科技有限公司', 'srdi', false]]);
    const rows = core.call('enterprises.rows', { startRow: 0, endRow: 10, filterModel: { qualification_expires: { filterType: 'date', type: 'inRange', dateFrom: '0001-01-01', dateTo: '2027-02-19' } } } as never) as unknown as { count: number; rows: { name: string; qualification_expires: string }[] };
    expect(rows.count).toBe(2);
    expect(rows.rows.map((r) => r.qualification_expires).sort()).toEqual(['2026-10-01', '2027-01-15']);
  });
});
