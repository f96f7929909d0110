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
