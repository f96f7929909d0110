import { writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { excel } from '../../src/core/imports/exceljs-utf8';
import type { ImportReport } from '../../src/core/imports/importer';
import { seedReference } from '../../src/core/seed/seed';
import type { ParkCore } from '../../src/core/service';
import { completeUscc } from '../../src/core/util/uscc';
import { tempFile, testCore } from './helpers';

// What a real park roster brings to the importer: empty cells, full-width codes, contact and revenue
// columns, the same enterprise twice, columns nobody maps.
const ExcelJS = excel();
const A = completeUscc('91440400MA4UKWXN');
const B = completeUscc('91440400MA4UKWXP');

function freshCore(): ParkCore {
  const core = testCore();
  seedReference(core.context());
  return core;
}

async function importFile(core: ParkCore, path: string, name: string, options: Record<string, unknown> = {}): Promise<ImportReport> {
  const token = core.files.register(path, name);
  const job = core.call('imports.start', { file: token, entity: 'enterprises', mode: 'create', dryRun: false, ...options } as never);
  const done = await core.jobs.wait(job.id);
  if (done.state !== 'done') throw new Error(done.error?.message ?? done.state);
  return done.result as ImportReport;
}

async function xlsxFile(rows: unknown[][], name = 'roster.xlsx'): Promise<string> {
  const path = tempFile(name);
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('花名册');
  for (const r of rows) ws.addRow(r);
  await wb.xlsx.writeFile(path);
  return path;
}

function csvFile(text: string, name = 'roster.csv'): string {
  const path = tempFile(name);
  writeFileSync(path, text);
  return path;
}

describe('rejected rows of an .xlsx roster', () => {
  it('the correction workbook is written when a rejected row has empty cells', async () => {
    const core = freshCore();
    // Row 3 has no credit code and no industry (empty cells in the middle), and a bad type.
    const path = await xlsxFile([
      ['企业名称', '统一社会信用代码', '所属行业', '企业类型', '从业人数'],
      ['好企业', A, '大数据', '初创企业', 5],
      ['坏类型企业', null, null, '巨头', 3],
    ]);
    const r = await importFile(core, path, 'roster.xlsx');
    expect(r.rejected.map((x) => x.row)).toEqual([3]);
    const out = await core.call('imports.rejectedFile', { key: r.batchId! });
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(core.files.get(out!.token).path);
    const ws = wb.worksheets[0]!;
    expect((ws.getRow(2).values as unknown[]).slice(1)).toEqual([3, '坏类型企业', undefined, undefined, '巨头', '3', expect.stringContaining('巨头')]);
  });
});

/** Full-width forms of ASCII, as a Chinese input method types them (Ａ → A, １ → 1), with spaces. */
const fullWidth = (s: string) => [...s].map((ch) => String.fromCharCode(ch.charCodeAt(0) + 0xfee0)).join('');

describe('a real roster: normalised cells, contacts and revenue, repeated rows, unknown columns', () => {
  it('a full-width credit code with spaces is read like the form reads it', async () => {
    const core = freshCore();
    const spaced = `${fullWidth(A.slice(0, 6))} ${fullWidth(A.slice(6, 12))}\u3000${A.slice(12)}`;
    const r = await importFile(core, csvFile(`企业名称,统一社会信用代码,从业人数\n全角企业,${spaced},１２\n`), 'fw.csv');
    expect(r).toMatchObject({ created: 1, rejected: [] });
    expect(core.db.prepare('SELECT uscc, headcount FROM enterprises WHERE name = ?').get('全角企业')).toEqual({ uscc: A, headcount: 12 });
    // The form goes through the same normaliser.
    const made = core.call('enterprises.create', { name: '表单企业', uscc: fullWidth(B.toLowerCase()), kind: 'startup', status: 'settled' });
    expect(made.uscc).toBe(B);
  });

  it('maps 联系人 / 联系电话 / 邮箱 into the contacts and 上年营收 into the previous year\'s revenue', async () => {
    const core = freshCore();
    const text = ['企业名称,联系人,联系电话,邮箱,上年营收（万元）,营业收入', `联系企业,张敏,0756-1234567,zhang@example.cn,120,150`, '无人企业,,,,,'].join('\n');
    const r = await importFile(core, csvFile(text), 'c.csv');
    expect(r).toMatchObject({ created: 2, rejected: [] });
    expect(r.columns.map((c) => c.field)).toEqual(['name', 'contact_name', 'contact_phone', 'contact_email', 'revenue_prev', 'revenue']);
    const row = core.db.prepare('SELECT contacts, revenue_prev, revenue FROM enterprises WHERE name = ?').get('联系企业') as { contacts: string; revenue_prev: number; revenue: number };
    expect(JSON.parse(row.contacts)).toEqual([{ name: '张敏', phone: '0756-1234567', email: 'zhang@example.cn' }]);
    expect([row.revenue_prev, row.revenue]).toEqual([1_200_000, 1_500_000]);
    expect(JSON.parse((core.db.prepare('SELECT contacts FROM enterprises WHERE name = ?').get('无人企业') as { contacts: string }).contacts)).toEqual([]);
    // A phone without a person cannot be a contact: the row says so rather than losing the number.
    const bad = await importFile(core, csvFile('企业名称,联系电话\n只有电话企业,13800000000\n'), 'p.csv');
    expect(bad.rejected[0]!.reasons.join()).toContain('联系人');
    // Updating merges by name: the same person's new phone replaces the old, a new person is added.
    const upd = await importFile(core, csvFile('企业名称,联系人,联系电话\n联系企业,张敏,13900000000\n联系企业,李强,13700000000\n'), 'u.csv', { mode: 'update' });
    expect(upd).toMatchObject({ updated: 2, rejected: [] });
    const contacts = JSON.parse((core.db.prepare('SELECT contacts FROM enterprises WHERE name = ?').get('联系企业') as { contacts: string }).contacts);
    expect(contacts).toEqual([{ name: '张敏', phone: '13900000000', email: 'zhang@example.cn' }, { name: '李强', phone: '13700000000' }]);
  });

  it('in upsert and update mode a later row for the same enterprise updates it; create mode still rejects it', async () => {
    const core = freshCore();
    const text = ['企业名称,统一社会信用代码,从业人数,楼栋', `甲企业,${A},10,`, `甲企业,${A},,A3`, `乙企业,${B},4,`].join('\n');
    const created = await importFile(core, csvFile(text), 'a.csv', { mode: 'create', dryRun: true });
    expect(created.rejected.map((x) => x.row)).toEqual([3]);
    const upsert = await importFile(core, csvFile(text), 'a.csv', { mode: 'upsert' });
    expect(upsert).toMatchObject({ created: 2, updated: 1, rejected: [] });
    expect(core.db.prepare('SELECT headcount, building FROM enterprises WHERE uscc = ?').get(A)).toEqual({ headcount: 10, building: 'A3' });
  });

  it('names every column of the file that is not imported', async () => {
    const core = freshCore();
    const r = await importFile(core, csvFile('企业名称,法定代表人,从业人数,,经营范围\n甲企业,王五,3,,软件开发\n'), 'x.csv', { dryRun: true });
    expect(r.unmapped).toEqual(['法定代表人', '经营范围']);
  });
});

describe('import templates', () => {
  it('each entity has an .xlsx template whose headers the importer maps and whose example row imports', async () => {
    for (const entity of ['enterprises', 'leads', 'incubations'] as const) {
      const core = freshCore();
      if (entity === 'incubations') core.call('enterprises.create', { name: '珠海示例数据科技有限公司', kind: 'startup', status: 'settled' });
      const out = await core.call('imports.template', { entity });
      expect(out.name).toMatch(/\.xlsx$/);
      const path = core.files.get(out.token).path;
      const wb = new ExcelJS.Workbook();
      await wb.xlsx.readFile(path);
      const headers = (wb.worksheets[0]!.getRow(1).values as unknown[]).slice(1);
      expect(headers.length).toBeGreaterThan(5);
      const r = await importFile(core, path, 'template.xlsx', { entity, dryRun: true });
      expect(r.unmapped, entity).toEqual([]);
      expect(r.columns.every((c) => c.field), entity).toBe(true);
      expect(r, entity).toMatchObject({ rows: 1, created: 1, rejected: [] });
    }
  });
});
