import { expect, test, type Browser, type BrowserContext, type Locator, type Page } from '@playwright/test';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

/**
 * The office hub through the UI (issue 13): a throwaway PostgreSQL hub (tests/hub/start-for-e2e.ts),
 * two web shells as two office desktops — one on the demo database, one on an empty file. The first
 * connects as the director in Settings → Office hub and publishes; the second joins as staff and
 * receives everything; an edit in one grid appears in the other's without a reload; the same field
 * edited in both at once is a review item on each; a restarted web shell asks for the password again;
 * a viewer is told plainly that they cannot change data.
 */
test.describe.configure({ mode: 'serial' });

const pgInstalled = () => {
  const base = '/usr/lib/postgresql';
  return existsSync(base) && readdirSync(base).some((v) => existsSync(join(base, v, 'bin', 'initdb')));
};
test.skip(!pgInstalled(), 'PostgreSQL server binaries are not installed (no /usr/lib/postgresql/*/bin/initdb): apt-get install postgresql to run the office hub spec');

const dir = mkdtempSync(join(tmpdir(), 'parkpilot-hub-e2e-'));
const OFFICE_DB = join(dir, 'office.db');
const SECOND_DB = join(dir, 'second.db');
const VIEWER_DB = join(dir, 'viewer.db');
const NAME = '珠海数据中心联调科技有限公司';

let hubProcess: ChildProcess | null = null;
let hubUrl = '';
const servers: ChildProcess[] = [];
const contexts: BrowserContext[] = [];
let office: Page;
let second: Page;

const urlFor = (login: string) => hubUrl.replace('LOGIN', login);

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

/** The hub process's answers, one JSON line each, in order. */
const answers: string[] = [];
let answered: (() => void) | null = null;
async function nextAnswer<T>(): Promise<T> {
  while (!answers.length) await new Promise<void>((r) => (answered = r));
  return JSON.parse(answers.shift()!) as T;
}

/** The hub: a line of JSON once the cluster is up and prepared; it stops when we end it or go. */
function startHubProcess(): Promise<{ available: boolean; url?: string; reason?: string }> {
  hubProcess = spawn(process.execPath, ['--import', 'tsx', 'tests/hub/start-for-e2e.ts', '--empty', SECOND_DB, '--empty', VIEWER_DB], { stdio: ['pipe', 'pipe', 'pipe'] });
  let err = '';
  hubProcess.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  createInterface({ input: hubProcess.stdout! }).on('line', (line) => {
    answers.push(line);
    answered?.();
  });
  const exited = new Promise<never>((_, reject) => hubProcess!.on('exit', (code) => reject(new Error(`hub process exited ${code}: ${err}`))));
  return Promise.race([nextAnswer<{ available: boolean; url?: string; reason?: string }>(), exited]);
}

/** Holds or releases the hub's push lock: pushes wait meanwhile, so edits on two desktops surely meet. */
async function hubCommand(command: 'hold-pushes' | 'release-pushes'): Promise<void> {
  hubProcess!.stdin!.write(`${command}\n`);
  const answer = await nextAnswer<{ error?: string }>();
  expect(answer.error).toBeUndefined();
}

/** A web shell (one office desktop) on its own port, and a browser window on it. */
async function desktop(browser: Browser, db: string, user: string): Promise<{ page: Page; server: ChildProcess }> {
  const port = await freePort();
  const server = spawn(process.execPath, ['bin/parkpilot.js', 'serve', '--db', db, '--port', String(port)], { env: { ...process.env, USER: user }, stdio: ['ignore', 'pipe', 'pipe'] });
  servers.push(server);
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    server.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /web shell: (\S+)/.exec(out);
      if (m) resolve(m[1]!);
    });
    server.stderr!.on('data', (d: Buffer) => (out += d.toString()));
    server.on('exit', (code) => reject(new Error(`web shell exited ${code}: ${out}`)));
  });
  const context = await browser.newContext({ baseURL: url, viewport: { width: 1440, height: 900 } });
  contexts.push(context);
  return { page: await context.newPage(), server };
}

