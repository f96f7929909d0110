import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { parse as parseCsv } from 'csv-parse/sync';
import { afterEach, describe, expect, it } from 'vitest';
import { exportGrid } from '../../src/core/exports/grid';
import { neutralise } from '../../src/core/exports/cells';
import { writeCsv } from '../../src/core/exports/csv';
import { writeXlsx } from '../../src/core/exports/xlsx';
import { excel } from '../../src/core/imports/exceljs-utf8';
import type { ImportReport } from '../../src/core/imports/importer';
import { parseDate, parseText } from '../../src/core/imports/normalize';
import { openTable } from '../../src/core/imports/read';
import { CellProblem, LIMITS, type Cell } from '../../src/core/imports/source';
import { zipEntries } from '../../src/core/imports/zip';
import { seedReference } from '../../src/core/seed/seed';
import type { ParkCore } from '../../src/core/service';
import { c, inline, row, xlsxFile } from './hostile-files';
import { tempFile, testCore } from './helpers';

/**
 * The hostile-input catalogue (issue 12 §3): each malformed or hostile file the audit found, and its
 * siblings, with the answer ParkPilot gives. Every case is a clear answer — the right value, or a
 * refusal that names the problem — never a wrong value stored silently.
 */

function freshCore(): ParkCore {
  const core = testCore();
  seedReference(core.context());
  return core;
}

async function importFile(core: ParkCore, path: string, name: string, options: Record<string, unknown> = {}): Promise<ImportReport> {
  const token = core.files.register(path, name);
  const job = core.call('imports.start', { file: token, entity: 'enterprises', mode: 'create', dryRun: false, ...options } as never);
  const done = await core.jobs.wait(job.id);
  if (done.state !== 'done') throw new Error(`${done.error?.code}: ${done.error?.message ?? done.state}`);
  return done.result as ImportReport;
}

async function readAll(path: string, name: string): Promise<{ rows: Cell[][]; encoding?: string }> {
  const source = await openTable(path, name);
  const rows: Cell[][] = [];
  for await (const r of source.rows) rows.push(r.cells);
  return { rows, encoding: source.encoding };
}

function file(name: string, data: string | Buffer): string {
  const path = tempFile(name);
  writeFileSync(path, data);
  return path;
}

const names = (core: ParkCore) => (core.db.prepare('SELECT name FROM enterprises ORDER BY name').all() as { name: string }[]).map((r) => r.name);
const limitRows = LIMITS.rows;
afterEach(() => {
  LIMITS.rows = limitRows;
});

