import { describe, expect, it } from 'vitest';
import { ParkCore } from '../../src/core/service';
import { checkout, exportPackage, importSource, reviewItems } from '../../src/core/sync/fieldwork';
import { completeUscc } from '../../src/core/util/uscc';
import { seededIds } from '../../src/core/util/ids';
import { tempFile } from './helpers';

/** A copy of the park with its own clock (starting at `start`, +1 ms a call) and ids. */
function open(file: string, seed: number, start: number, user = `user${seed}`): ParkCore {
  const clock = { t: start };
  return new ParkCore(file, { user, now: () => clock.t++, ids: seededIds(seed, start) });
}

function exchange(from: ParkCore, to: ParkCore) {
  const file = tempFile('p.ppsync');
  exportPackage(from.context(), file, to.context().clock.site);
  return importSource(to.context(), file);
}

describe('merge: a record merged on two copies', () => {
  it('lists a conflict of the merged record once: not again when the other copy’s merge of the same pair arrives', async () => {
    const officeFile = tempFile('office.db');
    const office = open(officeFile, 1, Date.UTC(2026, 10, 21, 9));
    const laptopA = tempFile('a.db');
    const laptopB = tempFile('b.db');
    checkout(office.context(), laptopA, '外勤笔记本 A', '张三');
    checkout(office.context(), laptopB, '外勤笔记本 B', '李四');
    const a = open(laptopA, 2, Date.UTC(2026, 10, 21, 9, 5), 'zhangsan');
    const b = open(laptopB, 3, Date.UTC(2026, 10, 21, 9, 10), 'lisi');
    const uscc = completeUscc('91440400MA4W0009');
    a.call('enterprises.create', { name: '珠海云谷数据有限公司', kind: 'startup', status: 'settled', uscc, headcount: 5 });
    b.call('enterprises.create', { name: '珠海云谷数据', kind: 'startup', status: 'settled', uscc, headcount: 8 });

    // The office meets both records and merges them: two conflicts (name, headcount), two review items.
    await exchange(a, office);
    const atOffice = await exchange(b, office);
    expect(atOffice.absorbed).toHaveLength(1);
    expect(atOffice.conflicts.map((c) => c.field).sort()).toEqual(['headcount', 'name']);
    const items = reviewItems(office.db, 'open').map((i) => i.id).sort();
    expect(items).toHaveLength(2);

    // Laptop A meets laptop B's record on its own and merges the same pair (its own alias write).
    await exchange(b, a);
    // Back at the office, A's alias write compares the whole group again: the same two conflicts,
    // whose review items the office holds already. Nothing new to review, nothing listed again.
    const again = await exchange(a, office);
    expect(reviewItems(office.db, 'open').map((i) => i.id).sort()).toEqual(items);
    expect(again.reviewItems).toBe(0);
    expect(again.conflicts).toEqual([]);
    for (const core of [office, a, b]) core.close();
  });
});
