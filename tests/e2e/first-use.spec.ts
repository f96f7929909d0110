import { expect, test, type Page } from '@playwright/test';

/**
 * A park administrator's first session on the demo database, in Chinese then English:
 * demo data shows; an enterprise is created with a wrong USCC, the error shown, fixed, saved;
 * found by search; sorted and filtered in the grid; its history shows the change; UI language
 * switches and is remembered; delete with confirmation and undo.
 */
const NAME = '珠海测试数据科技有限公司';
// 91440400MA4UKWXN + org check 6 + USCC check G (valid); the same with a wrong last character:
const GOOD = '91440400MA4UKWXN6G';
const BAD = '91440400MA4UKWXN6H';

test.describe.configure({ mode: 'serial' });

async function shot(page: Page, name: string) {
  await page.waitForTimeout(400);
  await page.screenshot({ path: `tests/e2e/.screens/${name}.png` });
}

test('the demo data and plan targets show on the Overview', async ({ page }) => {
  await page.goto('/');
  await expect(page.getByRole('note')).toContainText('演示数据库');
  await expect(page.getByRole('heading', { name: '园区总览' })).toBeVisible();
  await expect(page.locator('[data-target="引进或孵化核心企业"]')).toContainText('目标 3–5 家');
  await expect(page.locator('[data-target="孵化初创企业"]')).toContainText('目标 8–10 家');
  await expect(page.locator('[data-target="智慧产业促进中心吸引和服务企业"]')).toContainText('目标 ≥ 100 家');
  await expect(page.locator('[data-target="建成大数据众创空间"]')).toContainText('已达成');
  await expect(page.locator('.chart svg').first()).toBeVisible();
  await shot(page, 'overview-zh');
});

test('create an enterprise: wrong USCC is refused with the reason, fixed, saved', async ({ page }) => {
  await page.goto('/#/enterprises');
  await expect(page.locator('.count')).toHaveText('共 347 条');
  await shot(page, 'enterprises-zh');
  await page.getByRole('button', { name: '+ 新建' }).click();
  const drawer = page.getByRole('complementary');
  await drawer.getByLabel('企业名称').fill(NAME);
  await drawer.getByLabel('统一社会信用代码').fill(BAD);
  await drawer.getByLabel('所属行业').selectOption('bigdata');
  await drawer.getByLabel('企业类型').selectOption('core');
  await drawer.getByRole('button', { name: '保存' }).click();
  await expect(drawer.locator('#e-uscc')).toHaveText('统一社会信用代码校验位错误，请核对');
  await expect(drawer.getByLabel('统一社会信用代码')).toBeFocused();
  await shot(page, 'enterprise-uscc-error');
  await drawer.getByLabel('统一社会信用代码').fill(GOOD.toLowerCase());
  await drawer.getByRole('button', { name: '保存' }).click();
  await expect(page.getByRole('status').filter({ hasText: `已创建“${NAME}”` })).toBeVisible();
  await expect(page.locator('.count')).toHaveText('共 348 条');
});

