import { describe, expect, it } from 'vitest';
import { excel } from '../../src/core/imports/exceljs-utf8';
import { seedDemo } from '../../src/core/seed/seed';
import { testCore } from './helpers';

const ExcelJS = excel();

describe('the operations report as a workbook', () => {
  it('a milestone\'s value is the day it was done or 未完成, as in the PDF, never a NaN number cell', async () => {
    const core = testCore();
    seedDemo(core.context());
    const job = core.call('reports.start', { kind: 'operations', format: 'xlsx', period: '2021' } as never, 'zh-CN');
    const done = await core.jobs.wait(job.id);
    expect(done.state).toBe('done');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(core.files.get((done.result as { token: string }).token).path);

    const bad: string[] = [];
    for (const sheet of wb.worksheets) sheet.eachRow((row) => row.eachCell((cell) => {
      if (typeof cell.value === 'number' && !Number.isFinite(cell.value)) bad.push(`${sheet.name}!${cell.address}`);
    }));
    expect(bad).toEqual([]);

    const targets = wb.worksheets.find((s) => s.name.includes('规划目标'))!;
    const header = (targets.getRow(2).values as unknown[]).map(String);
    const valueCol = header.indexOf('当前值');
    const rangeCol = header.indexOf('目标值');
    const milestones: unknown[] = [];
    targets.eachRow((row, n) => { if (n > 2 && row.getCell(rangeCol).value === '完成') milestones.push(row.getCell(valueCol).value); });
    expect(milestones.length).toBeGreaterThan(0);
    for (const v of milestones) expect(String(v)).toMatch(/^(\d{4}-\d\d-\d\d|未完成)$/);
    expect(milestones.some((v) => /^\d{4}-/.test(String(v)))).toBe(true);
  });
});
