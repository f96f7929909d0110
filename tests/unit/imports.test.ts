import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tableRows, worthDeferring } from '../../src/core/db/deferred-indexes';
import { exportGrid } from '../../src/core/exports/grid';
import { neutralise } from '../../src/core/exports/cells';
import { excel } from '../../src/core/imports/exceljs-utf8';
import { openTable, type Cell } from '../../src/core/imports/read';
import { sheetRowEstimate, zipEntries } from '../../src/core/imports/zip';
import { parseDate, parseNumber, parseUscc } from '../../src/core/imports/normalize';
import type { ImportReport } from '../../src/core/imports/importer';
import { seedReference } from '../../src/core/seed/seed';
import type { ParkCore } from '../../src/core/service';
import { completeUscc } from '../../src/core/util/uscc';
import { tempFile, testCore } from './helpers';

// exceljs only through excel(), which first installs the UTF-8-safe reader (see exceljs-utf8.ts).
const ExcelJS = excel();
const A = completeUscc('91440400MA4UKWXN');
const B = completeUscc('91440400MA4UKWXP');
const C = completeUscc('52440400MJ000001');

function freshCore(): ParkCore {
  const core = testCore();
  seedReference(core.context());
  return core;
}

async function importFile(core: ParkCore, path: string, name: string, options: { entity?: string; mode?: string; dryRun?: boolean; headerRow?: number; mapping?: Record<string, string>; overrides?: Record<string, string> } = {}): Promise<ImportReport> {
  const token = core.files.register(path, name);
  const job = core.call('imports.start', { file: token, entity: 'enterprises', mode: 'create', dryRun: false, ...options } as never);
  const done = await core.jobs.wait(job.id);
  if (done.state !== 'done') throw new Error(done.error?.message ?? done.state);
  return done.result as ImportReport;
}

/** A sheet read whole through the importer's streaming reader, row n at index n − 1. */
async function readTable(path: string, name: string, options: { sheet?: string } = {}) {
  const source = await openTable(path, name, options);
  const rows: Cell[][] = [];
  for await (const r of source.rows) {
    while (rows.length < r.row - 1) rows.push([]);
    rows.push(r.cells);
  }
  return { rows, sheet: source.sheet, sheets: source.sheets, encoding: source.encoding };
}

function csvFile(text: string | Buffer, name = 'roster.csv'): string {
  const path = tempFile(name);
  writeFileSync(path, text);
  return path;
}

/** GB18030 bytes for a string, by inverting the platform's decoder over the GBK two-byte range. */
function gbk(text: string): Buffer {
  const table = new Map<string, number[]>();
  const decoder = new TextDecoder('gb18030');
  for (let hi = 0x81; hi <= 0xfe; hi++) for (let lo = 0x40; lo <= 0xfe; lo++) table.set(decoder.decode(Uint8Array.of(hi, lo)), [hi, lo]);
  return Buffer.from([...text].flatMap((ch) => (ch.charCodeAt(0) < 128 ? [ch.charCodeAt(0)] : table.get(ch)!)));
}

