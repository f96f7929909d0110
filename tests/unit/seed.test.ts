import { describe, expect, it } from 'vitest';
import plan from '../../seeds/plan.json';
import { seedDemo } from '../../src/core/seed/seed';
import { usccProblem } from '../../src/core/util/uscc';
import { testCore } from './helpers';

const content = (core: ReturnType<typeof testCore>) =>
  core.db.prepare('SELECT id, name, uscc, industry, kind, status, entry_date, revenue FROM enterprises ORDER BY id').all();

describe('the embedded demo database', () => {
  const core = testCore();
  seedDemo(core.context());

  it('is deterministic: the same seed gives the same records', () => {
    const again = testCore();
    seedDemo(again.context());
    expect(content(again)).toEqual(content(core));
  });

  it('has the sizes the issue asks for, every record labelled as demo data', () => {
    const s = core.call('stats.get', {});
    expect(s.enterprises.total).toBeGreaterThanOrEqual(200);
    expect(s.incubations.total).toBeGreaterThanOrEqual(24);
    expect(s.leads.total).toBe(150);
    expect(s.activities.total).toBeGreaterThan(s.leads.total);
    expect(core.db.prepare("SELECT count(*) AS n FROM enterprises WHERE notes NOT LIKE '%演示数据%'").get()).toEqual({ n: 0 });
    expect(core.setting('dataset')).toBe('demo');
  });

  it('has valid, unique credit codes and dates within 2017–2021', () => {
    const codes = (core.db.prepare('SELECT uscc FROM enterprises WHERE uscc IS NOT NULL').all() as { uscc: string }[]).map((r) => r.uscc);
    expect(codes.filter((c) => usccProblem(c) !== null)).toEqual([]);
    expect(new Set(codes).size).toBe(codes.length);
    expect(codes.some((c) => /^[A-Z]/.test(c) || c.startsWith('52'))).toBe(true);
    const range = core.db.prepare('SELECT min(entry_date) AS lo, max(entry_date) AS hi FROM enterprises').get() as { lo: string; hi: string };
    expect(range.lo >= '2017-01-01' && range.hi <= '2021-12-31').toBe(true);
  });

  it('seeds every plan target from the source documents, computed live from the registry', () => {
    const targets = core.call('targets.progress', { asOf: '2020-12-31' });
    expect(targets.map((t) => t.name)).toEqual(plan.plans.flatMap((p) => p.targets.map((t) => t.name)));
    const core3to5 = targets.find((t) => t.name === '引进或孵化核心企业')!;
    expect([core3to5.min_value, core3to5.max_value, core3to5.deadline]).toEqual([3, 5, '2020-12-31']);
    const expected = core.db.prepare("SELECT count(*) AS n FROM enterprises WHERE deleted = 0 AND kind = 'core' AND entry_date BETWEEN '2017-10-13' AND '2020-12-31'").get() as { n: number };
    expect(core3to5.value).toBe(expected.n);
    const hatched = targets.find((t) => t.name === '孵化初创企业')!;
    const graduated = core.db.prepare("SELECT count(DISTINCT row_id) AS n FROM stage_events WHERE entity = 'incubations' AND stage = 'graduated' AND date BETWEEN '2017-10-13' AND '2020-12-31'").get() as { n: number };
    expect([hatched.min_value, hatched.max_value, hatched.value]).toEqual([8, 10, graduated.n]);
    const promotion = targets.find((t) => t.name === '智慧产业促进中心吸引和服务企业')!;
    expect([promotion.min_value, promotion.deadline]).toEqual([100, '2023-12-31']);
    // Signed projects: leads that first reached 签约 (or later) inside the window, one per linked enterprise.
    const projects = core.db
      .prepare(
        `SELECT count(DISTINCT coalesce(l.enterprise_id, l.id)) AS n FROM leads l JOIN (
           SELECT row_id, min(date) AS first FROM stage_events WHERE entity = 'leads' AND stage IN ('signed', 'starting', 'funded', 'producing') GROUP BY row_id
         ) e ON e.row_id = l.id WHERE e.first BETWEEN '2018-01-01' AND '2020-12-31'`,
      )
      .get() as { n: number };
    expect(promotion.value).toBe(projects.n);
    // Milestones: the maker space opened 2019-06-18 in the demo data; not yet as of 2019-01-01.
    const early = core.call('targets.progress', { asOf: '2019-01-01' }).find((t) => t.name === '建成大数据众创空间')!;
    expect(early.status).toBe('on_track');
    expect(targets.find((t) => t.name === '建成大数据众创空间')!.status).toBe('achieved');
    expect(targets.find((t) => t.name === '建成省级及以上大数据产业园')!.status).toBe('on_track');
    const after = core.call('targets.progress', { asOf: '2021-01-01' });
    expect(after.find((t) => t.name === '建成省级及以上大数据产业园')!.status).toBe('overdue');
  });
});
