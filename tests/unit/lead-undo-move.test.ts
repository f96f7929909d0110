import { describe, expect, it } from 'vitest';
import { seedReference } from '../../src/core/seed/seed';
import { testCore } from './helpers';

/**
 * The kanban's undo (leads.undoMove): the lead returns to the stage it came from and the move is
 * withdrawn from its history, so the figures read as if it had never been made; only the latest move.
 */
describe('undoing a kanban move', () => {
  const setup = () => {
    const core = testCore();
    seedReference(core.context());
    const lead = core.call('leads.create', { company: '珠海撤销测试科技有限公司', source: 'referral', stage: 'promoted' }) as { id: string };
    const figures = () => {
      const o = core.call('dashboard.overview', {}) as { funnel: { stages: { stage: string; current: number }[] } };
      const months = core.db.prepare("SELECT stage, end_month, n, days FROM stage_months WHERE entity = 'leads' AND n <> 0 ORDER BY 1, 2").all();
      return { funnel: o.funnel.stages.map((s) => [s.stage, s.current]), months };
    };
    return { core, id: lead.id, figures };
  };

  it('takes the lead back and withdraws the move: stage, history and figures as before the move', () => {
    const { core, id, figures } = setup();
    const before = figures();
    const history = core.call('stages.history', { entity: 'leads', id });
    core.call('leads.moveStage', { id, stage: 'negotiating' });
    expect(figures()).not.toEqual(before);
    expect(core.call('leads.undoMove', { id, stage: 'negotiating' })).toMatchObject({ stage: 'promoted' });
    expect(core.call('stages.history', { entity: 'leads', id })).toEqual(history);
    expect(figures()).toEqual(before);
    // The withdrawn move is a tombstone in the change log, so it travels to other copies like any change.
    const logged = core.db.prepare("SELECT count(*) AS n FROM changes WHERE tbl = 'stage_events' AND field = 'deleted'").get() as { n: number };
    expect(logged.n).toBe(1);
  });

  it('is refused, with a message, once the move is not the lead\'s latest: undone already, or moved again since', () => {
    const { core, id } = setup();
    core.call('leads.moveStage', { id, stage: 'negotiating' });
    core.call('leads.undoMove', { id, stage: 'negotiating' });
    const twice = core.invoke('leads.undoMove', { id, stage: 'negotiating' }, 'zh-CN') as { ok: boolean; error?: { code: string; message: string } };
    expect(twice).toMatchObject({ ok: false, error: { code: 'undo_stale' } });
    expect(twice.error!.message).toContain('无法撤销');

    core.call('leads.moveStage', { id, stage: 'negotiating' });
    core.call('leads.moveStage', { id, stage: 'signed' });
    expect(core.invoke('leads.undoMove', { id, stage: 'negotiating' }, 'en')).toMatchObject({ ok: false, error: { code: 'undo_stale' } });
    expect(core.call('leads.undoMove', { id, stage: 'signed' })).toMatchObject({ stage: 'negotiating' });
    // The undo is itself a change of the lead after the move to 在谈: only the board's last move is undone.
    expect(core.invoke('leads.undoMove', { id, stage: 'negotiating' }, 'en')).toMatchObject({ ok: false, error: { code: 'undo_stale' } });
  });

  it('a move dated before the lead\'s latest stay is not the board\'s last move: refused', () => {
    const { core, id } = setup();
    core.call('leads.moveStage', { id, stage: 'negotiating' });
    core.call('leads.moveStage', { id, stage: 'signed', date: '2020-01-01' });
    expect(core.invoke('leads.undoMove', { id, stage: 'signed' }, 'en')).toMatchObject({ ok: false, error: { code: 'undo_stale' } });
  });
});

describe('undoing a kanban move, after the lead changed', () => {
  it('is refused once the lead was converted (or edited) after the move: a lead back in 在谈 linked to an enterprise would break convert\'s rule', () => {
    const core = testCore();
    seedReference(core.context());
    const lead = core.call('leads.create', { company: '珠海转化后撤销科技有限公司', source: 'referral', stage: 'negotiating' }) as { id: string };
    core.call('leads.moveStage', { id: lead.id, stage: 'signed' });
    core.call('leads.convert', { id: lead.id, mode: 'create', entry_date: '2021-03-01' });
    expect(core.invoke('leads.undoMove', { id: lead.id, stage: 'signed' }, 'zh-CN')).toMatchObject({ ok: false, error: { code: 'undo_stale' } });
    expect(core.call('leads.get', { id: lead.id })).toMatchObject({ stage: 'signed' });
  });

  it('a move to 流失 undone gives back the lost reason the lead had before it', () => {
    const core = testCore();
    seedReference(core.context());
    const lead = core.call('leads.create', { company: '珠海流失撤销科技有限公司', source: 'referral', stage: 'promoted' }) as { id: string };
    core.call('leads.moveStage', { id: lead.id, stage: 'lost', lost_reason: '选址外地' });
    expect(core.call('leads.undoMove', { id: lead.id, stage: 'lost' })).toMatchObject({ stage: 'promoted', lost_reason: null });
  });
});
