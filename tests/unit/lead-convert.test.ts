import { describe, expect, it } from 'vitest';
import { seedReference } from '../../src/core/seed/seed';
import { completeUscc } from '../../src/core/util/uscc';
import { testCore } from './helpers';

describe('converting a won lead into an enterprise', () => {
  it('carries over what the lead knows and takes what the dialog asked for', () => {
    const core = testCore();
    seedReference(core.context());
    const code = completeUscc('91440400MA4UKWXN');
    const lead = core.call('leads.create', { company: '深圳云栖数据科技有限公司', uscc: code, industry: 'bigdata', source: 'exhibition', stage: 'signed', expected_area_m2: 800 }) as { id: string };
    const r = core.call('leads.convert', { id: lead.id, mode: 'create', kind: 'core', entry_date: '2021-03-01', building: 'A3 栋', unit: '1201' });
    expect(r.linked).toBe(false);
    expect(r.enterprise).toMatchObject({ name: '深圳云栖数据科技有限公司', uscc: code, industry: 'bigdata', kind: 'core', status: 'settled', entry_date: '2021-03-01', building: 'A3 栋', unit: '1201', area_m2: 800 });
  });

  it('what the lead lacks (a credit code) is asked for and checked like the form', () => {
    const core = testCore();
    seedReference(core.context());
    const lead = core.call('leads.create', { company: '横琴智算有限公司', source: 'referral', stage: 'signed' }) as { id: string };
    const bad = core.invoke('leads.convert', { id: lead.id, mode: 'create', uscc: '91440400MA4UKWXN00', entry_date: '2021-03-01' }, 'zh-CN') as { ok: boolean; error?: { fields?: { field: string }[] } };
    expect(bad.ok).toBe(false);
    expect(bad.error!.fields![0]!.field).toBe('uscc');
    const code = completeUscc('91440400MA4UKWXP');
    const r = core.call('leads.convert', { id: lead.id, mode: 'create', uscc: code.toLowerCase(), name: '横琴智算科技有限公司', entry_date: '2021-03-01' });
    expect(r.enterprise).toMatchObject({ name: '横琴智算科技有限公司', uscc: code });
  });
});
