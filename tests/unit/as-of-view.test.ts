import { describe, expect, it } from 'vitest';
import { seedDemo } from '../../src/core/seed/seed';
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
