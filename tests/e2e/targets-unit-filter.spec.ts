import { expect, test, type Page } from '@playwright/test';

/**
 * Targets' unit of measure is stored as the Chinese measure word (家, 项) and shown in English as a word
 * (companies, items): its filter matches what the user sees, in either language. Read-only: it shares
 * the screens' web shell.
 */
async function unitFilter(page: Page) {
  const header = page.locator('.ag-header-cell[col-id="unit"]').first();
  await expect(header).toBeVisible();
  const index = await header.getAttribute('aria-colindex');
  return page.locator(`.ag-floating-filter[aria-colindex="${index}"] input`);
}

const units = (page: Page) => page.locator('.ag-cell[col-id="unit"]');

async function shots(page: Page, name: string) {
  for (const [w, h] of [[1440, 900], [1024, 700]] as const) {
    await page.setViewportSize({ width: w, height: h });
    await page.waitForTimeout(300);
    await page.screenshot({ path: `tests/e2e/.screens/${name}-${w}.png` });
  }
  await page.setViewportSize({ width: 1440, height: 900 });
}

test('in English the unit filter on Targets finds the units by their English words', async ({ page }) => {
  await page.addInitScript(() => localStorage.setItem('parkpilot.locale', 'en'));
  await page.goto('/#/targets');
  await expect(units(page).first()).toHaveText(/^(companies|items)$/);
  const filter = await unitFilter(page);

  await filter.fill('compan');
  await expect.poll(async () => [...new Set(await units(page).allInnerTexts())]).toEqual(['companies']);
  await shots(page, 'targets-unit-filter-english');

  // 项 reads "item" for a target of one, "items" otherwise: either form finds it.
  await filter.fill('Items');
  await expect.poll(async () => (await units(page).allInnerTexts()).every((u) => /^items?$/.test(u)) && (await units(page).count()) > 0).toBe(true);

  // A word no unit shows finds nothing, and says so.
  await filter.fill('litres');
  await expect(page.locator('.empty-state')).toBeVisible();
  await filter.fill('');
  await expect(units(page).first()).toBeVisible();
});

test('in Chinese the unit filter still matches the stored unit', async ({ page }) => {
  await page.addInitScript(() => localStorage.setItem('parkpilot.locale', 'zh-CN'));
  await page.goto('/#/targets');
  await expect(units(page).first()).toHaveText(/^(家|项)$/);
  await (await unitFilter(page)).fill('家');
  await expect.poll(async () => [...new Set(await units(page).allInnerTexts())]).toEqual(['家']);
});

test('a milestone target reads as done or not, as on the Overview, not as a value of 1 in a range of 1–1', async ({ page }) => {
  await page.addInitScript(() => localStorage.setItem('parkpilot.locale', 'zh-CN'));
  await page.goto('/#/targets');
  await expect(page.locator('.ag-row').first()).toBeVisible();
  // The name may sit in the pinned part of the row, the figures in the scrolled part: matched by row index.
  const cell = async (name: string, colId: string) => {
    const index = await page.locator('.ag-row').filter({ hasText: name }).first().getAttribute('row-index');
    return page.locator(`.ag-row[row-index="${index}"] .ag-cell[col-id="${colId}"]`);
  };
  // The demo's maker space opened in 2019; the provincial park is still to come.
  await expect(await cell('建成大数据众创空间', 'value')).toHaveText('✓');
  await expect(await cell('建成大数据众创空间', 'range')).toHaveText('里程碑');
  await expect(await cell('建成省级及以上大数据产业园', 'value')).toHaveText('—');
  // A counted target keeps its figure and range.
  await expect(await cell('引进或孵化核心企业', 'range')).toHaveText(/^\d+–\d+$/);
});
