import { describe, expect, it } from 'vitest';
import { handlerNames, handlers } from '../../src/core/api';
import { methods } from '../../src/core/methods';
import { seedReference } from '../../src/core/seed/seed';
import { completeUscc } from '../../src/core/util/uscc';
import { testCore } from './helpers';

const valid = { name: '珠海星河数据科技有限公司', kind: 'startup' as const, status: 'settled' as const, uscc: completeUscc('91440400MA4UKWXN') };

describe('the handler map', () => {
  it('is the list the preload allows, exactly', async () => {
    expect([...methods].sort()).toEqual([...handlerNames].sort());
  });

  it.each(Object.keys(handlers))('%s rejects malformed input with a coded error', async (method) => {
    const core = testCore();
    for (const bad of [{ __unexpected: 1 }, 'text', [1, 2]]) {
      const r = await core.invoke(method, bad);
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.error.code).toBe('invalid_input');
    }
  });

  it('answers an unknown method with its code, in the caller language', async () => {
    const core = testCore();
    const zh = await core.invoke('enterprises.drop', {}, 'zh-CN');
    const en = await core.invoke('enterprises.drop', {}, 'en');
    expect(!zh.ok && zh.error).toMatchObject({ code: 'unknown_method', message: '未知的操作：enterprises.drop' });
    expect(!en.ok && en.error).toMatchObject({ code: 'unknown_method', message: 'Unknown operation: enterprises.drop' });
  });
});

