import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { migrations } from '../../src/core/db/migrations';
import { seedDemo, seedReference } from '../../src/core/seed/seed';
import { ParkCore } from '../../src/core/service';
import { AppError } from '../../src/core/errors';
import { tempFile, testCore } from './helpers';

/** Enterprises whose status disagrees with their incubation records (see incubation/status.ts). */
const DISAGREE = `SELECT e.name, e.status FROM enterprises e WHERE e.deleted = 0 AND e.status <> 'exited' AND
  (e.status = 'incubating') <> EXISTS (SELECT 1 FROM incubations i WHERE i.enterprise_id = e.id AND i.deleted = 0 AND i.stage IN ('admitted', 'incubating'))`;

const issueOf = (fn: () => unknown): string | undefined => {
  try {
    fn();
  } catch (err) {
    return (err as AppError).fields?.[0]?.code;
  }
  return undefined;
};

describe('在孵 has one answer: the incubation record', () => {
  it('the demo database obeys the rule, and every 在孵 figure agrees', () => {
    const core = testCore();
    seedDemo(core.context());
    expect(core.db.prepare(DISAGREE).all()).toEqual([]);
    const registry = core.call('enterprises.rows', { startRow: 0, endRow: 1, filterModel: { status: { filterType: 'text', type: 'equals', filter: '在孵' } }, sortModel: [] }).count;
    const records = core.db.prepare("SELECT count(DISTINCT enterprise_id) AS n FROM incubations WHERE deleted = 0 AND stage IN ('admitted', 'incubating') AND enterprise_id IS NOT NULL").get() as { n: number };
    expect(registry).toBe(records.n);
    expect(registry).toBeGreaterThan(0);
    // The Overview's 在孵 tile counts the records (teams not yet registered included), the registry the enterprises among them.
    const overview = core.call('dashboard.overview', {});
    const tile = (overview.incubationStages.admitted ?? 0) + (overview.incubationStages.incubating ?? 0);
    const teams = core.db.prepare("SELECT count(*) AS n FROM incubations WHERE deleted = 0 AND stage IN ('admitted', 'incubating') AND enterprise_id IS NULL").get() as { n: number };
    expect(tile).toBe(registry + teams.n);
  });

  it('admitting, graduating, ending and withdrawing an incubation move the enterprise\'s status with it', () => {
    const core = testCore();
    seedReference(core.context());
    const e = core.call('enterprises.create', { name: '孵化企业', kind: 'startup', status: 'settled' }) as { id: string };
    const status = () => (core.db.prepare('SELECT status FROM enterprises WHERE id = ?').get(e.id) as { status: string }).status;
    const inc = core.call('incubations.create', { enterprise_id: e.id, stage: 'applied' }) as { id: string };
    expect(status()).toBe('settled');
    core.call('incubations.moveStage', { id: inc.id, stage: 'admitted', date: '2020-01-01' });
    expect(status()).toBe('incubating');
    core.call('incubations.moveStage', { id: inc.id, stage: 'graduated', date: '2021-01-01' });
    expect(status()).toBe('graduated');
    const again = core.call('incubations.create', { enterprise_id: e.id, stage: 'incubating' }) as { id: string };
    expect(status()).toBe('incubating');
    core.call('incubations.update', { id: again.id, patch: { stage: 'terminated' } });
    expect(status()).toBe('graduated'); // its latest ended incubation graduated… (the first one)
    core.call('incubations.update', { id: again.id, patch: { stage: 'incubating' } });
    core.call('incubations.delete', { id: again.id });
    expect(status()).toBe('graduated');
    core.call('incubations.restore', { id: again.id });
    expect(status()).toBe('incubating');
    // The change log says who and when, like any edit.
    expect(core.call('enterprises.history', { id: e.id }).filter((c) => c.field === 'status').length).toBeGreaterThanOrEqual(5);
  });

  it('the registry refuses a 在孵 the incubation records do not back, and leaving 在孵 while one is active', () => {
    const core = testCore();
    seedReference(core.context());
    expect(issueOf(() => core.call('enterprises.create', { name: '自称在孵', kind: 'startup', status: 'incubating' }))).toBe('incubating_needs_record');
    const e = core.call('enterprises.create', { name: '真在孵', kind: 'startup', status: 'settled' }) as { id: string };
    core.call('incubations.create', { enterprise_id: e.id, stage: 'incubating' });
    expect(issueOf(() => core.call('enterprises.update', { id: e.id, patch: { status: 'settled' } }))).toBe('incubation_still_active');
    expect(core.call('enterprises.update', { id: e.id, patch: { headcount: 5 } }).changed).toEqual(['headcount']);
    const msg = (() => {
      try {
        core.call('enterprises.create', { name: '自称在孵', kind: 'startup', status: 'incubating' });
      } catch (err) {
        return (err as AppError).toPayload('zh-CN').fields![0]!.message;
      }
    })();
    expect(msg).toContain('请先在“孵化”中为该企业登记入孵');
  });

  it('migration 0008 brings an older database in line, and logs each change', () => {
    const file = tempFile();
    // An older version: the migrations before 0008 (later ones did not exist yet either).
    const before = migrations.slice(0, migrations.findIndex((m) => m.id === '0008_incubation_status'));
    const old = new ParkCore(file, { knownMigrations: before, user: 'old' });
    seedReference(old.context());
    const a = old.call('enterprises.create', { name: '无记录在孵', kind: 'startup', status: 'settled' }) as { id: string };
    const b = old.call('enterprises.create', { name: '有记录却入驻', kind: 'startup', status: 'settled' }) as { id: string };
    old.call('incubations.create', { enterprise_id: b.id, stage: 'incubating' });
    old.close();
    // What the older version allowed: statuses that disagree with the records.
    const raw = new Database(file);
    raw.prepare("UPDATE enterprises SET status = 'incubating' WHERE id = ?").run(a.id);
    raw.prepare("UPDATE enterprises SET status = 'settled' WHERE id = ?").run(b.id);
    raw.prepare("DELETE FROM schema_migrations WHERE id = '0008_incubation_status'").run();
    raw.close();
    const core = new ParkCore(file);
    expect(core.db.prepare(DISAGREE).all()).toEqual([]);
    expect(core.db.prepare('SELECT status FROM enterprises WHERE id = ?').get(a.id)).toEqual({ status: 'settled' });
    expect(core.db.prepare('SELECT status FROM enterprises WHERE id = ?').get(b.id)).toEqual({ status: 'incubating' });
    const logged = core.call('enterprises.history', { id: a.id }).at(-1)!;
    expect(logged).toMatchObject({ field: 'status', old_value: 'incubating', new_value: 'settled' });
    core.close();
  });
});