describe('reading values the way spreadsheets hold them', () => {
  it('dates: ISO, slashes, Chinese, compact, Excel serials; impossible dates are refused', () => {
    for (const v of ['2016-06-23', '2016/6/23', '2016.06.23', '2016年6月23日', '20160623', 42544, new Date(Date.UTC(2016, 5, 23))]) expect(parseDate(v)).toEqual({ value: '2016-06-23' });
    expect(parseDate('2019-02-29')).toMatchObject({ problem: 'import_date_impossible' });
    expect(parseDate('2020-02-29')).toEqual({ value: '2020-02-29' });
    expect(parseDate('2016-13-01')).toMatchObject({ problem: 'import_date_impossible' });
    expect(parseDate('下个月')).toMatchObject({ problem: 'import_date' });
  });

  it('numbers: thousands separators, units in the cell or the column, whole yuan', () => {
    expect(parseNumber('1,234', {})).toEqual({ value: 1234 });
    expect(parseNumber('1，500.5', { money: 10_000 })).toEqual({ value: 15_005_000 });
    expect(parseNumber('300万', { money: 1 })).toEqual({ value: 3_000_000 });
    expect(parseNumber('1.2亿元', { money: 10_000 })).toEqual({ value: 120_000_000 });
    expect(parseNumber('850 千元', { money: 10_000 })).toEqual({ value: 850_000 });
    expect(parseNumber('120㎡', {})).toEqual({ value: 120 });
    expect(parseNumber('12.5', { integer: true })).toMatchObject({ problem: 'import_integer' });
    expect(parseNumber('约100', {})).toMatchObject({ problem: 'import_number' });
  });

  it('credit codes: a code a spreadsheet turned into a number is refused, never stored', () => {
    expect(parseUscc(914404000000000000)).toMatchObject({ problem: 'import_uscc_number' });
    expect(parseUscc('9.14404E+17')).toMatchObject({ problem: 'import_uscc_number' });
    expect(parseUscc(` ${A.toLowerCase()} `)).toEqual({ value: A });
    const withE = completeUscc('914404007707390E'); // digits, an E, digits: a real code, not 9.14E+96
    expect(parseUscc(withE)).toEqual({ value: withE });
    expect(parseUscc(A.slice(0, 17) + (A[17] === '1' ? '2' : '1'))).toMatchObject({ problem: 'uscc_check' });
  });

  it('CSV encodings: UTF-8 with or without BOM, and GBK/GB18030 detected automatically', async () => {
    expect(await readTable(csvFile('\uFEFF企业名称\n'), 'a.csv')).toMatchObject({ rows: [['企业名称']], encoding: 'utf-8' });
    expect(await readTable(csvFile('企业名称\n'), 'a.csv')).toMatchObject({ rows: [['企业名称']], encoding: 'utf-8' });
    const text = '企业名称,所属行业\n珠海数据科技有限公司,大数据\n';
    expect(await readTable(csvFile(gbk(text)), 'a.csv')).toMatchObject({ rows: [['企业名称', '所属行业'], ['珠海数据科技有限公司', '大数据']], encoding: 'gb18030' });
    // A file longer than one read chunk, with a character split across the chunk boundary.
    const long = '企业名称\n' + Array.from({ length: 200_000 }, (_, i) => `珠海数据${i}`).join('\n');
    const utf8 = await readTable(csvFile(long), 'long.csv');
    expect(utf8.encoding).toBe('utf-8');
    expect(utf8.rows.flat().join('')).not.toContain('\uFFFD');
    expect(utf8.rows.at(-1)).toEqual(['珠海数据199999']);
    const gb = await readTable(csvFile(gbk(long)), 'long.csv');
    expect(gb.encoding).toBe('gb18030');
    expect(gb.rows.at(-1)).toEqual(['珠海数据199999']);
    expect(gb.rows.flat().join('')).not.toContain('\uFFFD');
  });
});

