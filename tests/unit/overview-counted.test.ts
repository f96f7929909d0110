import { describe, expect, it } from 'vitest';
import { seedDemo } from '../../src/core/seed/seed';
import { testCore } from './helpers';

describe('the Overview says which statuses and stages its top figures count (one declaration, used by its links)', () => {
  it('在册 is every status but exited; on the demo\'s day the figure is the count of those statuses, 在孵 likewise', () => {
    const core = testCore();
    seedDemo(core.context());
    const d = core.call('dashboard.overview', {});
    expect([...d.counted.registeredStatuses].sort()).toEqual(['graduated', 'incubating', 'settled']);
    expect([...d.counted.activeIncubationStages].sort()).toEqual(['admitted', 'incubating']);
    const count = (sql: string, codes: readonly string[]) => (core.db.prepare(`${sql} IN (${codes.map(() => '?').join(', ')})`).get(...codes) as { n: number }).n;
    expect(d.enterprises).toBe(count('SELECT count(*) AS n FROM enterprises WHERE deleted = 0 AND status', d.counted.registeredStatuses));
    const active = d.counted.activeIncubationStages.reduce((a, s) => a + (d.incubationStages[s] ?? 0), 0);
    expect(active).toBe(count('SELECT count(*) AS n FROM incubations WHERE deleted = 0 AND stage', d.counted.activeIncubationStages));
    expect(active).toBeGreaterThan(0);
  });
});