async function stopServer(server: ChildProcess): Promise<void> {
  if (server.exitCode !== null) return;
  const gone = new Promise((r) => server.once('exit', r));
  server.kill('SIGTERM');
  await gone;
}

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
    await page.waitForTimeout(300);
    await focus?.scrollIntoViewIfNeeded();
    await page.screenshot({ path: `tests/e2e/.screens/${name}-${w}.png` });
  }
  await page.setViewportSize({ width: 1440, height: 900 });
}

const hubCard = (page: Page) => page.getByRole('region', { name: '办公室数据中心' });
const statusBar = (page: Page) => page.locator('.topbar .hub-status');
const buildingCell = (page: Page) => page.locator('.ag-row', { hasText: NAME }).locator('[col-id="building"]');

/** Settings → Office hub: address, (login), password, Connect. */
async function connect(page: Page, address: string, password: string, login?: string) {
  await page.goto('/#/settings/hub');
  const card = hubCard(page);
  await card.getByLabel('数据中心地址').fill(address);
  if (login) await card.getByLabel('登录名').fill(login);
  await card.getByLabel('密码').fill(password);
  await card.getByRole('button', { name: '连接', exact: true }).click();
  await expect(card.locator('[data-hub-state="connected"]')).toBeVisible({ timeout: 90_000 });
}

/**
 * The open record's drawer tabs, each with the buttons a writer has there: for a read-only role none of
 * them, no field to type into, and the reason shown in the panel.
 */
async function readOnlyPanels(page: Page, tabs: Record<string, string[]>) {
  const drawer = page.locator('.drawer');
  for (const [tab, buttons] of Object.entries(tabs)) {
    await drawer.getByRole('tab', { name: tab }).click();
    await expect(drawer.getByRole('note').filter({ hasText: '您在办公室数据中心的角色是只读' })).toBeVisible();
    for (const name of buttons) await expect(drawer.getByRole('button', { name, exact: true })).toHaveCount(0);
    await expect(drawer.locator('.drawer-scroll').locator('input:not([type=search]):enabled, textarea:enabled, select:enabled')).toHaveCount(0);
  }
}

/** Opens the editor of the test enterprise's building cell in the grid and types a value (not yet saved). */
async function typeBuilding(page: Page, value: string) {
  const editor = page.locator('.ag-cell-inline-editing input');
  // The open grid reloads by itself when the hub brings a change (the test's own create, just before):
  // a double-click that lands as the rows are replaced opens nothing, and a user would click again.
  await expect(async () => {
    if (!(await editor.isVisible())) await buildingCell(page).dblclick();
    await expect(editor).toBeVisible({ timeout: 2_000 });
  }).toPass({ timeout: 20_000 });
  await editor.fill(value);
}

test.beforeAll(async ({ browser }) => {
  test.setTimeout(240_000);
  execFileSync(process.execPath, ['bin/parkpilot.js', 'demo', '--db', OFFICE_DB], { stdio: 'ignore' });
  const hub = await startHubProcess();
  if (!hub.available) throw new Error(hub.reason);
  hubUrl = hub.url!;
  office = (await desktop(browser, OFFICE_DB, 'office')).page;
  second = (await desktop(browser, SECOND_DB, 'second')).page;
});

test.afterAll(async () => {
  for (const c of contexts) await c.close().catch(() => {});
  for (const s of servers) await stopServer(s).catch(() => {});
  hubProcess?.kill('SIGTERM');
});

