/// <reference lib="dom" />
import { expect, test, type Page } from '@playwright/test';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

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
    // A hash change swaps the page in place: the click must land on this page's grid, not the last one's
    // still on screen for a moment (CI s30: the incubations drawer never opened after the leads page).
    await expect(async () => {
      await page.locator('.ag-row[row-index="0"] .ag-cell').first().click();
      await expect(page.getByRole('complementary')).toBeVisible({ timeout: 3_000 });
    }).toPass({ timeout: 30_000 });
    expect(notUserData(await chineseOnPage(page)), area).toEqual([]);
  }
});

test('English mode: targets and plans by their English names, units in words, import history dated in English', async ({ page }) => {
  await page.goto('/#/overview');
  const core = page.locator('.card.target').filter({ hasText: 'Core enterprises introduced or incubated' });
  await expect(core).toContainText(/\d+ compan(y|ies) · Target 3–5 companies/);
  await expect(core).toContainText('Zhuhai National Big Data Comprehensive Pilot Zone (Pearl River Delta) Implementation Plan');
  await expect(page.locator('.timeline')).toContainText('Zhuhai New Smart City Five-Year Plan (2018–2023) due');

  await page.goto('/#/targets');
  await expect(page.locator('.ag-cell[col-id="name"]').filter({ hasText: 'Startups hatched' })).toBeVisible();
  await expect(page.locator('.ag-cell[col-id="unit"]').first()).toHaveText(/^(companies|items)$/);

  await page.goto('/#/imports');
  const dir = mkdtempSync(join(tmpdir(), 'parkpilot-english-'));
  const roster = join(dir, 'roster.csv');
  writeFileSync(roster, '\uFEFF企业名称,入驻日期\n珠海英文模式测试有限公司,2021-06-01\n');
  await page.getByLabel('Choose a file (.xlsx, .xls, .csv)').setInputFiles(roster);
  await page.getByRole('button', { name: 'Import (1 records)' }).click();
  await expect(page.getByRole('heading', { name: 'Import done' })).toBeVisible();
  const history = page.locator('section.card').filter({ has: page.getByRole('heading', { name: 'Import history' }) });
  const when = history.locator('tbody tr').first().locator('td').first();
  await expect(when).toHaveText(/^[A-Z][a-z]{2} \d{1,2}, \d{4}, \d{1,2}:\d{2}\s?[AP]M$/);
  expect(notUserData(await chineseOnPage(page))).toEqual([]);
  // The demo database is shared by the specs: take the import back (other specs count the enterprises).
  await history.getByRole('button', { name: 'Revert this import' }).first().click();
  await page.getByRole('dialog', { name: 'Revert import' }).getByRole('button', { name: 'Revert this import' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Reverted: 1 created records deleted' })).toBeVisible();
});

test('English mode at 1024 px: a header cut to fit tells its whole name on hover', async ({ page }) => {
  await page.setViewportSize({ width: 1024, height: 700 });
  await page.goto('/#/enterprises');
  const header = page.getByRole('columnheader', { name: 'Unified Social Credit Code' });
  await expect(header).toContainText('Unified Social Credit');
  await header.locator('.ag-header-cell-text').hover();
  await expect(page.locator('.ag-tooltip')).toHaveText('Unified Social Credit Code', { timeout: 10_000 });
});
