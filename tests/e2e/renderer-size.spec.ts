import { expect, test } from '@playwright/test';
import { INITIAL_BUDGET_BYTES, initialScripts, kb } from '../bench/renderer-size';

// Issue 14: the start-up script stays ≤ 500 KB gzipped; pages, charts and the grid load when first
// needed. `npm test` builds before e2e, so out/renderer is the build of this source.
test('the renderer start-up script stays within 500 KB gzipped', () => {
  const scripts = initialScripts();
  expect(scripts, 'out/renderer/index.html is missing: run `npm run build` first').not.toBeNull();
  expect(scripts!.length).toBeGreaterThan(0);
  const total = scripts!.reduce((sum, s) => sum + s.gzipped, 0);
  const detail = scripts!.map((s) => `${s.file} ${kb(s.gzipped)}`).join(', ');
  expect(total, `initial scripts ${kb(total)} gzipped (${detail})`).toBeLessThanOrEqual(INITIAL_BUDGET_BYTES);
});

test('the grid and the charts are not in the start-up script; they load with the page that needs them', async ({ page }) => {
  const loaded: string[] = [];
  page.on('response', (r) => { if (r.url().endsWith('.js')) loaded.push(new URL(r.url()).pathname); });
  await page.goto('/#/settings');
  await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
  const initial = new Set(initialScripts()!.map((s) => `/${s.file}`));
  expect(loaded.some((p) => /RegistryPage|EChart/.test(p)), loaded.join(', ')).toBe(false);
  expect([...initial].every((p) => loaded.includes(p))).toBe(true);
  await page.locator('nav.sidebar').getByRole('link', { name: '企业', exact: true }).click();
  await expect(page.getByRole('grid')).toBeVisible();
  expect(loaded.some((p) => /RegistryPage/.test(p))).toBe(true);
  await page.locator('nav.sidebar').getByRole('link', { name: '总览', exact: true }).click();
  await expect(page.locator('.chart svg').first()).toBeVisible();
  expect(loaded.some((p) => /EChart/.test(p))).toBe(true);
});
