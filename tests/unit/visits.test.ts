import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ParkCore } from '../../src/core/service';
import { checkout, exportPackage, importSource } from '../../src/core/sync/fieldwork';
import { decodePackage, encodePackage } from '../../src/core/sync/package';
import { MAX_ATTACHMENT_BYTES, sha256 } from '../../src/core/visits/blobs';
import { completeUscc } from '../../src/core/util/uscc';
import { seededIds } from '../../src/core/util/ids';
import { contentHash } from './sync-helpers';
import { tempFile } from './helpers';

function open(file: string, seed: number, start: number, user: string): ParkCore {
  let t = start;
  return new ParkCore(file, { user, now: () => t++, ids: seededIds(seed, start) });
}

function officeAndLaptop() {
  const office = open(tempFile('office.db'), 1, Date.UTC(2026, 10, 21, 9), 'office');
  const e = office.call('enterprises.create', { name: '珠海走访科技有限公司', kind: 'startup', status: 'settled', uscc: completeUscc('91440400MA4W0009') }) as { id: string };
  const laptopFile = tempFile('laptop.db');
  checkout(office.context(), laptopFile, '外勤笔记本 B', '李四');
  const laptop = open(laptopFile, 2, Date.UTC(2026, 10, 21, 9, 5), 'lisi');
  return { office, laptop, laptopFile, id: e.id };
}

/** Uploads bytes the way the shells do (a file in the temp folder, known to the core by a token). */
function upload(core: ParkCore, name: string, bytes: Buffer): string {
  const path = tempFile(name);
  writeFileSync(path, bytes);
  return core.files.register(path, name);
}

const blobCount = (core: ParkCore) => (core.db.prepare('SELECT count(*) AS n FROM blobs').get() as { n: number }).n;

