import fc from 'fast-check';
import { writeFileSync } from 'node:fs';
import { AppError } from '../../src/core/errors';
import { writeXlsx } from '../../src/core/exports/xlsx';
import type { ImportReport } from '../../src/core/imports/importer';
import { parseText } from '../../src/core/imports/normalize';
import { openTable } from '../../src/core/imports/read';
import type { Cell } from '../../src/core/imports/source';
import { seedReference } from '../../src/core/seed/seed';
import { ParkCore } from '../../src/core/service';
import { seededIds } from '../../src/core/util/ids';

/**
 * Property-based fuzzing of the spreadsheet readers and the importer (issue 12 §3), shared by the suite
 * (tests/unit/fuzz.test.ts, a few hundred cases) and the soak run (tests/bench/fuzz.ts, thousands).
 * Each property writes a file, reads or imports it, and checks what must hold whatever the input:
 * no crash (only coded AppErrors), no hang, and every row read back exactly or rejected with a reason.
 */

/** Reads a file to the end; resolves with its rows or the AppError that refused it. Anything else fails. */
export async function readOrRefuse(path: string, name: string): Promise<{ rows: Cell[][]; encoding?: string } | AppError> {
  try {
    const source = await openTable(path, name);
    const rows: Cell[][] = [];
    for await (const r of source.rows) rows.push(r.cells);
    return { rows, encoding: source.encoding };
  } catch (err) {
    if (err instanceof AppError) return err;
    throw err;
  }
}

// ---- CSV ----

/** Characters GBK can hold (for the GB18030 case), and the ones that make CSV interesting. */
const CJK = '企业名称园区大数据珠海科技有限公司横琴孵化器招商线索备注入驻日期，。、（）￥';
const gbkChar = fc.constantFrom(...'abcXYZ019 ,"\r\n\t-=+@\'.;', ...CJK);
const anyChar = fc.oneof(gbkChar, fc.string({ unit: 'grapheme', minLength: 1, maxLength: 1 }));
const field = (char: fc.Arbitrary<string>) => fc.array(char, { maxLength: 12 }).map((a) => a.join(''));

export type CsvEncoding = 'utf-8' | 'utf-8-bom' | 'gb18030' | 'utf-16le' | 'utf-16be';

export interface CsvCase {
  records: string[][];
  encoding: CsvEncoding;
  lineEnds: string[];
}

/** Records of fields holding commas, quotes, line breaks of every kind, CJK and any Unicode. */
export const csvCase: fc.Arbitrary<CsvCase> = fc.constantFrom<CsvEncoding>('utf-8', 'utf-8-bom', 'gb18030', 'utf-16le', 'utf-16be').chain((encoding) =>
  fc.record({
    encoding: fc.constant(encoding),
    // Field text without NUL (a file a tenth zeros is not a CSV) and, outside GBK's repertoire, any character.
    records: fc.array(fc.array(field(encoding === 'gb18030' ? gbkChar : anyChar.filter((c) => !c.includes('\0') && !c.includes('\uFEFF'))), { minLength: 1, maxLength: 6 }), { minLength: 1, maxLength: 30 }),
    lineEnds: fc.array(fc.constantFrom('\r\n', '\n', '\r'), { minLength: 30, maxLength: 30 }),
  }),
);

