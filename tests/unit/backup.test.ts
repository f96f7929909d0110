import Database from 'better-sqlite3';
import { closeSync, openSync, readdirSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkDatabase } from '../../src/core/backup/check';
import { backupBefore, dailyBackupIfDue } from '../../src/core/backup/engine';
import { checkInBackground } from '../../src/core/backup/health';
import { backupDir, listBackups, planRotation, type BackupEntry } from '../../src/core/backup/store';
import { migrations } from '../../src/core/db/migrations';
import { openDatabase } from '../../src/core/db/open';
import { seedDemo, seedReference } from '../../src/core/seed/seed';
import type { ParkCore } from '../../src/core/service';
import { completeUscc } from '../../src/core/util/uscc';
import { tempFile, testCore } from './helpers';

const count = (db: Database.Database, table = 'enterprises') => (db.prepare(`SELECT count(*) AS n FROM ${table} WHERE deleted = 0`).get() as { n: number }).n;

function demoCore(): ParkCore {
  const core = testCore();
  seedDemo(core.context());
  return core;
}

/** Overwrites the middle of one leaf page of `table` with garbage: the file still opens, reading that page fails. */
function damagePage(file: string, table: string): void {
  const db = new Database(file);
  const page = (db.prepare("SELECT pageno FROM dbstat WHERE name = ? AND pagetype = 'leaf' ORDER BY pageno LIMIT 1 OFFSET 2").get(table) as { pageno: number }).pageno;
  const size = db.pragma('page_size', { simple: true }) as number;
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
  const fd = openSync(file, 'r+');
  writeSync(fd, Buffer.alloc(size - 200, 0xa5), 0, size - 200, (page - 1) * size + 100);
  closeSync(fd);
}

