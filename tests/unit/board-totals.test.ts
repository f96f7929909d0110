import { describe, expect, it } from 'vitest';
import { seedDemo } from '../../src/core/seed/seed';
import { testCore } from './helpers';

/** Issue 11, everyday gaps: each kanban column shows its total intended investment, over all its leads. */
describe('kanban column totals', () => {
  it('sums intended investment per stage over every lead (not only the cards shown), with the filters', () => {
    const core = testCore();
    seedDemo(core.context());
    const board = core.call('leads.board', { perStage: 1 } as never) as { id: string; count: number; investment: number; leads: unknown[] }[];
    for (const col of board) {
      const sql = core.db.prepare('SELECT count(*) AS n, coalesce(sum(intended_investment), 0) AS s FROM leads WHERE deleted = 0 AND stage = ?').get(col.id) as { n: number; s: number };
      expect(col.investment).toBe(sql.s);
      expect(col.count).toBe(sql.n);
    }
    expect(board.some((c) => c.investment > 0 && c.count > c.leads.length)).toBe(true);
    const filtered = core.call('leads.board', { industry: 'bigdata' } as never) as { id: string; investment: number }[];
    const signed = core.db.prepare("SELECT coalesce(sum(intended_investment), 0) AS s FROM leads WHERE deleted = 0 AND stage = 'signed' AND industry = 'bigdata'").get() as { s: number };
    expect(filtered.find((c) => c.id === 'signed')!.investment).toBe(signed.s);
  });
});
