import { expect, test } from '@playwright/test';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { libreOfficeCsvLines } from './libreoffice';

// The built `parkpilot` command, run the way a scheduled job or an administrator runs it.
const run = (...args: string[]) => {
  const r = spawnSync(process.execPath, ['bin/parkpilot.js', ...args], { encoding: 'utf8', env: { ...process.env, LANG: 'en_US.UTF-8' } });
  return { code: r.status, out: r.stdout, err: r.stderr };
};
const dir = mkdtempSync(join(tmpdir(), 'parkpilot-cli-'));

test('demo then stats --json: counts per entity and status, targets with current values', () => {
  const db = join(dir, 'demo.db');
  expect(run('demo', '--db', db).code).toBe(0);
  const r = run('stats', '--db', db, '--json', '--as-of', '2020-12-31');
  expect(r.code).toBe(0);
  const s = JSON.parse(r.out);
  expect(s.asOf).toBe('2020-12-31');
  expect(s.enterprises.total).toBe(347);
  expect(Object.values(s.enterprises.byStatus as Record<string, number>).reduce((a, b) => a + b, 0)).toBe(347);
  expect(s.leads.total).toBe(150);
  expect(s.targets.find((t: { name: string }) => t.name === '孵化初创企业')).toMatchObject({ min: 8, max: 10, deadline: '2020-12-31' });
  expect(run('demo', '--db', db).code).toBe(2); // refuses to overwrite
});

test('generate makes a deterministic data set of the asked size', () => {
  const a = join(dir, 'gen-a.db');
  const r = run('generate', '--db', a, '--enterprises', '2000', '--leads', '300', '--activities', '500');
  expect(r.code).toBe(0);
  expect(r.err).toContain('100%');
  const s = JSON.parse(run('stats', '--db', a, '--json').out);
  expect([s.enterprises.total, s.leads.total, s.activities.total]).toEqual([2000, 300, 500]);
  const b = join(dir, 'gen-b.db');
  run('generate', '--db', b, '--enterprises', '2000', '--leads', '300', '--activities', '500');
  expect(JSON.parse(run('stats', '--db', b, '--json').out)).toEqual(s);
});

test('bad arguments and unreadable files: one line on stderr and a non-zero exit', () => {
  const cases = [
    run('stats'),
    run('stats', '--db', join(dir, 'missing.db')),
    run('generate', '--db', join(dir, 'x.db'), '--enterprises', 'many', '--leads', '1', '--activities', '1'),
    run('frobnicate'),
    run('stats', '--db', join(dir, 'demo.db'), '--bogus'),
    run('stats', '--db', join(dir, 'demo.db'), '--as-of', '31/12/2020'),
    run('stats', '--db', 'package.json'),
  ];
  for (const c of cases) {
    expect(c.code).not.toBe(0);
    expect(c.err.trim().split('\n')).toHaveLength(1);
    expect(c.err).toMatch(/^parkpilot: /);
  }
});

test('import --json, export and report from the command line, read back with LibreOffice and pdftotext', () => {
  const db = join(dir, 'files.db');
  expect(run('demo', '--db', db).code).toBe(0);
  const csv = join(dir, 'roster.csv');
  require('node:fs').writeFileSync(csv, '企业名称,统一社会信用代码,注册资本（万元）\n新入驻数据公司,91440400MA5TEXT11E,"1,200"\n,91440400MA5TEXT2X6,10\n');
  const dry = run('import', csv, '--db', db, '--dry-run', '--json');
  expect(dry.code).toBe(0);
  expect(JSON.parse(dry.out)).toMatchObject({ rows: 2, created: 1, updated: 0, skipped: 0, rejected: [{ row: 3 }] });
  const real = JSON.parse(run('import', csv, '--db', db, '--json').out) as { batch: string; created: number };
  expect(real.created).toBe(1);
  expect(run('import-revert', real.batch, '--db', db).out).toContain('1 created rows deleted');

  const xlsx = join(dir, 'leads.xlsx');
  expect(run('export', '--db', db, '--view', 'leads', '--filter', 'stage=signed', '--format', 'xlsx', '--out', xlsx).code).toBe(0);
  const lines = libreOfficeCsvLines(xlsx);
  const stats = JSON.parse(run('stats', '--db', db, '--json').out);
  expect(lines.length - 1).toBe(stats.leads.byStage.signed);

  // The targets view carries each target's value and status as of the chosen day, as `stats` computes them.
  const targetsCsv = join(dir, 'targets.csv');
  expect(run('export', '--db', db, '--view', 'targets', '--as-of', '2020-12-31', '--format', 'csv', '--out', targetsCsv).code).toBe(0);
  const [header, ...targetRows] = require('node:fs').readFileSync(targetsCsv, 'utf8').replace(/^\uFEFF/, '').trim().split('\r\n').map((l: string) => l.split(','));
  const asOf2020 = JSON.parse(run('stats', '--db', db, '--json', '--as-of', '2020-12-31').out) as { targets: { name: string; value: number; status: string }[] };
  expect(targetRows.length).toBe(asOf2020.targets.length);
  const hatched = targetRows.find((r: string[]) => r[header.indexOf('Target')] === '孵化初创企业')!;
  const expected = asOf2020.targets.find((t) => t.name === '孵化初创企业')!;
  expect(Number(hatched[header.indexOf('Value')])).toBe(expected.value);
  expect(hatched[header.indexOf('Status')]).toBe({ achieved: 'Achieved', on_track: 'On track', at_risk: 'At risk', missed: 'Missed', overdue: 'Overdue' }[expected.status]);

  const pdf = join(dir, 'ops.pdf');
  const r = spawnSync(process.execPath, ['bin/parkpilot.js', 'report', '--db', db, '--kind', 'operations', '--period', '2020-Q4', '--format', 'pdf', '--out', pdf], { encoding: 'utf8', env: { ...process.env, LANG: 'zh_CN.UTF-8' } });
  expect(r.status).toBe(0);
  const text = spawnSync('pdftotext', [pdf, '-'], { encoding: 'utf8' }).stdout;
  expect(text).toContain('园区运营报告（2020年第4季度）');
  expect(text).toContain('孵化初创企业');
  const torch = join(dir, 'torch.xlsx');
  expect(run('report', '--db', db, '--kind', 'torch', '--period', '2020', '--format', 'xlsx', '--out', torch).code).toBe(0);
  expect(run('report', '--db', db, '--kind', 'torch', '--period', 'last year', '--format', 'xlsx', '--out', torch).code).toBe(2);
});