describe('importing a roster', () => {
  it('finds the header below title rows and merged cells in an .xlsx, and maps Chinese headers', async () => {
    const path = tempFile('roster.xlsx');
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('入驻企业');
    ws.addRow(['2020 年园区入驻企业花名册']);
    ws.mergeCells('A1:F1');
    ws.addRow(['填报单位：园区管理办公室']);
    ws.addRow(['企业名称', '统一社会信用代码', '所属行业', '入驻日期', '注册资本（万元）', '从业人数']);
    ws.addRow(['珠海星河数据科技有限公司', A, '大数据', new Date(Date.UTC(2019, 2, 5)), 1500, 42]);
    ws.addRow(['横琴云图智能科技有限公司', B, '人工智能', '2020/1/8', '2,000', '15']);
    wb.addWorksheet('说明').addRow(['本表由园区填写']);
    await wb.xlsx.writeFile(path);
    const core = freshCore();
    const r = await importFile(core, path, 'roster.xlsx');
    expect(r).toMatchObject({ sheet: '入驻企业', sheets: ['入驻企业', '说明'], headerRow: 3, rows: 2, created: 2, rejected: [] });
    expect(r.columns.map((c) => c.field)).toEqual(['name', 'uscc', 'industry', 'entry_date', 'registered_capital', 'headcount']);
    const e = core.db.prepare('SELECT industry, entry_date, registered_capital, headcount, kind, status FROM enterprises WHERE uscc = ?').get(B);
    expect(e).toEqual({ industry: 'ai', entry_date: '2020-01-08', registered_capital: 20_000_000, headcount: 15, kind: 'startup', status: 'settled' });
  });

  it('takes a header row the user names, even when another row looks more like one', async () => {
    const core = freshCore();
    // Row 1 names known fields too (a note above the table); the user says the table starts at row 2.
    const text = ['企业名称说明,统一社会信用代码,从业人数', '企业名称,从业人数', '甲企业,3', '乙企业,4'].join('\n');
    const auto = await importFile(core, csvFile(text), 'h.csv', { dryRun: true });
    expect(auto.headerRow).toBe(1);
    const named = await importFile(core, csvFile(text), 'h.csv', { headerRow: 2 });
    expect(named).toMatchObject({ headerRow: 2, rows: 2, created: 2 });
    expect(core.db.prepare('SELECT name, headcount FROM enterprises ORDER BY name').all()).toEqual([{ name: '乙企业', headcount: 4 }, { name: '甲企业', headcount: 3 }]);
  });

  it('gives every rejected row its spreadsheet row number and reasons', async () => {
    const core = freshCore();
    const path = csvFile(
      ['企业名称,统一社会信用代码,企业类型,入驻日期', `好企业,${A},核心企业,2020-01-01`, `,${B},初创企业,2020-01-02`, `坏代码,${A.slice(0, 17)}0,初创企业,2020-01-03`,
        '数字代码,9.14404E+17,初创企业,2020-01-04', `怪类型,${C},巨头,2020-01-05`, '错日期,,初创企业,2019-02-30'].join('\n'),
    );
    const r = await importFile(core, path, 'roster.csv');
    expect(r.created).toBe(1);
    const byRow = Object.fromEntries(r.rejected.map((x) => [x.row, x.reasons.join(' | ')]));
    expect(Object.keys(byRow)).toEqual(['3', '4', '5', '6', '7']);
    expect(byRow[3]).toContain('缺少企业名称');
    expect(byRow[4]).toMatch(/校验位错误|check character/);
    expect(byRow[5]).toContain('被表格软件转成了数字');
    expect(byRow[6]).toContain('企业类型“巨头”不是可选的值');
    expect(byRow[7]).toContain('入驻日期“2019-02-30”是不存在的日期');
    expect(r.rows).toBe(r.created + r.updated + r.skipped + r.rejected.length);

    // The rejected rows as a workbook to correct: original row number, the cells as they were, the reasons.
    const out = await core.call('imports.rejectedFile', { key: r.batchId! });
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(core.files.get(out!.token).path);
    const ws = wb.worksheets[0]!;
    expect(ws.name).toBe('未导入行');
    expect((ws.getRow(1).values as unknown[]).slice(1)).toEqual(['原行号', '企业名称', '统一社会信用代码', '企业类型', '入驻日期', '原因']);
    expect(ws.rowCount).toBe(6);
    expect((ws.getRow(3).values as unknown[]).slice(1)).toEqual([4, '坏代码', `${A.slice(0, 17)}0`, '初创企业', '2020-01-03', byRow[4]!.replace(' | ', '；')]);
    expect((ws.getRow(4).values as unknown[]).slice(1, 3)).toEqual([5, '数字代码']);
  });

  it('dedupes by credit code then name, in the file and against the database, by mode', async () => {
    const core = freshCore();
    core.call('enterprises.create', { name: '已有企业', uscc: A, kind: 'startup', status: 'settled', headcount: 5 });
    const text = ['企业名称,统一社会信用代码,从业人数', `已有企业（新名称）,${A},50`, `新企业,${B},8`, `新企业重复,${B},9`, '无代码企业,,3', '无代码企业,,4'].join('\n');
    const dry = await importFile(core, csvFile(text), 'r.csv', { mode: 'create', dryRun: true });
    expect([dry.created, dry.updated, dry.skipped, dry.rejected.length]).toEqual([2, 0, 1, 2]);
    expect(dry.rejected.map((x) => x.row)).toEqual([4, 6]); // same code as row 3; same name as row 5
    expect(core.db.prepare('SELECT count(*) AS n FROM enterprises').get()).toEqual({ n: 1 }); // a dry run writes nothing
    const update = await importFile(core, csvFile(text), 'r.csv', { mode: 'update', dryRun: true });
    expect([update.created, update.updated, update.skipped]).toEqual([0, 1, 4]);
    // Upsert: a later row for a record an earlier row wrote updates it (rows 4 and 6), not rejected.
    const upsert = await importFile(core, csvFile(text), 'r.csv', { mode: 'upsert' });
    expect([upsert.created, upsert.updated, upsert.skipped, upsert.rejected.length]).toEqual([2, 3, 0, 0]);
    expect(core.db.prepare('SELECT name, headcount FROM enterprises WHERE uscc = ?').get(B)).toEqual({ name: '新企业重复', headcount: 9 });
    expect(core.db.prepare('SELECT name, headcount FROM enterprises WHERE uscc = ?').get(A)).toEqual({ name: '已有企业（新名称）', headcount: 50 });
  });

  it('lists the rows that match existing records, and takes a choice per row over the file\'s mode', async () => {
    const core = freshCore();
    core.call('enterprises.create', { name: '甲企业', uscc: A, kind: 'startup', status: 'settled', headcount: 5 });
    core.call('enterprises.create', { name: '乙企业', kind: 'startup', status: 'settled', headcount: 6 });
    const text = ['企业名称,统一社会信用代码,从业人数', `甲企业新名,${A},50`, '乙企业,,60', `丙企业,${B},7`].join('\n');
    const dry = await importFile(core, csvFile(text), 'm.csv', { mode: 'upsert', dryRun: true });
    expect(dry.matches).toEqual([
      { row: 2, name: '甲企业新名', existing: '甲企业', action: 'update' },
      { row: 3, name: '乙企业', existing: '乙企业', action: 'update' },
    ]);
    // Row 2 is skipped this time and row 3 still updated, whatever the file's mode says.
    const chosen = await importFile(core, csvFile(text), 'm.csv', { mode: 'upsert', overrides: { '2': 'skip' } });
    expect([chosen.created, chosen.updated, chosen.skipped]).toEqual([1, 1, 1]);
    expect(chosen.matches[0]).toMatchObject({ row: 2, action: 'skip', chosen: 'skip' });
    expect(core.db.prepare('SELECT name, headcount FROM enterprises ORDER BY name').all()).toEqual([
      { name: '丙企业', headcount: 7 }, { name: '乙企业', headcount: 60 }, { name: '甲企业', headcount: 5 },
    ]);
  });

  it('reverts an import in one step: created rows go, updated fields come back', async () => {
    const core = freshCore();
    const existing = core.call('enterprises.create', { name: '已有企业', uscc: A, kind: 'startup', status: 'settled', headcount: 5 });
    const r = await importFile(core, csvFile(`企业名称,统一社会信用代码,从业人数\n已有企业,${A},60\n另一家,${B},7\n`), 'r.csv', { mode: 'upsert' });
    expect([r.created, r.updated]).toEqual([1, 1]);
    const reverted = core.call('imports.revert', { batchId: r.batchId! });
    expect(reverted).toEqual({ deleted: 1, restored: 1 });
    expect(core.db.prepare('SELECT headcount FROM enterprises WHERE id = ?').get(existing.id)).toEqual({ headcount: 5 });
    expect(core.db.prepare('SELECT count(*) AS n FROM enterprises WHERE deleted = 0').get()).toEqual({ n: 1 });
    expect(() => core.call('imports.revert', { batchId: r.batchId! })).toThrow(/already reverted/);
  });

  it('a large import rebuilds the secondary indexes once: same schema after, same rows findable by index', async () => {
    const core = freshCore();
    const schema = () => core.db.prepare("SELECT type, name, sql FROM sqlite_master WHERE tbl_name = 'enterprises' ORDER BY name").all();
    const before = schema();
    const lines = ['企业名称,所属行业,入驻日期,注册资本（万元）'];
    for (let i = 0; i < 2500; i++) lines.push(`批量企业${i},${i % 2 ? '大数据' : '云计算'},2020-${String(1 + (i % 12)).padStart(2, '0')}-15,${i}`);
    const dry = await importFile(core, csvFile(lines.join('\n')), 'bulk.csv', { dryRun: true });
    expect(dry.created).toBe(2500);
    expect(schema()).toEqual(before);
    expect(core.db.prepare('SELECT count(*) AS n FROM enterprises').get()).toEqual({ n: 0 });
    const r = await importFile(core, csvFile(lines.join('\n')), 'bulk.csv');
    expect(r.created).toBe(2500);
    expect(schema()).toEqual(before);
    expect(core.db.pragma('integrity_check')).toEqual([{ integrity_check: 'ok' }]);
    const plan = core.db.prepare("EXPLAIN QUERY PLAN SELECT id FROM enterprises WHERE deleted = 0 AND registered_capital > 24000000").all() as { detail: string }[];
    expect(plan.map((p) => p.detail).join()).toContain('enterprises_capital');
    expect(core.db.prepare('SELECT count(*) AS n FROM enterprises WHERE deleted = 0 AND registered_capital > 24000000').get()).toEqual({ n: 99 });
    // Rebuilding sorts the whole table: only a load that at least doubles it defers its indexes.
    expect(tableRows(core.db, 'enterprises')).toBe(2500);
    expect(worthDeferring(0, 1_999)).toBe(false);
    expect(worthDeferring(tableRows(core.db, 'leads'), 2_000)).toBe(true);
    expect(worthDeferring(2_500, 2_400)).toBe(false);
    expect(worthDeferring(2_500, 2_500)).toBe(true);
  });

  it('a long import shows progress while it writes, answers reads from before it, refuses other writes, and can be cancelled', async () => {
    const core = freshCore();
    core.call('enterprises.create', { name: '已在园企业', kind: 'startup', status: 'settled' });
    const lines = ['企业名称,入驻日期'];
    for (let i = 0; i < 5000; i++) lines.push(`长导入企业${i},2021-03-01`);
    const token = core.files.register(csvFile(lines.join('\n')), 'long.csv');
    const job = core.call('imports.start', { file: token, entity: 'enterprises', mode: 'create', dryRun: false });
    const status = () => core.invoke('jobs.status', { id: job.id }) as { ok: true; value: { state: string; done: number; total: number } };
    // Until the write phase has begun (or the job ended without it, which the expectations below report).
    while (!(core.db.inTransaction && status().value.done > 0) && status().value.state === 'running') await new Promise((r) => setImmediate(r));
    expect(core.db.inTransaction).toBe(true); // between two chunks of the write phase
    expect(status().value.state).toBe('running');
    expect(status().value.done).toBeGreaterThan(0);
    expect(status().value.done).toBeLessThan(status().value.total);
    expect(core.invoke('enterprises.create', { name: '插队企业', kind: 'startup', status: 'settled' }, 'zh-CN')).toMatchObject({ ok: false, error: { code: 'busy', message: '正在导入数据，请稍候再试' } });
    // Reads are answered meanwhile, from the database as it was before the import began.
    expect(core.invoke('enterprises.rows', { startRow: 0, endRow: 100, sortModel: [], filterModel: {} })).toMatchObject({ ok: true, value: { count: 1, rows: [{ name: '已在园企业' }] } });
    expect(core.invoke('search.query', { q: '长导入' })).toMatchObject({ ok: true, value: [] });
    expect(core.invoke('dashboard.overview', {})).toMatchObject({ ok: true });
    core.call('jobs.cancel', { id: job.id });
    expect((await core.jobs.wait(job.id)).state).toBe('cancelled');
    expect(core.db.inTransaction).toBe(false);
    expect(core.db.prepare('SELECT count(*) AS n FROM enterprises').get()).toEqual({ n: 1 });
    expect(core.call('enterprises.create', { name: '现在可以了', kind: 'startup', status: 'settled' })).toMatchObject({ name: '现在可以了' });
  });

  it('an .xlsx import reports progress by rows (its sheet arrives whole before the first row)', async () => {
    const core = freshCore();
    const path = tempFile('progress.xlsx');
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('企业');
    ws.addRow(['企业名称', '入驻日期']);
    for (let i = 0; i < 5000; i++) ws.addRow([`进度企业${i}`, '2021-03-01']);
    await wb.xlsx.writeFile(path);
    const job = core.call('imports.start', { file: core.files.register(path, 'progress.xlsx'), entity: 'enterprises', mode: 'create', dryRun: true });
    const seen: number[] = [];
    while (core.jobs.status(job.id).state === 'running') {
      const { done, total } = core.jobs.status(job.id);
      if (total > 1 && done > 0 && seen.at(-1) !== done / total) seen.push(done / total);
      await new Promise((r) => setImmediate(r));
    }
    expect((await core.jobs.wait(job.id)).state).toBe('done');
    expect(seen[0]).toBeLessThan(0.5);
    expect(seen.length).toBeGreaterThanOrEqual(4);
    expect([...seen].sort((a, b) => a - b)).toEqual(seen);
    // Cancelled before its first row, while the sheet is still being unpacked: nothing is written.
    const again = core.call('imports.start', { file: core.files.register(path, 'progress.xlsx'), entity: 'enterprises', mode: 'create', dryRun: false });
    await new Promise((r) => setTimeout(r, 5));
    core.call('jobs.cancel', { id: again.id });
    expect((await core.jobs.wait(again.id)).state).toBe('cancelled');
    expect(core.db.prepare('SELECT count(*) AS n FROM enterprises').get()).toEqual({ n: 0 });
  });

  it('estimates an .xlsx sheet\'s rows from its head: the declared dimension, or the size of the rows seen', async () => {
    const rows = (path: string) => sheetRowEstimate(path, zipEntries(path, statSync(path).size).find((e) => e.name === 'xl/worksheets/sheet1.xml')!);
    const plain = tempFile('plain.xlsx');
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('企业');
    for (let i = 0; i <= 3000; i++) ws.addRow([`估算企业${i}`, i, '2021-03-01']);
    await wb.xlsx.writeFile(plain);
    expect(rows(plain)).toBe(3001);
    // exceljs's streaming writer, like ParkPilot's own export, declares no dimension.
    const streamed = tempFile('streamed.xlsx');
    const writer = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: streamed });
    const sheet = writer.addWorksheet('企业');
    for (let i = 0; i <= 3000; i++) sheet.addRow([`估算企业${i}`, i, '2021-03-01']).commit();
    await writer.commit();
    expect(rows(streamed)).toBeGreaterThan(2700);
    expect(rows(streamed)).toBeLessThan(3300);
  });

  it('two imports started together run one after the other, both complete', async () => {
    const core = freshCore();
    const file = (prefix: string) => {
      const lines = ['企业名称'];
      for (let i = 0; i < 2500; i++) lines.push(`${prefix}${i}`);
      return core.files.register(csvFile(lines.join('\n')), `${prefix}.csv`);
    };
    const first = core.call('imports.start', { file: file('甲批次'), entity: 'enterprises', mode: 'create', dryRun: false });
    const second = core.call('imports.start', { file: file('乙批次'), entity: 'enterprises', mode: 'create', dryRun: false });
    const [a, b] = await Promise.all([core.jobs.wait(first.id), core.jobs.wait(second.id)]);
    expect([a.state, b.state]).toEqual(['done', 'done']);
    expect(core.db.prepare('SELECT count(*) AS n FROM enterprises WHERE deleted = 0').get()).toEqual({ n: 5000 });
  });

  it('remembers a corrected column mapping for the next file', async () => {
    const core = freshCore();
    const text = `公司,代码编号,员工\n甲公司,${A},3\n`;
    const first = await importFile(core, csvFile(text), 'a.csv', { dryRun: true });
    expect(first.columns.map((c) => c.field)).toEqual(['name', '', '']);
    await importFile(core, csvFile(text), 'a.csv', { mapping: { '1': 'uscc', '2': 'headcount' } });
    const next = await importFile(core, csvFile(`公司,代码编号,员工\n乙公司,${B},4\n`), 'b.csv', { dryRun: true });
    expect(next.columns.map((c) => c.field)).toEqual(['name', 'uscc', 'headcount']);
  });

  it('reads Chinese text intact in a large .xlsx (characters split between stream chunks)', async () => {
    const path = tempFile('big.xlsx');
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('企业');
    ws.addRow(['企业名称', '所属行业']);
    for (let i = 0; i < 4000; i++) ws.addRow([`珠海横琴数据智能科技有限公司第${i}号`, '软件和信息技术服务']);
    await wb.xlsx.writeFile(path);
    const table = await readTable(path, 'big.xlsx');
    const text = table.rows.flat().join('');
    expect(text).not.toContain('\uFFFD');
    expect(table.rows[4000]).toEqual(['珠海横琴数据智能科技有限公司第3999号', '软件和信息技术服务']);
  });

  it('reads a legacy .xls saved by LibreOffice: title row, Chinese text, date cells, chosen sheet', async () => {
    // tests/fixtures/roster-libreoffice.xls: BIFF8 written by LibreOffice Calc ("MS Excel 97" filter).
    const fixture = resolve(__dirname, '../fixtures/roster-libreoffice.xls');
    const core = freshCore();
    const r = await importFile(core, fixture, 'roster-libreoffice.xls');
    expect(r).toMatchObject({ sheet: '在园企业名册', sheets: ['在园企业名册', '说明'], headerRow: 2, rows: 3, created: 2 });
    expect(r.rejected).toEqual([{ row: 5, reasons: [expect.stringMatching(/组织机构代码）校验不通过/)] }]);
    const rows = core.db.prepare('SELECT name, uscc, industry, entry_date, registered_capital, headcount FROM enterprises ORDER BY entry_date').all();
    expect(rows).toEqual([
      { name: '珠海旧表试验数据有限公司', uscc: '91440400MA5KQ7A17J', industry: 'bigdata', entry_date: '2016-06-23', registered_capital: 15_005_000, headcount: 42 },
      { name: '横琴旧表试验云算有限公司', uscc: '91440400MA5KQ7B21N', industry: 'cloud', entry_date: '2019-01-08', registered_capital: 3_000_000, headcount: 12 },
    ]);
    expect((await readTable(fixture, 'roster-libreoffice.xls', { sheet: '说明' })).rows).toEqual([['本表由园区办公室维护']]);
    await expect(readTable(fixture, 'roster-libreoffice.xls', { sheet: '没有' })).rejects.toThrow(/没有|no sheet/);
  });

  it('refuses a damaged .xls with a clear message, and a zip bomb before expanding it', async () => {
    const core = freshCore();
    const damaged = tempFile('damaged.xls');
    writeFileSync(damaged, Buffer.concat([Buffer.from('d0cf11e0a1b11ae1', 'hex'), Buffer.alloc(600, 7)]));
    await expect(importFile(core, damaged, 'damaged.xls')).rejects.toThrow(/无法识别的文件|Unrecognised file/);
    const bomb = tempFile('bomb.xlsx');
    // A zip whose central directory declares a 2 GB entry compressed into a few bytes.
    const name = Buffer.from('xl/worksheets/sheet1.xml');
    const central = Buffer.alloc(46 + name.length);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt32LE(100, 20);
    central.writeUInt32LE(2_000_000_000, 24);
    central.writeUInt16LE(name.length, 28);
    name.copy(central, 46);
    const end = Buffer.alloc(22);
    end.writeUInt32LE(0x06054b50, 0);
    end.writeUInt16LE(1, 10);
    end.writeUInt32LE(central.length, 12);
    end.writeUInt32LE(0, 16);
    writeFileSync(bomb, Buffer.concat([central, end]));
    await expect(readTable(bomb, 'bomb.xlsx')).rejects.toThrow(/zip bomb/);
  });
});

