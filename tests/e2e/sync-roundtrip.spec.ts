import { expect, test, type Browser, type BrowserContext, type Locator, type Page } from '@playwright/test';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * The fieldwork round trip through the UI (issue 10 §3): the office prepares a laptop copy; the copy
 * is opened in a second web shell (as on the laptop); there a field is edited and a visit logged with a
 * photo and a request; the office edits the same field; the laptop's package is merged at the office
 * after its preview; the conflict is settled in the review queue (keyboard only) and shows in the
 * record's history with the laptop's device; the office's answer brings the outcome back to the laptop.
 */
test.describe.configure({ mode: 'serial' });

const dir = mkdtempSync(join(tmpdir(), 'parkpilot-sync-e2e-'));
const LAPTOP_DB = join(dir, 'laptop.db');
const NAME = '珠海外勤往返测试科技有限公司';
let laptopServer: ChildProcess | null = null;
let laptopUrl = '';
let laptopContext: BrowserContext | null = null;
let enterpriseId = '';

async function call<T>(page: Page, method: string, input: unknown): Promise<T> {
  const token = (await page.locator('meta[name="parkpilot-token"]').getAttribute('content')) ?? '';
  const res = await page.request.post(`/api/${method}`, { headers: { 'X-ParkPilot-Token': token }, data: { input } });
  const body = (await res.json()) as { ok: boolean; value: T; error?: unknown };
  expect(body.ok, JSON.stringify(body.error)).toBe(true);
  return body.value;
}

async function shots(page: Page, name: string, focus?: Locator) {
  for (const [w, h] of [[1440, 900], [1024, 700]] as const) {
    await page.setViewportSize({ width: w, height: h });
    await page.waitForTimeout(400);
    await focus?.scrollIntoViewIfNeeded();
    await page.screenshot({ path: `tests/e2e/.screens/${name}-${w}.png` });
  }
  await page.setViewportSize({ width: 1440, height: 900 });
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

/** The laptop: a second web shell on the checked-out file, run by its own user. */
async function startLaptop(browser: Browser): Promise<Page> {
  const port = await freePort();
  laptopServer = spawn(process.execPath, ['bin/parkpilot.js', 'serve', '--db', LAPTOP_DB, '--port', String(port)], { env: { ...process.env, USER: 'zhangsan' }, stdio: ['ignore', 'pipe', 'pipe'] });
  laptopUrl = await new Promise<string>((resolve, reject) => {
    let out = '';
    laptopServer!.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /web shell: (\S+)/.exec(out);
      if (m) resolve(m[1]!);
    });
    laptopServer!.stderr!.on('data', (d: Buffer) => (out += d.toString()));
    laptopServer!.on('exit', (code) => reject(new Error(`laptop server exited ${code}: ${out}`)));
  });
  laptopContext = await browser.newContext({ baseURL: laptopUrl, viewport: { width: 1440, height: 900 } });
  return laptopContext.newPage();
}

test.afterAll(async () => {
  await laptopContext?.close();
  laptopServer?.kill('SIGTERM');
});

async function editHeadcount(page: Page, value: string) {
  await page.goto(`/#/enterprises/${enterpriseId}`);
  const drawer = page.getByRole('complementary');
  await expect(drawer.getByRole('heading', { name: NAME })).toBeVisible();
  await drawer.getByLabel('从业人数').fill(value);
  await drawer.getByRole('button', { name: '保存' }).click();
  await expect(page.getByText('已保存', { exact: true })).toBeVisible();
}