test('the office publishes its database through Settings; an empty desktop joins as staff and receives everything', async () => {
  test.setTimeout(240_000);
  // Not linked: no indicator, and the card offers to connect (with how the password is kept).
  await office.goto('/#/settings/hub');
  const card = hubCard(office);
  await expect(card.getByLabel('数据中心地址')).toBeVisible();
  await expect(card).toContainText('只在本次运行的内存中保留密码');
  await expect(statusBar(office)).toHaveCount(0);
  // A wrong password is said in words, not as a code.
  await card.getByLabel('数据中心地址').fill(urlFor('director'));
  await card.getByLabel('密码').fill('not-the-password');
  await card.getByRole('button', { name: '连接', exact: true }).click();
  await expect(card.getByRole('alert')).toContainText('办公室数据中心拒绝登录：用户名或密码错误');
  await expect(card.getByRole('alert')).not.toContainText('hub_auth');
  await card.getByLabel('密码').fill('director-pw');
  await shots(office, 'hub-card-connect', card);

  await card.getByRole('button', { name: '连接', exact: true }).click();
  await expect(card.locator('[data-hub-state="connected"]')).toBeVisible({ timeout: 90_000 });
  await expect(card).toContainText('王主任');
  await expect(card).toContainText('管理员');
  await expect(card.locator('[data-hub-waiting="0"]')).toBeVisible();
  await expect(card.getByLabel('密码')).toHaveCount(0);
  await expect(statusBar(office)).toContainText('数据中心已连接');
  await shots(office, 'hub-card-connected', card);

  await office.goto('/#/enterprises');
  await expect(office.locator('.count')).toHaveText(/共 [\d,]+ 条/);
  const enterprises = await office.locator('.count').innerText();

  // The second desktop starts empty, joins with the login typed apart from the address.
  await second.goto('/#/enterprises');
  await expect(second.getByText('还没有记录')).toBeVisible();
  const port = /:(\d+)\//.exec(hubUrl)![1];
  await connect(second, `postgres://127.0.0.1:${port}/postgres`, 'zhang-pw', 'zhang');
  await expect(hubCard(second)).toContainText('张伟');
  await expect(hubCard(second)).toContainText('工作人员');
  await second.goto('/#/enterprises');
  await expect(second.locator('.count')).toHaveText(enterprises);
  await expect(statusBar(second)).toContainText('数据中心已连接');
  await shots(second, 'hub-statusbar-connected');
});

test('an edit in one desktop’s grid appears in the other’s open grid without a reload', async () => {
  test.setTimeout(120_000);
  await call(office, 'enterprises.create', { name: NAME, kind: 'startup', status: 'settled', building: 'A1' });
  const filtered = `/#/enterprises?name=${encodeURIComponent(NAME)}`;
  await office.goto(filtered);
  await second.goto(filtered);
  await expect(buildingCell(office)).toHaveText('A1');
  // The new enterprise reaches the other desktop's open grid by itself.
  await expect(buildingCell(second)).toHaveText('A1', { timeout: 20_000 });

  await typeBuilding(office, 'B2');
  await office.keyboard.press('Enter');
  await expect(office.getByText('已更新 楼栋')).toBeVisible();
  await expect(buildingCell(second)).toHaveText('B2', { timeout: 20_000 });
  // And back the other way, from the staff desktop.
  await typeBuilding(second, 'B3');
  await second.keyboard.press('Enter');
  await expect(buildingCell(office)).toHaveText('B3', { timeout: 20_000 });
});

