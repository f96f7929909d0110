import { describe, expect, it } from 'vitest';
import { ParkCore } from '../../src/core/service';
import { checkout, exportPackage, importSource, reviewItems } from '../../src/core/sync/fieldwork';
import { seededIds } from '../../src/core/util/ids';
import { completeUscc } from '../../src/core/util/uscc';
import { tempFile } from './helpers';

function open(file: string, seed: number, start: number, user: string): ParkCore {
  let t = start;
  return new ParkCore(file, { user, now: () => t++, ids: seededIds(seed, start) });
}

/** An office and a laptop that changed one enterprise's `field` differently: one open review item at the office. */
async function conflictOn(field: 'status' | 'uscc' | 'headcount', officeValue: unknown, laptopValue: unknown) {
  const office = open(tempFile('office.db'), 1, Date.UTC(2026, 10, 21, 9), 'office');
  const e = office.call('enterprises.create', { name: '珠海核对测试有限公司', kind: 'startup', status: 'settled' }) as { id: string };
  const laptopFile = tempFile('laptop.db');
  checkout(office.context(), laptopFile, 'A', null);
  const laptop = open(laptopFile, 2, Date.UTC(2026, 10, 21, 9, 5), 'lisi');
  office.call('enterprises.update', { id: e.id, patch: { [field]: officeValue } });
  laptop.call('enterprises.update', { id: e.id, patch: { [field]: laptopValue } });
  const pkg = tempFile('p.ppsync');
  exportPackage(laptop.context(), pkg, null);
  await importSource(office.context(), pkg);
  const [item] = reviewItems(office.db, 'open');
  return { office, id: e.id, item: item! };
}

describe('resolving a review with another value', () => {
  it('checks the typed value like an edit of the record: a bad one is refused in the user’s language and the item stays open', async () => {
    const { office, id, item } = await conflictOn('status', 'graduated', 'exited');
    const bad = office.invoke('sync.resolve', { id: item.id, choice: 'other', value: 'bogus' }, 'en') as { ok: boolean; error?: { code: string; fields?: { field: string }[] } };
    expect(bad).toMatchObject({ ok: false, error: { code: 'invalid_input', fields: [{ field: 'status' }] } });
    expect(reviewItems(office.db, 'open').map((r) => r.id)).toEqual([item.id]);
    expect(office.call('enterprises.get', { id })).toMatchObject({ status: 'exited' });

    const notNumber = await conflictOn('headcount', 10, 20);
    expect(notNumber.office.invoke('sync.resolve', { id: notNumber.item.id, choice: 'other', value: 'many' })).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
  });

  it('a good value goes through the record’s own rules (credit code cleaned and checked) and settles the item', async () => {
    const { office, id, item } = await conflictOn('headcount', 10, 20);
    expect(office.invoke('sync.resolve', { id: item.id, choice: 'other', value: 15 })).toMatchObject({ ok: true, value: { status: 'resolved', resolution: 'other' } });
    expect(office.call('enterprises.get', { id })).toMatchObject({ headcount: 15 });

    const code = completeUscc('91440400MA4W0031');
    const uscc = await conflictOn('uscc', completeUscc('91440400MA4W0011'), completeUscc('91440400MA4W0021'));
    expect(uscc.office.invoke('sync.resolve', { id: uscc.item.id, choice: 'other', value: `${code.slice(0, -1)}X` })).toMatchObject({ ok: false, error: { code: 'invalid_input', fields: [{ field: 'uscc' }] } });
    uscc.office.call('sync.resolve', { id: uscc.item.id, choice: 'other', value: ` ${code.toLowerCase()} ` });
    expect(uscc.office.call('enterprises.get', { id: uscc.id })).toMatchObject({ uscc: code });
    expect(reviewItems(uscc.office.db, 'open')).toEqual([]);
  });
});
