import { expect, test, type Page } from '@playwright/test';

/**
 * English mode (issue 11): with the language set to English, no Chinese on any page except what the
 * office typed. Each page is walked at 1440×900; every visible text node with a CJK character fails
 * the test unless it is user data, which this small allow-list names.
 */
const USER_DATA_SELECTORS = [
  // Registry grids: names, people and free text the office typed.
  '.ag-cell[col-id="name"]', '.ag-cell[col-id="company"]', '.ag-cell[col-id="enterprise_name"]', '.ag-cell[col-id="contact"]',
  '.ag-cell[col-id="owner"]', '.ag-cell[col-id="mentor"]', '.ag-cell[col-id="address"]', '.ag-cell[col-id="building"]',
  '.ag-cell[col-id="notes"]', '.ag-cell[col-id="tags"]', '.ag-cell[col-id="source_detail"]', '.ag-cell[col-id="intended_area"]',
  '.ag-cell[col-id="cohort"]', '.ag-cell[col-id="mentor_name"]', '.ag-cell[col-id="owner_name"]',
  // A record's free text as typed (notes, evidence).
  'textarea',
  // Kanban cards and Overview lists name companies and their owners.
  '.card-title', '[data-user-text]',
  // The language picker names each language in its own language.
  'option[value="zh-CN"]',
];
// The demo's staff (people's names are user data wherever they appear).
const STAFF = ['刘建华', '张雅琪', '李慧敏', '王志强', '陈晓东', '吴国栋', '周美玲', '黄博文'];
// A company's name (the demo's enterprises and leads), alone or before a date or an owner.
const COMPANY = /^[\u4e00-\u9fff（）()A-Za-z0-9]+(有限公司|有限责任公司|股份有限公司|集团)/;

async function chineseOnPage(page: Page): Promise<string[]> {
  // Settled: nothing loading (the event stream keeps the network busy, so no 'networkidle').
  await expect(page.locator('[aria-busy="true"], .chart-loading')).toHaveCount(0);
  await page.waitForTimeout(300);
  return page.evaluate(({ selectors }) => {
    const found: string[] = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const text = node.textContent ?? '';
      if (!/[\u4e00-\u9fff]/.test(text)) continue;
      const el = node.parentElement;
      if (!el || el.closest(selectors.join(','))) continue;
      if (el.tagName !== 'OPTION' && !el.checkVisibility()) continue;
      const where = el.closest('[col-id]')?.getAttribute('col-id') ?? el.className ?? el.tagName;
      found.push(`${text.trim()}  ⟨${String(where)}⟩`);
    }
    return found;
  }, { selectors: USER_DATA_SELECTORS });
}

function notUserData(lines: string[]): string[] {
  return lines.filter((line) => {
    const text = line.replace(/ {2}⟨.*⟩$/, '');
    const rest = STAFF.reduce((s, name) => s.replaceAll(name, ''), text).replace(COMPANY, '');
    return /[\u4e00-\u9fff]/.test(rest);
  });
}

const PAGES: { page: string; ready: (p: Page) => Promise<void> }[] = [
  { page: 'overview', ready: (p) => expect(p.locator('.chart svg').first()).toBeVisible() },
  { page: 'enterprises', ready: (p) => expect(p.locator('.ag-row').first()).toBeVisible() },
  { page: 'incubations', ready: (p) => expect(p.locator('.ag-row').first()).toBeVisible() },
  { page: 'leads', ready: (p) => expect(p.locator('.ag-row').first()).toBeVisible() },
  { page: 'pipeline', ready: (p) => expect(p.locator('.card-title').first()).toBeVisible() },
  { page: 'targets', ready: (p) => expect(p.locator('.ag-row').first()).toBeVisible() },
  { page: 'imports', ready: (p) => expect(p.getByRole('heading', { level: 1 })).toBeVisible() },
  { page: 'reports', ready: (p) => expect(p.getByRole('heading', { level: 1 })).toBeVisible() },
  { page: 'fieldwork', ready: (p) => expect(p.getByRole('heading', { level: 1 })).toBeVisible() },
  { page: 'reviews', ready: (p) => expect(p.getByRole('heading', { level: 1 })).toBeVisible() },
  { page: 'settings', ready: (p) => expect(p.getByRole('heading', { level: 1 })).toBeVisible() },
];

test.beforeEach(async ({ page }) => {
  await page.addInitScript(() => localStorage.setItem('parkpilot.locale', 'en'));
});

for (const { page: name, ready } of PAGES) {
  test(`English mode: no Chinese on ${name} except user data`, async ({ page }) => {
    await page.goto(`/#/${name}`);
    await ready(page);
    expect(notUserData(await chineseOnPage(page))).toEqual([]);
  });
}

test('English mode: a record drawer and the target form speak English', async ({ page }) => {
  for (const area of ['enterprises', 'leads', 'incubations', 'targets']) {
    await page.goto(`/#/${area}`);
    await page.locator('.ag-row[row-index="0"] .ag-cell').first().click();
    await expect(page.getByRole('complementary')).toBeVisible();
    expect(notUserData(await chineseOnPage(page)), area).toEqual([]);
  }
});
