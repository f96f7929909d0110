import { createHash } from 'node:crypto';
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { gunzipSync, gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { HybridClock, MAX_CLOCK_AHEAD_MS } from '../../src/core/db/clock';
import { ParkCore } from '../../src/core/service';
import type { AppError } from '../../src/core/errors';
import { checkout, exportPackage, importSource, resolveReview, reviewItems, syncStatus } from '../../src/core/sync/fieldwork';
import { decodePackage, encodePackage } from '../../src/core/sync/package';
import { completeUscc } from '../../src/core/util/uscc';
import { seededIds } from '../../src/core/util/ids';
import { backupDir, listBackups } from '../../src/core/backup/store';
import { contentHash } from './sync-helpers';
import { tempFile } from './helpers';

/** A copy of the park with its own clock (starting at `start`, +1 ms a call) and ids. */
function open(file: string, seed: number, start = Date.UTC(2026, 10, 21, 9), user = `user${seed}`): { core: ParkCore; clock: { t: number } } {
  const clock = { t: start };
  return { core: new ParkCore(file, { user, now: () => clock.t++, ids: seededIds(seed, start) }), clock };
}

const enterprise = (name: string, uscc?: string) => ({ name, kind: 'startup' as const, status: 'settled' as const, ...(uscc ? { uscc } : {}) });

/** The office with one enterprise and a laptop checked out from it. */
function officeAndLaptop() {
  const officeFile = tempFile('office.db');
  const office = open(officeFile, 1);
  office.core.call('pipeline.applyPreset', { preset: 'government' });
  const e = office.core.call('enterprises.create', enterprise('珠海数智科技有限公司', completeUscc('91440400MA4W0001'))) as { id: string };
  const laptopFile = tempFile('laptop.db');
  checkout(office.core.context(), laptopFile, '外勤笔记本 A', '张三');
  const laptop = open(laptopFile, 2, Date.UTC(2026, 10, 21, 9, 5), 'zhangsan');
  return { office, laptop, id: e.id, officeFile, laptopFile };
}

function exchange(from: ParkCore, to: ParkCore, password?: string) {
  const file = tempFile('p.ppsync');
  exportPackage(from.context(), file, to.context().clock.site, password);
  return importSource(to.context(), file, { password });
}

describe('fieldwork sync', () => {
  it('a checkout is a new site that names its office; edits come back and merging twice changes nothing', async () => {
    const { office, laptop, id } = officeAndLaptop();
    expect(laptop.core.context().clock.site).not.toBe(office.core.context().clock.site);
    const status = syncStatus(laptop.core.context());
    expect(status.fieldCopy).toMatchObject({ device: '外勤笔记本 A', person: '张三', officeSite: office.core.context().clock.site });
    // Its one peer is the office: named as the office, with no carrier (the CLI's --json says so too).
    expect(status.peers).toEqual([expect.objectContaining({ site: office.core.context().clock.site, office: true, person: null })]);
    expect(syncStatus(office.core.context()).peers).toEqual([expect.objectContaining({ device: '外勤笔记本 A', office: false, person: '张三' })]);

    laptop.core.call('enterprises.update', { id, patch: { headcount: 42, notes: '走访：扩租意向' } });
    expect(syncStatus(laptop.core.context()).unreturned).toBe(2);
    const pkg = tempFile('back.ppsync');
    exportPackage(laptop.core.context(), pkg, null);
    expect(listBackups(backupDir(office.core.db.name)).filter((b) => b.reason === 'merge')).toEqual([]);
    const first = await importSource(office.core.context(), pkg);
    expect(first).toMatchObject({ applied: 2, fastForward: 2, converged: 0, conflicts: [] });
    // A verified backup of the office database was taken before the merge.
    expect(listBackups(backupDir(office.core.db.name)).filter((b) => b.reason === 'merge')).toEqual([expect.objectContaining({ reason: 'merge' })]);
    expect(office.core.call('enterprises.get', { id })).toMatchObject({ headcount: 42, notes: '走访：扩租意向' });
    const again = await importSource(office.core.context(), pkg);
    expect(again).toMatchObject({ applied: 0, duplicates: 2 });
    const history = office.core.call('enterprises.history', { id });
    // The laptop's edits carry the person it was checked out to (not the office's current-user setting).
    expect(history.find((h) => h.field === 'headcount')).toMatchObject({ user: '张三', new_value: 42 });

    // And the office's answer brings nothing back the laptop already has.
    await exchange(office.core, laptop.core);
    expect(contentHash(office.core.db)).toBe(contentHash(laptop.core.db));
  });

  it('a conflict keeps the clock winner on both sides and records the same review item; resolving it travels', async () => {
    const { office, laptop, id } = officeAndLaptop();
    office.core.call('enterprises.update', { id, patch: { headcount: 10 } }); // 09:00
    laptop.core.call('enterprises.update', { id, patch: { headcount: 20 } }); // 09:05: later, wins
    const atOffice = await exchange(laptop.core, office.core);
    expect(atOffice.conflicts).toEqual([expect.objectContaining({ table: 'enterprises', id, field: 'headcount', kept: 20, lost: 10, lostBy: 'user1' })]);
    // What the laptop lacks now: the office's edit and the review item the merge wrote, two records (of many field changes).
    const toLaptop = syncStatus(office.core.context()).peers[0]!;
    expect(toLaptop.waitingRecords).toBe(2);
    expect(toLaptop.waiting).toBeGreaterThan(2);
    const atLaptop = await exchange(office.core, laptop.core);
    expect(atLaptop.conflicts).toEqual([expect.objectContaining({ field: 'headcount', kept: 20, lost: 10 })]);
    const [officeItem] = reviewItems(office.core.db, 'open');
    const [laptopItem] = reviewItems(laptop.core.db, 'open');
    expect(officeItem!.id).toBe(laptopItem!.id);
    // The value kept names its writer as the lost one does: the laptop's person, its device, its time.
    for (const item of [officeItem!, laptopItem!]) {
      expect(item).toMatchObject({ keptBy: '张三', keptDevice: '外勤笔记本 A', lostBy: 'user1' });
      expect(item.keptAt! > item.lostAt).toBe(true);
    }
    expect(contentHash(office.core.db)).toBe(contentHash(laptop.core.db));

    resolveReview(office.core.context(), officeItem!.id, 'lost');
    expect(office.core.call('enterprises.get', { id })).toMatchObject({ headcount: 10 });
    await exchange(office.core, laptop.core);
    expect(laptop.core.call('enterprises.get', { id })).toMatchObject({ headcount: 10 });
    expect(reviewItems(laptop.core.db, 'open')).toEqual([]);
    expect(reviewItems(laptop.core.db, 'all')[0]).toMatchObject({ status: 'resolved', resolution: 'lost', resolvedBy: 'user1' });
  });

  it('the same enterprise created on two devices becomes one; its references follow; targets count it once', async () => {
    const { office, laptop } = officeAndLaptop();
    const uscc = completeUscc('91440400MA4W0002');
    const a = office.core.call('enterprises.create', { ...enterprise('珠海云谷数据有限公司', uscc), headcount: 5 }) as { id: string };
    const b = laptop.core.call('enterprises.create', { ...enterprise('珠海云谷数据', uscc), headcount: 8 }) as { id: string };
    const lead = laptop.core.call('leads.create', { company: '珠海云谷数据', source: 'referral', stage: 'negotiating', enterprise_id: b.id }) as { id: string };
    const r1 = await exchange(laptop.core, office.core);
    const r2 = await exchange(office.core, laptop.core);
    const kept = a.id < b.id ? a.id : b.id;
    expect(r1.absorbed).toEqual([{ uscc, kept, absorbed: a.id < b.id ? b.id : a.id }]);
    for (const core of [office.core, laptop.core]) {
      const live = core.db.prepare('SELECT id FROM enterprises WHERE uscc = ? AND deleted = 0').all(uscc) as { id: string }[];
      expect(live).toEqual([{ id: kept }]);
      expect((core.call('leads.get', { id: lead.id }) as { enterprise_id: string }).enterprise_id).toBe(kept);
    }
    expect(r1.conflicts.map((c) => c.field).sort()).toEqual(['headcount', 'name']);
    expect(r2.absorbed.length + r1.absorbed.length).toBeGreaterThan(0);
    expect(contentHash(office.core.db)).toBe(contentHash(laptop.core.db));
  });

  it('an edit that meets a deletion stays on the tombstone, and a review item offers to restore it', async () => {
    const { office, laptop, id } = officeAndLaptop();
    office.core.call('enterprises.delete', { id });
    laptop.core.call('enterprises.update', { id, patch: { revenue: 1_000_000 } });
    const atOffice = await exchange(laptop.core, office.core);
    expect(atOffice.deletedEdits).toBe(1);
    const row = office.core.db.prepare('SELECT deleted, revenue FROM enterprises WHERE id = ?').get(id);
    expect(row).toEqual({ deleted: 1, revenue: 1_000_000 });
    // The office's package brings the item itself (by then the office holds the laptop's edit).
    await exchange(office.core, laptop.core);
    const [item] = reviewItems(office.core.db, 'open');
    expect(item).toMatchObject({ kind: 'deleted_edit', row_id: id });
    expect(reviewItems(laptop.core.db, 'open')[0]!.id).toBe(item!.id);
    resolveReview(office.core.context(), item!.id, 'restore');
    expect(office.core.call('enterprises.get', { id })).toMatchObject({ revenue: 1_000_000 });
  });

  it('bad packages are refused with one clear message and the database untouched', async () => {
    const { office, laptop, id } = officeAndLaptop();
    laptop.core.call('enterprises.update', { id, patch: { headcount: 7 } });
    const file = tempFile('x.ppsync');
    exportPackage(laptop.core.context(), file, null, 's3cret');
    const before = contentHash(office.core.db);
    const refuse = async (bytes: Buffer, code: string, password?: string) => {
      const f = tempFile('bad.ppsync');
      writeFileSync(f, bytes);
      await expect(importSource(office.core.context(), f, { password })).rejects.toMatchObject({ code });
      expect(contentHash(office.core.db)).toBe(before);
    };
    const sealed = readFileSync(file);
    await refuse(sealed, 'sync_password_needed');
    await refuse(sealed, 'sync_password', 'wrong');
    const flipped = Buffer.from(sealed);
    flipped[flipped.length - 3]! ^= 1;
    await refuse(flipped, 'sync_password', 's3cret');
    const pkg = decodePackage(sealed, 's3cret');
    await refuse(encodePackage(pkg).subarray(0, 60), 'sync_truncated');
    // Said in the user's language only: no decompressor's English inside the Chinese sentence.
    const cut = tempFile('cut.ppsync');
    writeFileSync(cut, encodePackage(pkg).subarray(0, 60));
    const cutError = (await importSource(office.core.context(), cut, {}).catch((e: unknown) => e)) as AppError;
    expect(cutError.toPayload('zh-CN').message).toBe('同步包不完整或已损坏，请重新导出；数据库未被修改');
    const tampered = encodePackage(pkg);
    const text = gunzipSync(tampered).toString();
    expect(text).toContain(',"7"]');
    // The change lines the merge's classify thread is sent: the file's text after the manifest, as bytes.
    expect(pkg.blobs.size).toBe(0);
    expect(Buffer.from(pkg.changesBytes!).toString('utf8')).toBe(text.slice(text.indexOf('\n') + 1));
    // The same package with one value changed and the old checksum: refused.
    await refuse(gzipSync(Buffer.from(text.replace(',"7"]', ',"70000"]'))), 'sync_tampered');
    // Counts that are not whole numbers, with the checksum made again (a checksum is no signature): refused.
    const [head, ...body] = text.split('\n');
    for (const counts of [{ changes: 0.5, blobs: 0.5 }, { changes: -1, blobs: 2 }]) {
      const manifest = { ...JSON.parse(head!), counts, checksum: undefined };
      const rest = `\n${body.join('\n')}`;
      manifest.checksum = createHash('sha256').update(JSON.stringify({ ...manifest, checksum: undefined })).update(rest).digest('hex');
      await refuse(gzipSync(Buffer.from(JSON.stringify(manifest) + rest)), 'sync_tampered');
    }
    await refuse(encodePackage({ ...pkg, manifest: { ...pkg.manifest, dbId: 'another' } }), 'sync_other_database');
    await refuse(encodePackage({ ...pkg, manifest: { ...pkg.manifest, schema: [...pkg.manifest.schema, '0099_future'] } }), 'sync_newer_version');
    await refuse(encodePackage({ ...pkg, manifest: { ...pkg.manifest, sender: { ...pkg.manifest.sender, site: office.core.context().clock.site } } }), 'sync_own_package');
    const future = pkg.changes.map((c) => ({ ...c, stamp: c.stamp.replace(/^2026-11-21T09/, '2026-11-22T09') }));
    await refuse(encodePackage({ ...pkg, changes: future }), 'sync_clock_ahead');
    // A change whose site is not the one its stamp ends with (a merge finds held changes by site): refused.
    await refuse(encodePackage({ ...pkg, changes: pkg.changes.map((c) => ({ ...c, site: office.core.context().clock.site })) }), 'sync_bad_change');
    // An edit of a record the receiver never had, without the record: refused as incomplete.
    const orphan = { ...pkg.changes[0]!, row_id: '0190c0de-0000-7000-8000-000000000001' };
    await refuse(encodePackage({ ...pkg, changes: [orphan], manifest: { ...pkg.manifest, counts: { changes: 1 } } }), 'sync_incomplete');
    expect((await importSource(office.core.context(), file, { password: 's3cret' })).applied).toBe(1);
  });

  it('a database file copied by hand takes a new site id when opened; the original keeps its own', () => {
    const file = tempFile('orig.db');
    const a = open(file, 1);
    const site = a.core.context().clock.site;
    a.core.close();
    const copy = tempFile('copy.db');
    copyFileSync(file, copy);
    const b = open(copy, 2);
    expect(b.core.context().clock.site).not.toBe(site);
    b.core.close();
    expect(open(file, 1).core.context().clock.site).toBe(site);
  });

  it('the clock: 100,000 local stamps in one millisecond stay unique and ordered; a far-future stamp is refused by the merge', () => {
    const clock = new HybridClock('0123456789abcdef', { millis: 0, counter: 0 }, () => 1_000);
    let last = '';
    let ordered = true;
    for (let i = 0; i < 100_000; i++) {
      const s = clock.tick();
      ordered &&= s > last;
      last = s;
    }
    expect(ordered).toBe(true);
    expect(last.slice(0, 24)).toBe('1970-01-01T00:00:01.001Z');
    expect(MAX_CLOCK_AHEAD_MS).toBe(600_000);
  });

  it('merging straight from the laptop database file works like a package', async () => {
    const { office, laptop, id, laptopFile } = officeAndLaptop();
    laptop.core.call('enterprises.update', { id, patch: { patents: 3 } });
    const report = await importSource(office.core.context(), laptopFile, { dryRun: true });
    expect(report).toMatchObject({ dryRun: true, applied: 1, fastForward: 1 });
    expect(office.core.call('enterprises.get', { id })).toMatchObject({ patents: null });
    await importSource(office.core.context(), laptopFile);
    expect(office.core.call('enterprises.get', { id })).toMatchObject({ patents: 3 });
  });
});
