/**
 * Diagnosis (issue 14): the end of a long import — the deferred index rebuilds and the COMMIT with its
 * WAL checkpoint — without the minutes of validated rows before it. `npx tsx tests/bench/import-end-replay.ts
 * [ROWS]` loads ROWS roster-like enterprises, their change-log snapshots and search tokens with
 * INSERT … SELECT inside one transaction with the import's page cache and deferred indexes, then runs
 * the import's own end (deferIndexes(...).rebuild(), COMMIT, close), printing each slow step with the
 * resident memory and the kernel's high-water mark before and after.
 */
import Database from 'better-sqlite3';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { deferIndexes, releaseTempDatabase } from '../../src/core/db/deferred-indexes';
import { IMPORT_CACHE_KB } from '../../src/core/imports/import-memory';
import { searchTokens } from '../../src/core/search/tokens';
import { seedReference } from '../../src/core/seed/seed';
import { ParkCore } from '../../src/core/service';

const ROWS = Number(process.argv[2] ?? 1_000_000);
const DIR = resolve('.bench/import-end-replay');
const mb = (n: number) => Math.round(n / 1048576);
const status = () => readFileSync('/proc/self/status', 'utf8');
const kb = (key: string) => Math.round(Number(new RegExp(`${key}:\\s+(\\d+)`).exec(status())?.[1] ?? 0) / 1024);
const mem = () => `rss ${mb(process.memoryUsage().rss)} (anon ${kb('RssAnon')}, file ${kb('RssFile')}, shmem ${kb('RssShmem')}) hwm ${kb('VmHWM')}`;

function step<T>(what: string, run: () => T): T {
  const before = mem();
  const t = performance.now();
  const value = run();
  console.log(`${what.padEnd(60)} ${String(Math.round(performance.now() - t)).padStart(7)} ms  ${before}  →  ${mem()}`);
  return value;
}

mkdirSync(DIR, { recursive: true });
const file = join(DIR, `replay-${ROWS}.db`);
for (const f of [file, `${file}-wal`, `${file}-shm`]) rmSync(f, { force: true });
const core = new ParkCore(file, { user: 'bench' });
seedReference(core.context());
const db = core.db as Database.Database;
db.function('tokens', { deterministic: true }, (name: unknown) => searchTokens(String(name)));
db.pragma(`cache_size = -${IMPORT_CACHE_KB}`);
console.log(`start: ${mem()}`);
// As the importer does (NO_RELEASE=1: as it did before, the sorter then kept every key in memory).
if (!process.env.NO_RELEASE) releaseTempDatabase(db);
db.exec('BEGIN IMMEDIATE');
const deferred = deferIndexes(db, 'enterprises', ['name', 'uscc', 'id']);
const deferredLog = deferIndexes(db, 'changes', []);
step('enterprises rows', () => db.exec(`WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < ${ROWS - 1})
  INSERT INTO enterprises (id, name, uscc, industry, kind, status, building, unit, area_m2, entry_date, exit_date, registered_capital, headcount, revenue, tax, patents, notes, created_at, updated_at)
  SELECT lower(hex(randomblob(16))), '长名册第' || i || '号数据科技有限公司', printf('91440400%010d', i), NULL, 'startup', CASE WHEN i % 7 = 0 THEN 'exited' ELSE 'settled' END,
    (1 + i % 9) || '号楼', CAST(100 + i % 900 AS TEXT), 50 + i % 2000, printf('20%02d-0%d-1%d', 10 + i % 12, 1 + i % 9, i % 10), CASE WHEN i % 7 = 0 THEN '2023-06-30' END,
    (i % 5000) * 10000, i % 300, (i % 9000) * 10000, (i % 300) * 10000, i % 20, '长文件测试', '2026-12-02T00:00:00.000Z', '2026-12-02T00:00:00.000Z' FROM n`));
step('change-log snapshots', () => db.exec(`INSERT INTO changes (stamp, site, user, tbl, row_id, field, old_value, new_value, batch)
  SELECT printf('2026-12-02T00:00:00.000Z-%08d-a78b7bf0c6f78c43', rowid), 'a78b7bf0c6f78c43', 'bench', 'enterprises', id, '*', NULL,
    json_object('name', name, 'uscc', uscc, 'kind', kind, 'status', status, 'building', building, 'unit', unit, 'area_m2', area_m2, 'entry_date', entry_date, 'registered_capital', registered_capital, 'headcount', headcount, 'revenue', revenue, 'tax', tax, 'patents', patents, 'notes', notes),
    'batch-1' FROM enterprises`));
step('search tokens', () => db.exec('INSERT INTO enterprises_fts (rowid, tokens) SELECT rowid, tokens(name) FROM enterprises'));
step('rebuild enterprises indexes', () => console.log(`  sorter on a file: ${deferred.rebuild()}`));
step('rebuild change-log indexes', () => console.log(`  sorter on a file: ${deferredLog.rebuild()}`));
step('COMMIT', () => db.exec('COMMIT'));
step('close', () => core.close());
console.log(`peak ${mb(process.resourceUsage().maxRSS * 1024)} MB; load ${readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')}`);
for (const f of [file, `${file}-wal`, `${file}-shm`]) rmSync(f, { force: true });
rmSync(join(DIR, `replay-${ROWS}-backups`), { recursive: true, force: true });
