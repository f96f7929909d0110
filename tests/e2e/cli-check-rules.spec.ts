import { expect, test } from '@playwright/test';
import Database from 'better-sqlite3';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * `parkpilot generate` writes a park whose 在孵 enterprises are exactly those with an active incubation
 * record, and `parkpilot check` names the records of a file that breaks that rule (exit 1), without
 * calling an intact file damaged.
 */
const dir = mkdtempSync(join(tmpdir(), 'parkpilot-check-rules-e2e-'));
test.afterAll(() => rmSync(dir, { recursive: true, force: true }));
const cli = (...args: string[]) => {
  const r = spawnSync(process.execPath, ['bin/parkpilot.js', ...args], { encoding: 'utf8', env: { ...process.env, LANG: 'en_US.UTF-8' } });
  return { code: r.status, out: r.stdout, err: r.stderr };
};

test('CLI: a generated park keeps the 在孵 rule, and check names the records that break it', () => {
  const db = join(dir, 'generated.db');
  expect(cli('generate', '--db', db, '--enterprises', '3000', '--leads', '200', '--activities', '200', '--seed', '4').code).toBe(0);
  const healthy = cli('check', '--db', db);
  expect(healthy.code).toBe(0);
  expect(healthy.out).toContain('rule incubating_status: ok');
  expect(healthy.out).toContain('rule exited_without_exit_date: ok');
  expect(healthy.out).toContain('rule exit_date_while_registered: ok');

  // The registry's 在孵 and the incubation registry's active records: one figure.
  const stats = JSON.parse(cli('stats', '--db', db, '--json').out) as { enterprises: { byStatus?: Record<string, number> } & Record<string, unknown> };
  const file = new Database(db);
  const active = (file.prepare("SELECT count(DISTINCT enterprise_id) AS n FROM incubations WHERE deleted = 0 AND stage IN ('admitted', 'incubating')").get() as { n: number }).n;
  const incubating = (file.prepare("SELECT count(*) AS n FROM enterprises WHERE deleted = 0 AND status = 'incubating'").get() as { n: number }).n;
  expect(incubating).toBeGreaterThan(600);
  expect(active).toBe(incubating);
  expect(JSON.stringify(stats)).toContain(String(incubating));

  // Break the rule both ways behind the app's back: a 在孵 status with no record, a record whose enterprise is not 在孵.
  const settled = file.prepare("SELECT id, name FROM enterprises WHERE status = 'settled' ORDER BY rowid LIMIT 1").get() as { id: string; name: string };
  const record = file.prepare("SELECT i.id, e.name FROM incubations i JOIN enterprises e ON e.id = i.enterprise_id WHERE i.stage = 'incubating' ORDER BY e.rowid LIMIT 1").get() as { id: string; name: string };
  file.prepare("UPDATE enterprises SET status = 'incubating' WHERE id = ?").run(settled.id);
  file.prepare("UPDATE enterprises SET status = 'graduated' WHERE id = (SELECT enterprise_id FROM incubations WHERE id = ?)").run(record.id);
  file.close();

  const broken = cli('check', '--db', db);
  expect(broken.code).toBe(1);
  expect(broken.out).toMatch(/rule incubating_status: 2 records break it \(first: .+\)/);
  expect(broken.out).toContain(settled.name);
  expect(broken.out).toContain(record.name);
  expect(broken.out).toContain('RECORDS BREAK A RULE');
  expect(broken.out).not.toContain('restore a backup');
  const json = JSON.parse(cli('check', '--db', db, '--json').out) as { ok: boolean; rules: { name: string; violations: number; ok: boolean }[] };
  expect(json.ok).toBe(false);
  expect(json.rules).toEqual([
    expect.objectContaining({ name: 'incubating_status', violations: 2, ok: false }),
    expect.objectContaining({ name: 'exited_without_exit_date', violations: 0, ok: true }),
    expect.objectContaining({ name: 'exit_date_while_registered', violations: 0, ok: true }),
  ]);
});
