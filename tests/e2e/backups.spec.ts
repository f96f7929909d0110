import { expect, test, type Page } from '@playwright/test';
import Database from 'better-sqlite3';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readdirSync, readFileSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Settings → Backups in the web shell, and the restore screen of a damaged database, each on its own
 * database and server (a restore must not disturb the other specs' database); then the CLI's backup,
 * restore and check.
 */
test.describe.configure({ mode: 'serial' });

const dir = mkdtempSync(join(tmpdir(), 'parkpilot-backups-e2e-'));
const cli = (...args: string[]) => {
  const r = spawnSync(process.execPath, ['bin/parkpilot.js', ...args], { encoding: 'utf8', env: { ...process.env, LANG: 'en_US.UTF-8' } });
  return { code: r.status, out: r.stdout, err: r.stderr };
};

/** Serves `db` on a free port; resolves with the URL once it listens. */
function serve(db: string): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(process.execPath, ['bin/parkpilot.js', 'serve', '--db', db, '--port', '0'], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /web shell: (http:\S+)/.exec(out);
      if (m) resolve({ url: m[1]!, child });
    });
    child.once('exit', (code) => reject(new Error(`serve exited ${code}`)));
  });
}

/** Overwrites most of one leaf page of `table`: the file still opens; reading that page fails. */
function damage(file: string, table = 'enterprises'): void {
  const db = new Database(file);
  const page = (db.prepare("SELECT pageno FROM dbstat WHERE name = ? AND pagetype = 'leaf' ORDER BY pageno LIMIT 1 OFFSET 2").get(table) as { pageno: number }).pageno;
  const size = db.pragma('page_size', { simple: true }) as number;
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
  const fd = openSync(file, 'r+');
  writeSync(fd, Buffer.alloc(size - 200, 0xa5), 0, size - 200, (page - 1) * size + 100);
  closeSync(fd);
}

async function shot(page: Page, name: string) {
  for (const [w, h] of [[1440, 900], [1024, 700]] as const) {
    await page.setViewportSize({ width: w, height: h });
    await page.waitForTimeout(300);
    await page.screenshot({ path: `tests/e2e/.screens/${name}-${w}.png` });
  }
  await page.setViewportSize({ width: 1440, height: 900 });
}

test('Settings → Backups: back up now, the list, and restore (the current file kept first)', async ({ page }) => {
  const db = join(dir, 'park.db');
  expect(cli('demo', '--db', db).code).toBe(0);
  const { url, child } = await serve(db);
  try {
    await page.goto(`${url}#/settings`);
    const section = page.locator('section.backups');
    await expect(section.getByRole('heading', { name: '备份' })).toBeVisible();
    await expect(section).toContainText(join(dir, 'park-backups'));
    // Opening the file made the day's backup.
    const rows = section.locator('tbody tr');
    await expect(rows).toHaveCount(1);
    await expect(rows.first()).toContainText('每日');
    await section.getByRole('button', { name: '立即备份' }).click();
    await expect(page.getByRole('status').filter({ hasText: '已完成备份并通过校验' })).toBeVisible();
    await expect(rows).toHaveCount(2);
    await expect(rows.first()).toContainText('手动');
    await expect(rows.first()).toContainText('✓ 完好');
    // A change after the backup: a new industry.
    const addRow = page.locator('tr', { has: page.getByRole('button', { name: '添加行业' }) });
    await addRow.getByLabel('代码').fill('fintech');
    await addRow.getByLabel('中文名称').fill('金融科技');
    await addRow.getByLabel('英文名称').fill('Fintech');
    await addRow.getByRole('button', { name: '添加行业' }).click();
    await expect(page.locator('td.mono', { hasText: 'fintech' })).toBeVisible();
    await section.scrollIntoViewIfNeeded();
    await shot(page, 'backups-settings');
    // Times to the second (the day's backup and the one by hand were made within a minute), and the
    // confirmation names which backup it is.
    await expect(rows.first().locator('td').first()).toHaveText(/\d{1,2}:\d{2}:\d{2}/);
    await rows.first().getByRole('button', { name: /恢复/ }).click();
    const dialog = page.getByRole('dialog');
    await expect(dialog).toContainText('当前文件会先另存为一份备份');
    await expect(dialog).toContainText(`数据库将回到 ${await rows.first().locator('td').first().innerText()} 时的状态（备份原因：手动）`);
    await dialog.getByRole('button', { name: '恢复' }).click();
    // The app starts over on the restored file: the industry added after the backup is gone.
    await expect(section.locator('tbody tr')).toHaveCount(3);
    await expect(page.locator('td.mono', { hasText: 'fintech' })).toHaveCount(0);
    await expect(section.locator('tbody tr').first()).toContainText('恢复前');
  } finally {
    child.kill();
  }
});