describe('exporting', () => {
  it('a long .xlsx export reports progress as it goes, reads one snapshot, and edits go on meanwhile', async () => {
    const core = freshCore();
    const lines = ['企业名称,入驻日期,注册资本（万元）'];
    for (let i = 0; i < 12_000; i++) lines.push(`导出企业${i},2021-03-01,${i}`);
    expect((await importFile(core, csvFile(lines.join('\n')), 'many.csv')).created).toBe(12_000);
    const job = core.call('exports.start', { view: 'enterprises', filterModel: {}, sortModel: [], format: 'xlsx' });
    let midway: { done: number; total: number } | null = null;
    let write: unknown = null;
    const poll = setInterval(() => {
      const s = core.jobs.status(job.id);
      if (!midway && s.state === 'running' && s.done > 0 && s.done < s.total) {
        midway = { done: s.done, total: s.total };
        write = core.invoke('enterprises.create', { name: '导出时新建', kind: 'startup', status: 'settled' }, 'zh-CN');
      }
    }, 1);
    const done = await core.jobs.wait(job.id);
    clearInterval(poll);
    expect(done.state).toBe('done');
    expect(midway).toMatchObject({ done: 5_000, total: 12_000 }); // seen while the rows were still being written
    expect(write).toMatchObject({ ok: true, value: { name: '导出时新建' } });
    expect(done.result).toMatchObject({ rows: 12_000 });
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(core.files.get((done.result as { token: string }).token).path);
    expect(wb.worksheets[0]!.rowCount).toBe(12_001); // the header and the rows as they were when it began
  });

  it('neutralises formula-like text (and full-width forms); the importer takes the apostrophe off', async () => {
    expect(['=SUM(A1)', '+1', '-2', '@x', '\tx', '＝1', 'ok'].map(neutralise)).toEqual(["'=SUM(A1)", "'+1", "'-2", "'@x", "'\tx", "'＝1", 'ok']);
    const core = freshCore();
    core.call('enterprises.create', { name: '=HYPERLINK("http://x")', kind: 'startup', status: 'settled' });
    const path = tempFile('e.csv');
    await exportGrid(core.db, { view: 'enterprises', format: 'csv', filterModel: {}, sortModel: [] }, path, 'zh-CN');
    const text = readFileSync(path, 'utf8');
    expect(text.startsWith('\uFEFF企业名称,')).toBe(true);
    expect(text).toContain(`"'=HYPERLINK(""http://x"")"`);
  });

  it('writes a real workbook: bold frozen header, 万元 as numbers, dates as dates, CJK widths', async () => {
    const core = freshCore();
    core.call('enterprises.create', { name: '珠海星河数据科技有限公司', uscc: A, kind: 'core', status: 'settled', registered_capital: 15_000_000, entry_date: '2019-03-05' });
    const path = tempFile('e.xlsx');
    await exportGrid(core.db, { view: 'enterprises', format: 'xlsx', filterModel: {}, sortModel: [] }, path, 'zh-CN');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(path);
    const ws = wb.worksheets[0]!;
    expect(ws.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
    expect(ws.getRow(1).font?.bold).toBe(true);
    const header = (ws.getRow(1).values as string[]).slice(1);
    const cell = (h: string) => ws.getRow(2).getCell(header.indexOf(h) + 1);
    expect(cell('注册资本（万元）').value).toBe(1500);
    expect(cell('注册资本（万元）').numFmt).toContain('万元');
    expect(cell('入驻日期').value).toEqual(new Date(Date.UTC(2019, 2, 5)));
    expect(cell('企业类型').value).toBe('核心企业');
    expect(ws.getColumn(header.indexOf('企业名称') + 1).width).toBeGreaterThanOrEqual(26); // 12 CJK characters
  });

  it('round trip: export, then import into an empty database, gives the same records', async () => {
    const source = freshCore();
    source.call('enterprises.create', { name: '甲数据科技有限公司', uscc: A, industry: 'bigdata', kind: 'core', status: 'settled', entry_date: '2019-03-05', registered_capital: 12_345_600, headcount: 12, area_m2: 350.5, notes: '=危险公式' });
    source.call('enterprises.create', { name: '乙团队', industry: 'ai', kind: 'startup', status: 'graduated', revenue: 800_000, exit_date: null });
    source.call('enterprises.create', { name: '丙服务机构', uscc: C, kind: 'service', status: 'exited', entry_date: '2018-01-01', exit_date: '2020-06-30', tax: 10_000 });
    const columns = 'name, uscc, industry, kind, status, building, unit, area_m2, entry_date, exit_date, founded_date, registered_capital, headcount, revenue, revenue_prev, tax, rd_spend, patents, software_copyrights, notes';
    const records = (core: ParkCore) => core.db.prepare(`SELECT ${columns} FROM enterprises WHERE deleted = 0 ORDER BY name`).all();
    for (const format of ['xlsx', 'csv'] as const) {
      const path = tempFile(`roundtrip.${format}`);
      await exportGrid(source.db, { view: 'enterprises', format, filterModel: {}, sortModel: [] }, path, 'zh-CN');
      const target = freshCore();
      const r = await importFile(target, path, `roundtrip.${format}`);
      expect(r.rejected).toEqual([]);
      expect(records(target)).toEqual(records(source));
    }
  });
});
