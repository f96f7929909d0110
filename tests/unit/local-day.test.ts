// The park is in Zhuhai: this file's process runs on China's time (vitest's forks pool: a process per file).
process.env.TZ = 'Asia/Shanghai';

import { afterAll, describe, expect, it } from 'vitest';
import { endOfLocalDay, localDay } from '../../src/core/util/day';
import { testCore } from './helpers';

afterAll(() => {
  delete process.env.TZ;
});

/**
 * "Today" and "on or before a day" are the park's calendar days, not UTC's: at 07:30 on 5 December in
 * Zhuhai, UTC still says the 4th. Before, the app's today was the UTC date: a move-in dated that morning
 * was refused as "after today", and an edit made then counted for the day before when targets were
 * replayed as of a day.
 */
describe("the park's calendar", () => {
  const morningOfThe5th = Date.UTC(2026, 11, 4, 23, 30); // 07:30 on 2026-12-05 in Zhuhai

  it('a day is the local one; a day ends at local midnight', () => {
    expect(localDay(morningOfThe5th)).toBe('2026-12-05');
    expect(localDay(Date.UTC(2026, 11, 4, 15, 59))).toBe('2026-12-04');
    expect(endOfLocalDay('2026-12-04')).toBe('2026-12-04T15:59:59.999Z');
    expect(endOfLocalDay('2026-12-31')).toBe('2026-12-31T15:59:59.999Z');
    expect(endOfLocalDay('0050-03-01').slice(0, 4)).toBe('0050');
  });

  it("a move-in dated this morning is today's, not a day to come", () => {
    let t = morningOfThe5th;
    const core = testCore({ now: () => t++ });
    expect(core.call('meta.info', {}).today).toBe('2026-12-05');
    const e = core.call('enterprises.create', { name: '早班入驻科技有限公司', kind: 'startup', status: 'settled', entry_date: '2026-12-05' }) as { id: string; entry_date: string };
    expect(e.entry_date).toBe('2026-12-05');
    core.close();
  });

  it('an edit made after local midnight counts from that day when targets are replayed as of a day', () => {
    let t = Date.UTC(2026, 11, 3, 2); // 10:00 on the 3rd in Zhuhai
    const core = testCore({ now: () => t });
    const plan = core.call('plans.create', { name: '测试规划', start_date: '2026-01-01', deadline: '2026-12-31' }) as { id: string };
    core.call('targets.create', { plan_id: plan.id, name: 'core', unit: '家', min_value: 1, max_value: null, deadline: '2026-12-31', measure: { kind: 'count', entity: 'enterprises', where: { kind: ['core'] }, dateField: 'entry_date' } as never });
    const e = core.call('enterprises.create', { name: '核心科技有限公司', kind: 'startup', status: 'settled', entry_date: '2026-12-01' }) as { id: string };
    t = Date.UTC(2026, 11, 3, 17); // 01:00 on the 4th in Zhuhai, still the 3rd in UTC
    core.call('enterprises.update', { id: e.id, patch: { kind: 'core' } });
    t = Date.UTC(2026, 11, 5, 2);
    const value = (asOf: string) => core.call('targets.progress', { asOf }).find((x) => x.name === 'core')!.value;
    expect(value('2026-12-03')).toBe(0);
    expect(value('2026-12-04')).toBe(1);
    core.close();
  });
});
