import { expect, test, type Page } from '@playwright/test';

/**
 * Each registry's record drawer is headed by the record's name, as its grid row shows it: when the
 * record is opened from the grid (the drawer reloads it with `<area>.get`) and when its address is
 * opened directly (only `get`). An incubation's name is its enterprise's (a joined view field), which a
 * `get` returning the table's columns alone left blank.
 */
const REGISTRIES: { area: string; nameCol: string }[] = [
  { area: 'enterprises', nameCol: 'name' },
  { area: 'incubations', nameCol: 'name' },
  { area: 'leads', nameCol: 'company' },
  { area: 'targets', nameCol: 'name' },
];

const heading = (page: Page) => page.locator('aside.drawer .drawer-head h2');

for (const { area, nameCol } of REGISTRIES) {
  test(`${area}: the drawer's heading is the record's name, opened from the grid and from its address`, async ({ page }) => {
    await page.goto(`/#/${area}`);
    const cells = page.locator(`.ag-row [col-id="${nameCol}"]`);
    await expect(cells.first()).toContainText(/\S/);
    for (let i = 0; i < 3; i++) {
      const cell = page.locator(`.ag-row[row-index="${i}"] [col-id="${nameCol}"]`).first();
      const name = (await cell.textContent())!.trim();
      expect(name, `row ${i} has a name`).not.toBe('');
      // The drawer shows the grid's row at once, then what `get` answers: wait for that answer.
      const got = page.waitForResponse((r) => r.url().endsWith(`/api/${area}.get`));
      await cell.click();
      await got;
      await expect(page).toHaveURL(new RegExp(`#/${area}/[0-9a-f-]{36}`));
      await expect(heading(page)).toHaveText(name);
      if (i === 0) {
        await page.screenshot({ path: `tests/e2e/.screens/drawer-${area}-1440.png` });
        // Straight to the address (a link, a search hit, a reload): the heading comes from `get` alone.
        await page.reload();
        await expect(heading(page)).toHaveText(name);
        await page.setViewportSize({ width: 1024, height: 700 });
        await expect(heading(page)).toBeVisible();
        await page.waitForTimeout(300);
        await page.screenshot({ path: `tests/e2e/.screens/drawer-${area}-1024.png` });
        await page.setViewportSize({ width: 1440, height: 900 });
        await expect(cells.first()).toContainText(/\S/);
      }
    }
  });
}

test('incubations: an enterprise\'s record shows the enterprise in its heading and its 在园企业 field, also after a save', async ({ page }) => {
  await page.goto('/#/incubations');
  await expect(page.locator('.ag-row [col-id="name"]').first()).toContainText(/\S/);
  const drawer = page.locator('aside.drawer');
  const picker = drawer.getByLabel('在园企业');
  // Open rows until one belongs to a registered enterprise (most do; a team not yet registered has none).
  let found = -1;
  for (let i = 0; i < 10 && found < 0; i++) {
    const cell = page.locator(`.ag-row[row-index="${i}"] [col-id="name"]`).first();
    const name = (await cell.textContent())!.trim();
    const got = page.waitForResponse((r) => r.url().endsWith('/api/incubations.get'));
    await cell.click();
    await got;
    await expect(heading(page)).toHaveText(name);
    if ((await picker.inputValue()) !== '') {
      await expect(picker).toHaveValue(name);
      found = i;
    }
  }
  expect(found, 'an incubation of a registered enterprise among the first ten').toBeGreaterThanOrEqual(0);
  const name = (await heading(page).textContent())!;
  // Saving the form shows what `update` answers: the heading and the enterprise stay.
  await drawer.getByLabel('备注').fill('抽查：抽屉标题 drawer heading');
  const saved = page.waitForResponse((r) => r.url().endsWith('/api/incubations.update'));
  await drawer.getByRole('button', { name: '保存' }).click();
  await saved;
  await expect(heading(page)).toHaveText(name);
  await expect(picker).toHaveValue(name);
  await page.screenshot({ path: 'tests/e2e/.screens/drawer-incubation-saved-1440.png' });
});
