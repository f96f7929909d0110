import { beforeAll, describe, expect, it } from 'vitest';
import { seedReference } from '../../src/core/seed/seed';
import type { TargetProgress } from '../../src/core/targets/handlers';
import type { ParkCore } from '../../src/core/service';
import { completeUscc } from '../../src/core/util/uscc';
import { testCore } from './helpers';

/**
 * A small park whose history is entered on the dates things happened (the clock is set before each
 * write), with the right answers worked out by hand below.
 */
let clock = 0;
const on = (date: string) => (clock = Date.parse(`${date}T10:00:00Z`));
let core: ParkCore;
const ids: Record<string, string> = {};

function call<M extends Parameters<ParkCore['call']>[0]>(method: M, input: Parameters<ParkCore['call']>[1] & object) {
  return core.call(method, input as never);
}

beforeAll(() => {
  on('2018-12-01');
  core = testCore({ now: () => clock });
  seedReference(core.context());
  const planId = (core.call('plans.create', { name: '测试规划', start_date: '2019-01-01', deadline: '2020-12-31' }) as { id: string }).id;
  const target = (name: string, measure: object, min: number, max: number | null) =>
    (ids[name] = (call('targets.create', { plan_id: planId, name, unit: '家', min_value: min, max_value: max, deadline: '2020-12-31', measure: measure as never }) as { id: string }).id);
  target('core', { kind: 'count', entity: 'enterprises', where: { kind: ['core'] }, dateField: 'entry_date' }, 3, 5);
  target('hatched', { kind: 'count', entity: 'incubations', where: {}, dateField: 'stage:graduated' }, 2, 3);
  target('signed', { kind: 'count', entity: 'leads', where: {}, dateField: 'stage:signed' }, 2, null);
  target('investment', { kind: 'sum', entity: 'leads', field: 'intended_investment', where: {}, dateField: 'stage:signed' }, 100_000_000, null);
  target('makerspace', { kind: 'milestone' }, 1, 1);

  // The park's history, written in date order (the hybrid clock never runs backwards).
  const history: [string, () => void][] = [];
  const at = (date: string, run: () => void) => history.push([date, run]);
  const enterprise = (key: string, date: string, kind: 'core' | 'startup') =>
    at(date, () => (ids[key] = (call('enterprises.create', { name: `企业${key}`, kind, status: 'settled', entry_date: date }) as { id: string }).id));
  enterprise('E1', '2019-02-01', 'core');
  enterprise('E2', '2019-05-01', 'startup');
  enterprise('E3', '2020-02-01', 'core');
  at('2020-03-01', () => call('enterprises.update', { id: ids.E2!, patch: { kind: 'core' } })); // core from 2020-03-01
  at('2020-09-01', () => call('enterprises.delete', { id: ids.E3! })); // counted until deleted
  at('2021-01-15', () => call('enterprises.create', { name: '企业E4', kind: 'core', status: 'settled', entry_date: '2020-11-01' })); // entered late

  // Incubations: I1 graduates inside the window, I2 after it.
  const incubation = (key: string, moves: [string, string][]) => {
    at(moves[0]![1], () => (ids[key] = (call('incubations.create', { team_name: `团队${key}`, stage: 'applied', applied_date: moves[0]![1] }) as { id: string }).id));
    for (const [stage, date] of moves.slice(1)) at(date, () => call('incubations.moveStage', { id: ids[key]!, stage, date }));
  };
  incubation('I1', [['applied', '2019-03-01'], ['admitted', '2019-04-01'], ['incubating', '2019-04-02'], ['graduated', '2020-05-01']]);
  incubation('I2', [['applied', '2019-03-05'], ['admitted', '2019-04-05'], ['incubating', '2019-04-06'], ['graduated', '2021-02-01']]);

  // Leads: L1 signs and becomes enterprise E5; L2 is E5's capital increase (linked, counted once);
  // L3 is lost; L4 goes from negotiating to signed and on to funded.
  const lead = (key: string, date: string, investment: number) =>
    at(date, () => (ids[key] = (call('leads.create', { company: `线索${key}`, source: 'referral', stage: 'promoted', intended_investment: investment }) as { id: string }).id));
  const move = (key: string, stage: string, date: string, extra: object = {}) => at(date, () => call('leads.moveStage', { id: ids[key]!, stage, date, ...extra }));
  lead('L1', '2019-03-01', 60_000_000);
  move('L1', 'negotiating', '2019-05-01');
  move('L1', 'signed', '2019-09-01');
  at('2019-09-10', () => (ids.E5 = (call('leads.convert', { id: ids.L1!, mode: 'create', kind: 'startup' }) as unknown as { enterprise: { id: string } }).enterprise.id));
  lead('L3', '2019-05-01', 10_000_000);
  move('L3', 'negotiating', '2019-06-01');
  move('L3', 'lost', '2019-08-01', { lost_reason: '选择其他城市' });
  lead('L4', '2019-06-01', 20_000_000);
  move('L4', 'negotiating', '2019-07-01');
  lead('L2', '2020-01-01', 90_000_000);
  move('L2', 'signed', '2020-04-01');
  at('2020-04-02', () => call('leads.convert', { id: ids.L2!, mode: 'link', enterprise_id: ids.E5! }));
  move('L4', 'signed', '2020-10-01');
  move('L4', 'funded', '2020-11-01');
  at('2020-06-01', () => call('targets.update', { id: ids.makerspace!, patch: { done_date: '2020-06-01', evidence: '众创空间开园' } }));

  history.sort((a, b) => a[0].localeCompare(b[0]));
  for (const [date, run] of history) {
    on(date);
    run();
  }
  on('2026-11-21');
});

