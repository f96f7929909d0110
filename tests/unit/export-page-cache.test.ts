import { describe, expect, it, vi } from 'vitest';
import { exportGrid } from '../../src/core/exports/grid';
import { EXPORT_CACHE_KB } from '../../src/core/imports/import-memory';
import { generate, seedReference } from '../../src/core/seed/seed';
import { tempFile, testCore } from './helpers';

/**
 * An export streams its rows with a small page cache (import-memory.ts, issue 14: the whole 64 MB cache
 * filled with pages already written out) and hands the connection its own cache back after, also when
 * the export fails (a file that cannot be written fails the export instead of hanging it).
 */
describe('export page cache', () => {
  it('runs with the export cache and restores the connection cache after, also after a failure', async () => {
    const core = testCore();
    seedReference(core.context());
    generate(core.context(), { enterprises: 5_200, leads: 0, activities: 0 });
    const before = core.db.pragma('cache_size', { simple: true });
    expect(before).toBe(-65536);
    // (A pragma cannot be read while the export's statement iterates: the calls are watched instead.)
    const pragma = vi.spyOn(core.db, 'pragma');
    const done = await exportGrid(core.db, { view: 'enterprises', filterModel: {}, sortModel: [], format: 'csv' }, tempFile('all.csv'), 'zh-CN');
    expect(done.rows).toBeGreaterThanOrEqual(5_200);
    expect(pragma.mock.calls.map((c) => c[0])).toEqual(['cache_size', `cache_size = -${EXPORT_CACHE_KB}`, 'cache_size = -65536']);
    pragma.mockRestore();
    expect(core.db.pragma('cache_size', { simple: true })).toBe(before);
    // A file that cannot be written fails the export (it used to wait forever), and the cache comes back.
    for (const format of ['xlsx', 'csv'] as const) {
      await expect(exportGrid(core.db, { view: 'enterprises', filterModel: {}, sortModel: [], format }, `/nonexistent-dir/x.${format}`, 'zh-CN')).rejects.toThrow(/ENOENT/);
      expect(core.db.pragma('cache_size', { simple: true })).toBe(before);
    }
    core.close();
  });
});