test('the same field changed on both desktops at once: one value everywhere, the same review item in both queues', async () => {
  test.setTimeout(120_000);
  const reviewsBefore = async (page: Page) => ((await page.locator('.sidebar .count-badge').count()) ? Number(await page.locator('.sidebar .count-badge').innerText()) : 0);
  const before = [await reviewsBefore(office), await reviewsBefore(second)];
  // Both desktops save while the hub holds every push back (as when both write in the same second):
  // neither has seen the other's change when it writes.
  await hubCommand('hold-pushes');
  for (const [page, value] of [[office, 'C-办公室'], [second, 'D-张伟']] as const) {
    await typeBuilding(page, value);
    const saved = page.waitForResponse((r) => r.url().includes('/api/enterprises.update'));
    await page.keyboard.press('Enter');
    expect(((await (await saved).json()) as { ok: boolean }).ok).toBe(true);
  }
  await hubCommand('release-pushes');
  await expect(office.locator('.sidebar .count-badge')).toHaveText(String(before[0]! + 1), { timeout: 20_000 });
  await expect(second.locator('.sidebar .count-badge')).toHaveText(String(before[1]! + 1), { timeout: 20_000 });
  // One value wins on both (the later clock).
  const kept = (await buildingCell(office).innerText()).trim();
  expect(['C-办公室', 'D-张伟']).toContain(kept);
  await expect(buildingCell(second)).toHaveText(kept);

  for (const page of [office, second]) {
    await page.goto('/#/reviews');
    const item = page.getByRole('region', { name: '待核对项' });
    await expect(item).toContainText(NAME);
    await expect(item.locator('[data-side="kept"] .value')).toHaveText(kept);
    await expect(item.locator('[data-side="lost"] .value')).toHaveText(kept === 'C-办公室' ? 'D-张伟' : 'C-办公室');
  }
  // Only the administrator settles it: the staff desktop's choices are disabled, with the reason.
  await expect(second.getByRole('region', { name: '待核对项' }).getByRole('note')).toContainText('只有管理员可以处理冲突');
  await expect(second.getByRole('button', { name: /保留现值/ })).toBeDisabled();
  await expect(office.getByRole('button', { name: /保留现值/ })).toBeEnabled();
  await shots(second, 'hub-review-staff');
});

