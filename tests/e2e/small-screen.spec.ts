import { expect, test } from '@playwright/test';

/**
 * The main pages at 1024×700 (a small laptop or a window beside another): each renders its heading
 * and content, the page itself does not scroll sideways, and a screenshot is kept to look at.
 */
const PAGES: { hash: string; heading: string | RegExp; ready: string }[] = [
  { hash: 'overview', heading: '园区总览', ready: '.target-cards' },
  { hash: 'enterprises', heading: '企业', ready: '.ag-row' },
  { hash: 'incubations', heading: '孵化', ready: '.ag-row' },
  { hash: 'leads', heading: '招商线索', ready: '.ag-row' },
  { hash: 'pipeline', heading: /招商/, ready: '.board-card' },
  { hash: 'targets', heading: '规划目标', ready: '.ag-row' },
  { hash: 'imports', heading: '数据导入', ready: '.import-form' },
  { hash: 'reports', heading: '统计报表', ready: '.report-form' },
  { hash: 'settings', heading: '设置', ready: '.settings' },
];

test.use({ viewport: { width: 1024, height: 700 } });

for (const p of PAGES) {
  test(`${p.hash} at 1024×700`, async ({ page }) => {
    await page.goto(`/#/${p.hash}`);
    await expect(page.getByRole('heading', { level: 1, name: p.heading }).first()).toBeVisible();
    await expect(page.locator(p.ready).first()).toBeVisible();
    // (The page's own scroll box, read in the browser: tests are type-checked without DOM types.)
    const overflow = await page.locator('html').evaluate((html: { scrollWidth: number; clientWidth: number }) => html.scrollWidth - html.clientWidth);
    expect(overflow, 'the page scrolls sideways').toBeLessThanOrEqual(0);
    await page.waitForTimeout(300);
    await page.screenshot({ path: `tests/e2e/.screens/1024-${p.hash}.png` });
  });
}

test('the Overview\'s charts follow a window narrowed from 1440 to 1024 (none past the right edge)', async ({ page }) => {
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.goto('/#/overview');
  const charts = page.locator('.charts .chart[role="img"]');
  await expect(charts.first()).toBeVisible();
  await expect(page.locator('.charts .chart svg').first()).toBeVisible();
  await page.setViewportSize({ width: 1024, height: 700 });
  const farthest = () => page.locator('.charts .card').evaluateAll((cards: { getBoundingClientRect(): { right: number } }[]) => Math.max(...cards.map((c) => c.getBoundingClientRect().right)));
  await expect.poll(farthest, { message: 'a chart card ends past the window' }).toBeLessThanOrEqual(1024);
  await page.screenshot({ path: 'tests/e2e/.screens/1024-overview-narrowed.png' });
});

test('a record open beside the grid at 1024×700', async ({ page }) => {
  await page.goto('/#/enterprises');
  await expect(page.locator('.ag-row [col-id="name"]').first()).toContainText(/\S/);
  await page.locator('.ag-row [col-id="name"]').first().click();
  await expect(page.getByRole('complementary')).toBeVisible();
  await page.screenshot({ path: 'tests/e2e/.screens/1024-enterprise-open.png' });
});
