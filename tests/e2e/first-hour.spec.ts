import { expect, test, type Page } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { libreOfficeCsvLines } from './libreoffice';

/**
 * The first hour of a park office on the demo database (issue 11): the defects a new user meets and
 * the everyday gaps, each through the screen a user takes, with screenshots to look at.
 */
test.describe.configure({ mode: 'serial' });
const dir = mkdtempSync(join(tmpdir(), 'parkpilot-first-hour-'));

async function shot(page: Page, name: string) {
  await page.waitForTimeout(400);
  await page.screenshot({ path: `tests/e2e/.screens/${name}.png`, fullPage: true });
}

test('the skip link moves focus to the page content and stays on the page', async ({ page }) => {
  await page.goto('/#/enterprises');
  await expect(page.locator('.count')).toHaveText(/共 \d+ 条/);
  await page.keyboard.press('Tab');
  const skip = page.getByRole('link', { name: '跳到主要内容' });
  await expect(skip).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(page.locator('main#main')).toBeFocused();
  await expect(page).toHaveURL(/#\/enterprises$/);
  await expect(page.getByRole('heading', { name: '企业', exact: true })).toBeVisible();
});

test('the demo opens on its own last day, says so, and can run on today instead', async ({ page }) => {
  await page.goto('/#/overview');
  const banner = page.getByRole('note').filter({ hasText: '演示数据库' });
  await expect(banner).toContainText('演示数据的历史截至 2021-12-31');
  await expect(page.getByText('统计截至 2021年12月31日')).toBeVisible();
  await shot(page, 'demo-day-overview');
  await banner.getByRole('button', { name: '改为按今天运行' }).click();
  await expect(page.getByRole('note').filter({ hasText: '演示数据库' })).toContainText('系统按今天');
  await page.getByRole('note').filter({ hasText: '演示数据库' }).getByRole('button', { name: '回到演示数据的最后一天' }).click();
  await expect(page.getByRole('note').filter({ hasText: '演示数据库' })).toContainText('演示数据的历史截至 2021-12-31');
  // The report page offers the demo's last full year.
  await page.goto('/#/reports');
  await expect(page.getByLabel('年份')).toHaveValue('2021');
});

test('as of 2019-06-30 a milestone completed later is open, and click-throughs say the grid shows today', async ({ page }) => {
  await page.goto('/#/overview');
  await page.getByLabel('统计日期').fill('2019-06-30');
  await expect(page.getByText('统计截至 2019年6月30日')).toBeVisible();
  const centre = page.locator('[data-target="珠海大数据中心投入运营"]');
  await expect(centre).not.toContainText('✓');
  await expect(centre.locator('.badge')).toHaveText('按计划推进');
  await expect(page.locator('.timeline li', { hasText: '珠海大数据中心投入运营' })).not.toHaveClass(/done/);
  await shot(page, 'overview-2019-06-30');
  const funnel = page.locator('.chart-card', { has: page.getByRole('heading', { name: '招商漏斗（含转化率）' }) }).locator('.chart');
  await funnel.locator('text', { hasText: /^签约 \d+/ }).click();
  await expect(page).toHaveURL(/#\/leads\?stage=.*&asof=2019-06-30$/);
  await expect(page.getByRole('note').filter({ hasText: '从 2019-06-30 的总览打开' })).toContainText('表格列出的是今天的记录');
  await shot(page, 'grid-from-as-of');
  // The figure tiles are links to the same registries: they say so too.
  await page.goto('/#/overview');
  await page.locator('.card.stat', { hasText: '在册企业' }).click();
  await expect(page).toHaveURL(/#\/enterprises\?status=.*&asof=2019-06-30$/);
  await expect(page.getByRole('note').filter({ hasText: '从 2019-06-30 的总览打开' })).toContainText('表格列出的是今天的记录');
  await page.goto('/#/overview');
  await page.getByRole('button', { name: '回到今天' }).click();
});

test('an address that names no page says so, marks no page in the sidebar, and leads back to the Overview', async ({ page }) => {
  await page.goto('/#/enterprize');
  await expect(page.getByRole('heading', { name: '没有这个页面', level: 1 })).toBeVisible();
  await expect(page.locator('main')).toContainText('地址中的“enterprize”不是 ParkPilot 的页面');
  await expect(page.locator('nav.sidebar [aria-current="page"]')).toHaveCount(0);
  await expect(page.locator('.cards')).toHaveCount(0);
  await page.getByRole('link', { name: '回到园区总览' }).click();
  await expect(page).toHaveURL(/#\/overview$/);
  await expect(page.getByRole('heading', { name: '园区总览', level: 1 })).toBeVisible();
  await expect(page.locator('nav.sidebar [aria-current="page"]')).toHaveCount(1);
});

test('在孵 agrees: the registry refuses a 在孵 without an incubation record, with the reason', async ({ page }) => {
  await page.goto('/#/enterprises');
  await page.getByRole('button', { name: '+ 新建' }).click();
  const drawer = page.getByRole('complementary');
  await drawer.getByLabel('企业名称').fill('自称在孵科技有限公司');
  await drawer.getByLabel('状态').selectOption('incubating');
  await drawer.getByRole('button', { name: '保存' }).click();
  await expect(drawer).toContainText('“在孵”由孵化记录决定');
  await shot(page, 'incubating-needs-record');
});

test('search: names first, tag-only matches marked, "see all" opens the filtered grid', async ({ page }) => {
  await page.goto('/#/overview');
  // The shortcut belongs to the rendered app: pages load on demand, so wait for it, not for the script.
  await expect(page.getByRole('heading', { name: '园区总览', level: 1 })).toBeVisible();
  await page.keyboard.press('Control+k');
  await page.getByRole('combobox', { name: '搜索' }).fill('数据');
  const options = page.locator('#search-results').getByRole('option');
  await expect(options).toHaveCount(20);
  await expect(options.first().locator('.hit-name')).toContainText('数据');
  await expect(options.first()).not.toContainText('标签匹配');
  await shot(page, 'search-ranked');
  // One Esc closes it, text typed or not (as its hint says); opened again, it starts empty.
  await page.keyboard.press('Escape');
  await expect(page.getByRole('combobox', { name: '搜索' })).toHaveCount(0);
  await page.keyboard.press('Control+k');
  await expect(page.getByRole('combobox', { name: '搜索' })).toHaveValue('');
  await page.getByRole('combobox', { name: '搜索' }).fill('数据');
  await expect(options).toHaveCount(20);
  await page.getByRole('button', { name: '在“企业”中查看全部名称匹配' }).click();
  // The grid takes the search over as its own name filter, and the address carries it (linkable).
  await expect(page).toHaveURL(/#\/enterprises\?filter=.*name.*contains/);
  await expect(page.getByRole('button', { name: '清除筛选' }).first()).toBeVisible();
  await expect(page.locator('.count')).toHaveText(/共 \d+ 条/);
  await expect(page.locator('.ag-row [col-id="name"]').first()).toContainText('数据');
  const names = await page.locator('.ag-row [col-id="name"]').allInnerTexts();
  expect(names.length).toBeGreaterThan(0);
  expect(names.every((n) => n.includes('数据'))).toBe(true);
});

test('Settings: the park name titles the window, the current user signs the history, values read as words', async ({ page }) => {
  await page.goto('/#/settings');
  await page.getByLabel('园区名称（用于报表封面和窗口标题）').fill('珠海大数据产业园');
  await page.getByLabel('当前使用人（修改记录中显示的姓名）').fill('王芳');
  await page.getByLabel('当前使用人（修改记录中显示的姓名）').blur();
  await expect(page.getByRole('status').filter({ hasText: '已保存园区与使用人设置' }).first()).toBeVisible();
  await shot(page, 'settings-office');
  await page.reload();
  await expect(page).toHaveTitle(/^珠海大数据产业园 · /);

  await page.goto('/#/enterprises');
  await page.locator('.ag-floating-filter[aria-colindex="1"] input').fill('科技');
  await expect(page.locator('.ag-row [col-id="name"]').first()).toContainText('科技');
  await page.locator('.ag-row [col-id="name"]').first().click();
  const drawer = page.getByRole('complementary');
  await drawer.getByLabel('从业人数').fill('77');
  await drawer.getByRole('button', { name: '保存' }).click();
  await expect(page.getByRole('status').filter({ hasText: '已保存' }).first()).toBeVisible();
  await drawer.getByRole('tab', { name: '修改记录' }).click();
  await expect(drawer.locator('.history > li').first()).toContainText('王芳');
  // Tags and contacts as a person reads them, not JSON.
  await expect(drawer.locator('[data-field="tags"]').first()).toContainText('→ 演示数据');
  await expect(drawer.locator('.history')).not.toContainText('["');
  await expect(drawer.locator('.history')).not.toContainText('{"');
  await shot(page, 'history-readable');
});

test('a request raised by phone is dated on the demo\'s day, on the enterprise and on the Overview', async ({ page }) => {
  await page.goto('/#/enterprises');
  await page.locator('.ag-row [col-id="name"]').first().click();
  const drawer = page.getByRole('complementary');
  const name = (await drawer.getByRole('heading').first().textContent())!.trim();
  await drawer.getByRole('tab', { name: '诉求' }).click();
  // Left alone, the day is the database's today: the demo's last day, not the computer's date.
  await expect(drawer.getByLabel('提出日期')).toHaveValue('2021-12-31');
  await drawer.getByLabel('新的诉求').fill('电话反映：希望增设充电桩');
  await drawer.getByRole('button', { name: '添加诉求' }).click();
  const row = drawer.locator('.request-row[data-request="open"]').filter({ hasText: '希望增设充电桩' });
  await expect(row).toContainText('2021年12月31日');
  await shot(page, 'request-dated');
  // A day to come is refused (the field stops it, as the visit and follow-up forms do; the core too:
  // visits.test.ts), and nothing is added.
  await drawer.getByLabel('新的诉求').fill('明年的诉求');
  await drawer.getByLabel('提出日期').fill('2022-01-05');
  await drawer.getByRole('button', { name: '添加诉求' }).click();
  expect(await drawer.getByLabel('提出日期').evaluate((el: HTMLInputElement) => el.validity.rangeOverflow)).toBe(true);
  await expect(drawer.locator('.request-row[data-request]')).toHaveCount(1);
  await expect(drawer.getByLabel('新的诉求')).toHaveValue('明年的诉求');
  await page.goto('/#/overview');
  const card = page.locator('.requests-card li').filter({ hasText: '希望增设充电桩' });
  await expect(card).toContainText(name);
  await expect(card).toContainText('2021年12月31日');
});

test('import: a template per entity, unmapped columns named, revert asks first', async ({ page }) => {
  await page.goto('/#/imports');
  await page.getByLabel('导入到').selectOption('leads');
  const download = page.waitForEvent('download');
  await page.getByRole('button', { name: '下载导入模板（.xlsx）' }).click();
  const file = join(dir, (await download).suggestedFilename());
  await (await download).saveAs(file);
  expect(file).toMatch(/导入模板-招商线索\.xlsx$/);
  // Read back the way an office reads it: LibreOffice opens it, and it holds the headers and one example row.
  const lines = libreOfficeCsvLines(file);
  expect(lines).toHaveLength(2);
  expect(lines[0]!.split(',')).toEqual(expect.arrayContaining(['企业名称', '意向投资（万元）', '阶段', '负责人']));

  await page.getByLabel('导入到').selectOption('enterprises');
  const roster = join(dir, '含未知列的花名册.csv');
  writeFileSync(roster, '\uFEFF企业名称,法定代表人,联系人,联系电话,上年营收（万元）,楼层,经营范围\n珠海首小时数据有限公司,王五,张敏,0756-1234567,120,3F,软件开发\n');
  await page.getByLabel('选择文件（.xlsx、.xls、.csv）').setInputFiles(roster);
  await expect(page.getByTestId('import-counts')).toContainText('新建 1');
  await expect(page.getByTestId('import-unmapped')).toHaveText(/以下 2 列不会导入：法定代表人、经营范围/);
  await expect(page.getByLabel('对应字段 联系人')).toHaveValue('contact_name');
  await expect(page.getByLabel('对应字段 上年营收（万元）')).toHaveValue('revenue_prev');
  // Every field the core imports is offered (the choices come from the core's list): the floor too.
  await expect(page.getByLabel('对应字段 楼层')).toHaveValue('floor');
  await shot(page, 'import-unmapped');
  await page.getByRole('button', { name: '确认导入（1 条）' }).click();
  await expect(page.getByRole('heading', { name: '导入完成' })).toBeVisible();
  await page.getByRole('button', { name: '撤销此次导入' }).first().click();
  const confirm = page.getByRole('dialog', { name: '撤销导入' });
  await expect(confirm).toBeVisible();
  await shot(page, 'import-revert-confirm');
  await confirm.getByRole('button', { name: '撤销此次导入' }).click();
  await expect(page.getByRole('status').filter({ hasText: '已撤销：删除 1 条新建记录' })).toBeVisible();
  // The result now says so, and offers no second revert (the core would refuse it).
  const result = page.locator('section.card', { has: page.getByRole('heading', { name: '导入已撤销' }) });
  await expect(result).toBeVisible();
  await expect(result.getByRole('button', { name: '撤销此次导入' })).toHaveCount(0);
});

test('a field an import filled says so in the record\'s history, with the file, and leads to the imports', async ({ page }) => {
  await page.goto('/#/imports');
  await page.getByLabel('导入到').selectOption('enterprises');
  const roster = join(dir, '十二月走访名单.csv');
  writeFileSync(roster, '\uFEFF企业名称,从业人数\n珠海历史来源数据有限公司,37\n');
  await page.getByLabel('选择文件（.xlsx、.xls、.csv）').setInputFiles(roster);
  await expect(page.getByTestId('import-counts')).toContainText('新建 1');
  await page.getByRole('button', { name: '确认导入（1 条）' }).click();
  await expect(page.getByRole('heading', { name: '导入完成' })).toBeVisible();

  await page.goto(`/#/enterprises?q=${encodeURIComponent('珠海历史来源数据有限公司')}`);
  const cell = page.locator('.ag-row [col-id="name"]', { hasText: '珠海历史来源数据有限公司' });
  await expect(cell).toHaveCount(1);
  await cell.click();
  const drawer = page.locator('aside.drawer');
  await drawer.getByRole('tab', { name: '修改记录' }).click();
  const source = drawer.locator('.history > li').first().getByRole('link', { name: '导入：十二月走访名单.csv' });
  await expect(source).toBeVisible();
  await shot(page, 'history-import-source');
  await source.click();
  await expect(page.getByRole('heading', { name: '数据导入', level: 1 })).toBeVisible();
});

test('reports: the period is picked (quarter), the language chosen, the cover names the park', async ({ page }) => {
  await page.goto('/#/reports');
  await page.getByLabel('期间类型').selectOption('quarter');
  await page.getByLabel('年份').selectOption('2020');
  await page.getByLabel('季度').selectOption('4');
  await page.getByLabel('报表语言').selectOption('en');
  await shot(page, 'reports-picker');
  const download = page.waitForEvent('download');
  await page.getByRole('button', { name: '生成报表' }).click();
  const file = join(dir, 'report-en.pdf');
  await (await download).saveAs(file);
  expect((await download).suggestedFilename()).toBe('Park-operations-report-2020-Q4.pdf');
  const text = execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' });
  expect(text).toContain('Park operations report (2020-10-01 – 2020-12-31)');
  expect(text).toContain('珠海大数据产业园');
});
