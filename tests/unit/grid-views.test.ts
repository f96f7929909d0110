import { describe, expect, it } from 'vitest';
import { testCore } from './helpers';

/** Issue 11, everyday gaps: saved views (name, filters, sort, columns) per grid, kept in the database. */
describe('saved grid views', () => {
  it('saves, replaces by name, lists per grid, deletes, and survives reopening the file', () => {
    const core = testCore();
    const file = core.db.name;
    const state = { filter: { industry: { filterType: 'text', type: 'equals', filter: 'bigdata,ai' } }, sort: [{ colId: 'revenue', sort: 'desc' }], columns: [{ colId: 'uscc', hide: true }] };
    core.call('views.save', { area: 'enterprises', name: '大数据企业', state } as never);
    core.call('views.save', { area: 'enterprises', name: '按营收', state: { sort: [{ colId: 'revenue', sort: 'asc' }] } } as never);
    const replaced = core.call('views.save', { area: 'enterprises', name: '按营收', state: { sort: [{ colId: 'tax', sort: 'desc' }] } } as never) as { name: string; sort: unknown[] }[];
    expect(replaced.map((v) => v.name)).toEqual(['按营收', '大数据企业']);
    expect(replaced[0]!.sort).toEqual([{ colId: 'tax', sort: 'desc' }]);
    expect(core.call('views.list', { area: 'leads' } as never)).toEqual([]);
    core.close();
    const again = testCore({}, file);
    const views = again.call('views.list', { area: 'enterprises' } as never) as { name: string; filter: unknown; columns: unknown }[];
    expect(views.find((v) => v.name === '大数据企业')).toMatchObject({ filter: state.filter, columns: state.columns });
    expect((again.call('views.delete', { area: 'enterprises', name: '按营收' } as never) as unknown[]).length).toBe(1);
    expect(() => again.call('views.save', { area: 'enterprises', name: '  ', state: {} } as never)).toThrow();
    again.close();
  });
});