describe('backups', () => {
  it('backupBefore writes a verified, private copy of the committed data beside the database', () => {
    const core = demoCore();
    const entry = backupBefore(core.db, 'manual')!;
    expect(entry).toMatchObject({ reason: 'manual', verified: true });
    expect(dirname(entry.path)).toBe(backupDir(core.db.name));
    expect(backupDir('/x/parkpilot.db')).toBe('/x/parkpilot-backups');
    expect(statSync(entry.path).mode & 0o777).toBe(0o600);
    const copy = new Database(entry.path, { readonly: true });
    expect(copy.pragma('integrity_check', { simple: true })).toBe('ok');
    expect(count(copy)).toBe(count(core.db));
    copy.close();
    expect(readdirSync(dirname(entry.path)).filter((n) => n.endsWith('.part'))).toEqual([]);
    core.close();
  });

  it('refuses inside a transaction rather than copy half a change', () => {
    const core = demoCore();
    core.db.exec('BEGIN');
    expect(() => backupBefore(core.db, 'merge')).toThrow(expect.objectContaining({ code: 'busy' }));
    core.db.exec('ROLLBACK');
    core.close();
  });

  it('fails with backup_failed (and nothing written) when the folder cannot be written', () => {
    const core = demoCore();
    writeFileSync(backupDir(core.db.name), 'a file where the folder should be');
    expect(() => backupBefore(core.db, 'import')).toThrow(expect.objectContaining({ code: 'backup_failed' }));
    core.close();
  });

  it('an import (not a dry run) and its revert each take a backup first; the backup holds the data before', async () => {
    const core = testCore();
    seedReference(core.context());
    const csv = tempFile('roster.csv');
    writeFileSync(csv, `企业名称,统一社会信用代码\n甲数据科技有限公司,${completeUscc('91440400MA4UKWXN')}\n`);
    const run = async (dryRun: boolean) => {
      const job = core.call('imports.start', { file: core.files.register(csv), entity: 'enterprises', mode: 'create', dryRun });
      return (await core.jobs.wait(job.id)).result as { batchId: string };
    };
    await run(true);
    expect(listBackups(backupDir(core.db.name))).toHaveLength(0);
    const { batchId } = await run(false);
    const [imported] = listBackups(backupDir(core.db.name));
    expect(imported!.reason).toBe('import');
    const before = new Database(imported!.path, { readonly: true });
    expect(count(before)).toBe(0);
    before.close();
    core.call('imports.revert', { batchId });
    expect(listBackups(backupDir(core.db.name)).map((e) => e.reason)).toEqual(['revert', 'import']);
    expect(() => core.call('imports.revert', { batchId })).toThrow(); // already reverted: no third backup
    expect(listBackups(backupDir(core.db.name))).toHaveLength(2);
    core.close();
  });

  it('a migration of an existing database is preceded by a backup of it as it was', () => {
    const file = tempFile();
    openDatabase(file, { knownMigrations: migrations.slice(0, 3) }).close();
    openDatabase(file).close();
    const [entry] = listBackups(backupDir(file));
    expect(entry!.reason).toBe('migration');
    const old = new Database(entry!.path, { readonly: true });
    expect((old.prepare('SELECT count(*) AS n FROM schema_migrations').get() as { n: number }).n).toBe(3);
    old.close();
    openDatabase(tempFile('new.db')).close(); // a new database has nothing to keep
    expect(listBackups(backupDir(tempFile('new.db')))).toHaveLength(0);
  });

  it('once a day on open: only when the newest backup is a day old', () => {
    const core = demoCore();
    const t0 = Date.UTC(2026, 10, 21, 9);
    expect(dailyBackupIfDue(core.db, { now: () => t0 })!.reason).toBe('daily');
    expect(dailyBackupIfDue(core.db, { now: () => t0 + 3_600_000 })).toBeNull();
    expect(dailyBackupIfDue(core.db, { now: () => t0 + 25 * 3_600_000 })!.reason).toBe('daily');
    core.close();
  });

  it('rotation keeps the last 10, one a day for 7 days and one a week for 4 weeks, within the budget', () => {
    const day = 86_400_000;
    const start = Date.UTC(2026, 0, 1);
    // Three backups a day for 60 days, 1 MB each.
    const entries: BackupEntry[] = Array.from({ length: 180 }, (_, i) => {
      const at = new Date(start + Math.floor(i / 3) * day + (i % 3) * 3_600_000).toISOString();
      return { name: `${i}`, path: `${i}`, at, reason: 'import', size: 1 << 20, verified: true };
    });
    const { keep, drop } = planRotation(entries, { recent: 10, daily: 7, weekly: 4, budgetBytes: 1 << 30 });
    expect(keep.length + drop.length).toBe(180);
    const days = new Set(keep.map((e) => e.at.slice(0, 10)));
    // 10 recent span the last 4 days; 7 days; 4 weeks reach back about 3 more weeks.
    expect(keep.slice(0, 10).map((e) => e.name)).toEqual(entries.slice(-10).reverse().map((e) => e.name));
    expect(days.size).toBeGreaterThanOrEqual(7 + 2);
    expect(keep.length).toBeLessThanOrEqual(10 + 7 + 4);
    for (let d = 53; d <= 59; d++) expect(days.has(new Date(start + d * day).toISOString().slice(0, 10))).toBe(true);
    // The weekly ones reach back three more weeks, no further.
    expect(keep.at(-1)!.at < new Date(start + 45 * day).toISOString()).toBe(true);
    expect(keep.at(-1)!.at >= new Date(start + 59 * day - 28 * day).toISOString()).toBe(true);
    const tight = planRotation(entries, { recent: 10, daily: 7, weekly: 4, budgetBytes: 5.5 * (1 << 20) });
    expect(tight.keep.map((e) => e.name)).toEqual(entries.slice(-5).reverse().map((e) => e.name));
    expect(planRotation(entries.slice(0, 1), { recent: 10, daily: 7, weekly: 4, budgetBytes: 1 }).keep).toHaveLength(1); // the newest always stays
  });

  it('rotation runs after each backup and a budget set in Settings applies at once', () => {
    const core = demoCore();
    let t = Date.UTC(2026, 10, 21, 9);
    for (let i = 0; i < 14; i++) backupBefore(core.db, 'import', { now: () => (t += 60_000) });
    expect(listBackups(backupDir(core.db.name))).toHaveLength(10);
    const size = listBackups(backupDir(core.db.name))[0]!.size;
    const after = core.call('backups.setBudget', { mb: Math.max(50, Math.ceil((3 * size) / 1048576)) });
    expect(after.items.length).toBeLessThanOrEqual(10);
    expect(after.usedBytes).toBeLessThanOrEqual(after.budgetMb * 1048576);
    core.close();
  });

  it('restore puts a backup back, keeping the file it replaces as a backup first', () => {
    const core = demoCore();
    const n = count(core.db);
    const { items } = core.call('backups.create', {});
    core.db.exec('UPDATE enterprises SET deleted = 1 WHERE rowid % 2 = 0');
    const changed = count(core.db);
    expect(changed).toBeLessThan(n);
    core.call('backups.restore', { name: items[0]!.name });
    expect(count(core.db)).toBe(n);
    const kept = listBackups(backupDir(core.db.name)).find((e) => e.reason === 'restore')!;
    const old = new Database(kept.path, { readonly: true });
    expect(count(old)).toBe(changed);
    old.close();
    // The restored database is writable and its history goes on.
    core.call('industries.create', { id: 'fintech', name_zh: '金融科技', name_en: 'Fintech', sort: 99 });
    expect(checkDatabase(core.db).ok).toBe(true);
    core.close();
  });

  it('refuses to restore a file that is not an intact ParkPilot database', () => {
    const core = demoCore();
    const { items } = core.call('backups.create', {});
    damagePage(join(backupDir(core.db.name), items[0]!.name), 'enterprises');
    expect(() => core.call('backups.restore', { name: items[0]!.name })).toThrow(expect.objectContaining({ code: 'restore_invalid' }));
    expect(() => core.call('backups.restore', { name: '../../etc/passwd' } as never)).toThrow(expect.objectContaining({ code: 'invalid_input' }));
    expect(count(core.db)).toBeGreaterThan(0);
    core.close();
  });
});

