/// <reference lib="dom" />
import { expect, test, type Page } from '@playwright/test';

/**
 * A newcomer's walk of the demo database: every page, and every tab of each registry's record drawer,
 * in Chinese and in English, at 1440×900 and 1024×700. Each screen is kept as a screenshot to look at,
 * and fails on what a newcomer would call broken: a heading with no text, an i18n key shown instead of
 * words, text cut off by its box without an ellipsis, a page that scrolls sideways.
 */
const PAGES = ['overview', 'enterprises', 'incubations', 'leads', 'pipeline', 'targets', 'imports', 'reports', 'fieldwork', 'reviews', 'settings'];
const DRAWERS = ['enterprises', 'incubations', 'leads', 'targets'];
const SIZES = [{ width: 1440, height: 900 }, { width: 1024, height: 700 }];
const LOCALES = ['zh-CN', 'en'] as const;

/** A call to the core as the web shell's page makes it (the token is in the page). */
async function call<T>(page: Page, method: string, input: unknown): Promise<T> {
  const token = (await page.locator('meta[name="parkpilot-token"]').getAttribute('content')) ?? '';
  const res = await page.request.post(`/api/${method}`, { headers: { 'X-ParkPilot-Token': token }, data: { input } });
  const body = (await res.json()) as { ok: boolean; value: T };
  expect(body.ok).toBe(true);
  return body.value;
}

/** What is wrong on the screen as it is now (visible elements only). */
async function problems(page: Page): Promise<string[]> {
  await expect(page.locator('[aria-busy="true"], .chart-loading')).toHaveCount(0);
  await page.waitForTimeout(300);
  return page.evaluate(() => {
    const found: string[] = [];
    const visible = (el: Element) => el.checkVisibility() && el.getBoundingClientRect().width > 0;
    // A column header says what the column holds, the column of buttons too (a screen reader reads it).
    for (const h of document.querySelectorAll('h1, h2, h3, [role="tab"], button, label, th')) {
      if (!visible(h)) continue;
      const text = (h.textContent ?? '').trim();
      const named = text || h.getAttribute('aria-label') || h.querySelector('svg, img, input, select');
      if (!named) found.push(`empty ${h.tagName.toLowerCase()} ⟨${h.className || h.parentElement?.className || ''}⟩`);
    }
    // An i18n key where words belong: "common.save", "tabs.visits" (a text node that is nothing but a dotted key).
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const text = (node.textContent ?? '').trim();
      const el = node.parentElement;
      if (!el || !visible(el)) continue;
      if (/^[a-z][a-zA-Z]*(\.[a-zA-Z0-9_]+)+$/.test(text) && !/\.(xlsx|xls|csv|pdf|db|ppsync|png|jpg)$/.test(text)) found.push(`key shown: ${text} ⟨${el.className}⟩`);
      // A record's id where a name belongs (a history entry naming the mentor, the plan, the enterprise).
      if (/\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/.test(text)) found.push(`id shown: ${text.slice(0, 80)} ⟨${el.className}⟩`);
      if (/\{\{\s*\w+\s*\}\}|undefined|NaN|\[object Object\]/.test(text)) found.push(`raw value shown: ${text.slice(0, 80)} ⟨${el.className}⟩`);
    }
    // A unit named twice in one line: "Intended investment (10k CNY): ∅ → 44,450 10k CNY".
    for (const li of document.querySelectorAll('li')) {
      if (!visible(li) || li.querySelector('li')) continue;
      const text = (li.textContent ?? '').trim();
      // (Two amounts in one line, "≥ 500 万元（已融 230 万元）", are two units, not one named twice.)
      if (/[（(](万元|10k CNY)[)）][^（(]*[\d,.]+ (万元|10k CNY)/.test(text)) found.push(`unit named twice: ${text.slice(0, 80)}`);
    }
    // Text cut off by its own box with no ellipsis (buttons, tabs, headings, labels, badges).
    for (const el of document.querySelectorAll('h1, h2, h3, button, [role="tab"], label, .badge, .count, .card h3, .kpi, .tile')) {
      if (!visible(el)) continue;
      const style = getComputedStyle(el);
      if (style.textOverflow === 'ellipsis' || style.overflow === 'visible' && style.overflowX === 'visible') continue;
      if (el.scrollWidth > el.clientWidth + 2) found.push(`cut off: ${(el.textContent ?? '').trim().slice(0, 60)} ⟨${el.tagName.toLowerCase()}.${el.className}⟩`);
    }
    // A row of controls wider than its box: the last ones hang outside the drawer or the toolbar.
    for (const row of document.querySelectorAll('.tabs, .toolbar, .drawer-head, .move-row')) {
      if (visible(row) && row.scrollWidth > row.clientWidth + 2) found.push(`overflows its box: ${(row.textContent ?? '').trim().slice(0, 60)} ⟨${row.className}⟩`);
    }
    if (document.documentElement.scrollWidth > document.documentElement.clientWidth) found.push('the page scrolls sideways');
    // A date field too narrow to show a whole date ("mm/dd/"): narrower than the same field at its natural
    // width (every part of the date and the picker, in its own font and padding; a fixed 130 px no longer
    // held once the grid's date filters lost their search icon and took a smaller font).
    for (const input of document.querySelectorAll('input[type="date"]')) {
      if (!visible(input)) continue;
      const probe = input.cloneNode() as HTMLInputElement;
      probe.style.cssText = 'position: absolute; visibility: hidden; width: auto; min-width: 0; max-width: none';
      input.parentElement!.appendChild(probe);
      const need = probe.getBoundingClientRect().width;
      probe.remove();
      if (input.getBoundingClientRect().width < need - 1) found.push(`date field too narrow: ${input.getAttribute('aria-label') ?? ''}`);
    }
    // The folded sidebar's marks tell the pages apart (first letters did not: P, P; R, R; 招, 招).
    const marks = [...document.querySelectorAll('.nav-initial')].filter(visible).map((m) => (m.textContent ?? '').trim());
    if (new Set(marks).size < marks.length) found.push(`sidebar marks repeat: ${marks.join(' ')}`);
    return found;
  });
}