test('the whole round trip: checkout, offline edits with a photo, conflicting office edit, preview, merge, review, history, answer', async ({ page, browser }) => {
  test.setTimeout(180_000);
  // The office: one enterprise the laptop will visit.
  await page.goto('/#/fieldwork');
  enterpriseId = (await call<{ id: string }>(page, 'enterprises.create', { name: NAME, kind: 'startup', status: 'settled', headcount: 50 })).id;

  // 1. Prepare the laptop copy; it downloads.
  await expect(page.getByRole('heading', { name: '外勤同步', level: 1 })).toBeVisible();
  await page.getByLabel('设备名称').fill('外勤笔记本 A');
  await page.getByLabel('携带人').fill('张三');
  const [copy] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: '生成并下载副本' }).click()]);
  expect(copy.suggestedFilename()).toBe('ParkPilot-外勤笔记本 A.db');
  await copy.saveAs(LAPTOP_DB);
  await expect(page.getByRole('status').filter({ hasText: '副本 ParkPilot-外勤笔记本 A.db 已生成' })).toBeVisible();
  await expect(page.getByRole('row', { name: /外勤笔记本 A/ })).toContainText('张三');
  await expect(page.getByLabel('设备名称'), 'emptied for the next laptop').toHaveValue('');
  await shots(page, 'sync-office-fieldwork');

  // 2. The laptop opens it: the banner says what it is.
  const laptop = await startLaptop(browser);
  await laptop.goto('/#/overview');
  const banner = laptop.getByRole('note', { name: '外勤副本' });
  await expect(banner).toContainText('外勤副本“外勤笔记本 A”');
  await expect(banner).toContainText('由 张三 带出');
  await expect(banner).toContainText('修改已全部交回');

  // Offline work: a field edit, then a visit with a photo and a request.
  await editHeadcount(laptop, '120');
  const drawer = laptop.getByRole('complementary');
  await drawer.getByRole('tab', { name: '走访' }).click();
  const photo = join(dir, '现场照片.png');
  await laptop.screenshot({ path: photo, clip: { x: 0, y: 0, width: 320, height: 200 } });
  // The carrier (张三, new to the demo's staff list) was put on it by the checkout, and is the visit's staff member.
  await expect(drawer.getByLabel('走访人').locator('option:checked')).toHaveText('张三');
  await drawer.getByLabel('走访目的').fill('了解二期扩租需求');
  await drawer.getByLabel('走访记录').fill('企业计划明年扩招 30 人');
  await drawer.getByLabel('企业诉求').fill('希望协调增加停车位');
  await drawer.getByLabel('照片或附件').setInputFiles(photo);
  await drawer.getByRole('button', { name: '保存走访' }).click();
  const visit = drawer.locator('article.visit').first();
  await expect(visit).toContainText('了解二期扩租需求');
  await expect(visit.locator('.visit-head')).toContainText('张三');
  await expect(visit).toContainText('诉求：希望协调增加停车位 · 待处理');
  await expect(visit.locator('img[alt="现场照片.png"]')).toBeVisible();
  await expect(drawer.getByLabel('照片或附件')).toHaveValue('');
  // A field edit (one change of the enterprise), then a visit with a request and a photo: records, not only fields.
  await expect(banner).toContainText(/4 条记录的 \d+ 项字段修改尚未交回/);
  await shots(laptop, 'sync-laptop-visit');

  // 3. Meanwhile the office changes the same field.
  await editHeadcount(page, '80');

  // 4. The laptop writes its package (sealed with a password).
  await laptop.goto('/#/fieldwork');
  await expect(laptop.getByLabel('接收方')).toHaveValue(/[0-9a-f]{16}/);
  // The office it came from is named as the office, with nobody as its carrier.
  const officeRow = laptop.getByRole('row').filter({ hasText: '办公室数据库（' });
  await expect(officeRow.getByRole('cell').nth(1)).toHaveText('—');
  await laptop.getByLabel('加密密码').fill('外勤2026');
  const [pkg] = await Promise.all([laptop.waitForEvent('download'), laptop.getByRole('button', { name: '生成并下载变更包' }).click()]);
  // Named by the laptop, so that the office tells several laptops' packages apart.
  expect(pkg.suggestedFilename()).toMatch(/^ParkPilot-外勤笔记本 A-\d{4}-\d{2}-\d{2}\.ppsync$/);
  const pkgFile = join(dir, pkg.suggestedFilename());
  expect(pkgFile).toMatch(/\.ppsync$/);
  await pkg.saveAs(pkgFile);
  await shots(laptop, 'sync-laptop-fieldwork');

  // 5. The office previews: the password is asked for, then the counts and the conflict show.
  await page.goto('/#/fieldwork');
  await page.getByLabel('选择文件').setInputFiles(pkgFile);
  await expect(page.getByRole('alert')).toContainText('该同步包已加密，请输入密码');
  await page.getByLabel('变更包密码').fill('外勤2026');
  await page.getByRole('button', { name: '预览' }).click();
  const preview = page.getByRole('region', { name: '合并预览' });
  await expect(preview.locator('[data-count="conflicts"] b')).toHaveText('1');
  // The visit, its photo and its request (张三's staff record went out with the copy).
  await expect(preview.locator('[data-count="newRecords"] b')).toHaveText('3');
  await expect(preview.getByRole('table', { name: '冲突' })).toContainText('从业人数');
  // Which record: its name, as the review queue names it.
  await expect(preview.getByRole('table', { name: '冲突' })).toContainText(`企业 · ${NAME}`);
  await expect(preview.getByRole('table', { name: '冲突' })).toContainText(' · 外勤笔记本 A');
  await expect(preview).toContainText('来自 外勤笔记本 A（张三）');
  await shots(page, 'sync-merge-preview', preview);
  // Nothing changed yet.
  expect((await call<{ headcount: number }>(page, 'enterprises.get', { id: enterpriseId })).headcount).toBe(80);

  // 6. Merge; the result points to the review queue, whose badge counts the open item.
  await page.getByRole('button', { name: '合并', exact: true }).click();
  const result = page.getByRole('region', { name: '合并结果' });
  await expect(result.getByRole('status')).toContainText('新增 1 个待核对项');
  await expect(page.locator('.sidebar .count-badge')).toHaveText('1');
  await shots(page, 'sync-merge-result', result);
  // What the laptop lacks now, counted as a person would: the office's edit and the merge's review item.
  const laptopRow = page.locator('#sync-status ~ table tr', { hasText: '外勤笔记本 A' });
  await expect(laptopRow).toContainText(/2 条记录的 \d+ 项字段修改/);
  await result.getByRole('link', { name: '去核对' }).click();

  // 7. The review queue, by keyboard: the list has focus; 3 types another value.
  await expect(page.getByRole('heading', { name: '待核对', level: 1 })).toBeVisible();
  const item = page.getByRole('region', { name: '待核对项' });
  await expect(item).toContainText(NAME);
  await expect(item.locator('[data-side="kept"] .value')).toHaveText('80');
  await expect(item.locator('[data-side="lost"] .value')).toHaveText('120');
  await expect(item.locator('[data-side="lost"]')).toContainText(' · 外勤笔记本 A');
  // The value kept says who wrote it too (the office's edit, on this machine), and the record opens from here.
  const officeDevice = (await call<{ device: string }>(page, 'sync.status', {})).device;
  await expect(item.locator('[data-side="kept"]')).toContainText(` · ${officeDevice} · `);
  await expect(item.getByRole('link', { name: '打开这条记录 →' })).toHaveAttribute('href', `#/enterprises/${enterpriseId}`);
  await shots(page, 'sync-review');
  // The list takes the keyboard on arrival: the hint's keys work without a Tab through the sidebar first.
  await expect(page.getByRole('listbox', { name: '待核对' })).toBeFocused();
  await page.keyboard.press('3');
  await expect(page.getByLabel('其他值')).toBeFocused();
  await page.keyboard.type('100');
  await page.keyboard.press('Enter');
  await expect(page.getByText('没有待核对的项目')).toBeVisible();
  await expect(page.locator('.review-resolved')).toContainText('输入了其他值 → 100');
  await expect(page.locator('.sidebar .count-badge')).toHaveCount(0);
  await shots(page, 'sync-review-resolved');

  // 8. The record's history: the laptop's change with its device, and who settled the conflict.
  await page.goto(`/#/enterprises/${enterpriseId}`);
  const officeDrawer = page.getByRole('complementary');
  await expect(officeDrawer.getByLabel('从业人数')).toHaveValue('100');
  await officeDrawer.getByRole('tab', { name: '修改记录' }).click();
  await expect(officeDrawer.locator('.badge.device').first()).toHaveText('来自设备：外勤笔记本 A');
  // The person is the laptop's current user (a setting copied from the office, or USER): the device names it here.
  await expect(officeDrawer.locator('.history')).toContainText('来自设备：外勤笔记本 A');
  await expect(officeDrawer.locator('.history-reviews')).toContainText('处理：输入了其他值');
  // Another value was typed: neither of the two stayed, so both are struck out.
  await expect(officeDrawer.locator('.history-reviews del')).toHaveText(['80', '120']);
  await shots(page, 'sync-history');
  // The visit came with its photo, and the request is on the enterprise and in the Overview.
  await officeDrawer.getByRole('tab', { name: '走访' }).click();
  await expect(officeDrawer.locator('img[alt="现场照片.png"]')).toBeVisible();
  await expect(officeDrawer.locator('article.visit .visit-head').first()).toContainText('张三');
  const visitDay = (await officeDrawer.locator('article.visit strong').first().textContent())!;
  await officeDrawer.getByRole('tab', { name: '诉求' }).click();
  await officeDrawer.getByLabel('“希望协调增加停车位”的状态').selectOption('in_progress');
  await expect(officeDrawer.locator('[data-request="in_progress"]')).toBeVisible();
  await shots(page, 'sync-requests');
  await page.goto('/#/overview');
  await expect(page.locator('.requests-card')).toContainText(`${NAME}：希望协调增加停车位`);
  // Dated by the visit it was raised at, as on the enterprise's own list (not by when the office merged it).
  await expect(page.locator('.requests-card li').filter({ hasText: '希望协调增加停车位' })).toContainText(visitDay);
  await expect(page.locator('.requests-card [data-count="in_progress"] b')).not.toHaveText('0');

  // 9. Two-way: the office's answer (for the laptop) brings the outcome back.
  await page.goto('/#/fieldwork');
  await page.getByLabel('接收方').selectOption({ label: '外勤笔记本 A' });
  const [answer] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: '生成并下载变更包' }).click()]);
  const answerFile = join(dir, `answer-${answer.suggestedFilename()}`);
  await answer.saveAs(answerFile);
  await laptop.goto('/#/fieldwork');
  await laptop.getByLabel('选择文件').setInputFiles(answerFile);
  const back = laptop.getByRole('region', { name: '合并预览' });
  // The laptop meets the same conflict, but its review item arrives already settled by the office.
  await expect(back.locator('[data-count="conflicts"] b')).toHaveText('1');
  await back.getByRole('button', { name: '合并', exact: true }).click();
  await expect(laptop.getByRole('region', { name: '合并结果' }).getByRole('status')).toContainText('新增 0 个待核对项');
  await expect(laptop.locator('.sidebar .count-badge')).toHaveCount(0);
  await expect(laptop.getByRole('note', { name: '外勤副本' })).toContainText('修改已全部交回');
  await laptop.goto(`/#/enterprises/${enterpriseId}`);
  await expect(laptop.getByRole('complementary').getByLabel('从业人数')).toHaveValue('100');

  // Someone else takes over the laptop, not on the staff list: their visit adds them to it, once.
  await laptop.goto('/#/settings');
  await laptop.getByLabel('当前使用人（修改记录中显示的姓名）').fill('赵六');
  await laptop.getByLabel('当前使用人（修改记录中显示的姓名）').blur();
  await expect(laptop.getByRole('status').filter({ hasText: '已保存园区与使用人设置' }).first()).toBeVisible();
  await laptop.goto(`/#/enterprises/${enterpriseId}`);
  const laptopDrawer = laptop.getByRole('complementary');
  await laptopDrawer.getByRole('tab', { name: '走访' }).click();
  await expect(laptopDrawer.getByLabel('走访人').locator('option:checked')).toHaveText('赵六（加入员工名单）');
  await laptopDrawer.getByLabel('走访目的').fill('回访停车位诉求');
  await laptopDrawer.getByRole('button', { name: '保存走访' }).click();
  await expect(laptopDrawer.locator('article.visit').filter({ hasText: '回访停车位诉求' }).locator('.visit-head')).toContainText('赵六');
  // Now on the list: the next visit is by their record.
  await expect(laptopDrawer.getByLabel('走访人').locator('option:checked')).toHaveText('赵六');
  await expect(laptopDrawer.getByLabel('走访人').locator('option', { hasText: '赵六' })).toHaveCount(1);

  // 10. The same screens in English.
  await page.goto('/#/reviews');
  await page.getByRole('combobox', { name: '语言' }).selectOption('en');
  await expect(page.getByRole('heading', { name: 'Review', level: 1 })).toBeVisible();
  await expect(page.locator('.review-resolved')).toContainText('typed another value → 100');
  await page.goto('/#/fieldwork');
  await expect(page.getByRole('heading', { name: 'Fieldwork', level: 1 })).toBeVisible();
  await expect(page.getByRole('row', { name: /外勤笔记本 A/ })).toBeVisible();
  await shots(page, 'sync-fieldwork-en');
});
