import { describe, expect, it } from 'vitest';
import { seedDemo, seedReference } from '../../src/core/seed/seed';
import { testCore } from './helpers';

describe('an as-of view shows what was known on that day', () => {
  const core = testCore();
  seedDemo(core.context());

  it('a milestone achieved after the as-of day is neither ticked nor dated, nor is its evidence shown', () => {
    const centre = (asOf: string) => core.call('targets.progress', { asOf }).find((t) => t.name === '珠海大数据中心投入运营')!;
    expect(centre('2019-06-30')).toMatchObject({ status: 'on_track', value: 0, done_date: null, evidence: null });
    expect(centre('2020-12-31')).toMatchObject({ status: 'achieved', value: 1, done_date: '2020-11-30' });
    const timeline = core.call('dashboard.overview', { asOf: '2019-06-30' }).timeline.find((e) => e.name === '珠海大数据中心投入运营')!;
    expect(timeline.done).toBe(false);
    expect(timeline.date).not.toBe('2020-11-30');
    const later = core.call('dashboard.overview', { asOf: '2021-01-01' }).timeline.find((e) => e.name === '珠海大数据中心投入运营')!;
    expect(later).toMatchObject({ done: true, date: '2020-11-30' });
  });

  it('projections of counts are whole numbers', () => {
    for (const asOf of ['2018-03-31', '2019-06-30', '2020-02-29']) {
      for (const t of core.call('targets.progress', { asOf })) if (t.kind === 'count') expect(Number.isInteger(t.projection), `${t.name} ${asOf}: ${t.projection}`).toBe(true);
    }
  });
});

describe('charts over time cover the whole history', () => {
  it('entries and exits: one entry today does not hide the years before it', () => {
    const core = testCore();
    seedReference(core.context());
    for (const entry of ['2018-02-01', '2019-07-15']) core.call('enterprises.create', { name: `企业${entry}`, kind: 'startup', status: 'settled', entry_date: entry });
    core.call('enterprises.create', { name: '迁出企业', kind: 'startup', status: 'exited', entry_date: '2018-05-01', exit_date: '2020-03-01' });
    core.call('enterprises.create', { name: '今天入驻', kind: 'startup', status: 'settled', entry_date: '2026-11-21' });
    const quarters = core.call('dashboard.overview', { asOf: '2026-11-21' }).entriesExits;
    expect(quarters[0]!.quarter).toBe('2018-Q1');
    expect(quarters.at(-1)!.quarter).toBe('2026-Q4');
    expect(quarters).toHaveLength(36); // 2018-Q1 … 2026-Q4, every quarter between
    expect(quarters.reduce((a, q) => a + q.entries, 0)).toBe(4);
    expect(quarters.reduce((a, q) => a + q.exits, 0)).toBe(1);
    expect(quarters.find((q) => q.quarter === '2020-Q1')!.exits).toBe(1);
  });
});
