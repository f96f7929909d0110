import fc from 'fast-check';
import { writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { AppError } from '../../src/core/errors';
import { excel } from '../../src/core/imports/exceljs-utf8';
import { csvBytes, csvCase, csvRoundTrip, damagedBytes, freshCore, importRoster, readOrRefuse, rosterRows, xlsxRoundTrip, xlsxRows, type CsvEncoding } from './fuzz-files';
import { tempFile } from './helpers';

/**
 * Property-based fuzzing of the CSV and .xlsx readers and of the importer (issue 12 §3): a few hundred
 * cases in the suite with fixed seeds; `npm run bench:fuzz` runs thousands with fresh ones.
 */
const runs = (n: number) => ({ numRuns: n, seed: 20261201 });

describe('fuzz: readers', () => {
  it('a valid CSV in any encoding and line endings reads back exactly', async () => {
    const path = tempFile('fuzz.csv');
    await fc.assert(fc.asyncProperty(csvCase, (c) => csvRoundTrip(path, c)), runs(150));
  }, 60_000);

  it('random or damaged bytes under a .csv name: rows, or a coded refusal', async () => {
    const path = tempFile('fuzz.csv');
    const valid = csvCase.map(csvBytes);
    await fc.assert(
      fc.asyncProperty(damagedBytes(valid), async (bytes) => {
        writeFileSync(path, bytes);
        const got = await readOrRefuse(path, 'fuzz.csv');
        if (got instanceof AppError) expect(got.code).toMatch(/^import_/);
        else expect(Array.isArray(got.rows)).toBe(true);
      }),
      runs(150),
    );
  }, 60_000);

  it('text, numbers and dates written to .xlsx read back as written', async () => {
    const path = tempFile('fuzz.xlsx');
    await fc.assert(fc.asyncProperty(xlsxRows, (rows) => xlsxRoundTrip(path, rows)), runs(40));
  }, 60_000);

  it('random or damaged bytes under an .xlsx name: rows, or a coded refusal', async () => {
    const wb = new (excel().Workbook)();
    const ws = wb.addWorksheet('名单');
    ws.addRow(['企业名称', '入驻日期', '备注']);
    for (let i = 0; i < 20; i++) ws.addRow([`企业${i}`, new Date(Date.UTC(2021, 0, 1 + i)), '演示'.repeat(i)]);
    const seed = Buffer.from(await wb.xlsx.writeBuffer());
    const out = tempFile('fuzz.xlsx');
    await fc.assert(
      fc.asyncProperty(damagedBytes(fc.constant(seed)), async (bytes) => {
        writeFileSync(out, bytes);
        const got = await readOrRefuse(out, 'fuzz.xlsx');
        if (got instanceof AppError) expect(got.code).toMatch(/^import_/);
      }),
      runs(120),
    );
  }, 60_000);
});

describe('fuzz: the importer', () => {
  it('every row of a generated roster is created exactly, or rejected with a reason', async () => {
    const encodings = fc.constantFrom<CsvEncoding>('utf-8', 'utf-8-bom', 'gb18030', 'utf-16le');
    await fc.assert(
      fc.asyncProperty(rosterRows, encodings, async (rows, encoding) => {
        const core = freshCore(tempFile('fuzz.db'));
        try {
          await importRoster(core, tempFile('roster.csv'), rows, encoding);
        } finally {
          core.close();
        }
      }),
      runs(40),
    );
  }, 90_000);
});
