import { describe, expect, it } from 'vitest';
import { parse } from '../../src/core/db/clock';
import { deleteRow, insertRow, restoreRow, rowHistory, transact, updateRow } from '../../src/core/db/write';
import { testCore } from './helpers';

const sample = { name: '珠海数智科技有限公司', kind: 'startup', status: 'settled', headcount: 12, registered_capital: 5_000_000, tags: ['AI'] };

describe('the write path', () => {
  it('logs one entry per field set on insert, with stamp, site and user', async () => {
    const core = testCore();
    const ctx = core.context();
    const id = insertRow(ctx, 'enterprises', sample);
    const log = rowHistory(core.db, 'enterprises', id);
    expect(log.map((c) => c.field).sort()).toEqual(Object.keys(sample).sort());
    for (const c of log) {
      expect(c.old_value).toBeNull();
      expect(c.site).toBe('0123456789abcdef');
      expect(c.user).toBe('tester');
      expect(parse(c.stamp).site).toBe('0123456789abcdef');
    }
    expect(log.find((c) => c.field === 'tags')!.new_value).toEqual(['AI']);
  });

  it('logs only the fields that changed on update, with old and new values', async () => {
    const core = testCore();
    const ctx = core.context();
    const id = insertRow(ctx, 'enterprises', sample);
    const changed = updateRow(ctx, 'enterprises', id, { headcount: 15, name: sample.name, status: 'graduated' });
    expect(changed.sort()).toEqual(['headcount', 'status']);
    const log = rowHistory(core.db, 'enterprises', id).filter((c) => c.old_value !== null).sort((a, b) => a.field.localeCompare(b.field));
    expect(log).toEqual([
      expect.objectContaining({ field: 'headcount', old_value: 12, new_value: 15 }),
      expect.objectContaining({ field: 'status', old_value: 'settled', new_value: 'graduated' }),
    ]);
    expect(updateRow(ctx, 'enterprises', id, { headcount: 15 })).toEqual([]);
    // An empty list and "nothing" are the same stored value: no phantom change.
    expect(updateRow(ctx, 'enterprises', id, { contacts: null, qualifications: [] })).toEqual([]);
    expect(rowHistory(core.db, 'enterprises', id).some((c) => c.field === 'contacts')).toBe(false);
  });

  it('deletes as a tombstone, logged, and restores the same way', async () => {
    const core = testCore();
    const ctx = core.context();
    const id = insertRow(ctx, 'enterprises', sample);
    deleteRow(ctx, 'enterprises', id);
    expect(core.db.prepare('SELECT deleted FROM enterprises WHERE id = ?').get(id)).toEqual({ deleted: 1 });
    expect((await core.invoke('enterprises.get', { id })).ok).toBe(false);
    restoreRow(ctx, 'enterprises', id);
    const tail = rowHistory(core.db, 'enterprises', id).slice(-2);
    expect(tail.map((c) => [c.field, c.old_value, c.new_value])).toEqual([['deleted', 0, 1], ['deleted', 1, 0]]);
  });

  it('rolls back the row, its log entries and the clock as a whole when anything fails', async () => {
    const core = testCore();
    const ctx = core.context();
    const rows = () => (core.db.prepare('SELECT count(*) AS n FROM enterprises').get() as { n: number }).n;
    const changes = () => (core.db.prepare('SELECT count(*) AS n FROM changes').get() as { n: number }).n;
    const clock = () => core.setting('clock');
    insertRow(ctx, 'enterprises', sample);
    const [r0, c0, k0] = [rows(), changes(), clock()];
    expect(() =>
      transact(ctx, () => {
        insertRow(ctx, 'enterprises', { ...sample, name: 'B' });
        insertRow(ctx, 'enterprises', { ...sample, name: 'C', industry: 'no-such-industry' }); // FK violation
      }),
    ).toThrow(/FOREIGN KEY/);
    expect([rows(), changes(), clock()]).toEqual([r0, c0, k0]);
  });

  it('stamps never go backwards even when the wall clock does', async () => {
    let t = 1_000_000;
    const core = testCore({ now: () => t });
    const ctx = core.context();
    const a = ctx.clock.tick();
    t -= 500;
    const b = ctx.clock.tick();
    expect(b > a).toBe(true);
    ctx.clock.receive(`${new Date(5_000_000).toISOString()}-0003-fedcba9876543210`);
    expect(ctx.clock.tick() > `${new Date(5_000_000).toISOString()}-0003`).toBe(true);
  });

  it('keeps the clock across reopening the file', async () => {
    const core = testCore();
    insertRow(core.context(), 'enterprises', sample);
    const saved = core.setting('clock');
    const file = core.db.name;
    core.close();
    const again = testCore({ now: () => 0 }, file);
    const stamp = again.context().clock.tick();
    expect(parse(stamp).millis).toBeGreaterThanOrEqual(JSON.parse(saved!).millis);
  });
});
