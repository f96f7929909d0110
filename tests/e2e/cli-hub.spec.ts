import { expect, test } from '@playwright/test';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { postgresAvailable, startCluster, SUPERPASS, type Cluster } from '../hub/cluster';

// The office hub as the park's IT person sets it up and a scheduled job uses it, against a real
// PostgreSQL cluster started here: init, people, serve-check, publish, join, sync, status, failures.
test.skip(!postgresAvailable(), 'PostgreSQL server binaries are not installed (apt-get install postgresql)');

let cluster: Cluster;
test.beforeAll(async () => {
  cluster = await startCluster();
});
test.afterAll(() => cluster?.stop());

const run = (password: string, ...args: string[]) => {
  const r = spawnSync(process.execPath, ['bin/parkpilot.js', ...args, '--lang', 'en'], { encoding: 'utf8', env: { ...process.env, PGPASSWORD: password } });
  return { code: r.status, out: r.stdout, err: r.stderr };
};
const sql = (db: string, query: string) => spawnSync('sqlite3', [db, query], { encoding: 'utf8' }).stdout.trim();

test('prepare the hub, add people, publish a park database, a new desktop joins, edits travel, failures are one clear line', () => {
  test.setTimeout(180_000);
  const dir = mkdtempSync(join(tmpdir(), 'parkpilot-hub-'));
  const url = (login: string) => `postgres://${login}@127.0.0.1:${cluster.port}/postgres`;
  expect(run(SUPERPASS, 'hub', 'init', '--url', url('ppsuper')).code).toBe(0);
  for (const [login, role] of [['director', 'admin'], ['zhang', 'staff']] as const) {
    writeFileSync(join(dir, login), `${login}-pw\n`);
    const r = run(SUPERPASS, 'hub', 'add-person', '--url', url('ppsuper'), '--login', login, '--role', role, '--name', login.toUpperCase(), '--new-password-file', join(dir, login));
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
  }

  const check = run('zhang-pw', 'hub', 'serve-check', '--url', url('zhang'));
  expect(check.out).toMatch(/^ok: PostgreSQL 1\d.*no database published yet; signed in as zhang \(staff\)/);
  const bad = run('nope', 'hub', 'serve-check', '--url', url('zhang'));
  expect(bad.code).not.toBe(0);
  expect(bad.err.trim().split('\n')).toHaveLength(1);
  expect(bad.err).toMatch(/wrong user name or password/);
  const down = run('x', 'hub', 'serve-check', '--url', 'postgres://zhang@127.0.0.1:1/postgres');
  expect(down.code).not.toBe(0);
  expect(down.err).toMatch(/Cannot reach the office hub/);

  const office = join(dir, 'office.db');
  const desk = join(dir, 'desk2.db');
  expect(run('', 'demo', '--db', office).code).toBe(0);
  // Staff cannot publish to an empty hub; the director can.
  expect(run('zhang-pw', 'hub', 'connect', '--db', office, '--url', url('zhang')).err).toMatch(/only an administrator may publish/);
  const published = run('director-pw', 'hub', 'connect', '--db', office, '--url', url('director'));
  expect(published.err).toBe('');
  expect(published.out).toMatch(/connected as DIRECTOR \(admin\); 0 changes waiting/);

  const joined = run('zhang-pw', 'hub', 'connect', '--db', desk, '--url', url('zhang'));
  expect(joined.out).toMatch(/connected as ZHANG \(staff\)/);
  const count = "SELECT count(*) FROM enterprises WHERE deleted = 0";
  expect(sql(desk, count)).toBe(sql(office, count));
  expect(Number(sql(desk, count))).toBeGreaterThan(100);

  // An edit on the new desktop (an import, the CLI's way to edit) reaches the office by two syncs.
  const [name, uscc] = sql(office, 'SELECT name, uscc FROM enterprises WHERE deleted = 0 AND uscc IS NOT NULL ORDER BY name LIMIT 1').split('|') as [string, string];
  writeFileSync(join(dir, 'roster.csv'), `企业名称,统一社会信用代码,从业人数\n${name},${uscc},4321\n`);
  expect(run('', 'import', join(dir, 'roster.csv'), '--db', desk, '--mode', 'update').code).toBe(0);
  const waiting = JSON.parse(run('zhang-pw', 'hub', 'status', '--db', desk, '--json').out);
  expect(waiting).toMatchObject({ role: 'staff', person: 'ZHANG' });
  expect(waiting.waiting).toBeGreaterThan(0);
  expect(run('zhang-pw', 'hub', 'sync', '--db', desk).out).toMatch(/pushed/);
  expect(run('director-pw', 'hub', 'sync', '--db', office).out).toMatch(/[1-9]\d* changes merged from the hub/);
  expect(sql(office, `SELECT headcount FROM enterprises WHERE uscc = '${uscc}'`)).toBe('4321');
  expect(JSON.parse(run('zhang-pw', 'hub', 'status', '--db', desk, '--json').out).waiting).toBe(0);
  expect(run('', 'hub', 'status', '--db', office).out).toMatch(/as DIRECTOR \(admin\); last sync 20\d\d-.*; 0 changes waiting/);
});
