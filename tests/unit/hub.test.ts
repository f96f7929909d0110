import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ParkCore } from '../../src/core/service';
import { completeUscc } from '../../src/core/util/uscc';
import { postgresAvailable } from '../hub/cluster';
import { PEOPLE, passwordOf, startHub, type TestHub } from '../hub/setup';
import { contentHash } from './sync-helpers';
import { tempFile } from './helpers';

/**
 * The office hub against a real PostgreSQL (Debian's server, a throwaway cluster started here):
 * publish and join, live sync between open desktops, conflicts reviewed alike everywhere, roles
 * enforced by the server itself, and the failures a person must act on.
 */
const enterprise = (name: string, uscc?: string) => ({ name, kind: 'startup' as const, status: 'settled' as const, ...(uscc ? { uscc } : {}) });
const cores: ParkCore[] = [];
function desktop(device: string, options: { sync?: boolean; file?: string } = {}): ParkCore {
  const core = new ParkCore(options.file ?? tempFile(`${device}.db`), { user: device, hubSync: options.sync ?? false });
  core.setSetting('device', device);
  cores.push(core);
  return core;
}
async function until(check: () => boolean, what: string, ms = 60_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

let hub: TestHub;
const connect = (core: ParkCore, login: string, extra: { merge?: boolean } = {}) =>
  core.context().hub!.connect({ url: hub.url(login), password: passwordOf(login), ...extra });

describe.skipIf(!postgresAvailable())('office hub on PostgreSQL', () => {
  beforeAll(async () => {
    hub = await startHub();
  }, 120_000);
  afterAll(async () => {
    for (const c of cores) await c.closeAsync().catch(() => {});
    hub?.stop();
  });

  it('the first desktop publishes its database, a new desktop joins and receives everything, an edit travels both ways', async () => {
    const office = desktop('office-1');
    office.call('pipeline.applyPreset', { preset: 'government' });
    const { id } = office.call('enterprises.create', enterprise('珠海数智科技有限公司', completeUscc('91440400MA4W0001'))) as { id: string };
    office.call('settings.update', { parkName: '横琴大数据产业园' });
    await connect(office, 'director');

    const second = desktop('office-2');
    const status = await connect(second, 'zhang');
    expect(status).toMatchObject({ role: 'staff', person: PEOPLE.zhang!.name, waiting: 0 });
    expect(contentHash(second.db)).toBe(contentHash(office.db));
    expect(second.call('settings.get', {}).parkName).toBe('横琴大数据产业园');

    second.call('enterprises.update', { id, patch: { headcount: 42 } });
    await second.context().hub!.sync();
    await office.context().hub!.sync();
    expect(office.call('enterprises.get', { id })).toMatchObject({ headcount: 42 });
    // The change log names the person signed in on the desktop it was made on.
    const history = office.call('enterprises.history', { id }) as { field: string; user: string; device?: string | null }[];
    expect(history.find((h) => h.field === 'headcount')).toMatchObject({ user: PEOPLE.zhang!.name, device: 'office-2' });
  });

  it('open desktops see each other’s edits within seconds, without a restart', async () => {
    const file = tempFile('live-a.db');
    const a0 = desktop('live-a', { file });
    await connect(a0, 'director');
    const a = desktop('live-a2', { file: tempFile('live-a2.db'), sync: true });
    const b = desktop('live-b', { sync: true });
    await connect(a, 'li');
    await connect(b, 'zhang');
    const events: string[][] = [];
    b.onEvent((e) => events.push(e.tables));
    const { id } = a.call('enterprises.create', enterprise('珠海实时科技有限公司', completeUscc('91440400MA4W0002'))) as { id: string };
    await until(() => !!b.db.prepare('SELECT 1 FROM enterprises WHERE id = ?').get(id), 'the new enterprise on the other desktop');
    // The other desktop's screens are told, so an open grid refetches.
    await until(() => events.some((t) => t.includes('enterprises')), 'a change event');
    expect(b.call('hub.status', {})).toMatchObject({ connected: true, state: 'connected' });
    // Live desktops would go on merging the later tests' pushes in the background: closed here.
    for (const core of [a, b]) {
      cores.splice(cores.indexOf(core), 1);
      await core.closeAsync();
    }
  });

  it('the same field changed on two desktops: one value wins everywhere and both hold the same review item', async () => {
    const a = desktop('conf-a');
    const b = desktop('conf-b');
    await connect(a, 'director');
    await connect(b, 'zhang');
    const { id } = a.call('enterprises.create', enterprise('珠海冲突科技有限公司', completeUscc('91440400MA4W0003'))) as { id: string };
    await a.context().hub!.sync();
    await b.context().hub!.sync();
    a.call('enterprises.update', { id, patch: { headcount: 10 } });
    b.call('enterprises.update', { id, patch: { headcount: 20 } });
    await a.context().hub!.sync();
    await b.context().hub!.sync();
    await a.context().hub!.sync();
    expect(contentHash(a.db)).toBe(contentHash(b.db));
    const items = (core: ParkCore) => (core.call('sync.reviews', { status: 'open' }) as { row_id: string; field: string }[]).filter((r) => r.row_id === id);
    expect(items(a)).toHaveLength(1);
    expect(items(a)).toEqual(items(b));
    // Only an administrator decides it; the staff desktop is told at once.
    const item = items(b)[0] as unknown as { id: string };
    expect(() => b.call('sync.resolve', { id: item.id, choice: 'lost' })).toThrow(/管理员|administrator/);
    a.call('sync.resolve', { id: item.id, choice: 'lost' });
    await a.context().hub!.sync();
    await b.context().hub!.sync();
    expect(items(b)).toHaveLength(0);
    expect(contentHash(a.db)).toBe(contentHash(b.db));
  });

  it('a standalone database joins with “merge”: the same credit code becomes one enterprise', async () => {
    const a = desktop('merge-a');
    await connect(a, 'director');
    const uscc = completeUscc('91440400MA4W0004');
    a.call('enterprises.create', enterprise('珠海合并科技有限公司', uscc));
    await a.context().hub!.sync();
    const standalone = desktop('merge-b');
    standalone.call('enterprises.create', enterprise('珠海合并科技有限公司（分部录入）', uscc));
    await expect(connect(standalone, 'zhang')).rejects.toMatchObject({ code: 'hub_other_park' });
    await connect(standalone, 'zhang', { merge: true });
    await a.context().hub!.sync();
    const live = (core: ParkCore) => core.db.prepare('SELECT count(*) FROM enterprises WHERE uscc = ? AND deleted = 0').pluck().get(uscc);
    expect(live(a)).toBe(1);
    expect(live(standalone)).toBe(1);
    expect(contentHash(a.db)).toBe(contentHash(standalone.db));
  });

  it('a laptop checked out from one desktop returns its package to another; the hub carries it to all', async () => {
    const { checkout, exportPackage, importSource } = await import('../../src/core/sync/fieldwork');
    const a = desktop('lap-a');
    const b = desktop('lap-b');
    await connect(a, 'director');
    await connect(b, 'li');
    const { id } = a.call('enterprises.create', enterprise('珠海外勤科技有限公司', completeUscc('91440400MA4W0005'))) as { id: string };
    await a.context().hub!.sync();
    await b.context().hub!.sync();
    const laptopFile = tempFile('laptop.db');
    checkout(a.context(), laptopFile, 'Laptop Z', '赵外勤');
    const laptop = new ParkCore(laptopFile, { user: '赵外勤' });
    cores.push(laptop);
    laptop.call('enterprises.update', { id, patch: { headcount: 77 } });
    const pkg = tempFile('back.ppsync');
    exportPackage(laptop.context(), pkg, null);
    await importSource(b.context(), pkg);
    await b.context().hub!.sync();
    await a.context().hub!.sync();
    expect(a.call('enterprises.get', { id })).toMatchObject({ headcount: 77 });
    const history = a.call('enterprises.history', { id }) as { field: string; user: string; device?: string | null }[];
    expect(history.find((h) => h.field === 'headcount')).toMatchObject({ user: '赵外勤', device: 'Laptop Z' });
  });

  it('the hub itself refuses what a role may not do (straight to PostgreSQL, not through the app)', async () => {
    const row = (tbl: string, field: string, stamp: string) => [stamp, '0000000000000001', 'x', tbl, 'r1', field, 'null', '"v"'];
    const insert = async (login: string, tbl: string, field = 'name') => {
      const c = await hub.as(login);
      try {
        const stamp = `${new Date().toISOString()}-0000-${'0000000000000001'}`;
        await c.query('BEGIN');
        const { rows } = await c.query("INSERT INTO parkpilot.pushes (site, device, person, seen) VALUES ('0000000000000001', 'psql', null, '{}') RETURNING id");
        await c.query('INSERT INTO parkpilot.changes (push_id, stamp, site, author, tbl, row_id, field, old_value, new_value) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)', [rows[0].id, ...row(tbl, field, stamp)]);
        await c.query('ROLLBACK');
        return 'ok';
      } catch (err) {
        return (err as { code?: string }).code;
      } finally {
        await c.end();
      }
    };
    const setting = async (login: string) => {
      const c = await hub.as(login);
      try {
        await c.query("INSERT INTO parkpilot.settings (key, value) VALUES ('park.name', 'x') ON CONFLICT (key) DO UPDATE SET value = 'x'");
        return 'ok';
      } catch (err) {
        return (err as { code?: string }).code;
      } finally {
        await c.end();
      }
    };
    expect(await insert('official', 'enterprises')).toBe('42501');
    expect(await insert('zhang', 'enterprises')).toBe('ok');
    expect(await insert('zhang', 'targets')).toBe('42501');
    // Anyone's merge may create a review item; deciding one (its status) is an administrator's.
    expect(await insert('zhang', 'review_items', 'kind')).toBe('ok');
    expect(await insert('official', 'review_items', 'kind')).toBe('ok');
    expect(await insert('zhang', 'review_items', 'status')).toBe('42501');
    expect(await insert('director', 'review_items', 'status')).toBe('ok');
    expect(await insert('director', 'targets')).toBe('ok');
    expect(await setting('zhang')).toBe('42501');
    expect(await setting('official')).toBe('42501');
    expect(await setting('director')).toBe('ok');
  });

  it('a viewer reads and exports but cannot write, on the desktop and at the hub', async () => {
    const a = desktop('view-a');
    await connect(a, 'director');
    const v = desktop('view-v');
    await connect(v, 'official');
    // The status names the tables this desktop may not change, so screens grey out their editing.
    expect(v.call('hub.status', {})).toMatchObject({ role: 'viewer', readOnly: expect.arrayContaining(['enterprises', 'leads', 'incubations', 'targets', 'review_items']) });
    expect(a.call('hub.status', {})).toMatchObject({ role: 'admin', readOnly: [] });
    expect(() => v.call('enterprises.create', enterprise('珠海只读科技有限公司'))).toThrow(/只读|viewer/);
    expect(() => v.call('settings.update', { parkName: 'x' })).toThrow(/只读|viewer/);
    // The desktop is handed to a staff member: they sign in on it and sync as themselves.
    await v.context().hub!.disconnect();
    await connect(v, 'li');
    expect(v.call('hub.status', {})).toMatchObject({ role: 'staff', person: PEOPLE.li!.name });
    const staffReadOnly = v.call('hub.status', {}).readOnly;
    expect(staffReadOnly).toEqual(expect.arrayContaining(['plans', 'targets', 'milestones', 'pipeline_stages', 'industries', 'review_items']));
    expect(staffReadOnly).not.toContain('enterprises');
    expect(v.call('enterprises.create', enterprise('珠海交接科技有限公司'))).toHaveProperty('id');
    await v.context().hub!.sync();
    expect(v.call('hub.status', {})).toMatchObject({ waiting: 0 });
  });

  it('says plainly what is wrong: password, server, another park, a newer program', async () => {
    await connect(desktop('err-pub'), 'director'); // publishes when this test runs alone
    const a = desktop('err-a');
    await expect(a.context().hub!.connect({ url: hub.url('zhang'), password: 'wrong' })).rejects.toMatchObject({ code: 'hub_auth' });
    await expect(a.context().hub!.connect({ url: 'postgres://zhang@127.0.0.1:1/postgres', password: 'x' })).rejects.toMatchObject({ code: 'hub_unreachable' });
    await expect(a.context().hub!.connect({ url: 'http://example', password: 'x' })).rejects.toMatchObject({ code: 'hub_bad_url' });
    a.call('enterprises.create', enterprise('珠海别园科技有限公司'));
    await expect(connect(a, 'zhang')).rejects.toMatchObject({ code: 'hub_other_park' });
    const su = await hub.as();
    try {
      await su.query("UPDATE parkpilot.meta SET value = '9999_future' WHERE key = 'migration'");
      const b = desktop('err-b');
      await expect(connect(b, 'zhang')).rejects.toMatchObject({ code: 'hub_newer', params: { detail: '9999_future' } });
    } finally {
      await su.query("UPDATE parkpilot.meta SET value = $1 WHERE key = 'migration'", [(await import('../../src/core/db/migrations')).migrations.at(-1)!.id]);
      await su.end();
    }
    // A desktop whose clock runs an hour ahead: the server refuses its changes, and the person is told why.
    const ahead = new ParkCore(tempFile('ahead.db'), { user: 'ahead', now: () => Date.now() + 3_600_000 });
    cores.push(ahead);
    const { id } = ahead.call('enterprises.create', enterprise('珠海快钟科技有限公司')) as { id: string };
    expect(id).toBeTruthy();
    await expect(connect(ahead, 'director', { merge: true })).rejects.toMatchObject({ code: 'hub_clock_ahead' });
    // Nothing here changed: still a standalone database.
    expect(a.call('hub.status', {})).toMatchObject({ state: 'off', url: null });
  });
});
