import { expect, test, type Page } from '@playwright/test';

/**
 * Screens follow the data: when another window changes records, a screen that shows them loads
 * again by itself (the core reports which tables changed), and a screen that does not, does not.
 */
async function call(page: Page, method: string, input: unknown): Promise<{ ok: boolean }> {
  const token = (await page.locator('meta[name="parkpilot-token"]').getAttribute('content')) ?? '';
  const res = await page.request.post(`/api/${method}`, { headers: { 'X-ParkPilot-Token': token }, data: { input } });
  return (await res.json()) as { ok: boolean };
}

const countOf = async (page: Page) => Number((await page.locator('.count').innerText()).replace(/\D/g, ''));

test('the board and the grid reload on changes made in another window, and only on those they show', async ({ page, context }) => {
  await page.goto('/#/pipeline');
  const promoted = page.locator('[data-stage="promoted"] .count-badge');
  await expect(promoted).toHaveText(/\d+/);
  const leadsBefore = Number(await promoted.innerText());

  const grid = await context.newPage();
  await grid.goto('/#/enterprises');
  await expect(grid.locator('.count')).toHaveText(/共 [\d,]+ 条/);
  const enterprisesBefore = await countOf(grid);
  let gridLoads = 0;
  grid.on('request', (r) => {
    if (r.url().includes('/api/enterprises.rows')) gridLoads++;
  });

  const other = await context.newPage();
  await other.goto('/#/settings');
  expect((await call(other, 'leads.create', { company: '珠海实时刷新测试有限公司', source: 'referral', stage: 'promoted' })).ok).toBe(true);
  await expect(promoted).toHaveText(String(leadsBefore + 1));
  // A new lead is none of the enterprise grid's business.
  await grid.waitForTimeout(1_000);
  expect(gridLoads).toBe(0);

  expect((await call(other, 'enterprises.create', { name: '珠海实时刷新企业有限公司', kind: 'startup', status: 'settled' })).ok).toBe(true);
  await expect(grid.locator('.count')).toHaveText(`共 ${enterprisesBefore + 1} 条`);
});