for (const locale of LOCALES) {
  for (const size of SIZES) {
    const tag = `${locale === 'en' ? 'en' : 'zh'}-${size.width}`;
    test.describe(`newcomer's walk (${tag})`, () => {
      test.use({ viewport: size });
      test.beforeEach(async ({ page }) => {
        await page.addInitScript((l) => localStorage.setItem('parkpilot.locale', l), locale);
      });

      test(`every page (${tag})`, async ({ page }) => {
        test.setTimeout(240_000); // a long walk: eleven pages or sixteen tabs, each checked and kept
        const seen: string[] = [];
        for (const name of PAGES) {
          await page.goto(`/#/${name}`);
          // Each page's chunk loads on first visit (over 10 s on a loaded CI machine).
          await expect(page.getByRole('heading', { level: 1 }).first()).toContainText(/\S/, { timeout: 30_000 });
          if (['enterprises', 'incubations', 'leads', 'targets'].includes(name)) await expect(page.locator('.ag-row').first()).toBeVisible({ timeout: 30_000 });
          if (name === 'overview') await expect(page.locator('.chart svg').first()).toBeVisible();
          seen.push(...(await problems(page)).map((p) => `${name}: ${p}`));
          await page.screenshot({ path: `tests/e2e/.screens/walk-${tag}-${name}.png`, fullPage: true });
        }
        expect(seen).toEqual([]);
      });

      test(`every drawer tab (${tag})`, async ({ page }) => {
        test.setTimeout(240_000); // a long walk: eleven pages or sixteen tabs, each checked and kept
        const seen: string[] = [];
        for (const area of DRAWERS) {
          await page.goto(`/#/${area}`);
          const first = page.locator('.ag-row[row-index="0"] .ag-cell').first();
          // A fresh page loads the registry's chunk first (over 10 s on a loaded CI machine).
          await expect(first).toBeVisible({ timeout: 30_000 });
          const drawer = page.locator('aside.drawer');
          // A click that lands while the grid swaps its first rows for the counted ones opens nothing
          // (seen once in a full run): clicked again until the record's drawer is open.
          await expect(async () => {
            await first.click();
            await expect(drawer.locator('.drawer-head h2')).toContainText(/\S/, { timeout: 3_000 });
          }).toPass({ timeout: 30_000 });
          const tabs = drawer.getByRole('tab');
          const n = await tabs.count();
          for (let i = 0; i < n; i++) {
            await tabs.nth(i).click();
            const label = ((await tabs.nth(i).textContent()) ?? String(i)).trim();
            seen.push(...(await problems(page)).map((p) => `${area} drawer, ${label}: ${p}`));
            await page.screenshot({ path: `tests/e2e/.screens/walk-${tag}-${area}-drawer-${i}.png` });
          }
        }
        expect(seen).toEqual([]);
      });
    });
  }
}

