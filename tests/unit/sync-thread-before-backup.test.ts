import { describe, expect, it } from 'vitest';
import { backupDir, listBackups } from '../../src/core/backup/store';
import { ParkCore } from '../../src/core/service';
import { checkout, exportPackage, importSource } from '../../src/core/sync/fieldwork';
import { classifyTesting } from '../../src/core/sync/merge-thread';
import { threadPlans } from '../../src/core/sync/plain-rows';
import { seededIds } from '../../src/core/util/ids';
import { tempFile } from './helpers';

/**
 * importSource starts a large merge's classify thread before its verified backup (the thread loads
 * while the database is copied, not beside the merge's first steps), and the merge uses that thread.
 */
describe('importSource and the classify thread', () => {
  it('starts the thread before the backup, and the merge takes its answer', async () => {
    const start = Date.UTC(2026, 10, 21, 9);
    const clock = { t: start };
    const officeFile = tempFile('office.db');
    const office = new ParkCore(officeFile, { user: 'office', now: () => clock.t++, ids: seededIds(1, start) });
    const e = office.call('enterprises.create', { name: '珠海数智科技有限公司', kind: 'startup', status: 'settled' }) as { id: string };
    const laptopFile = tempFile('laptop.db');
    checkout(office.context(), laptopFile, '外勤笔记本 A', '张三');
    const laptopClock = { t: start + 300_000 };
    const laptop = new ParkCore(laptopFile, { user: 'zhangsan', now: () => laptopClock.t++, ids: seededIds(2, start) });
    laptop.call('enterprises.update', { id: e.id, patch: { headcount: 42, notes: '走访：扩租意向' } });
    const pkg = tempFile('back.ppsync');
    exportPackage(laptop.context(), pkg, null);
    laptop.close();

    const mergeBackups = () => listBackups(backupDir(officeFile)).filter((b) => b.reason === 'merge').length;
    const atStart: number[] = [];
    classifyTesting.onStart = () => atStart.push(mergeBackups());
    const plans = threadPlans.applied;
    try {
      const report = await importSource(office.context(), pkg, { classifyOnWorker: true });
      expect(report).toMatchObject({ applied: 2, fastForward: 2, conflicts: [] });
    } finally {
      classifyTesting.onStart = undefined;
    }
    // One thread, started while no backup of this merge was there yet; the backup was taken.
    expect(atStart).toEqual([0]);
    expect(mergeBackups()).toBe(1);
    // The row was rewritten from the thread's plan: the merge used that thread.
    expect(threadPlans.applied).toBe(plans + 1);
    expect(office.call('enterprises.get', { id: e.id })).toMatchObject({ headcount: 42, notes: '走访：扩租意向' });
    office.close();
  }, 60_000);
});
