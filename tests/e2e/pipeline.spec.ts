import { expect, test, type Page } from '@playwright/test';

/**
 * The morning routine on the demo database: move a lead along the kanban and convert it; the funnel,
 * the grid and a target card agree; a funnel stage opens the filtered grid; an earlier as-of date shows
 * the plan's statuses as they stood then.
 */
test.describe.configure({ mode: 'serial' });
// Wide enough for all seven kanban columns: a drag that scrolls the board mid-gesture is a test artifact.
test.use({ viewport: { width: 2000, height: 1000 } });

const funnelChart = (page: Page) => page.locator('.chart-card', { has: page.getByRole('heading', { name: '招商漏斗（含转化率）' }) }).locator('.chart');

/** The funnel's "at this stage or later" count for a stage, read from the chart's own label. */
async function funnelValue(page: Page, stage: string): Promise<number> {
  const label = funnelChart(page).locator('text', { hasText: new RegExp(`^${stage} \\d+`) });
  await expect(label).toHaveCount(1);
  return Number((await label.textContent())!.match(new RegExp(`^${stage} (\\d+)`))![1]);
}

async function gridCount(page: Page): Promise<number> {
  await expect(page.locator('.count')).toHaveText(/共 [\d,]+ 条/);
  return Number((await page.locator('.count').innerText()).replace(/\D/g, ''));
}

/**
 * The grid's exact count, once the filters from the route have been applied (it starts unfiltered). As
 * patient as any expectation (the config's): a page's first grid load took over 10 s on a loaded machine.
 */
async function expectGridCount(page: Page, expected: number): Promise<void> {
  await expect.poll(() => gridCount(page), { timeout: 30_000 }).toBe(expected);
}