test('a stage move in the demo is dated on the demo\'s day, which the core accepts, not the computer\'s', async ({ page }) => {
  await page.goto('/#/leads');
  await expect(page.locator('.demo-banner').filter({ hasText: '2021-12-31' }).first()).toBeVisible();
  const first = page.locator('.ag-row[row-index="0"] .ag-cell').first();
  await expect(first).toBeVisible();
  await first.click();
  const drawer = page.locator('aside.drawer');
  await drawer.getByRole('tab', { name: '阶段' }).click();
  const date = drawer.getByLabel('发生日期');
  await expect(date).toHaveValue('2021-12-31');
  await expect(date).toHaveAttribute('max', '2021-12-31');
});

test('each figure at the top of the Overview is the count of the grid it opens', async ({ page }) => {
  // On today's date: the specs before this one typed records dated today, after the demo's last day,
  // which a figure as of that day leaves out and a grid of statuses shows.
  await page.goto('/#/overview');
  await page.getByRole('button', { name: '改为按今天运行' }).click();
  await expect(page.getByRole('button', { name: '回到演示数据的最后一天' })).toBeVisible();
  try {
    for (const label of ['在册企业', '在孵企业与团队', '在跟进线索', '逾期未跟进']) {
      await page.goto('/#/overview');
      const card = page.locator('a.card.stat', { hasText: label });
      await expect(card.locator('.stat-value')).toHaveText(/\d/);
      const figure = (await card.locator('.stat-value').innerText()).replace(/\D/g, '');
      await card.click();
      // The grid counts all rows first, then its filtered rows: wait for the filter's count.
      await expect(page.locator('.count'), label).toHaveText(new RegExp(`^共 ${figure} 条$`));
    }
    // 在跟进 is what Settings calls 跟进中 (kind open): a signed or settled lead is won, not followed up.
    const open = (await call<{ id: string; kind: string }[]>(page, 'pipeline.stages', {})).filter((s) => s.kind === 'open').map((s) => s.id);
    expect(open.length).toBeGreaterThan(0);
    await page.goto('/#/overview');
    await page.locator('a.card.stat', { hasText: '在跟进线索' }).click();
    await expect(page).toHaveURL(new RegExp(`#/leads\\?stage=${open.join(',')}$`));

    // A slice of the industry pie opens the grid of its enterprises on record, as many as the slice counts
    // (an enterprise that has left is not in the slice, nor in the grid it opens).
    // As of the core's today (the day the Overview shows, run as of today).
    const mix = (await call<{ industryMix: { industry: string; n: number }[] }>(page, 'dashboard.overview', {})).industryMix.filter((r) => r.industry).slice(0, 3);
    expect(mix.length).toBeGreaterThan(0);
    const names = new Map((await call<{ id: string; name_zh: string }[]>(page, 'industries.list', {})).map((r) => [r.id, r.name_zh]));
    for (const slice of mix) {
      await page.goto('/#/overview');
      const pie = page.locator('.chart-card', { has: page.getByRole('heading', { name: '行业分布' }) }).locator('.chart');
      const name = names.get(slice.industry);
      expect(name, slice.industry).toBeTruthy();
      // The slice's own label, not the legend's entry of the same name (which hides the slice): the one highest up.
      const texts = pie.locator('text', { hasText: new RegExp(`^${name}$`) });
      await expect(texts.first()).toBeVisible();
      const boxes = await Promise.all((await texts.all()).map(async (x) => ({ x, y: (await x.boundingBox())?.y ?? Infinity })));
      await boxes.sort((a, b) => a.y - b.y)[0]!.x.click();
      await expect(page).toHaveURL(new RegExp(`#/enterprises\\?industry=${slice.industry}&status=`));
      await expect(page.locator('.count'), slice.industry).toHaveText(new RegExp(`^共 ${slice.n.toLocaleString('en')} 条$`));
    }
  } finally {
    await page.goto('/#/overview');
    await page.getByRole('button', { name: '回到演示数据的最后一天' }).click();
    await expect(page.getByRole('button', { name: '改为按今天运行' })).toBeVisible();
  }
});

