import { expect, test } from '@playwright/test';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// The fieldwork round trip as a scheduled job or an administrator runs it: checkout, edits on both
// sides (through imports, the CLI's way of editing), packages each way, preview, merge, status.
const run = (...args: string[]) => {
  const r = spawnSync(process.execPath, ['bin/parkpilot.js', ...args], { encoding: 'utf8', env: { ...process.env, LANG: 'en_US.UTF-8', PARKPILOT_SYNC_PASSWORD: '' } });
  return { code: r.status, out: r.stdout, err: r.stderr };
};
const sql = (db: string, query: string) => spawnSync('sqlite3', [db, query], { encoding: 'utf8' }).stdout.trim();

test('checkout, edit on both sides, sealed packages both ways, preview, merge, conflicts reported and converged', () => {
  const dir = mkdtempSync(join(tmpdir(), 'parkpilot-sync-'));
  const office = join(dir, 'office.db');
  const laptop = join(dir, 'laptop.db');
  expect(run('demo', '--db', office).code).toBe(0);
  expect(run('checkout', '--db', office, '--out', laptop, '--device', 'Laptop A', '--user', 'zhang').code).toBe(0);
  expect(run('checkout', '--db', office, '--out', laptop, '--device', 'Laptop A').code).not.toBe(0); // never overwrites

  const [name, uscc] = sql(office, "SELECT name, uscc FROM enterprises WHERE deleted = 0 AND uscc IS NOT NULL ORDER BY name LIMIT 1").split('|') as [string, string];
  const roster = (file: string, headcount: number, patents: number) => writeFileSync(join(dir, file), `企业名称,统一社会信用代码,从业人数,专利数\n${name},${uscc},${headcount},${patents}\n`);
  roster('office.csv', 111, 5);
  roster('laptop.csv', 222, 5);
  expect(run('import', join(dir, 'office.csv'), '--db', office, '--mode', 'update').code).toBe(0);
  expect(run('import', join(dir, 'laptop.csv'), '--db', laptop, '--mode', 'update').code).toBe(0);

  const status = JSON.parse(run('sync', 'status', '--db', laptop, '--json').out);
  expect(status.fieldCopy).toMatchObject({ device: 'Laptop A', person: 'zhang' });
  expect(status.unreturned).toBeGreaterThan(0);

  const pw = join(dir, 'pw');
  writeFileSync(pw, 'correct horse\n');
  const pkg = join(dir, 'back.ppsync');
  expect(run('sync', 'export', '--db', laptop, '--out', pkg, '--password-file', pw).code).toBe(0);
  expect(readFileSync(pkg).subarray(0, 5).toString()).toBe('PPSE1'); // sealed

  const wrong = join(dir, 'wrong');
  writeFileSync(wrong, 'nope');
  const refused = run('sync', 'import', pkg, '--db', office, '--password-file', wrong);
  expect(refused.code).toBe(1);
  expect(refused.err.trim().split('\n')).toHaveLength(1);
  expect(refused.err).toContain('Wrong password');

  const preview = JSON.parse(run('sync', 'import', pkg, '--db', office, '--dry-run', '--json', '--password-file', pw).out);
  expect(preview).toMatchObject({ dryRun: true, converged: 1 }); // both set 专利数 to 5
  expect(preview.conflicts).toEqual([expect.objectContaining({ table: 'enterprises', field: 'headcount', kept: 222, lost: 111 })]);
  expect(sql(office, `SELECT headcount FROM enterprises WHERE uscc = '${uscc}' AND deleted = 0`)).toBe('111'); // preview changes nothing

  const merged = JSON.parse(run('sync', 'import', pkg, '--db', office, '--json', '--password-file', pw).out);
  expect(merged).toMatchObject({ dryRun: false, applied: preview.applied });
  expect(sql(office, `SELECT headcount FROM enterprises WHERE uscc = '${uscc}' AND deleted = 0`)).toBe('222');
  expect(JSON.parse(run('sync', 'import', pkg, '--db', office, '--json', '--password-file', pw).out)).toMatchObject({ applied: 0 });

  // The office's answer: the laptop ends with the same data and the same open review item.
  const answer = join(dir, 'answer.ppsync');
  const laptopSite = JSON.parse(run('sync', 'status', '--db', laptop, '--json').out).site as string;
  expect(run('sync', 'export', '--db', office, '--out', answer, '--for', laptopSite).code).toBe(0);
  expect(run('sync', 'import', answer, '--db', laptop, '--json').code).toBe(0);
  const items = (db: string) => sql(db, "SELECT id, status FROM review_items ORDER BY id");
  expect(items(laptop)).toBe(items(office));
  expect(items(office)).toContain('|open');
  expect(JSON.parse(run('sync', 'status', '--db', office, '--json').out).openReviews).toBe(1);
});
