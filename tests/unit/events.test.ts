import { writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { CoreEvent } from '../../src/core/service';
import { seedReference } from '../../src/core/seed/seed';
import { tempFile, testCore } from './helpers';

/** The change events the shells relay to the renderer: which tables a call or a job changed. */
describe('core change events', () => {
  it('name the tables a call wrote, and stay quiet for reads and failures', async () => {
    const core = testCore();
    seedReference(core.context());
    const events: CoreEvent[] = [];
    core.onEvent((e) => events.push(e));

    const created = await core.invoke('enterprises.create', { name: '珠海甲科技有限公司', kind: 'startup', status: 'settled' });
    expect(created.ok).toBe(true);
    expect(events).toEqual([expect.objectContaining({ type: 'changed', method: 'enterprises.create', tables: ['enterprises'] })]);

    await core.invoke('enterprises.rows', { startRow: 0, endRow: 10 });
    await core.invoke('enterprises.create', { name: '', kind: 'startup', status: 'settled' });
    expect(events).toHaveLength(1);

    const lead = await core.invoke('leads.create', { company: '珠海乙数据有限公司', source: 'referral', stage: 'promoted' });
    expect(lead.ok).toBe(true);
    // A lead's first stage is a dated stage event: both tables are named.
    expect(events[1]).toMatchObject({ method: 'leads.create', tables: expect.arrayContaining(['leads', 'stage_events']) });
  });

  it('report an import when its job commits, not when it starts', async () => {
    const core = testCore();
    seedReference(core.context());
    const events: CoreEvent[] = [];
    core.onEvent((e) => events.push(e));
    const path = tempFile('roster.csv');
    writeFileSync(path, '企业名称,企业类型,状态\n珠海丙科技有限公司,初创企业,入驻\n珠海丁科技有限公司,初创企业,入驻\n');
    const file = core.files.register(path, 'roster.csv');

    const started = await core.invoke('imports.start', { file, entity: 'enterprises', mode: 'create', dryRun: false });
    expect(started.ok).toBe(true);
    expect(events).toEqual([]);
    const done = await core.jobs.wait((started as { ok: true; value: { id: string } }).value.id);
    expect(done.state).toBe('done');
    expect(events).toEqual([expect.objectContaining({ method: 'jobs.import', tables: ['enterprises'] })]);

    // A dry run writes nothing that stays: no event.
    const dry = await core.invoke('imports.start', { file, entity: 'enterprises', mode: 'create', dryRun: true });
    await core.jobs.wait((dry as { ok: true; value: { id: string } }).value.id);
    expect(events).toHaveLength(1);
  });
});