test('a record typed into the demo is dated on the demo\'s day, so the Overview counts it; every form dates "today" so', async ({ page }) => {
  const registered = async () => {
    await page.goto('/#/overview');
    const value = page.locator('a.card.stat', { hasText: '在册企业' }).locator('.stat-value');
    await expect(value).toHaveText(/\d/);
    return Number((await value.innerText()).replace(/\D/g, ''));
  };
  const before = await registered();
  await page.goto('/#/enterprises');
  await expect(page.locator('.ag-row').first()).toBeVisible();
  await page.getByRole('button', { name: '+ 新建' }).click();
  const drawer = page.locator('aside.drawer');
  await drawer.getByLabel('企业名称').fill('演示日入驻数据有限公司');
  await expect(drawer.getByLabel('入驻日期')).toHaveValue('2021-12-31');
  const saved = page.waitForResponse((r) => r.url().endsWith('/api/enterprises.create'));
  await drawer.getByRole('button', { name: '保存' }).click();
  expect((await saved).ok()).toBe(true);
  // The drawer stays on the new record: its follow-up and visit forms date on the demo's day too.
  await drawer.getByRole('tab', { name: '跟进记录' }).click();
  await expect(drawer.getByLabel('日期', { exact: true })).toHaveValue('2021-12-31');
  await expect(drawer.getByLabel('日期', { exact: true })).toHaveAttribute('max', '2021-12-31');
  await drawer.getByRole('tab', { name: '走访' }).click();
  await expect(drawer.getByLabel('走访日期')).toHaveValue('2021-12-31');
  expect(await registered()).toBe(before + 1);
});

test('every column of the Settings tables is named, the column of buttons too', async ({ page }) => {
  await page.goto('/#/settings');
  await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
  const headers = page.locator('table thead th');
  await expect(headers.first()).toBeVisible();
  const texts = (await headers.allInnerTexts()).map((x) => x.trim());
  expect(texts.length).toBeGreaterThan(8);
  expect(texts.filter((x) => !x)).toEqual([]);
  expect(texts).toContain('操作');
});

test('the 在册企业 and 在孵 links filter by what the core says the figures count, not a copy of their own', async ({ page }) => {
  // The core's answer names the statuses; a different answer moves the link with it.
  await page.route('**/api/dashboard.overview', async (route) => {
    const response = await route.fetch();
    const body = (await response.json()) as { ok: boolean; value: { counted: { registeredStatuses: string[] } } };
    body.value.counted.registeredStatuses = ['settled'];
    await route.fulfill({ response, json: body });
  });
  // Opened from another page: a start on the Overview asks for the dashboard in the start-up batch.
  await page.goto('/#/settings');
  await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
  await page.evaluate(() => (location.hash = '#/overview'));
  await expect(page.locator('a.card.stat', { hasText: '在册企业' })).toHaveAttribute('href', '#/enterprises?status=settled');
  await expect(page.locator('a.card.stat', { hasText: '在孵企业与团队' })).toHaveAttribute('href', '#/incubations?stage=admitted,incubating');
});

test('a laptop copy asked for without a device name says what is missing, instead of a button that does nothing', async ({ page }) => {
  await page.goto('/#/fieldwork');
  const prepare = page.getByRole('button', { name: '生成并下载副本' });
  await expect(prepare).toBeEnabled();
  await prepare.click();
  const device = page.getByLabel('设备名称');
  await expect(device).toBeFocused();
  expect(await device.evaluate((el) => (el as HTMLInputElement).validity.valueMissing)).toBe(true);
});