test('find it again with global search (Ctrl+K), then edit it and see the history', async ({ page }) => {
  await page.goto('/#/overview');
  // The shortcut belongs to the rendered app: pages load on demand, so wait for it, not for the script.
  await expect(page.getByRole('heading', { name: '园区总览', level: 1 })).toBeVisible();
  await page.keyboard.press('Control+k');
  const box = page.getByRole('combobox', { name: '搜索' });
  await box.fill('测试数据');
  await expect(page.locator('#search-results').getByRole('option').first()).toContainText(NAME);
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(/#\/enterprises\/[0-9a-f-]{36}$/);
  const drawer = page.getByRole('complementary');
  await expect(drawer.getByRole('heading', { name: NAME })).toBeVisible();
  await expect(drawer.getByLabel('统一社会信用代码')).toHaveValue(GOOD);
  await drawer.getByLabel('从业人数').fill('42');
  await drawer.getByLabel('注册资本（万元）').fill('1,500');
  await drawer.getByRole('button', { name: '保存' }).click();
  await expect(page.getByRole('status').filter({ hasText: '已保存' })).toBeVisible();
  await drawer.getByRole('tab', { name: '修改记录' }).click();
  await expect(drawer.locator('[data-field="headcount"]')).toContainText('从业人数: ∅ → 42');
  // The label names the unit; the value does not name it again ("1,500 万元" after "（万元）" read twice).
  await expect(drawer.locator('[data-field="registered_capital"]')).toHaveText('注册资本（万元）: ∅ → 1,500');
  await expect(drawer.getByText('创建', { exact: true })).toHaveCount(1);
  await expect(drawer.getByText('编辑', { exact: true })).toHaveCount(1);
  await shot(page, 'enterprise-history');

  // Two-character and credit-code searches work too.
  await page.keyboard.press('Control+k');
  await page.getByRole('combobox', { name: '搜索' }).fill('数据');
  await expect(page.locator('#search-results').getByRole('option').first()).toBeVisible();
  await page.getByRole('combobox', { name: '搜索' }).fill(GOOD.slice(0, 12));
  await expect(page.locator('#search-results').getByRole('option')).toHaveCount(1);
  await page.keyboard.press('Escape');
});

test('sort and filter the grid; the count is exact', async ({ page }) => {
  await page.goto('/#/enterprises');
  await expect(page.locator('.count')).toHaveText('共 348 条');
  await page.locator('.ag-header-row-column .ag-header-cell[col-id="name"] .ag-header-cell-label').click();
  await expect(page.locator('.ag-header-row-column .ag-header-cell[col-id="name"]')).toHaveAttribute('aria-sort', 'ascending');
  await page.waitForTimeout(500);
  // Cells in the order the grid shows them (the DOM order may differ): by their row index.
  const shown = await page.locator('[role="gridcell"][col-id="name"]').evaluateAll((cells) =>
    cells
      .map((c) => ({ i: Number(c.closest('[row-index]')?.getAttribute('row-index')), text: (c as unknown as { innerText: string }).innerText }))
      .filter((c) => c.text)
      .sort((a, b) => a.i - b.i)
      .slice(0, 8)
      .map((c) => c.text),
  );
  expect(shown.length).toBeGreaterThan(3);
  expect([...shown].sort()).toEqual(shown);

  await page.locator('.ag-floating-filter[aria-colindex="1"] input').fill('测试数据');
  await expect(page.locator('.count')).toHaveText('共 1 条');
  await expect(page.getByRole('gridcell', { name: NAME })).toBeVisible();
  await page.locator('.ag-floating-filter[aria-colindex="1"] input').fill('不存在的公司名');
  await expect(page.getByText('没有符合筛选条件的记录')).toBeVisible();
  await page.getByRole('button', { name: '清除筛选' }).first().click();
  await expect(page.locator('.count')).toHaveText('共 348 条');
});

test('an Overview card opens the filtered grid', async ({ page }) => {
  await page.goto('/#/overview');
  await page.locator('a.card', { hasText: '在孵企业' }).click();
  await expect(page).toHaveURL(/#\/incubations\?stage=admitted,incubating/);
  await expect(page.locator('.count')).toHaveText(/共 \d+ 条/);
  const text = await page.locator('.count').innerText();
  expect(Number(text.replace(/\D/g, ''))).toBeLessThan(48);
});

test('switch to English, remembered across reloads, and back', async ({ page }) => {
  await page.goto('/#/enterprises');
  await page.getByLabel('语言', { exact: true }).selectOption('en');
  await expect(page.getByRole('link', { name: 'Enterprises' })).toBeVisible();
  await expect(page.locator('.ag-header-row-column .ag-header-cell[col-id="name"]')).toContainText('Enterprise name');
  await expect(page.locator('.count')).toHaveText('348 rows');
  await shot(page, 'enterprises-en');
  await page.reload();
  await expect(page.getByRole('link', { name: 'Overview' })).toBeVisible();
  await page.getByRole('link', { name: 'Overview' }).click();
  await expect(page.getByRole('heading', { name: 'Park overview' })).toBeVisible();
  await expect(page.locator('[data-target="引进或孵化核心企业"]')).toContainText('Core enterprises introduced or incubated');
  await shot(page, 'overview-en');
  await page.getByRole('button', { name: 'Theme' }).click();
  await shot(page, 'overview-en-dark');
  await page.getByRole('button', { name: 'Theme' }).click();
  await page.getByLabel('Language', { exact: true }).selectOption('zh-CN');
  await expect(page.getByRole('heading', { name: '园区总览' })).toBeVisible();
});

test('delete asks first, and can be undone', async ({ page }) => {
  await page.goto('/#/enterprises');
  await page.locator('.ag-floating-filter[aria-colindex="1"] input').fill('测试数据');
  await expect(page.locator('.count')).toHaveText('共 1 条');
  await page.getByRole('gridcell', { name: NAME }).click();
  await page.getByRole('complementary').getByRole('button', { name: '删除' }).click();
  await expect(page.getByRole('dialog', { name: '确认删除' })).toContainText(NAME);
  await page.getByRole('dialog').getByRole('button', { name: '删除' }).click();
  await expect(page.locator('.count')).toHaveText('共 0 条');
  await page.getByRole('status').getByRole('button', { name: '撤销' }).click();
  await expect(page.locator('.count')).toHaveText('共 1 条');
});