describe('visits, attachments and requests', () => {
  it('a visit with a photo and a request; the same file attached twice is stored once; too large is refused in the user’s language', () => {
    const { office, id } = officeAndLaptop();
    const visit = office.call('visits.create', { enterprise_id: id, date: '2026-11-20', purpose: '了解扩租需求', notes: '二期厂房' }) as { id: string };
    const photo = randomBytes(2048);
    office.call('attachments.add', { visit_id: visit.id, file: upload(office, 'site.jpg', photo) });
    office.call('attachments.add', { visit_id: visit.id, file: upload(office, 'again.jpg', photo) });
    expect(blobCount(office)).toBe(1);
    const [v] = office.call('visits.of', { enterprise_id: id });
    expect(v!.attachments.map((a) => [a.name, a.mime, a.size, a.hash])).toEqual([
      ['site.jpg', 'image/jpeg', 2048, sha256(photo)],
      ['again.jpg', 'image/jpeg', 2048, sha256(photo)],
    ]);
    expect(office.call('attachments.preview', { id: v!.attachments[0]!.id })).toBe(`data:image/jpeg;base64,${photo.toString('base64')}`);

    const big = upload(office, 'huge.png', Buffer.alloc(MAX_ATTACHMENT_BYTES + 1));
    const zh = office.invoke('attachments.add', { visit_id: visit.id, file: big }) as { ok: false; error: { code: string; message: string } };
    expect(zh.error).toMatchObject({ code: 'attachment_too_large', message: expect.stringContaining('超过每个文件 10 MB 的上限') });
    const en = office.invoke('attachments.add', { visit_id: visit.id, file: big }, 'en') as { ok: false; error: { message: string } };
    expect(en.error.message).toContain('over the limit of 10 MB per file');

    const r = office.call('requests.create', { enterprise_id: id, visit_id: visit.id, text: '希望协调增加停车位' }) as { id: string; status: string };
    expect(r.status).toBe('open');
    office.call('requests.update', { id: r.id, patch: { status: 'in_progress' } });
    expect(office.call('requests.summary', {})).toMatchObject({ open: 0, in_progress: 1, resolved: 0, pending: [{ id: r.id, enterprise_name: '珠海走访科技有限公司', day: '2026-11-20' }] });
    expect(office.invoke('requests.update', { id: r.id, patch: { status: 'done' } })).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    expect(office.invoke('visits.create', { date: '2026-11-20' })).toMatchObject({ ok: false, error: { code: 'invalid_input', fields: [{ field: 'enterprise_id', code: 'visit_owner' }] } });
  });

  it('a visit by the person working here: the laptop\'s carrier is on the staff list from the checkout, shared by every copy; someone new is added with their visit, once', () => {
    const { office, laptop } = officeAndLaptop();
    const staffNamed = (core: ParkCore, name: string) => core.db.prepare('SELECT id FROM staff WHERE deleted = 0 AND name = ?').all(name) as { id: string }[];
    // The checkout put 李四 on the office's list; a second laptop for the same person adds nobody.
    const [lisi] = staffNamed(office, '李四');
    expect(lisi).toBeDefined();
    checkout(office.context(), tempFile('laptop-2.db'), '外勤笔记本 C', ' 李四 ');
    expect(staffNamed(office, '李四')).toHaveLength(1);
    // On the laptop the carrier is who visits are by.
    expect(laptop.call('visits.visitor', {})).toEqual({ name: '李四', staffId: lisi!.id });

    // At the office, a person not on the list yet: added with the first visit, found for the next.
    const e = office.call('enterprises.create', { name: '珠海新人科技有限公司', kind: 'startup', status: 'settled' }) as { id: string };
    office.call('settings.update', { currentUser: '王五' });
    expect(office.call('visits.visitor', {})).toEqual({ name: '王五', staffId: null });
    const first = office.call('visits.create', { enterprise_id: e.id, date: '2026-11-20', by_visitor: true }) as unknown as { staff_id: string; staff_name: string };
    expect(first.staff_name).toBe('王五');
    const second = office.call('visits.create', { enterprise_id: e.id, date: '2026-11-21', by_visitor: true }) as { staff_id: string };
    expect(second.staff_id).toBe(first.staff_id);
    expect(staffNamed(office, '王五')).toHaveLength(1);
    expect(office.call('visits.visitor', {})).toEqual({ name: '王五', staffId: first.staff_id });

    // Nobody named here: a clear refusal, and neither a visit nor a staff member is stored.
    office.call('settings.update', { currentUser: '' });
    const visits = () => (office.db.prepare('SELECT count(*) AS n FROM visits').get() as { n: number }).n;
    const before = visits();
    const refused = office.invoke('visits.create', { enterprise_id: e.id, date: '2026-11-22', by_visitor: true }) as { ok: false; error: { code: string; message: string } };
    expect(refused.error.message).toContain('不知道本机的使用人');
    expect(visits()).toBe(before);
  });

  it('requests are ordered by the day they show (the visit they were raised at), on the Overview and on the enterprise', () => {
    const { office, id } = officeAndLaptop();
    // Logged in the order the office typed them up, not the order of the visits.
    const late = office.call('visits.create', { enterprise_id: id, date: '2026-11-18' }) as { id: string };
    const early = office.call('visits.create', { enterprise_id: id, date: '2026-10-02' }) as { id: string };
    const a = office.call('requests.create', { enterprise_id: id, visit_id: late.id, text: '十一月走访的诉求' }) as { id: string };
    const b = office.call('requests.create', { enterprise_id: id, visit_id: early.id, text: '十月走访的诉求' }) as { id: string };
    // One raised without a visit is dated by its entry (this core's clock: 2026-11-21), after both visits.
    const c = office.call('requests.create', { enterprise_id: id, text: '电话里提出的诉求' }) as { id: string };
    // Oldest open first on the Overview; newest first on the enterprise.
    expect(office.call('requests.summary', {}).pending.map((r) => r.id)).toEqual([b.id, a.id, c.id]);
    expect((office.call('requests.of', { enterprise_id: id }) as { id: string }[]).map((r) => r.id)).toEqual([c.id, a.id, b.id]);
  });

  it('a request is dated by the park\'s calendar: its visit\'s day, else the database\'s today (a demo park\'s last day), never a day to come', () => {
    const { office, id } = officeAndLaptop();
    // A demo park lives on its last day of history; the computer's clock says 2026-11-21.
    office.db.prepare("INSERT INTO settings (key, value) VALUES ('dataset', 'demo'), ('demo.until', '2021-12-31')").run();
    const phoned = office.call('requests.create', { enterprise_id: id, text: '电话里提出的诉求' }) as { id: string; date: string };
    expect(phoned.date).toBe('2021-12-31');
    const visit = office.call('visits.create', { enterprise_id: id, date: '2021-11-02' }) as { id: string };
    expect((office.call('requests.create', { enterprise_id: id, visit_id: visit.id, text: '走访时提出' }) as { date: string }).date).toBe('2021-11-02');
    expect((office.call('requests.create', { enterprise_id: id, text: '上周提出', date: '2021-12-20' }) as { date: string }).date).toBe('2021-12-20');
    const future = office.invoke('requests.create', { enterprise_id: id, text: '明年的诉求', date: '2022-01-01' }, 'zh-CN') as { ok: false; error: { fields: { field: string; message: string }[] } };
    expect(future.error.fields).toEqual([expect.objectContaining({ field: 'date', message: '日期不能晚于今天' })]);
    expect(office.call('requests.summary', {}).pending.map((r) => r.day)).toEqual(['2021-11-02', '2021-12-20', '2021-12-31']);
    const status = office.invoke('requests.update', { id: phoned.id, patch: { status: 'resolved' } }) as { ok: boolean };
    expect(status.ok).toBe(true);
    // Raised at a visit logged for a day after it (visits are dated as they were logged): the visit's day, not refused.
    const later = office.call('visits.create', { enterprise_id: id, date: '2022-01-03' }) as { id: string };
    expect((office.call('requests.create', { enterprise_id: id, visit_id: later.id, text: '随访诉求' }) as { date: string }).date).toBe('2022-01-03');
    // A request entered before requests had a day (no date) still reads by its entry.
    office.db.prepare('UPDATE requests SET date = NULL WHERE id = ?').run(phoned.id);
    expect((office.call('requests.of', { enterprise_id: id }) as { id: string; day: string }[]).find((r) => r.id === phoned.id)!.day).toBe('2026-11-21');
  });

  it('a visit with a photo made on a laptop reaches the office with its content, once, by package or from the laptop file', async () => {
    const { office, laptop, laptopFile, id } = officeAndLaptop();
    const visit = laptop.call('visits.create', { enterprise_id: id, date: '2026-11-21', purpose: '现场走访' }) as { id: string };
    const photo = randomBytes(50_000);
    laptop.call('attachments.add', { visit_id: visit.id, file: upload(laptop, 'gate.png', photo) });
    laptop.call('requests.create', { enterprise_id: id, visit_id: visit.id, text: '需要人才公寓' });

    const file = tempFile('back.ppsync');
    exportPackage(laptop.context(), file, null);
    const pkg = decodePackage(readFileSync(file));
    expect(pkg.manifest.counts).toMatchObject({ blobs: 1 });
    expect([...pkg.blobs.keys()]).toEqual([sha256(photo)]);

    const preview = await importSource(office.context(), file, { dryRun: true });
    expect(preview.newRecords).toBe(3);
    expect(blobCount(office)).toBe(0); // a preview stores nothing

    await importSource(office.context(), file);
    const [v] = office.call('visits.of', { enterprise_id: id });
    expect(v).toMatchObject({ purpose: '现场走访', requests: [{ text: '需要人才公寓', status: 'open' }] });
    const out = office.call('attachments.file', { id: v!.attachments[0]!.id });
    expect(sha256(readFileSync(office.files.get(out.token).path))).toBe(sha256(photo));
    // The same content again, from the laptop's database file: nothing new, still one blob.
    expect(await importSource(office.context(), laptopFile)).toMatchObject({ applied: 0 });
    expect(blobCount(office)).toBe(1);

    // And back: the laptop's answer carries nothing it lacks, and both copies hold the same data.
    const answer = tempFile('answer.ppsync');
    exportPackage(office.context(), answer, laptop.context().clock.site);
    await importSource(laptop.context(), answer);
    expect(contentHash(office.db)).toBe(contentHash(laptop.db));
  });

  it('a package that names an attachment without its content, or with altered content, is refused and changes nothing', async () => {
    const { office, laptop, id } = officeAndLaptop();
    const visit = laptop.call('visits.create', { enterprise_id: id, date: '2026-11-21' }) as { id: string };
    laptop.call('attachments.add', { visit_id: visit.id, file: upload(laptop, 'a.jpg', randomBytes(1000)) });
    const file = tempFile('p.ppsync');
    exportPackage(laptop.context(), file, null);
    const pkg = decodePackage(readFileSync(file));
    const before = contentHash(office.db);
    const refuse = async (bytes: Buffer, code: string) => {
      const f = tempFile('bad.ppsync');
      writeFileSync(f, bytes);
      await expect(importSource(office.context(), f)).rejects.toMatchObject({ code });
      expect(contentHash(office.db)).toBe(before);
      expect(blobCount(office)).toBe(0);
    };
    await refuse(encodePackage({ ...pkg, blobs: new Map() }), 'attachment_missing');
    const [hash] = [...pkg.blobs.keys()];
    await refuse(encodePackage({ ...pkg, blobs: new Map([[hash!, randomBytes(1000)]]) }), 'sync_tampered');
  });

  it('visits and requests of an enterprise created on two devices follow the surviving record', async () => {
    const { office, laptop } = officeAndLaptop();
    const uscc = completeUscc('91440400MA4W0010');
    const a = office.call('enterprises.create', { name: '珠海双录有限公司', kind: 'startup', status: 'settled', uscc }) as { id: string };
    const b = laptop.call('enterprises.create', { name: '珠海双录', kind: 'startup', status: 'settled', uscc }) as { id: string };
    const visit = laptop.call('visits.create', { enterprise_id: b.id, date: '2026-11-21' }) as { id: string };
    const req = laptop.call('requests.create', { enterprise_id: b.id, text: '办公室漏水' }) as { id: string };
    const file = tempFile('p.ppsync');
    exportPackage(laptop.context(), file, null);
    await importSource(office.context(), file);
    const kept = a.id < b.id ? a.id : b.id;
    expect(office.call('visits.get', { id: visit.id })).toMatchObject({ enterprise_id: kept });
    expect(office.call('requests.get', { id: req.id })).toMatchObject({ enterprise_id: kept });
  });
});
