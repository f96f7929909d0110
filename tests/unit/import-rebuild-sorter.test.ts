import { describe, expect, it, vi } from 'vitest';
import type { ImportReport } from '../../src/core/imports/importer';
import { seedReference } from '../../src/core/seed/seed';
import { writeRoster } from '../bench/long-roster';
import { tempFile, testCore } from './helpers';

/** What each deferred index rebuild of the import answered: whether its sorter could spill to a file. */
const rebuilds: boolean[] = [];
vi.mock(import('../../src/core/db/deferred-indexes'), async (original) => {
  const m = await original();
  return {
    ...m,
    deferIndexes: (...args: Parameters<typeof m.deferIndexes>) => {
      const deferred = m.deferIndexes(...args);
      return { rebuild: () => { const onFile = deferred.rebuild(); rebuilds.push(onFile); return onFile; } };
    },
  };
});

/**
 * The index rebuild at the end of a large import sorts every key of the table. It asks SQLite's sorter
 * for a temporary file (withFileSorter), which SQLite refuses inside a transaction once the
 * connection's temporary database is open — and a ParkPilot connection has it open from the start. The
 * sorter then held every key in memory: the million-row import's peak rose by ~100 MB at its end
 * (issue 14). The importer now closes the temporary database before its transaction begins.
 */
describe('the index rebuild of a large import', () => {
  it('sorts through a file on the app connection, also when the grid keeps temporary tables', async () => {
    const core = testCore();
    seedReference(core.context());
    // A temporary table such as the grid keeps its rowid sets in (grid/query.ts).
    core.db.exec('CREATE TEMP TABLE grid_set_test (r INTEGER PRIMARY KEY)');
    const version = core.context().version.value;
    const csv = tempFile('roster.csv');
    await writeRoster(csv, null, 2_500);
    rebuilds.length = 0;
    const job = core.call('imports.start', { file: core.files.register(csv, 'roster.csv'), entity: 'enterprises', mode: 'create', dryRun: false }) as { id: string };
    const done = await core.jobs.wait(job.id);
    expect(done.state).toBe('done');
    expect((done.result as ImportReport).created).toBe(2_500);
    // Both the enterprises' and the change log's indexes were deferred and rebuilt, each on a file.
    expect(rebuilds).toEqual([true, true]);
    // The temporary table went with the temporary database: the data version moved on, so whoever
    // kept one (the grid) makes it afresh; the connection's pragma is as it was.
    expect(core.context().version.value).toBeGreaterThan(version + 1);
    expect(core.db.prepare("SELECT count(*) AS n FROM sqlite_temp_master WHERE name = 'grid_set_test'").get()).toEqual({ n: 0 });
    expect(core.db.pragma('temp_store', { simple: true })).toBe(2);
    // The rebuilt indexes are all there.
    expect((core.db.prepare("SELECT count(*) AS n FROM sqlite_master WHERE type = 'index' AND tbl_name = 'enterprises'").get() as { n: number }).n).toBeGreaterThan(30);
    core.close();
  });
});