const progress = (asOf: string) => Object.fromEntries(core.call('targets.progress', { asOf }).map((t) => [t.name, t])) as { [name: string]: TargetProgress } & Record<'core' | 'hatched' | 'signed' | 'investment' | 'makerspace', TargetProgress>;

describe('plan targets as of a date', () => {
  it('core enterprises: replays kind changes and deletes from the change log', async () => {
    expect(progress('2019-12-31').core).toMatchObject({ value: 1, status: 'at_risk' }); // E1 only: E2 was a startup then
    expect(progress('2020-06-30').core).toMatchObject({ value: 3, status: 'achieved' }); // E1, E2 (core since March), E3
    expect(progress('2020-12-31').core).toMatchObject({ value: 3, status: 'achieved' }); // E3 deleted; E4 entered late but dated 2020-11-01
    expect(progress('2026-11-21').core.value).toBe(3);
  });

  it('startups hatched: by the date of the graduation stage event, inside the plan window', async () => {
    expect(progress('2020-04-30').hatched.value).toBe(0);
    expect(progress('2020-06-30').hatched.value).toBe(1);
    expect(progress('2021-06-30').hatched).toMatchObject({ value: 1, status: 'missed' }); // I2 graduated after the deadline
  });

  it('signed projects count once per enterprise; sums add only the increment of a capital increase', async () => {
    expect(progress('2019-12-31').signed.value).toBe(1); // L1
    expect(progress('2020-06-30').signed.value).toBe(1); // L2 is the same project (E5)
    expect(progress('2020-12-31').signed).toMatchObject({ value: 2, status: 'achieved' }); // + L4 (jumped to funded)
    expect(progress('2020-06-30').investment.value).toBe(90_000_000); // 60M, then increased to 90M: not 150M
    expect(progress('2020-12-31').investment).toMatchObject({ value: 110_000_000, status: 'achieved' });
  });

  it('projects the recent trend to the deadline and calls a short fall at risk', async () => {
    // 2019-06-30 → 2020-06-30: 0 → 1 project; 184 more days to the deadline at 1/366 per day.
    const signed = progress('2020-06-30').signed;
    expect(signed.projection).toBe(1); // 1.5 projected: one whole project, short of the 2
    expect(signed.status).toBe('at_risk');
    expect(signed.burnup.find((b) => b.month === '2019-09')!.value).toBe(1);
    expect(signed.burnup.at(-1)).toEqual({ month: '2020-06', value: 1 });
  });

  it('milestones: achieved once completed, overdue when open past the deadline', async () => {
    expect(progress('2020-05-31').makerspace.status).toBe('on_track');
    expect(progress('2020-06-01').makerspace.status).toBe('achieved');
  });
});

describe('the lead funnel', () => {
  const funnel = (asOf: string) => core.call('dashboard.overview', { asOf }).funnel as { stages: { stage: string; atOrBeyond: number; current: number; conversion: number | null }[]; lost: number };

  it('counts leads at or beyond each stage, with stage-to-stage conversion rates', async () => {
    const f = funnel('2020-12-31');
    expect(f.stages.map((s) => [s.stage, s.atOrBeyond, s.conversion])).toEqual([
      ['promoted', 3, null],
      ['negotiating', 3, 100],
      ['signed', 3, 100],
      ['starting', 1, 33.3],
      ['funded', 1, 100],
      ['producing', 0, 0],
    ]);
    expect(f.lost).toBe(1);
  });

  it('shows the pipeline as it stood on an earlier date', async () => {
    const f = funnel('2019-12-31'); // L1 signed, L4 negotiating, L3 lost, L2 not yet a lead
    expect(f.stages.slice(0, 3).map((s) => [s.atOrBeyond, s.current])).toEqual([[2, 0], [2, 1], [1, 1]]);
    expect(f.lost).toBe(1);
  });

  it('averages the days spent in a stage over stays that ended', async () => {
    const t = (core.call('dashboard.overview', { asOf: '2020-12-31' }).leadTimeInStage as { stage: string; days: number }[]).find((x) => x.stage === 'signed')!;
    expect(t.days).toBe(31); // L4: signed 2020-10-01 → funded 2020-11-01 (L1, L2 are still signed)
  });
});