describe('damage is noticed', () => {
  it('the background quick check finds flipped pages that opening does not, and a query gets database_corrupt', async () => {
    const seeded = demoCore();
    const file = seeded.db.name;
    const { items } = seeded.call('backups.create', {});
    seeded.close();
    damagePage(file, 'enterprises');
    const core = testCore({ create: false }, file); // opens "normally"
    expect((await checkInBackground(file)).state).toBe('damaged');
    expect((core.invoke('backups.health', {}) as { value: { state: string } }).value.state).toBe('damaged');
    const r = core.invoke('enterprises.rows', { startRow: 0, endRow: 1000, sortModel: [], filterModel: {} }, 'en') as { ok: boolean; error: { code: string; message: string } };
    expect(r.ok).toBe(false);
    expect(r.error.code).toBe('database_corrupt');
    expect(r.error.message).toMatch(/damaged.*Settings → Backups/);
    // A backup of a damaged file is refused (the operation that asked for it does not run) ...
    expect(() => backupBefore(core.db, 'import')).toThrow(expect.objectContaining({ code: 'database_corrupt' }));
    // ... and restoring keeps a raw copy of the damaged file before putting the backup back.
    core.call('backups.restore', { name: items[0]!.name });
    expect(checkDatabase(core.db).ok).toBe(true);
    expect(listBackups(backupDir(file)).some((e) => e.reason === 'damaged' && !e.verified)).toBe(true);
    core.close();
  });
});

describe('parkpilot check', () => {
  it('passes a healthy database and names what a tampered search index or aggregate lost', () => {
    const core = demoCore();
    const healthy = checkDatabase(core.db);
    expect(healthy).toMatchObject({ ok: true, integrity: [], foreignKeys: [] });
    expect(healthy.search.map((s) => s.fts)).toEqual(['enterprises_fts', 'leads_fts']);
    expect(healthy.aggregates.map((a) => a.name)).toEqual(['enterprise_months', 'stage_events.until', 'stage_months', 'stage_reach', 'stage_counts', 'qualification_days']);
    core.db.exec('DELETE FROM enterprises_fts WHERE rowid IN (SELECT rowid FROM enterprises LIMIT 3)');
    core.db.exec('UPDATE enterprise_months SET n = n + 1 WHERE (industry, entry_month, exit_month) IN (SELECT industry, entry_month, exit_month FROM enterprise_months LIMIT 1)');
    const bad = checkDatabase(core.db);
    expect(bad.ok).toBe(false);
    expect(bad.search.find((s) => s.fts === 'enterprises_fts')!.missing).toBeGreaterThan(0);
    expect(bad.aggregates.find((a) => a.name === 'enterprise_months')!.differences).toBe(2);
    expect(bad.aggregates.filter((a) => !a.ok).map((a) => a.name)).toEqual(['enterprise_months']);
    core.close();
  });

  it('names a lost or moved reached stage and a wrong stage count (the rollups of the Overview targets)', () => {
    const core = demoCore();
    expect(checkDatabase(core.db).aggregates.every((a) => a.ok)).toBe(true);
    // One incubation's first day of a stage moved, one lead's reached stage lost, one count off by one.
    core.db.exec("UPDATE stage_reach SET date = '1999-01-01' WHERE (entity, row_id, stage) IN (SELECT entity, row_id, stage FROM stage_reach WHERE entity = 'incubations' LIMIT 1)");
    core.db.exec("DELETE FROM stage_reach WHERE (entity, row_id, stage) IN (SELECT entity, row_id, stage FROM stage_reach WHERE entity = 'leads' LIMIT 1)");
    core.db.exec("UPDATE stage_counts SET n = n + 1 WHERE (entity, stage) IN (SELECT entity, stage FROM stage_counts WHERE entity = 'leads' LIMIT 1)");
    const bad = checkDatabase(core.db);
    expect(bad.ok).toBe(false);
    expect(bad.aggregates.find((a) => a.name === 'stage_reach')!.differences).toBe(3);
    expect(bad.aggregates.find((a) => a.name === 'stage_counts')!.differences).toBe(2);
    core.close();
  });
});