test('a restarted web shell asks for the password again; a viewer is told plainly they cannot change data', async ({ browser }) => {
  test.setTimeout(180_000);
  // The web shell kept the password in memory only: after a restart the status bar says so.
  await stopServer(servers[1]!);
  second = (await desktop(browser, SECOND_DB, 'second')).page;
  await second.goto('/#/overview');
  await expect(statusBar(second)).toContainText('数据中心需要密码', { timeout: 20_000 });
  await expect(statusBar(second)).toContainText('请输入办公室数据中心的密码');
  await shots(second, 'hub-statusbar-password');
  await statusBar(second).click();
  const card = hubCard(second);
  await expect(card).toContainText('请输入 zhang 的数据中心密码');
  await expect(card.getByRole('button', { name: '立即同步' })).toBeDisabled();
  await shots(second, 'hub-card-password', card);
  await card.getByLabel('密码').fill('zhang-pw');
  await card.getByRole('button', { name: '重新连接' }).click();
  await expect(card.locator('[data-hub-state="connected"]')).toBeVisible({ timeout: 60_000 });
  await expect(statusBar(second)).toContainText('数据中心已连接');

  // Sync now, then disconnect (confirmed): the card offers to connect again, the indicator goes.
  await card.getByRole('button', { name: '立即同步' }).click();
  await expect(card.getByRole('status')).toContainText('同步完成');
  await card.getByRole('button', { name: '断开连接' }).click();
  const dialog = second.getByRole('dialog', { name: '断开办公室数据中心？' });
  await expect(dialog).toContainText('本机数据全部保留');
  await dialog.getByRole('button', { name: '断开连接' }).click();
  await expect(card.getByLabel('数据中心地址')).toBeVisible();
  await expect(statusBar(second)).toHaveCount(0);

  // A visit with a request on the test enterprise (the office's), for the viewer's panels to show.
  const [enterprise] = (await call<{ rows: { id: string }[] }>(office, 'enterprises.rows', { startRow: 0, endRow: 1, filterModel: { name: { filterType: 'text', type: 'equals', filter: NAME } } })).rows;
  const visit = await call<{ id: string }>(office, 'visits.create', { enterprise_id: enterprise!.id, date: '2026-11-20', purpose: '联调走访' });
  await call(office, 'requests.create', { enterprise_id: enterprise!.id, visit_id: visit.id, text: '希望协调停车位' });

  // The city official's desktop (viewer): reads everything, and a change is refused in words.
  const viewer = (await desktop(browser, VIEWER_DB, 'official')).page;
  await connect(viewer, urlFor('official'), 'official-pw');
  const viewerCard = hubCard(viewer);
  await expect(viewerCard).toContainText('市局刘');
  await expect(viewerCard).toContainText('只读');
  await expect(statusBar(viewer)).toContainText('只读');
  await viewer.goto(`/#/enterprises?name=${encodeURIComponent(NAME)}`);
  const before = (await buildingCell(viewer).innerText()).trim();
  expect(before).not.toBe('');
  // Nothing invites an edit that would be refused: the page says why, New is off, a cell opens no editor,
  // and the record opens with its fields disabled and no Save or Delete.
  const note = viewer.getByRole('note').filter({ hasText: '您在办公室数据中心的角色是只读' });
  await expect(note).toBeVisible();
  await expect(viewer.getByRole('button', { name: '+ 新建' })).toBeDisabled();
  await buildingCell(viewer).dblclick();
  await expect(viewer.locator('.drawer')).toBeVisible();
  await expect(viewer.locator('.ag-cell-inline-editing')).toHaveCount(0);
  await expect(viewer.locator('.drawer #f-building')).toBeDisabled();
  await expect(viewer.locator('.drawer').getByRole('button', { name: '保存' })).toHaveCount(0);
  await expect(viewer.locator('.drawer').getByRole('button', { name: '删除' })).toHaveCount(0);
  await viewer.keyboard.press('Control+s');
  await expect(buildingCell(viewer)).toHaveText(before);
  await shots(viewer, 'hub-viewer-read-only');
  // The record's panels read only too: no form to add, no status to change, each saying why.
  await readOnlyPanels(viewer, { 跟进记录: ['添加记录'], 走访: ['保存走访'], 诉求: ['添加诉求'] });
  await expect(viewer.locator('.drawer').getByLabel('“希望协调停车位”的状态')).toBeDisabled();
  await readOnlyPanels(viewer, { 走访: ['保存走访'] });
  await expect(viewer.locator('.drawer').getByText('联调走访')).toBeVisible();
  await expect(viewer.locator('.drawer').getByText('+ 附件')).toHaveCount(0);
  await expect(viewer.locator('.drawer').getByRole('listitem').filter({ hasText: '希望协调停车位' })).toBeVisible();
  await shots(viewer, 'hub-viewer-visits-read-only');
  await viewer.goto('/#/incubations');
  await viewer.locator('.ag-row[row-index="0"] .ag-cell').first().click();
  await readOnlyPanels(viewer, { 阶段: ['确定'], 孵化进展: ['完成', '+'] });
  await shots(viewer, 'hub-viewer-startup-read-only');
  await viewer.goto('/#/leads');
  await viewer.locator('.ag-row[row-index="0"] .ag-cell').first().click();
  await readOnlyPanels(viewer, { 阶段: ['确定', '转为企业'], 跟进记录: ['添加记录'], 走访: ['保存走访'] });
  // An import can be checked, not applied; the board's cards do not move.
  await viewer.goto('/#/imports');
  await expect(viewer.getByRole('note').filter({ hasText: '您在办公室数据中心的角色是只读' })).toBeVisible();
  await viewer.goto('/#/pipeline');
  await expect(viewer.getByRole('note').filter({ hasText: '您在办公室数据中心的角色是只读' })).toBeVisible();
  await expect(viewer.locator('[data-card]').first()).toHaveAttribute('draggable', 'false');

  // In English, the indicator, the card and the hub's own messages speak English.
  await viewer.getByRole('combobox', { name: '语言' }).selectOption('en');
  await expect(statusBar(viewer)).toContainText('Hub connected');
  await expect(statusBar(viewer)).toContainText('Viewer (read only)');
  await expect(viewer.getByRole('note').filter({ hasText: 'Your role on the office hub is viewer' })).toBeVisible();
  await viewer.goto('/#/settings/hub');
  const english = viewer.getByRole('region', { name: 'Office hub' });
  await expect(english).toContainText('Signed in as');
  await expect(english).toContainText('Connected, syncing live');
  await expect(english).toContainText('keeps the password only in memory');
  await shots(viewer, 'hub-card-english', english);
});