describe('conversion of a lead', () => {
  it('refuses a lead that has not been won, and a second conversion', async () => {
    const r = await core.invoke('leads.convert', { id: ids.L3! }, 'en');
    expect(!r.ok && r.error.code).toBe('not_won');
    const again = await core.invoke('leads.convert', { id: ids.L1! }, 'en');
    expect(!again.ok && again.error.message).toBe('This lead is already linked to “线索L1”');
  });

  it('links by credit code when an enterprise already has it', async () => {
    on('2026-11-21');
    const code = completeUscc('91440400MA4UKWXN');
    const e = call('enterprises.create', { name: '已有企业', kind: 'startup', status: 'settled', uscc: code }) as { id: string };
    const l = call('leads.create', { company: '已有企业（新项目）', uscc: code, source: 'referral', stage: 'signed' }) as { id: string };
    const r = call('leads.convert', { id: l.id }) as unknown as { linked: boolean; enterprise: { id: string } };
    expect(r).toMatchObject({ linked: true, enterprise: { id: e.id } });
  });
});

describe('incubator regulations (2018) as warnings', () => {
  it('warns when a startup was older than 24 months at admission, or incubated beyond 48 months', async () => {
    on('2021-02-01');
    const e = call('enterprises.create', { name: '老企业', kind: 'startup', status: 'settled', founded_date: '2016-01-01', entry_date: '2017-01-01' }) as { id: string };
    const i = call('incubations.create', { enterprise_id: e.id, stage: 'incubating', admitted_date: '2018-03-01' }) as { id: string };
    expect(core.call('incubations.assess', { id: i.id, asOf: '2021-02-01' }).warnings).toEqual([{ code: 'age_at_admission', months: 26 }]);
    expect(core.call('incubations.assess', { id: i.id, asOf: '2022-04-01' }).warnings).toEqual([
      { code: 'age_at_admission', months: 26 },
      { code: 'incubated_too_long', months: 49 },
    ]);
  });

  it('a stay of exactly 48 months is allowed; 49 is not', async () => {
    on('2023-01-01');
    const i = call('incubations.create', { team_name: '长期团队', stage: 'incubating', admitted_date: '2018-01-15' }) as { id: string };
    expect(core.call('incubations.assess', { id: i.id, asOf: '2022-01-15' }).warnings).toEqual([]);
    expect(core.call('incubations.assess', { id: i.id, asOf: '2022-02-15' }).warnings).toEqual([{ code: 'incubated_too_long', months: 49 }]);
  });

  it('checks the graduation criteria: financing ≥ 5M, two-year revenue ≥ 10M, high-tech status, listing', async () => {
    on('2023-01-01');
    const e = call('enterprises.create', { name: '成长企业', kind: 'startup', status: 'settled', revenue: 6_000_000, revenue_prev: 3_000_000 }) as { id: string };
    const i = call('incubations.create', { enterprise_id: e.id, stage: 'incubating', admitted_date: '2021-01-01' }) as { id: string };
    const check = () => core.call('incubations.assess', { id: i.id }).checklist;
    expect(check()).toMatchObject({ highTech: false, financingOk: false, revenueTwoYears: 9_000_000, revenueOk: false, anyMet: false });
    call('financing.create', { incubation_id: i.id, date: '2022-05-01', round: '天使轮', amount: 3_000_000, investor: '某基金' });
    call('financing.create', { incubation_id: i.id, date: '2022-11-01', round: 'A轮', amount: 2_000_000, investor: '某资本' });
    expect(check()).toMatchObject({ financingRaised: 5_000_000, financingOk: true, anyMet: true });
    call('enterprises.update', { id: e.id, patch: { qualifications: [{ type: 'hnte', expires: '2025-12-31' }] } });
    expect(check().highTech).toBe(true);
  });
});

describe('the targets grid', () => {
  const unitsFound = (filter: object) =>
    [...new Set((call('targets.rows', { startRow: 0, endRow: 100, sortModel: [], filterModel: { unit: filter } } as never) as { rows: { unit: string }[] }).rows.map((r) => r.unit))];

  it('filters the unit by what either language shows: 家 or company/companies', () => {
    expect(unitsFound({ filterType: 'text', type: 'contains', filter: '家' })).toEqual(['家']);
    expect(unitsFound({ filterType: 'text', type: 'contains', filter: 'Compan' })).toEqual(['家']);
    expect(unitsFound({ filterType: 'text', type: 'equals', filter: 'companies' })).toEqual(['家']);
    expect(unitsFound({ filterType: 'text', type: 'notContains', filter: 'company' })).not.toContain('家');
    expect(unitsFound({ filterType: 'text', type: 'contains', filter: 'litres' })).toEqual([]);
  });
});
