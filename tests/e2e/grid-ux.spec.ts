import { expect, test, type Page } from '@playwright/test';

/**
 * Issue 11, grid items: pick-list filters in the user's language (and typed labels), chart links
 * shown as labels, the empty state's button reachable; unsaved edits never dropped silently; the
 * grid as one Tab stop (arrows, Enter opens, F2 edits, Esc leaves); filters, sort and the open
 * record in the address and kept across pages; saved views and the column chooser.
 */
test.describe.configure({ mode: 'serial' });

async function shot(page: Page, name: string) {
  await page.waitForTimeout(400);
  await page.screenshot({ path: `tests/e2e/.screens/${name}.png` });
}
const count = (page: Page) => page.locator('.count');

test('industry is a pick list in Chinese; several values; the address carries it; labels, not codes', async ({ page }) => {
  await page.goto('/#/enterprises');
  await expect(count(page)).toHaveText(/共 \d+ 条/);
  const total = await count(page).textContent();
  await page.getByRole('button', { name: /筛选所属行业/ }).click();
  const list = page.getByRole('group', { name: /所属行业：选择要显示的值/ });
  await expect(list).toBeVisible();
  await list.getByLabel('在所属行业选项中查找').fill('大数据');
  await list.getByRole('checkbox').first().check();
  await expect(count(page)).not.toHaveText(total!);
  await expect(page).toHaveURL(/#\/enterprises\?industry=bigdata/);
  await expect(page.getByRole('button', { name: /筛选所属行业：大数据/ })).toBeVisible();
  await shot(page, 'grid-picklist-1440');
  await page.keyboard.press('Escape');
  // Every visible row says 大数据 in the industry column.
  const cells = page.locator('[role="gridcell"][col-id="industry"]');
  await expect(cells.first()).toBeVisible();
  for (const text of await cells.allTextContents()) expect(text).toContain('大数据');
});

test('the filter row: a pick list is as tall as the text filters beside it, at 1440 and at 1024', async ({ page }) => {
  await page.goto('/#/enterprises');
  await expect(count(page)).toHaveText(/共 \d+ 条/);
  for (const [width, height] of [[1440, 900], [1024, 700]] as const) {
    await page.setViewportSize({ width, height });
    const boxes = page.locator('.ag-floating-filter').locator('input.ag-input-field-input, button.pick-list-summary');
    await expect(boxes.nth(3)).toBeVisible();
    const heights = await boxes.evaluateAll((els) => els.filter((e) => e.getBoundingClientRect().width > 0).map((e) => [e.tagName, Math.round(e.getBoundingClientRect().height)] as const));
    // Both kinds are measured: text inputs and pick-list buttons.
    expect(new Set(heights.map(([tag]) => tag))).toEqual(new Set(['INPUT', 'BUTTON']));
    expect(new Set(heights.map(([, h]) => h)).size, `filter boxes at ${width}: ${heights.map(([, h]) => h).join(', ')}`).toBe(1);
  }
  await page.setViewportSize({ width: 1440, height: 900 });
});

test('a chart link with stage codes shows the stage names in the filter', async ({ page }) => {
  await page.goto('/#/leads?stage=signed,starting,funded,producing');
  await expect(page.getByRole('button', { name: '筛选阶段：签约、拟开工、到资、投产' })).toBeVisible();
  await expect(page.locator('.ag-floating-filter').getByText('signed')).toHaveCount(0);
});

test('no matching rows: the message does not cover 清除筛选, and the button works', async ({ page }) => {
  await page.goto('/#/enterprises?filter=' + encodeURIComponent(JSON.stringify({ name: { filterType: 'text', type: 'contains', filter: '不存在的企业名称XYZ' } })));
  await expect(count(page)).toHaveText('共 0 条');
  const empty = page.locator('.empty-state');
  await expect(empty).toContainText('没有符合筛选条件的记录');
  await expect(page.getByText('无匹配行')).toHaveCount(0);
  await shot(page, 'grid-empty-filtered');
  await empty.getByRole('button', { name: '清除筛选' }).click();
  await expect(count(page)).not.toHaveText('共 0 条');
});

test('a linked filter keeps its count when the unfiltered first page is answered after the filtered one', async ({ page }) => {
  // A busy machine answered the grid's first (unfiltered) request after the filtered one, and the count
  // read 共 348 条 over an empty grid (CI, session 19). Held back here so that it comes last every time.
  let released = false;
  await page.route('**/api/enterprises.rows', async (route) => {
    const body = route.request().postDataJSON() as { input: { filterModel: Record<string, unknown> } };
    if (Object.keys(body.input.filterModel).length === 0) {
      await new Promise((r) => setTimeout(r, 1500));
      released = true;
    }
    await route.continue();
  });
  await page.goto('/#/enterprises?filter=' + encodeURIComponent(JSON.stringify({ name: { filterType: 'text', type: 'contains', filter: '不存在的企业名称XYZ' } })));
  await expect(count(page)).toHaveText('共 0 条');
  await expect.poll(() => released).toBe(true);
  await page.waitForTimeout(500); // the held-back answer has been delivered
  await expect(count(page)).toHaveText('共 0 条');
  await expect(page.locator('.empty-state')).toContainText('没有符合筛选条件的记录');
});

test('filters and sort survive leaving the page; opening a record changes the address', async ({ page }) => {
  await page.goto('/#/enterprises?status=incubating&sort=name:desc');
  await expect(page.getByRole('button', { name: '筛选状态：在孵' })).toBeVisible();
  // The count of the filtered grid, once the filter has been applied (not the whole registry's).
  await expect(count(page)).not.toHaveText('共 347 条');
  const n = await count(page).textContent();
  await page.locator('[role="gridcell"][col-id="name"]').first().waitFor();
  await page.locator('.ag-row[row-index="0"] [col-id="name"]').click();
  await expect(page).toHaveURL(/#\/enterprises\/[0-9a-f-]{36}\?status=incubating&sort=name%3Adesc$/);
  await expect(page.getByRole('complementary')).toBeVisible();
  await page.getByRole('link', { name: '总览', exact: true }).click();
  await expect(page.getByRole('heading', { name: '园区总览' })).toBeVisible();
  await page.getByRole('link', { name: '企业', exact: true }).click();
  await expect(page).toHaveURL(/#\/enterprises\?status=incubating&sort=name%3Adesc$/);
  await expect(count(page)).toHaveText(n!);
  await expect(page.getByRole('button', { name: '筛选状态：在孵' })).toBeVisible();
  await page.goBack();
  await expect(page.getByRole('heading', { name: '园区总览' })).toBeVisible();
});

test('unsaved edits: another row or another page asks save / discard / stay', async ({ page }) => {
  await page.goto('/#/enterprises');
  await page.locator('[role="gridcell"][col-id="name"]').first().waitFor();
  await page.locator('.ag-row[row-index="0"] [col-id="name"]').click();
  const drawer = page.getByRole('complementary');
  const first = await drawer.getByRole('heading').textContent();
  await drawer.getByLabel('备注').fill('草稿：不要丢');
  // Another row: asked; Stay keeps the typed text.
  await page.locator('.ag-row[row-index="1"] [col-id="name"]').click();
  const dialog = page.getByRole('dialog', { name: '有未保存的修改' });
  await expect(dialog).toBeVisible();
  await shot(page, 'grid-unsaved-dialog');
  await dialog.getByRole('button', { name: '留在此处' }).click();
  await expect(drawer.getByRole('heading')).toHaveText(first!);
  await expect(drawer.getByLabel('备注')).toHaveValue('草稿：不要丢');
  // Another page: asked too; Save and continue saves, then goes.
  await page.getByRole('link', { name: '招商线索' }).click();
  await expect(dialog).toBeVisible();
  await expect(page).toHaveURL(/#\/enterprises\//);
  await dialog.getByRole('button', { name: '保存后继续' }).click();
  await expect(page).toHaveURL(/#\/leads/);
  await page.goBack();
  await expect(page.getByRole('complementary').getByLabel('备注')).toHaveValue('草稿：不要丢');
  // Discard drops the edit on purpose and opens the other row.
  await page.getByRole('complementary').getByLabel('备注').fill('这次放弃');
  await page.locator('.ag-row[row-index="1"] [col-id="name"]').click();
  await dialog.getByRole('button', { name: '放弃修改' }).click();
  await expect(page.getByRole('complementary').getByRole('heading')).not.toHaveText(first!);
});

test('keyboard: the grid is one Tab stop; arrows move; Enter opens; F2 edits; Esc leaves', async ({ page }) => {
  await page.goto('/#/enterprises');
  await page.locator('[role="gridcell"][col-id="name"]').first().waitFor();
  await page.getByRole('button', { name: '+ 新建' }).focus();
  await page.keyboard.press('Tab');
  await expect(page.locator('.ag-cell-focus')).toHaveCount(1);
  await expect(page.locator('.ag-cell-focus')).toHaveAttribute('col-id', 'name');
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('ArrowRight');
  await expect(page.locator('.ag-cell-focus')).toHaveAttribute('col-id', 'uscc');
  // One more Tab leaves the grid (no walk through headers, filters and cells).
  await page.keyboard.press('Tab');
  await expect(page.locator('.ag-root-wrapper :focus')).toHaveCount(0);
  await page.keyboard.press('Shift+Tab');
  await expect(page.locator('.ag-cell-focus')).toHaveAttribute('col-id', 'uscc');
  await page.keyboard.press('ArrowLeft');
  await page.keyboard.press('F2');
  await expect(page.locator('.ag-cell-inline-editing')).toHaveCount(1);
  await page.keyboard.press('Escape');
  await expect(page.locator('.ag-cell-inline-editing')).toHaveCount(0);
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(/#\/enterprises\/[0-9a-f-]{36}/);
  await expect(page.getByRole('complementary')).toBeVisible();
  await expect(page.locator('.ag-cell-inline-editing')).toHaveCount(0);
  await page.locator('.ag-cell-focus').focus();
  await page.keyboard.press('Escape');
  await expect(page.locator('.grid-wrap')).toBeFocused();
  await shot(page, 'grid-keyboard');
});

test('saved views keep filters, sort and columns; the column chooser hides a column', async ({ page }) => {
  await page.goto('/#/leads?stage=negotiating&sort=company:desc');
  await expect(page.getByRole('button', { name: '筛选阶段：在谈' })).toBeVisible();
  await page.locator('summary', { hasText: '显示列' }).click();
  await page.getByRole('checkbox', { name: '统一社会信用代码' }).uncheck();
  await expect(page.locator('.ag-header-cell[col-id="uscc"]')).toHaveCount(0);
  await page.locator('summary', { hasText: '显示列' }).click();
  await page.getByRole('button', { name: '保存视图' }).click();
  await page.getByRole('dialog').getByLabel('视图名称').fill('在谈线索');
  await page.getByRole('dialog').getByRole('button', { name: '保存' }).click();
  await expect(page.getByRole('status').filter({ hasText: '已保存视图“在谈线索”' })).toBeVisible();
  // Somewhere else entirely, then the view brings all of it back.
  await page.goto('/#/leads?stage=lost');
  await page.locator('summary', { hasText: '显示列' }).click();
  await page.getByRole('checkbox', { name: '统一社会信用代码' }).check();
  await page.locator('summary', { hasText: '显示列' }).click();
  await page.getByRole('combobox', { name: '已保存视图' }).selectOption('在谈线索');
  await expect(page.getByRole('button', { name: '筛选阶段：在谈' })).toBeVisible();
  await expect(page).toHaveURL(/stage=negotiating&sort=company%3Adesc/);
  await expect(page.locator('.ag-header-cell[col-id="uscc"]')).toHaveCount(0);
  await shot(page, 'grid-saved-view');
});

test('English: pick lists and the unsaved dialog speak English', async ({ page }) => {
  await page.goto('/#/enterprises');
  await page.getByRole('combobox', { name: '语言' }).selectOption('en');
  await page.goto('/#/enterprises?industry=bigdata');
  await expect(page.getByRole('button', { name: /Filter Industry: Big data/i })).toBeVisible();
  await page.setViewportSize({ width: 1024, height: 700 });
  await shot(page, 'grid-en-1024');
  await page.getByRole('combobox', { name: 'Language' }).selectOption('zh-CN');
});

test('the open record\'s row is marked in the grid however it was opened, the address too; closing clears it', async ({ page }) => {
  await page.goto('/#/enterprises');
  const second = page.locator('.ag-row[row-index="1"]').first();
  await expect(second).toBeVisible();
  await second.locator('.ag-cell').first().click();
  await expect(page).toHaveURL(/#\/enterprises\/[0-9a-f-]{36}/);
  const id = /#\/enterprises\/([0-9a-f-]{36})/.exec(page.url())![1]!;
  const row = page.locator(`.ag-row[row-id="${id}"]`).first();
  // The rows marked selected, each once (a row with pinned columns is drawn in more than one part).
  const selectedIds = () => page.locator('.ag-row.ag-row-selected').evaluateAll((rows) => [...new Set(rows.map((r) => r.getAttribute('row-id')))]);
  await expect(row).toHaveClass(/ag-row-selected/);

  // Opened from its address in a newly opened grid (a link, a search hit): the same row is marked once it loads.
  await page.goto('/#/overview');
  await expect(page.getByRole('heading', { name: '园区总览', level: 1 })).toBeVisible();
  await page.goto(`/#/enterprises/${id}`);
  await expect(page.locator('aside.drawer .drawer-head h2')).toContainText(/\S/);
  await expect(row).toHaveClass(/ag-row-selected/);
  await expect.poll(selectedIds).toEqual([id]);

  await page.locator('aside.drawer').getByRole('button', { name: '关闭' }).click();
  await expect(page.locator('aside.drawer')).toHaveCount(0);
  await expect.poll(selectedIds).toEqual([]);
});
