import { expect, test } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { libreOfficeCsvLines } from './libreoffice';

/**
 * Spreadsheets in and out through the UI, as an administrator does it: import a roster whose one
 * column needs a mapping correction, read the dry-run counts, import, revert; export the filtered grid;
 * produce the operations report. Files are read back the way users' tools read them.
 */
test.describe.configure({ mode: 'serial' });

const dir = mkdtempSync(join(tmpdir(), 'parkpilot-e2e-'));
// Valid codes (built with the GB 32100 check) and one with a wrong check character.
const CODES = ['91440400MA5TEXT11E', '91440400MA5TEXT2X6'];

test('import a roster: correct a column mapping, check the dry run, import, then revert', async ({ page }) => {
  const roster = join(dir, '园区企业花名册.csv');
  writeFileSync(
    roster,
    `\uFEFF2020年入驻企业花名册,,,\n企业名称,统一社会信用代码,员工数量,入驻日期\n珠海试验数据科技有限公司,${CODES[0]},35,2020/3/5\n横琴试验智能科技有限公司,${CODES[1]},12,2020年6月1日\n错误代码企业,91440400MA5TEXT110,8,2020-07-01\n`,
  );
  await page.goto('/#/imports');
  await page.getByLabel('选择文件（.xlsx、.xls、.csv）').setInputFiles(roster);
  const counts = page.getByTestId('import-counts');
  await expect(counts).toContainText('共 3 行');
  await expect(counts).toContainText('新建 2');
  await expect(counts).toContainText('拒绝 1');
  await expect(page.locator('tr.action-reject')).toContainText('校验位错误');
  // "员工数量" is not a header ParkPilot knows: map it to 从业人数 and dry-run again.
  const headcount = page.getByLabel('对应字段 员工数量');
  await expect(headcount).toHaveValue('');
  await headcount.selectOption('headcount');
  await page.getByRole('button', { name: '按新的对应关系重新试导入' }).click();
  await expect(page.getByLabel('对应字段 员工数量')).toHaveValue('headcount');
  await page.screenshot({ path: 'tests/e2e/.screens/import-dry-run.png', fullPage: true });
  await page.getByRole('button', { name: '确认导入（2 条）' }).click();
  await expect(page.getByRole('heading', { name: '导入完成' })).toBeVisible();
  await expect(page.getByRole('status').filter({ hasText: '导入完成：新建 2 条' })).toBeVisible();

  await page.goto('/#/enterprises');
  await page.locator('.ag-floating-filter[aria-colindex="1"] input').fill('试验');
  await expect(page.locator('.count')).toHaveText('共 2 条');
  await page.getByRole('gridcell', { name: '珠海试验数据科技有限公司' }).click();
  await expect(page.getByRole('complementary').getByLabel('从业人数')).toHaveValue('35'); // the corrected column arrived
  await expect(page.getByRole('complementary').getByLabel('入驻日期')).toHaveValue('2020-03-05');

  await page.goto('/#/imports');
  await page.locator('tr', { hasText: '园区企业花名册.csv' }).getByRole('button', { name: '撤销此次导入' }).click();
  // Reverting asks first; cancelling changes nothing.
  const confirm = page.getByRole('dialog', { name: '撤销导入' });
  await expect(confirm).toContainText('确定撤销“园区企业花名册.csv”这次导入？');
  await confirm.getByRole('button', { name: '取消' }).click();
  await expect(page.locator('tr', { hasText: '园区企业花名册.csv' }).getByRole('button', { name: '撤销此次导入' })).toBeVisible();
  await page.locator('tr', { hasText: '园区企业花名册.csv' }).getByRole('button', { name: '撤销此次导入' }).click();
  await confirm.getByRole('button', { name: '撤销此次导入' }).click();
  await expect(page.getByRole('status').filter({ hasText: '已撤销：删除 2 条新建记录' })).toBeVisible();
  await page.goto('/#/enterprises');
  await page.locator('.ag-floating-filter[aria-colindex="1"] input').fill('试验');
  await expect(page.locator('.count')).toHaveText('共 0 条');
});

