import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ParkCore } from '../../src/core/service';
import { generate } from '../../src/core/seed/seed';
import { mergeChanges, type Sender } from '../../src/core/sync/merge';
import { vectorOf } from '../../src/core/sync/peers';
import { fieldChanges } from './field-changes';
import { runScenario, scenarios, strictDump } from './sync-property';

/**
 * The merge rewrites a "plain" row (changed only by per-field writes newer than what it holds) straight
 * from the package (sync/plain-rows.ts) instead of folding its whole log again. The same package merged
 * that way and the long way (`fullFold`) must leave the same database, byte for byte: rows with their
 * timestamps, the log, search index and aggregates, and the same report.
 */
describe('merge: plain rows the short way = the long way', () => {
  it('random office + 2 laptop scenarios, every merge made both ways', async () => {
    await fc.assert(fc.asyncProperty(scenarios(3), ({ cmds, order }) => runScenario(cmds, 3, order, { differential: true })), {
      numRuns: Number(process.env.SYNC_RUNS ?? 150),
    });
  }, 600_000);

  it('a laptop package over a generated park: edits, converged values, stale writes, snapshots, deletions', async () => {
    const office = new ParkCore(':memory:', { user: 'office', now: () => Date.UTC(2026, 10, 30, 9) });
    generate(office.context(), { enterprises: 600, leads: 200, activities: 200 });
    const image = office.db.serialize();
    office.close();

    const db = new ParkCore(':memory:', { image, user: 'office' }).db;
    const rows = db.prepare('SELECT id, headcount, revenue, notes, tags, name, industry, entry_date FROM enterprises WHERE deleted = 0 ORDER BY rowid LIMIT 400').all() as Record<string, unknown>[];
    const leads = db.prepare('SELECT id, company, notes FROM leads WHERE deleted = 0 ORDER BY rowid LIMIT 50').all() as Record<string, unknown>[];
    db.close();
    const laptop = 'fe11d0c0ffee0002';
    const { changes, push } = fieldChanges(laptop, Date.UTC(2026, 10, 30, 10));
    rows.forEach((r, i) => {
      const kind = i % 10;
      if (kind <= 3) push('enterprises', r.id, 'headcount', r.headcount, Number(r.headcount ?? 0) + 1);
      if (kind === 0 || kind === 4) push('enterprises', r.id, 'notes', r.notes, `走访 ${i}`);
      if (kind === 1) push('enterprises', r.id, 'revenue', r.revenue, r.revenue); // the value it holds: converged
      if (kind === 2) push('enterprises', r.id, 'headcount', r.headcount, Number(r.headcount ?? 0) + 2); // the same field twice
      if (kind === 5) push('enterprises', r.id, 'name', r.name, `${String(r.name)}（新）`); // search text
      if (kind === 6) push('enterprises', r.id, 'tags', r.tags === null ? [] : JSON.parse(String(r.tags)), ['走访', `t${i}`]); // JSON column, search text
      if (kind === 7) push('enterprises', r.id, 'entry_date', r.entry_date, '2020-02-02'); // aggregates
      if (kind === 8) push('enterprises', r.id, 'headcount', r.headcount, 7, Date.UTC(2010, 0, 1)); // older than what it holds
      if (kind === 9) push('enterprises', r.id, 'deleted', 0, 1);
      if (kind === 3) push('enterprises', r.id, '*', null, { headcount: 99, notes: 'snapshot' });
      if (kind === 4) push('enterprises', r.id, 'notes', r.notes, '');
    });
    for (const l of leads) push('leads', l.id, 'company', l.company, `${String(l.company)} 有限公司`);
    const sender: Sender = { site: laptop, device: 'laptop', person: null, seen: { [laptop]: changes.at(-1)!.stamp }, sites: [{ site: laptop, device: 'laptop', person: null }] };

    const merged = async (fullFold: boolean) => {
      const core = new ParkCore(':memory:', { image, user: 'office', now: () => Date.UTC(2026, 10, 30, 11) });
      try {
        sender.seen = { ...vectorOf(core.db), [laptop]: changes.at(-1)!.stamp };
        const report = await mergeChanges(core.context(), changes, sender, { fullFold });
        return { report, dump: strictDump(core.db) };
      } finally {
        core.close();
      }
    };
    const short = await merged(false);
    const long = await merged(true);
    expect(short.report.applied).toBe(changes.length);
    expect(short.report).toEqual(long.report);
    expect(short.dump).toBe(long.dump);
  }, 120_000);
});
