import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { exportGrid } from '../../src/core/exports/grid';
import { generate, seedReference } from '../../src/core/seed/seed';
import { tempFile, testCore } from './helpers';

/**
 * The exported .xlsx read the way a user's tools read it: LibreOffice opens it (headless, converting
 * it to CSV with the cells' values) and finds exactly the rows of the grid view, as the CSV export of
 * the same view writes them — text (Chinese, spaces, line breaks, & and <, defused formulas), money
 * in 万元, numbers and dates.
 */
const SOFFICE = '/usr/bin/soffice';

describe('the exported workbook in LibreOffice', () => {
  it.skipIf(!existsSync(SOFFICE))('LibreOffice reads every row of the grid view, as the CSV export writes it', async () => {
    const core = testCore();
    seedReference(core.context());
    generate(core.context(), { enterprises: 400, leads: 0, activities: 0 });
    core.call('enterprises.create', { name: '珠海星河 & <数据> "科技"', kind: 'core', status: 'settled', registered_capital: 15_000_000, entry_date: '2019-03-05', notes: ' 前后空格 \n第二行', area_m2: 350.5, headcount: 12 });
    core.call('enterprises.create', { name: '=SUM(A1)', kind: 'startup', status: 'exited', entry_date: '2018-01-01', exit_date: '2020-06-30', revenue: 1_234_567 });
    const request = { view: 'enterprises' as const, filterModel: {}, sortModel: [{ colId: 'name', sort: 'asc' as const }] };
    const xlsx = tempFile('grid.xlsx');
    const csv = tempFile('grid.csv');
    await exportGrid(core.db, { ...request, format: 'xlsx' }, xlsx, 'zh-CN');
    await exportGrid(core.db, { ...request, format: 'csv' }, csv, 'zh-CN');
    const out = mkdtempSync(join(tmpdir(), 'parkpilot-lo-'));
    try {
      // Its own profile, so a LibreOffice already running elsewhere does not take the request.
      execFileSync(SOFFICE, [`-env:UserInstallation=file://${out}/profile`, '--headless', '--convert-to', 'csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false', '--outdir', out, xlsx], { stdio: 'ignore', timeout: 120_000 });
      const office = parse(readFileSync(join(out, 'grid.csv'), 'utf8'), { relax_column_count: true }) as string[][];
      const ours = parse(readFileSync(csv, 'utf8').replace(/^\uFEFF/, ''), { relax_column_count: true }) as string[][];
      expect(office.length).toBe(403);
      expect(office.length).toBe(ours.length);
      // Numbers compare as numbers (LibreOffice prints them in its own shortest form).
      const cell = (v: string) => (v !== '' && Number.isFinite(Number(v)) ? Number(v) : v);
      for (let i = 0; i < ours.length; i++) expect(office[i]!.map(cell), `row ${i + 1}`).toEqual(ours[i]!.map(cell));
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  }, 180_000);
});
