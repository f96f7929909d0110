import { describe, expect, it } from 'vitest';
import { seedDemo } from '../../src/core/seed/seed';
import { testCore } from './helpers';

type Page = { rows: Record<string, unknown>[]; count: number };

/** Issue 11, broken #3: users filter coded columns by the words the grid shows, not by codes. */
describe('grid filters on coded columns match their labels', () => {
  const core = testCore();
  seedDemo(core.context());
  const count = (area: string, filterModel: object) => (core.call(`${area}.rows` as never, { startRow: 0, endRow: 1, filterModel } as never) as Page).count;
  const sql = (q: string, ...p: unknown[]) => (core.db.prepare(q).get(...p) as { n: number }).n;

  it('industry: typing 大数据 or Big data finds the bigdata rows, in enterprises and leads', () => {
    const expected = sql("SELECT count(*) AS n FROM enterprises WHERE deleted = 0 AND industry = 'bigdata'");
    expect(expected).toBeGreaterThan(0);
    expect(count('enterprises', { industry: { filterType: 'text', type: 'contains', filter: '大数据' } })).toBe(expected);
    expect(count('enterprises', { industry: { filterType: 'text', type: 'equals', filter: 'bigdata' } })).toBe(expected);
    const en = (core.db.prepare("SELECT name_en FROM industries WHERE id = 'bigdata'").get() as { name_en: string }).name_en;
    expect(count('enterprises', { industry: { filterType: 'text', type: 'equals', filter: en } })).toBe(expected);
    const leads = sql("SELECT count(*) AS n FROM leads WHERE deleted = 0 AND industry = 'bigdata'");
    expect(count('leads', { industry: { filterType: 'text', type: 'contains', filter: '大数据' } })).toBe(leads);
  });

  it('a pick list of several codes is one equals filter with a comma-separated list', () => {
    const expected = sql("SELECT count(*) AS n FROM enterprises WHERE deleted = 0 AND industry IN ('bigdata', 'ai')");
    expect(count('enterprises', { industry: { filterType: 'text', type: 'equals', filter: 'bigdata,ai' } })).toBe(expected);
  });

  it('owner and mentor: a pick list of several staff names', () => {
    const names = (core.db.prepare("SELECT DISTINCT s.name FROM leads l JOIN staff s ON s.id = l.owner_id WHERE l.deleted = 0 LIMIT 2").all() as { name: string }[]).map((r) => r.name);
    expect(names.length).toBe(2);
    const expected = sql(`SELECT count(*) AS n FROM leads l JOIN staff s ON s.id = l.owner_id WHERE l.deleted = 0 AND s.name IN (?, ?)`, ...names);
    expect(count('leads', { owner_name: { filterType: 'text', type: 'equals', filter: names.join(',') } })).toBe(expected);
    const mentor = (core.db.prepare("SELECT s.name FROM incubations i JOIN staff s ON s.id = i.mentor_id WHERE i.deleted = 0 LIMIT 1").get() as { name: string }).name;
    const mentored = sql('SELECT count(*) AS n FROM incubations i JOIN staff s ON s.id = i.mentor_id WHERE i.deleted = 0 AND s.name = ?', mentor);
    expect(count('incubations', { mentor_name: { filterType: 'text', type: 'equals', filter: mentor } })).toBe(mentored);
    expect(count('incubations', { mentor_name: { filterType: 'text', type: 'contains', filter: mentor.slice(0, 1) } })).toBeGreaterThanOrEqual(mentored);
  });
});