test('drag a lead from 在谈 to 签约, then convert it into an enterprise', async ({ page }) => {
  await page.goto('/#/overview');
  const signedBefore = await funnelValue(page, '签约');

  await page.goto('/#/pipeline');
  const negotiating = page.locator('[data-stage="negotiating"]');
  const signed = page.locator('[data-stage="signed"]');
  const card = negotiating.locator('.board-card').first();
  const company = (await card.locator('.card-title').innerText()).trim();
  const signedCount = Number(await signed.locator('.count-badge').innerText());
  await card.dragTo(signed);
  await expect(page.getByRole('status').filter({ hasText: `“${company}”已移至 签约` })).toBeVisible();
  const moved = signed.locator('.board-card', { hasText: company });
  await expect(moved).toBeVisible();
  await expect(signed.locator('.count-badge')).toHaveText(String(signedCount + 1));
  await page.screenshot({ path: 'tests/e2e/.screens/pipeline-board.png' });

  await moved.getByRole('button', { name: '转为企业' }).click();
  const dialog = page.getByRole('dialog', { name: '线索转为企业' });
  await dialog.getByRole('radio', { name: '新建园区企业' }).check();
  // What the lead knows is carried over; what it lacks is asked for.
  await expect(dialog.getByLabel('企业名称')).toHaveValue(company);
  await dialog.getByLabel('企业类型').selectOption('core');
  await dialog.getByLabel('楼栋').fill('B2 栋');
  await dialog.getByLabel('入驻日期').fill('2021-12-20');
  await page.screenshot({ path: 'tests/e2e/.screens/convert-dialog.png' });
  await dialog.getByRole('button', { name: '创建企业并打开' }).click();
  await expect(page.getByRole('status').filter({ hasText: `已创建企业“${company}”` })).toBeVisible();
  // The new record opens in the enterprise registry.
  await expect(page).toHaveURL(/#\/enterprises\/[0-9a-f-]{36}$/);
  const drawer = page.getByRole('complementary');
  await expect(drawer.getByRole('heading', { name: company })).toBeVisible();
  await expect(drawer.getByLabel('楼栋')).toHaveValue('B2 栋');
  await expect(drawer.getByLabel('入驻日期')).toHaveValue('2021-12-20');
  await page.goto('/#/pipeline');
  await expect(signed.locator('.board-card', { hasText: company }).getByRole('link', { name: '已关联企业 →' })).toBeVisible();

  // The funnel counts it, and a click on 签约 opens exactly those leads in the grid.
  await page.goto('/#/overview');
  const signedAfter = await funnelValue(page, '签约');
  expect(signedAfter).toBe(signedBefore + 1);
  await page.screenshot({ path: 'tests/e2e/.screens/overview-dashboard.png', fullPage: true });
  await funnelChart(page).locator('text', { hasText: /^签约 \d+/ }).click();
  await expect(page).toHaveURL(/#\/leads\?stage=signed%2Cstarting%2Cfunded%2Cproducing$/);
  await expectGridCount(page, signedAfter);
  await expect(page.getByRole('gridcell', { name: company })).toHaveCount(1, { timeout: 10_000 }).catch(async () => {
    // The lead may sit below the first screen of rows; filter the grid by its name to find it.
    await page.locator('.ag-floating-filter[aria-colindex="1"] input').fill(company);
    await expect(page.getByRole('gridcell', { name: company })).toBeVisible();
  });
});

test('a target card agrees with the grid it summarises', async ({ page }) => {
  await page.goto('/#/overview');
  const card = page.locator('[data-target="引进或孵化核心企业"]');
  const value = Number(await card.locator('.big').innerText());
  await page.goto('/#/enterprises?kind=core&entry_date=2017-10-13..2020-12-31');
  await expectGridCount(page, value);
});

test('the as-of date replays the plan: statuses on 2020-12-31', async ({ page }) => {
  await page.goto('/#/overview');
  await expect(page.locator('[data-target="孵化初创企业"] .badge')).toHaveText('未达成'); // today: past the deadline
  // Past its deadline a target has nothing left to project: its card offers the month-by-month chart instead.
  await expect(page.locator('[data-target="孵化初创企业"]')).not.toContainText('预计到期');
  await expect(page.locator('[data-target="孵化初创企业"]').getByRole('button', { name: '逐月走势 ·' })).toBeVisible();
  await expect(page.locator('[data-target="建成省级及以上大数据产业园"] .badge')).toHaveText('已逾期');
  await page.getByLabel('统计日期').fill('2020-12-31');
  await expect(page.getByText('统计截至 2020年12月31日')).toBeVisible();
  await expect(page.locator('[data-target="引进或孵化核心企业"] .badge')).toHaveText('已达成');
  await expect(page.locator('[data-target="孵化初创企业"] .badge')).toHaveText('有风险'); // the deadline day itself
  await expect(page.locator('[data-target="孵化初创企业"]')).toContainText('预计到期'); // on the day, still projected
  await expect(page.locator('[data-target="建成省级及以上大数据产业园"] .badge')).toHaveText('按计划推进');
  await expect(page.locator('[data-target="建成大数据众创空间"] .badge')).toHaveText('已达成');
  await page.screenshot({ path: 'tests/e2e/.screens/overview-2020-12-31.png', fullPage: true });
  await page.getByLabel('统计日期').fill('2019-01-01');
  await expect(page.locator('[data-target="建成大数据众创空间"] .badge')).toHaveText('按计划推进'); // opened 2019-06-18
  await page.getByRole('button', { name: '回到今天' }).click();
  await expect(page.locator('[data-target="孵化初创企业"] .badge')).toHaveText('未达成');
});

test('move a lead with the keyboard; a drop on 流失 asks for the reason', async ({ page }) => {
  await page.goto('/#/pipeline');
  const card = page.locator('[data-stage="promoted"] .board-card').first();
  const company = (await card.locator('.card-title').innerText()).trim();
  await card.focus();
  await page.keyboard.press('Alt+ArrowRight');
  const inNegotiation = page.locator('[data-stage="negotiating"] .board-card', { hasText: company });
  await expect(inNegotiation).toBeVisible();
  await expect(inNegotiation).toBeFocused(); // focus follows the card, so moves can be repeated
  await page.keyboard.press('Alt+ArrowLeft');
  const back = page.locator('[data-stage="promoted"] .board-card').first();
  await expect(back).toContainText(company);

  await back.dragTo(page.locator('[data-stage="lost"] header'));
  const dialog = page.getByRole('dialog', { name: '标记为流失' });
  await expect(dialog.getByRole('button', { name: '保存' })).toBeDisabled();
  await dialog.getByLabel('流失原因').fill('选择其他城市落地');
  await dialog.getByRole('button', { name: '保存' }).click();
  await expect(page.locator('[data-stage="lost"] .board-card', { hasText: company })).toBeVisible();
});

test('a move is undone from its notice or with Ctrl+Z: the card goes back and its history does not keep the move', async ({ page }) => {
  await page.goto('/#/pipeline');
  const promoted = page.locator('[data-stage="promoted"]');
  const negotiating = page.locator('[data-stage="negotiating"]');
  const count = async (column: typeof promoted) => Number(await column.locator('.count-badge').innerText());
  const card = promoted.locator('.board-card').first();
  const company = (await card.locator('.card-title').innerText()).trim();
  const before = { promoted: await count(promoted), negotiating: await count(negotiating) };
  // The lead's stage history, as its drawer lists it (Enter on a card opens the lead).
  const history = async () => {
    await promoted.locator('.board-card', { hasText: company }).focus();
    await page.keyboard.press('Enter');
    const drawer = page.locator('aside.drawer');
    await drawer.getByRole('tab', { name: '阶段' }).click();
    const items = drawer.locator('ol.stage-history li');
    await expect(items.first()).toBeVisible();
    const texts = await items.allInnerTexts();
    await page.goto('/#/pipeline');
    await expect(promoted.locator('.board-card', { hasText: company })).toBeVisible();
    return texts;
  };
  const historyBefore = await history();

  // The notice's Undo.
  await card.focus();
  await page.keyboard.press('Alt+ArrowRight');
  const moved = negotiating.locator('.board-card', { hasText: company });
  await expect(moved).toBeFocused();
  await expect(negotiating.locator('.count-badge')).toHaveText(String(before.negotiating + 1));
  await page.getByRole('status').locator('.toast', { hasText: `“${company}”已移至 在谈` }).getByRole('button', { name: '撤销' }).click();
  await expect(promoted.locator('.board-card', { hasText: company })).toBeFocused();
  await expect(promoted.locator('.count-badge')).toHaveText(String(before.promoted));
  await expect(negotiating.locator('.count-badge')).toHaveText(String(before.negotiating));

  // Ctrl+Z, from the keyboard alone; a second Ctrl+Z has nothing left to undo.
  await page.keyboard.press('Alt+ArrowRight');
  await expect(moved).toBeFocused();
  await page.keyboard.press('Control+z');
  const back = promoted.locator('.board-card', { hasText: company });
  await expect(back).toBeFocused();
  await expect(negotiating.locator('.count-badge')).toHaveText(String(before.negotiating));
  await page.keyboard.press('Control+z');
  await page.waitForTimeout(300);
  await expect(back).toBeFocused();
  await expect(promoted.locator('.count-badge')).toHaveText(String(before.promoted));
  await expect(page.locator('.toast-error')).toHaveCount(0);
  // The first move's notice may still be up: its Undo, pressed again, does nothing (no error either).
  const stale = page.locator('.toast', { hasText: `“${company}”已移至 在谈` }).getByRole('button', { name: '撤销' });
  if (await stale.count()) await stale.first().click();
  await expect(page.locator('.toast-error')).toHaveCount(0);

  // Both moves were withdrawn: the history is as it was.
  expect(await history()).toEqual(historyBefore);
});
