import { expect, test, type Page } from '@playwright/test';

/**
 * The shell's layout at the two sizes the newcomer's walk looks at: the brand on one line beside the
 * sidebar's toggle at 1440 px, and at 1024 px date columns as wide as their dates, each showing a whole
 * date in its cells and in the date filter under its header (a date field wider than its box shows
 * "mm/dd/yy"), so the grids keep more columns on screen.
 */
const LOCALES = ['zh-CN', 'en'] as const;

/** How far each visible date field falls short of the width its whole date needs (≤ 0: shows whole). */
function dateFieldShortfalls(page: Page): Promise<{ label: string; short: number }[]> {
  return page.evaluate(() => {
    const found: { label: string; short: number }[] = [];
    for (const input of document.querySelectorAll('.ag-floating-filter input[type="date"]')) {
      const el = input as HTMLInputElement;
      if (!el.getClientRects().length) continue;
      // The same field at its own natural width (every part of the date and the picker) is what it needs.
      const probe = el.cloneNode() as HTMLInputElement;
      probe.style.cssText = 'position: absolute; visibility: hidden; width: auto; min-width: 0; max-width: none';
      el.parentElement!.appendChild(probe);
      const need = probe.getBoundingClientRect().width;
      probe.remove();
      found.push({ label: el.closest('.ag-header-cell')?.getAttribute('aria-colindex') ?? '', short: Math.round(need - el.getBoundingClientRect().width) });
    }
    return found;
  });
}

for (const locale of LOCALES) {
  test.describe(`shell layout (${locale})`, () => {
    test.beforeEach(async ({ page }) => {
      await page.addInitScript((l) => localStorage.setItem('parkpilot.locale', l), locale);
    });

    test(`the brand stays on one line at 1440 px (${locale})`, async ({ page }) => {
      await page.setViewportSize({ width: 1440, height: 900 });
      await page.goto('/#/overview');
      const brand = page.locator('.brand-name');
      await expect(brand).toBeVisible();
      const { height, lineHeight, clipped } = await brand.evaluate((el) => ({
        height: el.getBoundingClientRect().height,
        lineHeight: parseFloat(getComputedStyle(el).lineHeight),
        clipped: el.scrollWidth > el.clientWidth,
      }));
      expect(height).toBeLessThan(lineHeight * 1.5);
      expect(clipped, 'the brand is cut short').toBe(false);
    });

    test(`date columns show whole dates and leave room at 1024 px (${locale})`, async ({ page }) => {
      await page.setViewportSize({ width: 1024, height: 700 });
      await page.goto('/#/incubations');
      await expect(page.locator('.ag-row [col-id="applied_date"]').first()).toContainText(/\d/, { timeout: 30_000 });
      // The date columns: at 205 px, only four columns before them were on screen.
      const admitted = await page.locator('.ag-header-row-column [col-id="admitted_date"]').boundingBox();
      const viewport = page.viewportSize()!;
      expect(admitted!.x + admitted!.width, 'the second date column ends off screen').toBeLessThanOrEqual(viewport.width);
      // Each date cell shows its whole date, and each date filter its whole date field.
      const cut = await page.locator('.ag-row .ag-cell[col-id$="_date"]').evaluateAll((cells) => cells.filter((c) => c.getClientRects().length && c.scrollWidth > c.clientWidth).map((c) => c.textContent));
      expect(cut).toEqual([]);
      expect((await dateFieldShortfalls(page)).filter((f) => f.short > 0)).toEqual([]);
      await page.screenshot({ path: `tests/e2e/.screens/layout-${locale}-1024-incubations.png` });
    });
  });
}