const quoteCsv = (s: string) => (/[",\r\n]/.test(s) || s === '' ? `"${s.replace(/"/g, '""')}"` : s);

/** GB18030 bytes by inverting the platform's decoder over the two-byte range (enough for GBK text). */
let gbTable: Map<string, number[]> | null = null;
function gb18030(text: string): Buffer {
  if (!gbTable) {
    gbTable = new Map();
    const decoder = new TextDecoder('gb18030');
    for (let hi = 0x81; hi <= 0xfe; hi++) for (let lo = 0x40; lo <= 0xfe; lo++) if (lo !== 0x7f) gbTable.set(decoder.decode(Uint8Array.of(hi, lo)), [hi, lo]);
  }
  return Buffer.from([...text].flatMap((ch) => (ch.charCodeAt(0) < 128 ? [ch.charCodeAt(0)] : gbTable!.get(ch)!)));
}

export function csvBytes(c: CsvCase): Buffer {
  // Every field quoted when it must be (and empty ones, so a one-field empty record is not a blank line).
  const text = c.records.map((r, i) => r.map(quoteCsv).join(',') + c.lineEnds[i % c.lineEnds.length]).join('');
  switch (c.encoding) {
    case 'utf-8':
      return Buffer.from(text, 'utf8');
    case 'utf-8-bom':
      return Buffer.from(`\uFEFF${text}`, 'utf8');
    case 'gb18030':
      return gb18030(text);
    case 'utf-16le':
      return Buffer.from(`\uFEFF${text}`, 'utf16le');
    case 'utf-16be':
      return Buffer.from(`\uFEFF${text}`, 'utf16le').swap16();
  }
}

/** A CSV read back must be its records exactly. */
export async function csvRoundTrip(path: string, c: CsvCase): Promise<void> {
  writeFileSync(path, csvBytes(c));
  const got = await readOrRefuse(path, 'fuzz.csv');
  if (got instanceof AppError) throw new Error(`refused a valid CSV: ${got.code} ${got.message}`);
  if (JSON.stringify(got.rows) !== JSON.stringify(c.records)) throw new Error(`read back differently:\n${JSON.stringify(got.rows).slice(0, 400)}\n${JSON.stringify(c.records).slice(0, 400)}`);
}

/** Random bytes, or a valid file with random damage: read, or refused with a code. */
export const damagedBytes = (valid: fc.Arbitrary<Buffer>): fc.Arbitrary<Buffer> =>
  fc.oneof(
    fc.uint8Array({ maxLength: 4096 }).map((b) => Buffer.from(b)),
    fc.tuple(valid, fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 8 }), fc.option(fc.nat())).map(([bytes, flips, cut]) => {
      const out = Buffer.from(bytes);
      for (const [at, value] of flips) if (out.length) out[at % out.length] = value;
      return cut === null || !out.length ? out : out.subarray(0, cut % out.length);
    }),
  );

// ---- XLSX ----

const xmlSafeChar = fc.oneof(fc.constantFrom(...'abc 019,"\n\t-=+@\'<>&', ...CJK), fc.string({ unit: 'grapheme', minLength: 1, maxLength: 1 }))
  // XML cannot hold control characters (exceljs drops them) and turns \r into \n: text without them.
  // eslint-disable-next-line no-control-regex -- the characters XML cannot carry
  .filter((c) => !/[\0-\x08\x0b-\x1f\x7f\ufffe\uffff\r]/.test(c));

export const xlsxCell = fc.oneof(
  fc.array(xmlSafeChar, { minLength: 1, maxLength: 10 }).map((a) => a.join('')),
  fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e12, max: 1e12 }).map((n) => Math.round(n * 100) / 100),
  fc.integer({ min: 0, max: 1e9 }),
  fc.date({ min: new Date(Date.UTC(1901, 0, 1)), max: new Date(Date.UTC(2090, 11, 31)), noInvalidDate: true }).map((d) => new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()))),
);

export const xlsxRows = fc.array(fc.array(xlsxCell, { minLength: 1, maxLength: 6 }), { minLength: 1, maxLength: 25 });

/** Written with ParkPilot's own writer (text neutralised, spaces preserved): read back as the same values. */
export async function xlsxRoundTrip(path: string, rows: (string | number | Date)[][]): Promise<void> {
  const width = Math.max(...rows.map((r) => r.length));
  const columns = Array.from({ length: width }, (_, i) => ({ key: String(i), header: `列${i}`, kind: 'text' as const }));
  await writeXlsx(path, [{ name: 'S', columns, rows: rows.map((r) => Object.fromEntries(r.map((v, i) => [String(i), v instanceof Date ? v.toISOString().slice(0, 10) : String(v)]))) }]);
  const got = await readOrRefuse(path, 'fuzz.xlsx');
  if (got instanceof AppError) throw new Error(`refused a valid workbook: ${got.code} ${got.message}`);
  const expected = rows.map((r) => r.map((v) => (v instanceof Date ? v.toISOString().slice(0, 10) : String(v))));
  const read = got.rows.slice(1).map((r) => r.map((c) => parseText(c)));
  for (let i = 0; i < expected.length; i++) {
    for (let j = 0; j < expected[i]!.length; j++) {
      if (read[i]?.[j] !== parseText(expected[i]![j]!)) throw new Error(`cell ${i + 2}/${j + 1}: wrote ${JSON.stringify(expected[i]![j])}, read ${JSON.stringify(got.rows[i + 1]?.[j])}`);
    }
  }
}

// ---- The importer ----

export interface RosterRow {
  name: string;
  date: string;
  headcount: string;
  notes: string;
}

const goodDate = fc.date({ min: new Date(Date.UTC(1990, 0, 1)), max: new Date(Date.UTC(2025, 11, 31)), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10));
const nameText = fc.array(fc.constantFrom(...'甲乙丙丁园区数据科技ABC ', '有限公司'), { maxLength: 6 }).map((a) => a.join(''));

/** A roster whose rows are right or wrong in known ways: blank or repeated names, bad dates, bad counts. */
export const rosterRows: fc.Arbitrary<RosterRow[]> = fc.array(
  fc.record({
    name: nameText,
    date: fc.oneof(goodDate, goodDate.map((d) => d.replace(/-/g, '/')), fc.constantFrom('', '2021-02-30', '昨天', '-5', '99999999')),
    headcount: fc.oneof(fc.integer({ min: 0, max: 5000 }).map(String), fc.constantFrom('', '12人', '1,200', '-3', '2.5', 'NaN', '=1+1')),
    notes: fc.string({ maxLength: 30 }).filter((s) => !s.includes('\0')),
  }),
  { minLength: 1, maxLength: 40 },
);

/** What the importer must do with each row: the reasons it is refused, or the record it creates. */
export function expectedOutcome(rows: RosterRow[]): ({ reject: true } | { reject: false; name: string; entry_date: string | null; headcount: number | null })[] {
  const seen = new Set<string>();
  return rows.map((r) => {
    const name = r.name.trim();
    const dateText = r.date.trim();
    const date = /^\d{4}[-/]\d\d[-/]\d\d$/.test(dateText) && !Number.isNaN(Date.parse(dateText.replace(/\//g, '-'))) && new Date(dateText.replace(/\//g, '-')).toISOString().slice(0, 10) === dateText.replace(/\//g, '-') ? dateText.replace(/\//g, '-') : dateText === '' ? null : undefined;
    const count = r.headcount.trim() === '' ? null : /^\d+$/.test(r.headcount) ? Number(r.headcount) : r.headcount === '12人' ? 12 : r.headcount === '1,200' ? 1200 : undefined;
    const problems = !name || date === undefined || count === undefined;
    if (problems) return { reject: true };
    if (seen.has(name)) return { reject: true };
    seen.add(name);
    return { reject: false, name, entry_date: date, headcount: count };
  });
}

export function freshCore(file: string): ParkCore {
  let t = Date.UTC(2026, 10, 21, 9);
  const core = new ParkCore(file, { site: '0123456789abcdef', user: 'fuzz', now: () => t++, ids: seededIds(7) });
  seedReference(core.context());
  return core;
}

/** Imports a roster written as CSV in the given encoding into an empty database; every row must be created exactly as expected, or rejected with reasons. */
export async function importRoster(core: ParkCore, path: string, rows: RosterRow[], encoding: CsvEncoding): Promise<void> {
  const records = [['企业名称', '入驻日期', '从业人数', '备注'], ...rows.map((r) => [r.name, r.date, r.headcount, r.notes])];
  writeFileSync(path, csvBytes({ records, encoding, lineEnds: ['\r\n', '\n'] }));
  const token = core.files.register(path, 'roster.csv');
  const job = core.call('imports.start', { file: token, entity: 'enterprises', mode: 'create', dryRun: false });
  const done = await core.jobs.wait(job.id);
  if (done.state !== 'done') throw new Error(`import failed: ${done.error?.code} ${done.error?.message}`);
  const report = done.result as ImportReport;
  const expected = expectedOutcome(rows);
  const nonBlank = rows.filter((r) => [r.name, r.date, r.headcount, r.notes].some((c) => c.trim() !== '')).length;
  if (report.rows !== nonBlank) throw new Error(`counted ${report.rows} rows of ${nonBlank}`);
  if (report.created + report.updated + report.skipped + report.rejected.length !== report.rows) throw new Error('a row is neither created, updated, skipped nor rejected');
  for (const r of report.rejected) if (!r.reasons.length || r.reasons.some((x) => !x.trim())) throw new Error(`row ${r.row} rejected without a reason`);
  const rejectedRows = new Set(report.rejected.map((r) => r.row));
  const stored = core.db.prepare('SELECT name, entry_date, headcount, notes FROM enterprises WHERE deleted = 0').all() as { name: string; entry_date: string | null; headcount: number | null; notes: string | null }[];
  const byName = new Map(stored.map((s) => [s.name, s]));
  expected.forEach((e, i) => {
    const row = i + 2;
    const blank = [rows[i]!.name, rows[i]!.date, rows[i]!.headcount, rows[i]!.notes].every((c) => c.trim() === '');
    if (blank) return;
    if (e.reject !== rejectedRows.has(row)) throw new Error(`row ${row} ${JSON.stringify(rows[i])}: expected ${e.reject ? 'rejected' : 'created'}, got ${rejectedRows.has(row) ? 'rejected' : 'created'}`);
    if (e.reject) return;
    const s = byName.get(e.name);
    const notes = parseText(rows[i]!.notes) || null;
    if (!s || s.entry_date !== e.entry_date || s.headcount !== e.headcount || (s.notes ?? null) !== notes) throw new Error(`row ${row} stored as ${JSON.stringify(s)}, expected ${JSON.stringify({ ...e, notes })}`);
  });
  if (stored.length !== report.created) throw new Error(`${stored.length} records for ${report.created} created`);
}