describe('hostile input: CSV', () => {
  it('mixed line endings (\\r\\n, \\n and a lone \\r in one file): every line is its own row', async () => {
    const text = '企业名称,入驻日期\r\n甲公司,2021-01-01\n乙公司,2021-01-02\r\n丙公司,2021-01-03\n丁公司,2021-01-04\r戊公司,2021-01-05\r\n';
    expect((await readAll(file('mixed.csv', text), 'mixed.csv')).rows).toHaveLength(6);
    const core = freshCore();
    expect((await importFile(core, file('mixed.csv', text), 'mixed.csv')).created).toBe(5);
    expect(names(core)).toEqual(['丁公司', '丙公司', '乙公司', '戊公司', '甲公司'].sort());
  });

  it('a quoted field keeps its line breaks of either kind', async () => {
    const rows = (await readAll(file('q.csv', '企业名称,备注\r\n甲公司,"一\r\n二\n三"\n乙公司,x\n'), 'q.csv')).rows;
    expect(rows).toEqual([['企业名称', '备注'], ['甲公司', '一\r\n二\n三'], ['乙公司', 'x']]);
  });

  it('UTF-16 (with a byte-order mark, little or big endian, or without one) is read, and named', async () => {
    const text = '企业名称,入驻日期\r\n珠海数据科技有限公司,2021-03-01\r\n';
    const le = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
    const be = Buffer.from(le).swap16();
    const bare = Buffer.from(text, 'utf16le');
    for (const [bytes, encoding] of [[le, 'utf-16le'], [be, 'utf-16be'], [bare, 'utf-16le']] as const) {
      expect(await readAll(file('u16.csv', bytes), 'u16.csv')).toEqual({ rows: [['企业名称', '入驻日期'], ['珠海数据科技有限公司', '2021-03-01']], encoding });
    }
    const core = freshCore();
    expect(await importFile(core, file('u16.csv', le), 'u16.csv')).toMatchObject({ created: 1, encoding: 'utf-16le' });
  });

  it('UTF-32 is refused by name, not as "no header row"', async () => {
    const utf32 = Buffer.from([0xff, 0xfe, 0, 0, 0x41, 0, 0, 0]);
    await expect(openTable(file('u32.csv', utf32), 'u32.csv')).rejects.toMatchObject({ code: 'import_encoding', params: { detail: 'UTF-32' } });
  });

  it('an unclosed quote is a clear error with its line, not an internal error', async () => {
    const core = freshCore();
    await expect(importFile(core, file('open.csv', '企业名称,备注\n甲公司,"never closed\n乙公司,x\n'), 'open.csv')).rejects.toThrow(/^import_csv_quote: .*(第 2 行|line 2)/);
  });

  it('a record larger than any real row (a field of megabytes) is refused, not held in memory', async () => {
    const core = freshCore();
    const huge = `企业名称,备注\n甲公司,"${'长'.repeat(3_000_000)}"\n`;
    await expect(importFile(core, file('huge.csv', huge), 'huge.csv')).rejects.toThrow(/^import_csv_record: /);
  });

  it('a stray quote inside an unquoted field is kept as text', async () => {
    expect((await readAll(file('stray.csv', '企业名称,备注\n甲公司,27" 显示器\n'), 'stray.csv')).rows[1]).toEqual(['甲公司', '27" 显示器']);
  });

  it('a workbook saved with a .csv name is read as the workbook it is', async () => {
    const path = tempFile('really.csv');
    xlsxFile(path, [row(1, [inline('A1', '企业名称')]), row(2, [inline('A2', '甲公司')])]);
    expect((await readAll(path, 'really.csv')).rows).toEqual([['企业名称'], ['甲公司']]);
  });

  it('one row over the limit is refused before any row is read (quoted line breaks are not rows)', async () => {
    LIMITS.rows = 100;
    const lines = ['企业名称'];
    for (let i = 0; i < 100; i++) lines.push(`企业${i}`);
    await expect(openTable(file('over.csv', lines.join('\n')), 'over.csv')).rejects.toMatchObject({ code: 'import_too_large' });
    const quoted = ['企业名称,备注'];
    for (let i = 0; i < 99; i++) quoted.push(`企业${i},"第一行\n第二行\r\n第三行"`);
    expect((await readAll(file('quoted.csv', quoted.join('\r\n')), 'quoted.csv')).rows).toHaveLength(100);
  });
});

