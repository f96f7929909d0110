import { describe, expect, it } from 'vitest';
import { ParkCore } from '../../src/core/service';
import { checkout, exportPackage, importSource } from '../../src/core/sync/fieldwork';
import { seededIds } from '../../src/core/util/ids';
import { writeHubConfig } from '../../src/core/hub/state';
import { contentHash } from './sync-helpers';
import { tempFile } from './helpers';

/**
 * 在孵 on merged state (incubation/after-merge.ts): an enterprise is 在孵 exactly when one of its live
 * incubation records is active, on every copy, after any merge, and the copies end alike.
 */
const DISAGREE = `SELECT e.name, e.status FROM enterprises e WHERE e.deleted = 0 AND e.status <> 'exited' AND
  (e.status = 'incubating') <> EXISTS (SELECT 1 FROM incubations i WHERE i.enterprise_id = e.id AND i.deleted = 0 AND i.stage IN ('admitted', 'incubating'))`;

function open(file: string, seed: number, start: number, user: string): ParkCore {
  const clock = { t: start };
  return new ParkCore(file, { user, now: () => clock.t++, ids: seededIds(seed, start) });
}

/** The office with an enterprise in incubation, and a laptop checked out from it. */
function officeAndLaptop() {
  const office = open(tempFile('office.db'), 1, Date.UTC(2026, 10, 21, 9), 'office');
  office.call('pipeline.applyPreset', { preset: 'government' });
  const e = office.call('enterprises.create', { name: '孵化中的企业', kind: 'startup', status: 'settled' }) as { id: string };
  const first = office.call('incubations.create', { enterprise_id: e.id, stage: 'incubating' }) as { id: string };
  const laptopFile = tempFile('laptop.db');
  checkout(office.context(), laptopFile, '外勤笔记本', '张三');
  const laptop = open(laptopFile, 2, Date.UTC(2026, 10, 21, 9, 5), 'zhangsan');
  return { office, laptop, enterprise: e.id, first: first.id };
}

async function send(from: ParkCore, to: ParkCore) {
  const file = tempFile('p.ppsync');
  exportPackage(from.context(), file, to.context().clock.site);
  return importSource(to.context(), file);
}

const statusOf = (core: ParkCore, id: string) => (core.db.prepare('SELECT status FROM enterprises WHERE id = ?').get(id) as { status: string }).status;

describe('在孵 after a merge', () => {
  it('a laptop graduates a startup while the office admits it again: each copy keeps 在孵, and they end alike', async () => {
    const { office, laptop, enterprise, first } = officeAndLaptop();
    // The laptop ends the only incubation it knows: 毕业 there.
    laptop.call('incubations.moveStage', { id: first, stage: 'graduated', date: '2026-11-20' });
    expect(statusOf(laptop, enterprise)).toBe('graduated');
    // Meanwhile the office admits the same enterprise to a second programme: still 在孵, no status write.
    office.call('incubations.create', { enterprise_id: enterprise, stage: 'admitted' });
    expect(statusOf(office, enterprise)).toBe('incubating');

    // The laptop's package carries its 毕业: the office still has an active incubation, so 在孵 stays.
    await send(laptop, office);
    expect(office.db.prepare(DISAGREE).all()).toEqual([]);
    expect(statusOf(office, enterprise)).toBe('incubating');
    // The office's package brings the laptop the admission (and the office's answer).
    await send(office, laptop);
    expect(laptop.db.prepare(DISAGREE).all()).toEqual([]);
    expect(statusOf(laptop, enterprise)).toBe('incubating');
    await send(laptop, office);
    expect(contentHash(office.db)).toBe(contentHash(laptop.db));
    // Merging the same again writes nothing new on either side.
    const again = await send(office, laptop);
    expect(again.applied).toBe(0);
    expect(contentHash(office.db)).toBe(contentHash(laptop.db));
  });

  it('the reverse: the laptop leaves 在孵 by ending its incubation, the office had ended the other one', async () => {
    const { office, laptop, enterprise, first } = officeAndLaptop();
    const second = office.call('incubations.create', { enterprise_id: enterprise, stage: 'incubating' }) as { id: string };
    await send(office, laptop);
    // Each side ends one of the two: on each, the other is still active, so each stays 在孵…
    laptop.call('incubations.moveStage', { id: first, stage: 'terminated', date: '2026-11-10' });
    office.call('incubations.moveStage', { id: second.id, stage: 'graduated', date: '2026-11-20' });
    expect(statusOf(laptop, enterprise)).toBe('incubating');
    expect(statusOf(office, enterprise)).toBe('incubating');
    // …and after the merge neither is active: the enterprise leaves 在孵 (毕业: its latest ended incubation graduated).
    await send(laptop, office);
    expect(office.db.prepare(DISAGREE).all()).toEqual([]);
    expect(statusOf(office, enterprise)).toBe('graduated');
    await send(office, laptop);
    expect(laptop.db.prepare(DISAGREE).all()).toEqual([]);
    expect(statusOf(laptop, enterprise)).toBe('graduated');
    expect(contentHash(office.db)).toBe(contentHash(laptop.db));
  });

  it('a preview (dry run) writes nothing', async () => {
    const { office, laptop, enterprise, first } = officeAndLaptop();
    laptop.call('incubations.moveStage', { id: first, stage: 'graduated', date: '2026-11-20' });
    office.call('incubations.create', { enterprise_id: enterprise, stage: 'admitted' });
    const before = contentHash(office.db);
    const changes = office.db.prepare('SELECT count(*) AS n FROM changes').get();
    const file = tempFile('p.ppsync');
    exportPackage(laptop.context(), file, office.context().clock.site);
    await importSource(office.context(), file, { dryRun: true });
    expect(contentHash(office.db)).toBe(before);
    expect(office.db.prepare('SELECT count(*) AS n FROM changes').get()).toEqual(changes);
  });

  it('a viewer on the office hub writes no status of its own (the hub would refuse it); staff do', async () => {
    for (const role of ['viewer', 'staff'] as const) {
      const { office, laptop, enterprise, first } = officeAndLaptop();
      laptop.call('incubations.moveStage', { id: first, stage: 'graduated', date: '2026-11-20' });
      office.call('incubations.create', { enterprise_id: enterprise, stage: 'admitted' });
      writeHubConfig(office.db, { url: 'postgres://hub/park', login: role, role, person: role, hubDb: 'x', pulled: 0, seen: {}, parkName: null, refused: null, lastSync: null });
      const file = tempFile('p.ppsync');
      exportPackage(laptop.context(), file, office.context().clock.site);
      // The hub link merges with a context without the role guard (sync/merge.ts is the same path).
      const site = office.context().clock.site;
      const own = () => office.db.prepare("SELECT count(*) AS n FROM changes WHERE site = ? AND tbl = 'enterprises'").get(site);
      const before = own();
      await importSource({ ...office.context(), guard: undefined }, file);
      if (role === 'viewer') {
        expect(own()).toEqual(before);
        expect(statusOf(office, enterprise)).toBe('graduated');
      } else {
        expect(own()).not.toEqual(before);
        expect(statusOf(office, enterprise)).toBe('incubating');
      }
    }
  });
});
