import { describe, expect, it } from 'vitest';
import { entryExitBounds } from '../../src/core/overview/dashboard';
import { generate } from '../../src/core/seed/seed';
import { measure, type Measure } from '../../src/core/targets/measure';
import { testCore } from './helpers';

/**
 * The Overview's faster queries (issue 14) against the ones they replaced, on a generated park: the
 * same figures, exactly.
 */
describe('Overview at scale: same figures as the previous queries', () => {
  const core = testCore();
  generate(core.context(), { enterprises: 1500, leads: 900, activities: 200 }, undefined, 5);
  const dates = ['2015-01-01', '2018-06-30', '2019-12-31', '2020-12-31', '2022-03-15', '2024-07-01', '2099-12-31'];

  it('entry and exit bounds: one seek per min and max equals min and max over the range', () => {
    const previous = core.db.prepare(
      `SELECT min(lo) AS lo, max(hi) AS hi FROM (
         SELECT min(entry_date) AS lo, max(entry_date) AS hi FROM enterprises WHERE deleted = 0 AND entry_date <= ?
         UNION ALL SELECT min(exit_date), max(exit_date) FROM enterprises WHERE deleted = 0 AND exit_date <= ?)`,
    );
    for (const d of dates) expect(entryExitBounds(core.db, d), d).toEqual(previous.get(d, d));
    expect(entryExitBounds(core.db, '2099-12-31').hi).not.toBeNull();
  });

  it('leads counted once per project in one pass equals the linked and unlinked queries apart', () => {
    // The previous method: unlinked leads by month, then linked leads grouped by enterprise (first date, largest amount).
    const previous = (m: Extract<Measure, { kind: 'count' | 'sum' }>, from: string, to: string, asOf: string) => {
      const stages = m.dateField.startsWith('stage:') ? (core.db.prepare("SELECT id FROM pipeline_stages WHERE deleted = 0 AND kind <> 'lost' AND sort >= (SELECT sort FROM pipeline_stages WHERE id = ?)").all(m.dateField.slice(6)) as { id: string }[]).map((r) => r.id) : [];
      const join = stages.length ? `JOIN (SELECT row_id AS rid, min(date) AS date FROM stage_events WHERE deleted = 0 AND entity = 'leads' AND stage IN (${stages.map(() => '?').join(', ')}) AND date <= ? GROUP BY row_id) d ON d.rid = t.id` : '';
      const date = stages.length ? 'd.date' : `t.${m.dateField}`;
      const filters = Object.entries(m.where).map(([f, vs]) => ` AND t.${f} IN (${vs.map(() => '?').join(', ')})`).join('');
      const params = [...(stages.length ? [...stages, asOf] : []), from, to, ...Object.values(m.where).flat()];
      const amount = m.kind === 'sum' ? `coalesce(t.${m.field}, 0)` : '1';
      const where = `t.deleted = 0 AND ${date} BETWEEN ? AND ?${filters}`;
      const byMonth = new Map<string, number>();
      const rows = [
        ...(core.db.prepare(`SELECT substr(${date}, 1, 7) AS month, ${m.kind === 'sum' ? `sum(${amount})` : 'count(*)'} AS v FROM leads t ${join} WHERE ${where} AND t.enterprise_id IS NULL GROUP BY month`).all(...params) as { month: string; v: number }[]),
        ...(core.db.prepare(`SELECT substr(first, 1, 7) AS month, ${m.kind === 'sum' ? 'sum(amount)' : 'count(*)'} AS v FROM (SELECT t.enterprise_id AS project, min(${date}) AS first, max(${amount}) AS amount FROM leads t ${join} WHERE ${where} AND t.enterprise_id IS NOT NULL GROUP BY project) GROUP BY month`).all(...params) as { month: string; v: number }[]),
      ];
      for (const r of rows) byMonth.set(r.month, (byMonth.get(r.month) ?? 0) + r.v);
      return byMonth;
    };
    const measures: Extract<Measure, { kind: 'count' | 'sum' }>[] = [
      { kind: 'count', entity: 'leads', where: {}, dateField: 'stage:signed' },
      { kind: 'sum', entity: 'leads', field: 'intended_investment', where: {}, dateField: 'stage:signed' },
      { kind: 'sum', entity: 'leads', field: 'expected_area_m2', where: { industry: ['ai', 'bigdata', 'software'] }, dateField: 'stage:negotiating' },
      { kind: 'count', entity: 'leads', where: {}, dateField: 'next_follow_up' },
    ];
    // Leads of the same project: a few signed leads linked to two enterprises.
    const signed = (core.db.prepare("SELECT DISTINCT row_id AS id FROM stage_events WHERE entity = 'leads' AND stage = 'signed' AND deleted = 0 LIMIT 6").all() as { id: string }[]).map((r) => r.id);
    const targets = (core.db.prepare('SELECT id FROM enterprises WHERE deleted = 0 LIMIT 2').all() as { id: string }[]).map((r) => r.id);
    signed.forEach((id, i) => core.call('leads.update', { id, patch: { enterprise_id: targets[i % 2] } } as never));
    let nonZero = 0;
    for (const m of measures) {
      // As of a day after every change: nothing is replayed, so the SQL path alone decides.
      const got = measure(core.db, m, { from: '2015-01-01', to: '2030-12-31' }, '2099-12-31');
      const want = previous(m, '2015-01-01', '2030-12-31', '2099-12-31');
      for (const [k, v] of want) if (v === 0) want.delete(k);
      for (const [k, v] of got.byMonth) if (v === 0) got.byMonth.delete(k);
      expect(Object.fromEntries(got.byMonth), JSON.stringify(m)).toEqual(Object.fromEntries(want));
      if (got.value > 0) nonZero++;
    }
    expect(nonZero).toBe(measures.length);
    // Projects that share an enterprise exist, so grouping is exercised.
    expect((core.db.prepare('SELECT count(*) AS n FROM (SELECT enterprise_id FROM leads WHERE deleted = 0 AND enterprise_id IS NOT NULL GROUP BY enterprise_id HAVING count(*) > 1)').get() as { n: number }).n).toBeGreaterThan(0);
  });
});
