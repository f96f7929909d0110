import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';

/**
 * Opening a database made by an older version: the web shell upgrades it on a worker thread and the page
 * shows the progress (step, backup percentage, what closing would do) instead of a blank page, then
 * opens into the app; an upgrade that fails half-way shows its error. Each test serves a database of its
 * own from its own `parkpilot serve` (not the screens' shared shell). The older file is today's demo with
 * the two newest migrations taken back out (their index and column as before, their rows removed): exactly
 * what the version before them left. PARKPILOT_TEST_UPGRADE_DELAY_MS slows the worker's reports so a small file's progress is seen.
 */
const DIR = join('.e2e', 'upgrade');
const SCREENS = join('tests', 'e2e', '.screens');

function olderDatabase(name: string, extraSql = ''): string {
  mkdirSync(DIR, { recursive: true });
  const file = join(DIR, name);
  for (const f of [file, `${file}-wal`, `${file}-shm`]) rmSync(f, { force: true });
  rmSync(`${file}-backups`, { recursive: true, force: true });
  execFileSync('node', ['bin/parkpilot.js', 'demo', '--db', file], { stdio: 'pipe' });
  // 0018_change_identity undone: changes_latest not unique, the identity kept by changes_identity; 0019_request_date: no day on requests.
  execFileSync('sqlite3', [file, `DROP INDEX changes_latest; CREATE INDEX changes_latest ON changes (tbl, row_id, field, stamp);
    CREATE UNIQUE INDEX changes_identity ON changes (stamp, tbl, row_id, field); ALTER TABLE requests DROP COLUMN date;
    DELETE FROM schema_migrations WHERE id IN ('0018_change_identity', '0019_request_date'); ${extraSql}`]);
  return file;
}

async function serve(file: string, delayMs: number): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn('node', ['bin/parkpilot.js', 'serve', '--db', file, '--port', '0'], { env: { ...process.env, PARKPILOT_TEST_UPGRADE_DELAY_MS: String(delayMs) }, stdio: ['ignore', 'pipe', 'pipe'] });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /web shell: (http:\/\/\S+)/.exec(out);
      if (m) resolve(m[1]!);
    });
    child.on('exit', (code) => reject(new Error(`serve exited with ${code}`)));
  });
  return { url, child };
}

test('an older database is upgraded with its progress on screen, then the app opens', async ({ page }) => {
  test.setTimeout(120_000);
  const { url, child } = await serve(olderDatabase('older.db'), 150);
  try {
    await page.goto(url);
    const screen = page.getByTestId('upgrade-screen');
    await expect(screen.getByRole('heading', { name: '升级数据库…' })).toBeVisible();
    // The backup's percentage climbs while the page watches.
    await expect(screen.getByText(/^正在备份 \d+%$/)).toBeVisible();
    await expect(screen.getByText('第 1 步，共 3 步')).toBeVisible();
    await expect(screen.getByText(/如果中途关闭，不会丢失任何数据/)).toBeVisible();
    const first = Number(/(\d+)%/.exec((await screen.getByText(/^正在备份/).textContent())!)![1]);
    await expect.poll(async () => Number(/(\d+)%/.exec((await screen.locator('.upgrade-line').textContent()) ?? '')?.[1] ?? 101)).toBeGreaterThan(first);
    await page.screenshot({ path: join(SCREENS, 'upgrade-1440x900.png') });
    await page.setViewportSize({ width: 1024, height: 700 });
    await page.screenshot({ path: join(SCREENS, 'upgrade-1024x700.png') });
    await page.setViewportSize({ width: 1440, height: 900 });
    // Done: the page reloads into the app, on the upgraded file.
    await expect(page.locator('.cards .stat-value').first()).toBeVisible({ timeout: 60_000 });
    await expect(screen).toHaveCount(0);
  } finally {
    child.kill();
  }
  // The file now has the migration, and the backup taken before it is beside it.
  const file = join(DIR, 'older.db');
  expect(execFileSync('sqlite3', [file, "SELECT count(*) FROM schema_migrations WHERE id IN ('0018_change_identity', '0019_request_date')"]).toString().trim()).toBe('2');
});

test('in English too', async ({ page }) => {
  test.setTimeout(120_000);
  const { url, child } = await serve(olderDatabase('older-en.db'), 150);
  try {
    await page.addInitScript(() => localStorage.setItem('parkpilot.locale', 'en'));
    await page.goto(url);
    const screen = page.getByTestId('upgrade-screen');
    await expect(screen.getByRole('heading', { name: 'Upgrading the database…' })).toBeVisible();
    await expect(screen.getByText(/^backing up \d+%$/)).toBeVisible();
    await expect(screen.getByText('Step 1 of 3')).toBeVisible();
    await page.screenshot({ path: join(SCREENS, 'upgrade-en-1440x900.png') });
    await expect(page.locator('.cards .stat-value').first()).toBeVisible({ timeout: 60_000 });
  } finally {
    child.kill();
  }
});

test('an upgrade that fails half-way shows its error, and the database is left as it was', async ({ page }) => {
  test.setTimeout(120_000);
  // The index the migration drops last is missing: it fails after the backup, half-way through the migrations' transaction.
  const file = olderDatabase('broken.db', 'DROP INDEX changes_identity;');
  const { url, child } = await serve(file, 0);
  try {
    await page.goto(url);
    const alert = page.getByRole('alert');
    await expect(alert.getByRole('heading', { name: '无法升级数据库' })).toBeVisible({ timeout: 30_000 });
    await expect(alert).toContainText('changes_identity');
    await expect(alert).toContainText('数据库保持升级前的样子');
    await expect(alert).toContainText('重新启动 ParkPilot 会再次尝试升级');
    await page.screenshot({ path: join(SCREENS, 'upgrade-failed-1440x900.png') });
    await page.setViewportSize({ width: 1024, height: 700 });
    await page.screenshot({ path: join(SCREENS, 'upgrade-failed-1024x700.png') });
  } finally {
    child.kill();
  }
  expect(execFileSync('sqlite3', [file, "SELECT count(*) FROM schema_migrations WHERE id = '0018_change_identity'"]).toString().trim()).toBe('0');
});