test('hostile files and a busy database (issue 12 §2, §4): foreign files untouched, reads go on, a writer waits', async () => {
  const { readFileSync, writeFileSync } = await import('node:fs');
  const { spawn } = await import('node:child_process');
  // Another program's SQLite file and an empty file: refused, not one byte changed.
  const foreign = join(dir, 'foreign.db');
  spawnSync(process.execPath, ['-e', `const D=require('better-sqlite3');const d=new D(${JSON.stringify(foreign)});d.exec("CREATE TABLE t(x);INSERT INTO t VALUES (1)");d.close()`]);
  const empty = join(dir, 'empty.db');
  writeFileSync(empty, '');
  for (const file of [foreign, empty]) {
    const before = readFileSync(file);
    const r = run('stats', '--db', file);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/^parkpilot: .*not (a ParkPilot database|changed)|empty file/);
    expect(readFileSync(file).equals(before)).toBe(true);
  }
  // serve beyond loopback is refused with the reason.
  const open = run('serve', '--db', foreign, '--host', '0.0.0.0');
  expect(open.code).not.toBe(0);
  const db = join(dir, 'busy.db');
  expect(run('demo', '--db', db).code).toBe(0);
  expect(run('serve', '--db', db, '--host', '0.0.0.0').err).toMatch(/^parkpilot: The web shell serves loopback addresses only.*0\.0\.0\.0/);
  // Another process holds the write lock until told to let go (no timing: the machine may be slow).
  const holder = spawn(process.execPath, ['-e', `const D=require('better-sqlite3');const d=new D(${JSON.stringify(db)});d.exec('BEGIN IMMEDIATE');d.exec("INSERT INTO settings(key,value) VALUES('holder','1')");process.stdout.write('held\\n');process.stdin.once('data',()=>{d.exec('ROLLBACK');d.close();process.exit(0)})`]);
  await new Promise<void>((resolve) => holder.stdout.once('data', () => resolve()));
  const stats = run('stats', '--db', db, '--json');
  expect(stats.code).toBe(0); // answered while the other process still holds the lock
  expect(holder.exitCode).toBeNull();
  const csv = join(dir, 'busy.csv');
  writeFileSync(csv, '企业名称,入驻日期\n等锁企业,2021-03-01\n');
  const importer = spawn(process.execPath, ['bin/parkpilot.js', 'import', csv, '--db', db], { env: { ...process.env, LANG: 'en_US.UTF-8' } });
  let err = '';
  let out = '';
  importer.stdout.on('data', (c) => (out += c));
  const waiting = new Promise<void>((resolve) => importer.stderr.on('data', (c) => ((err += c), err.includes('waiting') && resolve())));
  await waiting;
  expect(err).toContain('another ParkPilot is writing this database; waiting');
  holder.stdin.end('release\n');
  const code = await new Promise<number | null>((resolve) => importer.on('close', resolve));
  expect(code).toBe(0);
  expect(out).toMatch(/1 created/);
});

test('edits made through the CLI are recorded under the signed-in account, also where USER is not set (Windows, services)', () => {
  const db = join(dir, 'who.db');
  expect(run('demo', '--db', db).code).toBe(0);
  const csv = join(dir, 'who.csv');
  writeFileSync(csv, '\uFEFF企业名称,楼层\n珠海记名测试有限公司,3F\n');
  const env: Record<string, string> = { ...(process.env as Record<string, string>), LANG: 'en_US.UTF-8' };
  delete env.USER;
  delete env.USERNAME;
  const r = spawnSync(process.execPath, ['bin/parkpilot.js', 'import', csv, '--db', db, '--entity', 'enterprises'], { encoding: 'utf8', env });
  expect(r.status, r.stderr).toBe(0);
  const users = execFileSync('sqlite3', [db, "SELECT DISTINCT user FROM changes WHERE batch IS NOT NULL"], { encoding: 'utf8' }).trim();
  expect(users).toBe(userInfo().username);
  expect(execFileSync('sqlite3', [db, "SELECT floor FROM enterprises WHERE name = '珠海记名测试有限公司'"], { encoding: 'utf8' }).trim()).toBe('3F');
});