describe('hostile input: .xlsx cells', () => {
  const header = row(1, [inline('A1', '企业名称'), inline('B1', '入驻日期'), inline('C1', '备注'), inline('D1', '从业人数')]);

  it('a formula without its saved result, and error values, reject their row with the reason', async () => {
    const path = tempFile('formulas.xlsx');
    xlsxFile(path, [
      header,
      row(2, [inline('A2', '公式无结果'), c('D2', '<f>SUM(E2:F2)</f>')]),
      row(3, [inline('A3', '错误值'), c('C3', '<v>#DIV/0!</v>', { t: 'e' })]),
      row(4, [inline('A4', '公式错误'), c('D4', '<f>1/0</f><v>#DIV/0!</v>', { t: 'e' })]),
      row(5, [inline('A5', '公式有结果'), c('D5', '<f>2*3</f><v>6</v>'), c('C5', '<f>"备"&amp;"注"</f><v>备注</v>', { t: 'str' })]),
    ]);
    const cells = (await readAll(path, 'formulas.xlsx')).rows;
    expect(cells[1]![3]).toEqual(new CellProblem('formula', '=SUM(E2:F2)'));
    expect(cells[2]![2]).toEqual(new CellProblem('error', '#DIV/0!'));
    expect(cells[3]![3]).toEqual(new CellProblem('error', '#DIV/0!'));
    const core = freshCore();
    const report = await importFile(core, path, 'formulas.xlsx');
    expect(report.created).toBe(1);
    expect(report.rejected.map((r) => r.row)).toEqual([2, 3, 4]);
    expect(report.rejected[0]!.reasons[0]).toMatch(/从业人数.*=SUM\(E2:F2\).*公式/);
    expect(report.rejected[1]!.reasons[0]).toMatch(/备注.*#DIV\/0!/);
    expect(core.db.prepare("SELECT headcount, notes FROM enterprises WHERE name = '公式有结果'").get()).toEqual({ headcount: 6, notes: '备注' });
    expect(JSON.stringify(core.db.prepare('SELECT * FROM enterprises').all())).not.toMatch(/object Object|NaN/);
  });

  it('ISO date cells (t="d") are their dates; negative, zero and absurd serials are refused', async () => {
    const path = tempFile('dates.xlsx');
    xlsxFile(path, [
      header,
      row(2, [inline('A2', 'ISO日期'), c('B2', '<v>2021-03-01T00:00:00</v>', { t: 'd', s: '1' })]),
      row(3, [inline('A3', 'ISO日期无样式'), c('B3', '<v>2020-02-29</v>', { t: 'd' })]),
      row(4, [inline('A4', '负数日期'), c('B4', '<v>-5</v>', { s: '1' })]),
      row(5, [inline('A5', '零日期'), c('B5', '<v>0</v>', { s: '1' })]),
      row(6, [inline('A6', '超大日期'), c('B6', '<v>99999999</v>', { s: '1' })]),
      row(7, [inline('A7', '坏ISO日期'), c('B7', '<v>yesterday</v>', { t: 'd' })]),
      row(8, [inline('A8', '序号日期'), c('B8', '<v>44256</v>', { s: '1' })]),
    ]);
    const core = freshCore();
    const report = await importFile(core, path, 'dates.xlsx');
    expect(report.rejected.map((r) => r.row)).toEqual([4, 5, 6, 7]);
    for (const r of report.rejected) expect(r.reasons[0]).toMatch(/入驻日期/);
    expect(core.db.prepare('SELECT name, entry_date FROM enterprises ORDER BY entry_date').all()).toEqual([
      { name: 'ISO日期无样式', entry_date: '2020-02-29' },
      { name: 'ISO日期', entry_date: '2021-03-01' },
      { name: '序号日期', entry_date: '2021-03-01' },
    ]);
  });

  it('dates outside 1900–9999 are refused, not written as "+275760-09"', () => {
    expect(parseDate(new Date(Date.UTC(1899, 11, 25)))).toMatchObject({ problem: 'import_date' });
    expect(parseDate(new Date(Date.UTC(20000, 0, 1)))).toMatchObject({ problem: 'import_date' });
    expect(parseDate(new Date(Date.UTC(1900, 0, 1)))).toEqual({ value: '1900-01-01' });
  });

  it('a shared string that does not exist is a reason, not a blank (exceljs gave a blank)', async () => {
    const path = tempFile('ss.xlsx');
    const sst = '<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" uniqueCount="1"><si><t>企业名称</t></si></sst>';
    xlsxFile(path, [row(1, [c('A1', '<v>0</v>', { t: 's' }), inline('B1', '备注')]), row(2, [inline('A2', '甲公司'), c('B2', '<v>7</v>', { t: 's' })])], {}, [{ name: 'xl/sharedStrings.xml', data: sst }]);
    const rows = (await readAll(path, 'ss.xlsx')).rows;
    expect(rows[0]).toEqual(['企业名称', '备注']);
    expect(rows[1]![1]).toBeInstanceOf(CellProblem);
    // What the administrator reads: the row is refused with the reason, and nothing of it is stored.
    const core = freshCore();
    try {
      const report = await importFile(core, path, 'ss.xlsx');
      expect(report.created).toBe(0);
      expect(report.rejected).toEqual([{ row: 2, reasons: [expect.stringMatching(/^备注引用的第 7 号共享文本在文件中不存在/)] }]);
    } finally {
      core.close();
    }
  });

  it('an honest, highly repetitive 10 MB sheet is read; a bomb is refused whatever its directory claims', async () => {
    // Each row repeats the same long note: the sheet compresses about 380 times, as such sheets do.
    const rows = [row(1, [inline('A1', '企业名称'), inline('B1', '备注')])];
    const note = '演示数据'.repeat(1500);
    for (let i = 2, bytes = 0; bytes < 10_500_000; i++) bytes += Buffer.byteLength(rows[rows.push(row(i, [inline(`A${i}`, `珠海大数据企业${i}`), inline(`B${i}`, note)])) - 1]!);
    const honest = tempFile('honest.xlsx');
    xlsxFile(honest, rows, { level: 9 });
    const sheet = zipEntries(honest, statSync(honest).size).find((e) => e.name === 'xl/worksheets/sheet1.xml')!;
    expect(sheet.uncompressed).toBeGreaterThan(10_000_000);
    expect(sheet.uncompressed / sheet.compressed).toBeGreaterThan(200);
    expect((await readAll(honest, 'honest.xlsx')).rows).toHaveLength(rows.length);
    // The central directory lies: a 1 KB sheet that really expands to 20 MB.
    const liar = tempFile('liar.xlsx');
    xlsxFile(liar, [], { data: Buffer.alloc(20 * 1024 * 1024, 0x20), declaredSize: 1024, level: 1 });
    await expect(openTable(liar, 'liar.xlsx')).rejects.toMatchObject({ code: 'import_bomb' });
    // Honest about it: 300 MB of spaces in a few hundred kilobytes.
    const bomb = tempFile('bomb.xlsx');
    xlsxFile(bomb, [], { data: Buffer.alloc(300 * 1024 * 1024, 0x20), level: 9 });
    await expect(openTable(bomb, 'bomb.xlsx')).rejects.toMatchObject({ code: 'import_bomb' });
  }, 60_000);

  it('one row over the limit is refused before exceljs unpacks the sheet', async () => {
    LIMITS.rows = 100;
    const rows = [row(1, [inline('A1', '企业名称')])];
    for (let i = 2; i <= 101; i++) rows.push(row(i, [inline(`A${i}`, `企业${i}`)]));
    const path = tempFile('over.xlsx');
    xlsxFile(path, rows);
    await expect(openTable(path, 'over.xlsx')).rejects.toMatchObject({ code: 'import_too_large' });
    xlsxFile(path, rows.slice(0, 100));
    expect((await readAll(path, 'over.xlsx')).rows).toHaveLength(100);
  });

  it('a damaged directory (found by the fuzz run: exceljs then hung for ever) is refused at once', async () => {
    const path = tempFile('dir.xlsx');
    xlsxFile(path, [row(1, [inline('A1', '企业名称')])]);
    const bytes = readFileSync(path);
    const dir = bytes.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]));
    // The second entry's name length made huge: the directory now holds fewer entries than it counts,
    // and the entries it lost are still in the file for exceljs to stumble over.
    const second = bytes.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]), dir + 4);
    const damaged = Buffer.from(bytes);
    damaged.writeUInt16LE(0x7fff, second + 28);
    writeFileSync(path, damaged);
    await expect(openTable(path, 'dir.xlsx')).rejects.toMatchObject({ code: 'import_format' });
    // The end record cut inside: its fields read past the file.
    writeFileSync(path, bytes.subarray(0, bytes.length - 8));
    await expect(openTable(path, 'dir.xlsx')).rejects.toMatchObject({ code: 'import_format' });
  }, 20_000);

  it('a zip that is not one (truncated directory) is refused by name', async () => {
    const path = tempFile('cut.xlsx');
    xlsxFile(path, [row(1, [inline('A1', '企业名称')])]);
    const bytes = readFileSync(path);
    writeFileSync(path, bytes.subarray(0, bytes.length - 30));
    await expect(openTable(path, 'cut.xlsx')).rejects.toMatchObject({ code: 'import_format' });
    const bad = tempFile('bad.xlsx');
    xlsxFile(bad, [], { data: '<worksheet><sheetData><row r="1"><c r="A1"><v>1</v></c></row><row r="2"><c r=' });
    const core = freshCore();
    await expect(importFile(core, bad, 'bad.xlsx')).rejects.toThrow(/^import_format: /);
  });
});