describe('enterprises', () => {
  it('refuses a wrong USCC check character with a field message in Chinese and English', async () => {
    const core = testCore();
    seedReference(core.context());
    const bad = { ...valid, uscc: valid.uscc.slice(0, 17) + (valid.uscc[17] === '0' ? '1' : '0') };
    const zh = await core.invoke('enterprises.create', bad, 'zh-CN');
    const en = await core.invoke('enterprises.create', bad, 'en');
    expect(!zh.ok && zh.error.fields).toEqual([expect.objectContaining({ field: 'uscc', code: 'uscc_check', message: '统一社会信用代码校验位错误，请核对' })]);
    expect(!en.ok && en.error.fields?.[0]?.message).toBe('The check character of the Unified Social Credit Code is wrong');
    expect(core.db.prepare('SELECT count(*) AS n FROM enterprises').get()).toEqual({ n: 0 });
  });

  it('keeps the USCC unique among live enterprises, but frees it when one is deleted', async () => {
    const core = testCore();
    seedReference(core.context());
    const first = core.call('enterprises.create', valid);
    const dup = await core.invoke('enterprises.create', { ...valid, name: '另一家公司', uscc: valid.uscc.toLowerCase() });
    expect(!dup.ok && dup.error.fields?.[0]).toMatchObject({ field: 'uscc', code: 'uscc_taken', params: { name: valid.name } });
    core.call('enterprises.delete', { id: first.id as string });
    expect((await core.invoke('enterprises.create', { ...valid, name: '另一家公司' })).ok).toBe(true);
    // Restoring the first would now collide: refused with the same rule.
    const restored = await core.invoke('enterprises.restore', { id: first.id as string });
    expect(!restored.ok && restored.error.fields?.[0]?.code).toBe('uscc_taken');
  });

  it('names missing required fields and unknown enum values per field', async () => {
    const core = testCore();
    const r = await core.invoke('enterprises.create', { name: '  ', kind: 'giant', status: 'settled' }, 'zh-CN');
    expect(!r.ok && r.error.fields?.map((f) => [f.field, f.code])).toEqual([['name', 'required'], ['kind', 'not_allowed_value']]);
  });

  it('an entry or exit date after today is refused, so the grid and the Overview\'s count of the park agree', async () => {
    const core = testCore();
    seedReference(core.context());
    const today = core.context().today();
    const later = new Date(Date.parse(`${today}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
    const future = await core.invoke('enterprises.create', { name: '未来公司', kind: 'startup', status: 'settled', entry_date: later }, 'zh-CN');
    expect(!future.ok && future.error.fields).toEqual([expect.objectContaining({ field: 'entry_date', code: 'date_in_future', message: '日期不能晚于今天' })]);
    const e = core.call('enterprises.create', { name: '今日公司', kind: 'startup', status: 'settled', entry_date: today });
    const exit = await core.invoke('enterprises.update', { id: e.id as string, patch: { status: 'exited', exit_date: later } });
    expect(!exit.ok && exit.error.fields?.map((f) => f.field)).toEqual(['exit_date']);
  });

  it('a day stored before the database\'s today moved back stays, and its record stays editable; only a day written now is checked', async () => {
    const core = testCore();
    seedReference(core.context());
    const today = core.context().today();
    const e = core.call('enterprises.create', { name: '今日公司', kind: 'startup', status: 'settled', entry_date: today });
    // The demo switched back from today to its own last day of history: the entry is now "after today".
    core.db.prepare("INSERT INTO settings (key, value) VALUES ('dataset', 'demo'), ('demo.until', '2021-12-31')").run();
    expect(core.context().today()).toBe('2021-12-31');
    const edited = await core.invoke('enterprises.update', { id: e.id as string, patch: { headcount: 12 } });
    expect(edited.ok).toBe(true);
    const moved = await core.invoke('enterprises.update', { id: e.id as string, patch: { entry_date: '2022-01-02' } });
    expect(!moved.ok && moved.error.fields?.map((f) => [f.field, f.code])).toEqual([['entry_date', 'date_in_future']]);
    core.call('enterprises.delete', { id: e.id as string });
    expect((await core.invoke('enterprises.restore', { id: e.id as string })).ok).toBe(true);
  });

  it('says what is wrong with each refused value in the caller\'s language, not in the schema library\'s English', async () => {
    const core = testCore();
    const bad = { name: '甲公司', kind: 'startup', status: 'settled', revenue: -500, headcount: 2.5, entry_date: '2021-02-30', contacts: [{ name: '王', phone: '1'.repeat(201) }] };
    const messages = async (locale: 'zh-CN' | 'en') => {
      const r = await core.invoke('enterprises.create', bad, locale);
      return Object.fromEntries((!r.ok && r.error.fields ? r.error.fields : []).map((f) => [f.field, f.message]));
    };
    expect(await messages('zh-CN')).toEqual({ revenue: '不能为负数', headcount: '应为整数', entry_date: expect.stringContaining('年-月-日'), 'contacts.0.phone': '最多 200 个字符' });
    expect(await messages('en')).toEqual({ revenue: 'Cannot be negative', headcount: 'Must be a whole number', entry_date: expect.stringContaining('year-month-day'), 'contacts.0.phone': 'At most 200 characters' });
    const typed = await core.invoke('enterprises.create', { name: '乙公司', kind: 'startup', status: 'settled', revenue: '很多' }, 'zh-CN');
    expect(!typed.ok && typed.error.fields).toEqual([expect.objectContaining({ field: 'revenue', message: '应为数字' })]);
  });

  it('updates only what changed and shows it in the history', async () => {
    const core = testCore();
    seedReference(core.context());
    const e = core.call('enterprises.create', valid);
    const r = core.call('enterprises.update', { id: e.id as string, patch: { headcount: 30, name: valid.name } });
    expect(r.changed).toEqual(['headcount']);
    const history = core.call('enterprises.history', { id: e.id as string });
    expect(history.at(-1)).toMatchObject({ field: 'headcount', old_value: null, new_value: 30 });
  });

  it('refuses an exit date before the entry date', async () => {
    const core = testCore();
    const r = await core.invoke('enterprises.create', { ...valid, entry_date: '2020-05-01', exit_date: '2019-01-01' });
    expect(!r.ok && r.error.fields?.[0]).toMatchObject({ field: 'exit_date', code: 'date_order' });
  });
});

describe('other registries', () => {
  it('an incubation needs a park enterprise or a team name', async () => {
    const core = testCore();
    const r = await core.invoke('incubations.create', { stage: 'applied' });
    expect(!r.ok && r.error.fields?.[0]?.code).toBe('team_or_enterprise');
    expect((await core.invoke('incubations.create', { stage: 'applied', team_name: '海洋大数据团队' })).ok).toBe(true);
  });

  it('a lost lead needs its reason', async () => {
    const core = testCore();
    seedReference(core.context());
    const r = await core.invoke('leads.create', { company: '深圳某科技', source: 'referral', stage: 'lost' });
    expect(!r.ok && r.error.fields?.[0]).toMatchObject({ field: 'lost_reason', code: 'required' });
  });

  it('a target whose metric cannot be computed is refused with the reason', async () => {
    const core = testCore();
    seedReference(core.context());
    const plan = (core.call('plans.list', {}) as { id: string }[])[0]!;
    const r = await core.invoke('targets.create', {
      plan_id: plan.id, name: '坏指标', unit: '家', deadline: '2020-12-31',
      measure: { kind: 'count', entity: 'enterprises', where: { password: ['x'] }, dateField: 'entry_date' },
    }, 'en');
    expect(!r.ok && r.error.fields?.[0]).toMatchObject({ field: 'measure', code: 'bad_measure' });
    expect(!r.ok && r.error.fields?.[0]?.message).toContain('enterprises.password cannot be filtered');
  });

  it('an industry still in use cannot be deleted', async () => {
    const core = testCore();
    seedReference(core.context());
    core.call('enterprises.create', { ...valid, industry: 'bigdata' });
    const r = await core.invoke('industries.delete', { id: 'bigdata' }, 'en');
    expect(!r.ok && r.error).toMatchObject({ code: 'in_use', message: 'Still used by 1 records; cannot delete' });
    expect((await core.invoke('industries.delete', { id: 'other' })).ok).toBe(true);
  });
});