test('a damaged database shows one clear message and the restore screen, never an internal error', async ({ page }) => {
  const db = join(dir, 'damaged.db');
  expect(cli('demo', '--db', db).code).toBe(0);
  expect(cli('backup', '--db', db).code).toBe(0);
  damage(db);
  const { url, child } = await serve(db);
  try {
    await page.goto(`${url}#/enterprises`);
    await expect(page.getByRole('heading', { name: '数据库文件已损坏' })).toBeVisible({ timeout: 20_000 });
    await expect(page.getByRole('alert').first()).toContainText('从下面恢复最新的备份');
    await expect(page.getByText(/内部错误|Internal error/)).toHaveCount(0);
    await shot(page, 'backups-damaged');
    await page.locator('section.backups tbody tr').first().getByRole('button', { name: /恢复/ }).click();
    await page.getByRole('dialog').getByRole('button', { name: '恢复' }).click();
    await expect(page.getByRole('heading', { name: '数据库文件已损坏' })).toHaveCount(0, { timeout: 20_000 });
    await page.goto(`${url}#/enterprises`);
    await expect(page.locator('.count')).toHaveText('共 347 条');
    // The damaged file was kept aside, not deleted.
    expect(readdirSync(join(dir, 'damaged-backups')).some((n) => /-damaged-/.test(n))).toBe(true);
  } finally {
    child.kill();
  }
});

test('CLI: check, backup (to the folder or --out), restore; damage is named in one line', () => {
  const db = join(dir, 'cli.db');
  expect(cli('demo', '--db', db).code).toBe(0);
  const healthy = cli('check', '--db', db, '--json');
  expect(healthy.code).toBe(0);
  expect(JSON.parse(healthy.out)).toMatchObject({ ok: true, integrity: [], foreignKeys: [] });
  expect(cli('check', '--db', db).out).toContain('search index enterprises_fts: ok');

  const made = cli('backup', '--db', db);
  expect(made.code).toBe(0);
  const backup = made.out.trim();
  expect(backup.startsWith(join(dir, 'cli-backups'))).toBe(true);
  expect(statSync(backup).mode & 0o777).toBe(0o600);

  const out = join(dir, 'copy.db');
  writeFileSync(out, 'an older copy');
  expect(cli('backup', '--db', db, '--out', out).code).toBe(0);
  expect(readFileSync(out).subarray(0, 15).toString()).toBe('SQLite format 3');

  damage(db);
  const checked = cli('check', '--db', db);
  expect(checked.code).toBe(1);
  expect(checked.out).toMatch(/integrity: .+/);
  expect(checked.out).toContain('PROBLEMS FOUND');
  const stats = cli('export', '--db', db, '--view', 'enterprises', '--format', 'csv', '--out', join(dir, 'e.csv'));
  expect(stats.code).toBe(1);
  expect(stats.err.trim().split('\n')).toHaveLength(1);
  expect(stats.err).toMatch(/^parkpilot: The database file is damaged/);
  expect(existsSync(join(dir, 'e.csv'))).toBe(false);

  const notADb = join(dir, 'notes.db');
  writeFileSync(notADb, 'not a database at all');
  const refused = cli('restore', notADb, '--db', db);
  expect(refused.code).toBe(1);
  expect(refused.err).toMatch(/^parkpilot: This file is not an intact ParkPilot database/);

  const restored = cli('restore', backup, '--db', db);
  expect(restored.code).toBe(0);
  expect(restored.err).toMatch(/previous file is kept as .*-damaged-/);
  expect(cli('check', '--db', db).code).toBe(0);
  expect(JSON.parse(cli('stats', '--db', db, '--json').out).enterprises.total).toBe(347);
});
