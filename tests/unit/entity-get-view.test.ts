import { describe, expect, it } from 'vitest';
import { seedReference } from '../../src/core/seed/seed';
import { testCore } from './helpers';

type Rec = Record<string, unknown> & { id: string };

/**
 * A record opened on its own (`<area>.get`, the drawer) reads what its grid row reads: the table's
 * columns and the view's joined fields (an incubation's enterprise name, a lead's owner …). The drawer's
 * heading and read-only fields come from those; a get that returned the table alone left them blank.
 */
describe('get returns the view fields of its grid row', () => {
  const park = () => {
    const core = testCore();
    seedReference(core.context());
    const call = (m: string, input: unknown) => core.call(m as never, input as never) as unknown as Rec;
    const mentor = call('staff.create', { name: '王导师', role: 'mentor' });
    const owner = call('staff.create', { name: '李招商', role: 'investment' });
    const enterprise = call('enterprises.create', { name: '珠海视图科技有限公司', kind: 'startup', status: 'settled' });
    const incubation = call('incubations.create', { enterprise_id: enterprise.id, stage: 'applied', mentor_id: mentor.id });
    const team = call('incubations.create', { team_name: '未注册团队', stage: 'applied' });
    const lead = call('leads.create', { company: '深圳招商数据有限公司', stage: 'promoted', source: 'referral', owner_id: owner.id });
    const activity = call('activities.create', { lead_id: lead.id, kind: 'call', date: '2026-11-20', staff_id: owner.id, text: '电话' });
    const visit = call('visits.create', { enterprise_id: enterprise.id, date: '2026-11-20', staff_id: owner.id, purpose: '走访' });
    const request = call('requests.create', { enterprise_id: enterprise.id, visit_id: visit.id, text: '停车位' });
    const target = core.db.prepare('SELECT id FROM targets WHERE deleted = 0 LIMIT 1').get() as { id: string };
    return { core, call, ids: { enterprise, incubation, team, lead, activity, visit, request, target }, mentor, owner };
  };

  it('incubations: the drawer heading (enterprise name), the incubatee and the mentor', () => {
    const { call, ids } = park();
    const got = call('incubations.get', { id: ids.incubation.id });
    expect(got).toMatchObject({ enterprise_name: '珠海视图科技有限公司', name: '珠海视图科技有限公司', mentor_name: '王导师' });
    expect(call('incubations.get', { id: ids.team.id })).toMatchObject({ enterprise_name: null, name: '未注册团队', team_name: '未注册团队' });
  });

  it('every area with view fields: get equals its grid row, and create, update and restore answer the same', () => {
    const { call, ids } = park();
    const areas: [string, Rec][] = [
      ['enterprises', ids.enterprise], ['incubations', ids.incubation], ['leads', ids.lead], ['activities', ids.activity],
      ['visits', ids.visit], ['requests', ids.request], ['targets', ids.target as Rec],
    ];
    for (const [area, { id }] of areas) {
      const page = call(`${area}.rows`, { startRow: 0, endRow: 1000, filterModel: {}, sortModel: [] }) as unknown as { rows: Rec[] };
      const gridRow = page.rows.find((r) => r.id === id)!;
      const got = call(`${area}.get`, { id });
      // The targets grid adds each target's live progress beside the view's columns; the rest is the view.
      const { value: _v, status: _s, plan_name_en: _p, kind: _k, ...viewOnly } = gridRow;
      expect(got, area).toEqual(area === 'targets' ? viewOnly : gridRow);
    }
    expect(call('leads.get', { id: ids.lead.id })).toMatchObject({ owner_name: '李招商' });
    expect(call('activities.get', { id: ids.activity.id })).toMatchObject({ staff_name: '李招商' });
    expect(call('visits.get', { id: ids.visit.id })).toMatchObject({ staff_name: '李招商' });
    expect(call('requests.get', { id: ids.request.id })).toMatchObject({ enterprise_name: '珠海视图科技有限公司' });
    expect(call('targets.get', { id: ids.target.id })).toHaveProperty('plan_name');

    // The form saves through update and create and shows what they answer: the heading must survive a save.
    const updated = call('incubations.update', { id: ids.incubation.id, patch: { cohort: '2026届' } }) as unknown as { row: Rec };
    expect(updated.row).toMatchObject({ cohort: '2026届', enterprise_name: '珠海视图科技有限公司', mentor_name: '王导师' });
    const created = call('incubations.create', { enterprise_id: ids.enterprise.id, stage: 'screening' });
    expect(created).toMatchObject({ enterprise_name: '珠海视图科技有限公司' });
    call('incubations.delete', { id: created.id });
    expect(call('incubations.restore', { id: created.id })).toMatchObject({ enterprise_name: '珠海视图科技有限公司' });
  });

  it('a deleted or unknown record is still not found', () => {
    const { core, call, ids } = park();
    call('leads.delete', { id: ids.lead.id });
    expect(core.invoke('leads.get', { id: ids.lead.id })).toMatchObject({ ok: false, error: { code: 'not_found' } });
    expect(core.invoke('incubations.get', { id: '00000000-0000-4000-8000-000000000000' })).toMatchObject({ ok: false, error: { code: 'not_found' } });
  });
});