describe('hostile input: exports', () => {
  const hostile = ['\0=1+1', ' =1+1', '\n=1+1', '\r\n@SUM(A1)', '\u3000=1', '\u00a0+1', '\t-1', '\u200b=1', '\x1b=1'];

  it('formula-like text behind control characters or whitespace is neutralised; plain text is not', () => {
    for (const v of hostile) expect(neutralise(v)).toBe(`'${v}`);
    for (const v of ['  leading spaces', 'a=b', '1-2', '', 'ok']) expect(neutralise(v)).toBe(v);
    // The importer takes ParkPilot's apostrophe off again (then trims as for any text).
    for (const v of [...hostile, '\t', '\r', '\t ']) expect(parseText(neutralise(v))).toBe(parseText(v)); // a lone tab was read back as "'" (found by the fuzz run)
    expect(parseText("'plain")).toBe("'plain");
  });

  it('the CSV export: no field begins with a formula character once controls and spaces are ignored, headers included', async () => {
    const path = tempFile('x.csv');
    await writeCsv(path, [{ key: 'a', header: '=HYPERLINK("http://evil")', kind: 'text' }, { key: 'b', header: '\0@cmd', kind: 'text' }], hostile.map((v) => ({ a: v, b: 'ok' })));
    const fields = (parseCsv(readFileSync(path, 'utf8'), { bom: true }) as string[][]).flat();
    expect(fields).toHaveLength(2 + hostile.length * 2);
    // eslint-disable-next-line no-control-regex -- what a spreadsheet skips before a formula
    for (const f of fields) expect(f).not.toMatch(/^[\s\0-\x1f\u00a0\u3000\u200b]*[=+\-@]/);
  });

  it('headers supplied through the export API are neutralised in both formats', async () => {
    const core = freshCore();
    core.call('enterprises.create', { name: '甲公司', kind: 'startup', status: 'settled' });
    for (const format of ['csv', 'xlsx'] as const) {
      const path = tempFile(`h.${format}`);
      await exportGrid(core.db, { view: 'enterprises', format, filterModel: {}, sortModel: [], columns: [{ key: 'name', header: '=cmd|" /C calc"!A0' }] }, path, 'zh-CN');
      const header = format === 'csv' ? readFileSync(path, 'utf8').split('\r\n')[0]! : await firstCell(path);
      expect(header.replace(/^\uFEFF"?/, '')).toMatch(/^'=cmd/);
    }
  });

  it('xlsx text with leading or trailing spaces and line breaks keeps them (xml:space="preserve")', async () => {
    const path = tempFile('ws.xlsx');
    const values = ['  两个空格', '\n换行开头', '结尾空格  ', '中间\n换行'];
    await writeXlsx(path, [{ name: 'S', columns: [{ key: 'a', header: 'A', kind: 'text' }], rows: values.map((a) => ({ a })) }]);
    const sheet = await sheetXml(path);
    expect(sheet).toContain('xml:space="preserve"');
    const wb = new (excel().Workbook)();
    await wb.xlsx.readFile(path);
    const got = wb.worksheets[0]!.getColumn(1).values.slice(2).map((v) => (typeof v === 'object' && v && 'richText' in v ? v.richText.map((r) => r.text).join('') : v));
    expect(got).toEqual(values);
  });
});

async function firstCell(path: string): Promise<string> {
  const wb = new (excel().Workbook)();
  await wb.xlsx.readFile(path);
  const v = wb.worksheets[0]!.getCell('A1').value;
  return typeof v === 'object' && v && 'richText' in v ? v.richText.map((r) => r.text).join('') : String(v);
}

async function sheetXml(path: string): Promise<string> {
  const { default: JSZip } = await import('jszip');
  const zip = await JSZip.loadAsync(readFileSync(path));
  return zip.file('xl/worksheets/sheet1.xml')!.async('string');
}
