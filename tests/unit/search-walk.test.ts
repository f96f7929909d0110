import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { search } from '../../src/core/search/handlers';
import { generate } from '../../src/core/seed/seed';
import { testCore } from './helpers';

/**
 * Global search finds the names with a common word by walking the names shortest first (an index on
 * (length, name)) instead of sorting every full-text match. Both ways must give the same hits in the
 * same order, ties (equal names) and deleted rows included, for any query and limit.
 */
describe('global search: walking names shortest first equals sorting the matches', () => {
  const core = testCore();
  generate(core.context(), { enterprises: 1500, leads: 300, activities: 50 }, undefined, 7);
  // Equal names (ties broken by row order) and deleted rows the walk must skip.
  const some = core.db.prepare('SELECT id, name FROM enterprises WHERE deleted = 0 ORDER BY rowid LIMIT 40').all() as { id: string; name: string }[];
  for (const r of some.slice(0, 10)) core.call('enterprises.create', { name: r.name, kind: 'startup', status: 'settled' } as never);
  for (const r of some.slice(10, 30)) core.call('enterprises.delete', { id: r.id });
  const names = (core.db.prepare('SELECT name FROM enterprises UNION ALL SELECT company FROM leads').all() as { name: string }[]).map((r) => r.name);

  const cjkPiece = fc.record({ i: fc.nat(), at: fc.nat(), len: fc.integer({ min: 1, max: 4 }) }).map(({ i, at, len }) => {
    const chars = [...names[i % names.length]!].filter((c) => /[\u3400-\u9fff]/.test(c));
    const start = at % Math.max(1, chars.length);
    return chars.slice(start, start + len).join('');
  });
  const query = fc.oneof({ weight: 5, arbitrary: cjkPiece }, fc.constantFrom('数据', '科技', '园', '有限公司', '智能', '无此词', '数据 科技', 'ai', 'Data 数据'));

  it('the same hits in the same order, for random queries and limits', () => {
    let walked = 0;
    fc.assert(
      fc.property(query, fc.constantFrom(1, 5, 20, 100), (q, limit) => {
        const sorted = search(core.db, q, limit, Number.MAX_SAFE_INTEGER);
        const walking = search(core.db, q, limit, 1);
        expect(walking).toEqual(sorted);
        if (sorted.length) walked++;
      }),
      { numRuns: 200, seed: 2026 },
    );
    expect(walked).toBeGreaterThan(100);
  });

  it('a common word takes the walk: no full-text lookup, the names index in order', () => {
    const steps = (core.db.prepare("EXPLAIN QUERY PLAN SELECT e.id FROM enterprises e INDEXED BY enterprises_name_length WHERE e.deleted = 0 AND e.name LIKE '%数据%' ORDER BY length(e.name), e.name, e.rowid LIMIT 20").all() as { detail: string }[]).map((r) => r.detail);
    expect(steps.join('; ')).not.toMatch(/TEMP B-TREE/);
    expect(search(core.db, '数据', 20, 1).length).toBe(20);
  });
});
