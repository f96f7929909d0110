import { describe, expect, it } from 'vitest';
import { reachSelect } from '../../src/core/db/reach';
import { seedReference } from '../../src/core/seed/seed';
import { testCore } from './helpers';

/**
 * Writing one incubation's stage event refreshes that incubation's reached stages only: its query
 * reads that row's events and looks the incubation up by id. It scanned every incubation once a write
 * (a generated park of 17,000 records took 70 s of CPU more to write; at a million enterprises, days).
 */
describe('an incubation stage event refreshes its reach without reading every incubation', () => {
  it('the per-row refresh has no scan of incubations', () => {
    const core = testCore();
    seedReference(core.context());
    const plan = (core.db.prepare(`EXPLAIN QUERY PLAN ${reachSelect('incubations', 'AND e.row_id = ?')}`).all('x', 'x') as { detail: string }[]).map((r) => r.detail);
    expect(plan.some((d) => /SEARCH t .*INDEX .*\(id=\?\)/.test(d)), plan.join('\n')).toBe(true);
    expect(plan.filter((d) => /^SCAN (incubations|t)\b/.test(d)), plan.join('\n')).toEqual([]);
  });
});
