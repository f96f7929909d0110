import { describe, expect, it } from 'vitest';
import { excel } from '../../src/core/imports/exceljs-utf8';
import { seedDemo, seedReference } from '../../src/core/seed/seed';
import type { ParkCore } from '../../src/core/service';
import { AppError } from '../../src/core/errors';
import { testCore } from './helpers';

const ExcelJS = excel();

async function reportWorkbook(core: ParkCore, input: Record<string, unknown>, locale: 'zh-CN' | 'en' = 'zh-CN') {
  const job = core.call('reports.start', { kind: 'operations', format: 'xlsx', ...input } as never, locale);
  const done = await core.jobs.wait(job.id);
  if (done.state !== 'done') throw new Error(done.error?.message ?? done.state);
  const out = done.result as { token: string; name: string };
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.readFile(core.files.get(out.token).path);
  return { wb, name: out.name };
}

describe('office settings: the park\'s name and the person at the computer', () => {
  it('edits are recorded under the current user named in Settings, not the process\'s account', () => {
    const core = testCore({ user: 'cli' });
    seedReference(core.context());
    expect(core.call('settings.get', {})).toEqual({ parkName: null, currentUser: null });
    const e = core.call('enterprises.create', { name: '甲企业', kind: 'startup', status: 'settled' });
    core.call('settings.update', { currentUser: '  王芳 ' });
    core.call('enterprises.update', { id: e.id as string, patch: { headcount: 9 } });
    const history = core.call('enterprises.history', { id: e.id as string });
    expect(history.map((c) => String(c.user))).toContain('cli');
    expect(String(history.find((c) => c.field === 'headcount')!.user)).toBe('王芳');
    core.call('settings.update', { currentUser: '' }); // blank: back to the default
    expect(core.call('settings.get', {}).currentUser).toBeNull();
  });

  it('the report cover names the park; the period takes Chinese forms; the language is the one asked for', async () => {
    const core = testCore();
    seedReference(core.context());
    core.call('settings.update', { parkName: '珠海大数据产业园' });
    const zh = await reportWorkbook(core, { period: '2020年第四季度' });
    const cover = zh.wb.worksheets[0]!;
    expect(cover.name).toBe('封面');
    expect(String(cover.getRow(1).getCell(1).value)).toContain('2020年第4季度');
    expect(cover.getRow(3).getCell(1).value).toBe('珠海大数据产业园');
    expect(zh.name).toBe('园区运营报告-2020-Q4.xlsx');
    // A Chinese caller asks for the English document.
    const en = await reportWorkbook(core, { period: '2020年12月', language: 'en' });
    expect(en.wb.worksheets[0]!.name).toBe('Cover');
    expect(String(en.wb.worksheets[0]!.getRow(1).getCell(1).value)).toBe('Park operations report (2020-12-01 – 2020-12-31)');
    expect(en.name).toBe('Park-operations-report-2020-12.xlsx');
  });

  it('a period it cannot read is refused with a message in the caller\'s language that shows the forms', () => {
    const core = testCore();
    seedReference(core.context());
    const attempt = (locale: 'zh-CN' | 'en') => {
      try {
        core.call('reports.start', { kind: 'operations', format: 'xlsx', period: '2020年第五季度' }, locale);
      } catch (err) {
        return (err as AppError).toPayload(locale).message;
      }
      return '';
    };
    expect(attempt('zh-CN')).toMatch(/^无法识别的统计期间“2020年第五季度”.*2020年第四季度/);
    expect(attempt('en')).toMatch(/^Unrecognised period/);
  });
});

describe('a demo database makes sense on the day it is opened', () => {
  it('runs on its own last day of history, says so, and can switch to today and back', () => {
    const core = testCore(); // the machine's clock says 2026-11-21
    seedDemo(core.context());
    const info = core.call('meta.info', {});
    expect(info).toMatchObject({ dataset: 'demo', today: '2021-12-31', demoDay: '2021-12-31', demoOnToday: false });
    // Follow-ups due after the demo's last day are not overdue on it; years later nearly all would be.
    const onDemoDay = core.call('dashboard.overview', {}).overdue.count;
    const onToday = core.call('dashboard.overview', { asOf: '2026-11-21' }).overdue.count;
    expect(onDemoDay).toBeLessThan(onToday);
    expect(onDemoDay).toBeGreaterThan(0); // a few late ones, to show what the list is for
    expect(onDemoDay).toBeLessThan(30);
    expect(core.call('dashboard.overview', {}).asOf).toBe('2021-12-31');
    core.call('settings.update', { demoOnToday: true });
    expect(core.call('meta.info', {})).toMatchObject({ today: '2026-11-21', demoDay: null, demoOnToday: true });
    core.call('settings.update', { demoOnToday: false });
    expect(core.call('meta.info', {}).today).toBe('2021-12-31');
  });

  it('real data always runs on today', () => {
    const core = testCore();
    seedReference(core.context());
    expect(core.call('meta.info', {})).toMatchObject({ today: '2026-11-21', demoDay: null, demoOnToday: false });
  });
});