test('rows that match existing records: choose row by row to update or skip', async ({ page }) => {
  const first = join(dir, '逐行第一批.csv');
  writeFileSync(first, '企业名称,从业人数\n逐行选择甲公司,10\n逐行选择乙公司,20\n');
  const second = join(dir, '逐行第二批.csv');
  writeFileSync(second, '企业名称,从业人数\n逐行选择甲公司,11\n逐行选择乙公司,21\n逐行选择丙公司,30\n');
  await page.goto('/#/imports');
  await page.getByLabel('选择文件（.xlsx、.xls、.csv）').setInputFiles(first);
  await page.getByRole('button', { name: '确认导入（2 条）' }).click();
  await expect(page.getByRole('heading', { name: '导入完成' })).toBeVisible();

  await page.getByLabel('遇到已有记录').selectOption('upsert');
  await page.getByLabel('选择文件（.xlsx、.xls、.csv）').setInputFiles(second);
  const counts = page.getByTestId('import-counts');
  await expect(counts).toContainText('新建 1');
  await expect(counts).toContainText('更新 2');
  const matches = page.getByRole('region', { name: '与系统中已有记录对应的行（2）' });
  await expect(matches.locator('tbody tr')).toHaveCount(2);
  await expect(matches.locator('tr[data-row="2"]')).toContainText('逐行选择甲公司');
  // Keep 甲 as it is: skip its row; 乙 follows the file's choice and is updated.
  await matches.getByLabel('第 2 行的处理').selectOption('skip');
  await expect(counts).toContainText('更新 1');
  await expect(counts).toContainText('跳过 1');
  await page.screenshot({ path: 'tests/e2e/.screens/import-row-choices.png', fullPage: true });
  await page.getByRole('button', { name: '确认导入（2 条）' }).click();
  await expect(page.getByRole('heading', { name: '导入完成' })).toBeVisible();

  await page.goto('/#/enterprises');
  await page.locator('.ag-floating-filter[aria-colindex="1"] input').fill('逐行选择');
  await expect(page.locator('.count')).toHaveText('共 3 条');
  await page.getByRole('gridcell', { name: '逐行选择甲公司' }).click();
  await expect(page.getByRole('complementary').getByLabel('从业人数')).toHaveValue('10');
  await page.getByRole('gridcell', { name: '逐行选择乙公司' }).click();
  await expect(page.getByRole('complementary').getByLabel('从业人数')).toHaveValue('21');

  // Leave the park as it was: revert both batches, newest first.
  await page.goto('/#/imports');
  for (const name of ['逐行第二批.csv', '逐行第一批.csv']) {
    await page.locator('tr', { hasText: name }).getByRole('button', { name: '撤销此次导入' }).click();
    await page.getByRole('dialog', { name: '撤销导入' }).getByRole('button', { name: '撤销此次导入' }).click();
    await expect(page.locator('tr', { hasText: name })).toContainText('已撤销');
  }
});

test('a legacy .xls roster (saved by LibreOffice) goes through the same dry run', async ({ page }) => {
  await page.goto('/#/imports');
  await page.getByLabel('选择文件（.xlsx、.xls、.csv）').setInputFiles(join(__dirname, '../fixtures/roster-libreoffice.xls'));
  const counts = page.getByTestId('import-counts');
  await expect(counts).toContainText('共 3 行');
  await expect(counts).toContainText('新建 2');
  await expect(counts).toContainText('拒绝 1');
  await expect(page.locator('tr.action-reject')).toContainText('组织机构代码');
});

test('export the plan targets with their values and statuses', async ({ page }) => {
  await page.goto('/#/targets');
  await expect(page.locator('.count')).toHaveText(/共 \d+ 条/);
  const shown = Number((await page.locator('.count').innerText()).replace(/\D/g, ''));
  const download = page.waitForEvent('download');
  await page.getByRole('button', { name: '导出 CSV' }).click();
  const file = join(dir, (await download).suggestedFilename());
  await (await download).saveAs(file);
  const [header, ...rows] = readFileSync(file, 'utf8').replace(/^\uFEFF/, '').trim().split('\r\n').map((l) => l.split(','));
  expect(rows).toHaveLength(shown);
  for (const column of ['目标', '当前值', '状态', '目标下限', '目标上限']) expect(header).toContain(column);
  const hatched = rows.find((r) => r[header!.indexOf('目标')] === '孵化初创企业')!;
  expect(hatched[header!.indexOf('目标下限')]).toBe('8');
  expect(['已达成', '按计划推进', '有风险', '未达成', '已逾期']).toContain(hatched[header!.indexOf('状态')]);
});

test('export the filtered grid: every matching row, read back by LibreOffice', async ({ page }) => {
  await page.goto('/#/enterprises?status=settled');
  // Count and the clear-filters button come from the same answer: once it shows, the count is filtered.
  await expect(page.getByRole('button', { name: '清除筛选' }).first()).toBeVisible();
  await expect(page.locator('.count')).toHaveText(/共 \d+ 条/);
  const expected = Number((await page.locator('.count').innerText()).replace(/\D/g, ''));
  expect(expected).toBeGreaterThan(100); // more rows than the grid loads at once
  const download = page.waitForEvent('download');
  await page.getByRole('button', { name: '导出 Excel' }).click();
  const file = join(dir, (await download).suggestedFilename());
  await (await download).saveAs(file);
  const csv = libreOfficeCsvLines(file);
  expect(csv[0]).toContain('企业名称');
  expect(csv).toHaveLength(expected + 1);
  expect(csv.slice(1).every((line) => line.includes('入驻'))).toBe(true);
});

test('produce the operations report as a PDF that holds the targets in Chinese', async ({ page }) => {
  await page.goto('/#/reports');
  await page.getByLabel('期间类型').selectOption('year');
  await page.getByLabel('年份').selectOption('2020');
  const download = page.waitForEvent('download');
  await page.getByRole('button', { name: '生成报表' }).click();
  const file = join(dir, 'report.pdf');
  await (await download).saveAs(file);
  await expect(page.getByRole('status').filter({ hasText: '已生成' })).toBeVisible();
  const text = execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' });
  expect(text).toContain('园区运营报告（2020年）');
  for (const name of ['引进或孵化核心企业', '孵化初创企业', '建成大数据众创空间']) expect(text).toContain(name);
  expect(text).toMatch(/^\s*1\s*\/\s*\d+\s*$/m); // page numbers in the footer ("1 / 6", the same in both languages)
});
