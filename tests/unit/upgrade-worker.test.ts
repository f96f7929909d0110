import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { migrations } from '../../src/core/db/migrations';
import type { UpgradeProgress } from '../../src/core/db/open';
import { needsUpgrade, upgradeInWorker } from '../../src/core/db/upgrade';
import { ParkCore } from '../../src/core/service';
import { tempFile } from './helpers';

/**
 * db/upgrade.ts: an older database is migrated on a worker thread with its own connection, reporting the
 * safety backup's progress and each migration; afterwards it needs nothing more. A migration that fails
 * half-way rejects with the error and leaves the file as it was (one transaction).
 */
const older = migrations.slice(0, migrations.findIndex((m) => m.id === '0017_qualification_days'));

function olderDatabase(): string {
  const file = tempFile();
  const core = new ParkCore(file, { knownMigrations: older, user: 'old' });
  for (let i = 0; i < 50; i++) core.call('enterprises.create', { name: `旧版企业${i}`, kind: 'startup', status: 'settled', qualifications: [{ type: 'hnte', expires: '2027-01-01' }] });
  core.close();
  return file;
}

const applied = (file: string) => {
  const db = new Database(file, { readonly: true });
  try {
    return (db.prepare('SELECT id FROM schema_migrations ORDER BY id').all() as { id: string }[]).map((r) => r.id);
  } finally {
    db.close();
  }
};

describe('upgrading an older database on a worker thread', () => {
  it('reports the backup, then each migration, and leaves nothing to migrate', async () => {
    const file = olderDatabase();
    expect(needsUpgrade(file)).toBe(true);
    const seen: UpgradeProgress[] = [];
    await upgradeInWorker(file, {}, (p) => seen.push(p));
    expect(needsUpgrade(file)).toBe(false);
    expect(applied(file)).toContain('0017_qualification_days');
    const backup = seen.filter((p) => p.phase === 'backup');
    // The safety backup, then each migration the older file lacks.
    const toApply = migrations.slice(older.length);
    const steps = 1 + toApply.length;
    expect(backup[0]).toMatchObject({ step: 1, steps, percent: 0 });
    expect(backup.at(-1)!.percent).toBe(100);
    expect(backup.map((p) => p.percent)).toEqual([...backup.map((p) => p.percent)].sort((a, b) => a - b));
    expect(seen.filter((p) => p.phase !== 'backup')).toEqual([
      { step: 1, steps, phase: 'check', percent: 100 },
      ...toApply.map((m, i) => ({ step: 2 + i, steps, phase: 'migrate', percent: Math.floor((100 * i) / toApply.length), migration: m.id })),
    ]);
    expect(toApply.map((m) => m.id).slice(0, 2)).toEqual(['0017_qualification_days', '0018_change_identity']);
    const db = new Database(file, { readonly: true });
    expect(db.prepare('SELECT day, n FROM qualification_days').all()).toEqual([{ day: '2027-01-01', n: 50 }]);
    db.close();
  }, 60_000);

  it('a migration failing half-way rejects with its error and leaves the database as it was', async () => {
    const file = olderDatabase();
    const raw = new Database(file);
    raw.exec('CREATE TABLE qualification_days (x)');
    raw.close();
    const before = applied(file);
    await expect(upgradeInWorker(file, {}, () => undefined)).rejects.toMatchObject({ code: 'not_a_database', message: expect.stringContaining('qualification_days already exists') });
    expect(applied(file)).toEqual(before);
    expect(needsUpgrade(file)).toBe(true);
  }, 60_000);

  it('a current database or a missing file needs no upgrade', () => {
    const file = tempFile();
    new ParkCore(file, { user: 'new' }).close();
    expect(needsUpgrade(file)).toBe(false);
    expect(needsUpgrade(tempFile('missing.db'))).toBe(false);
  });
});
