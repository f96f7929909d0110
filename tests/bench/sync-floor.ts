/**
 * `tsx tests/bench/sync-floor.ts` — SQLite's own time for the storage work of the bench's merge
 * (tests/bench/sync.ts): the same UPDATEs of the touched enterprises (the four fields and updated_at, by
 * rowid) and the same INSERTs into `changes`, prepared once, in one transaction rolled back, with no
 * ParkPilot code in between. `SYNC_DROP_SEG=1` also drops the grid's enterprises_seg* indexes inside the
 * same transaction (rolled back with it: the file keeps them) to show what they cost. `SYNC_ROWS=random`
 * edits rows scattered over the table (laptop-package.ts); `SYNC_UPDATE_ORDER=rowid` then runs the UPDATEs
 * in rowid order, as the merge does (PlainRows.flush), to weigh that order against the package's.
 */
import Database from 'better-sqlite3';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { format } from '../../src/core/db/clock';
import { LAPTOP_ROWS_ORDER } from './laptop-package';
import { recordTarget } from './results';

const FILE = process.env.SYNC_DB ?? join('.bench', 'bench-v2-1000000-200000-1000000.db');
const CHANGES = Number(process.env.SYNC_CHANGES ?? 100_000);
const LAPTOP = 'fe11d0c0ffee0001';
const load = () => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');

const db = new Database(FILE, { fileMustExist: true });
db.pragma('cache_size = -262144');
const rows = db.prepare(`SELECT rowid AS rid, id, headcount, revenue, notes, patents FROM enterprises WHERE deleted = 0 ORDER BY ${LAPTOP_ROWS_ORDER} LIMIT ?`).all(Math.ceil(CHANGES / 4)) as Record<string, unknown>[];
const start = Date.now() - 60_000;
const inserts: unknown[][] = [];
const updates: unknown[][] = [];
let i = 0;
for (const r of rows) {
  const values = [Number(r.headcount ?? 0) + 1, Number(r.revenue ?? 0) + 1000, `走访记录 ${i + 2}`, Number(r.patents ?? 0) + 1];
  ['headcount', 'revenue', 'notes', 'patents'].forEach((field, k) => {
    if (inserts.length >= CHANGES) return;
    inserts.push([format(start + Math.floor(i / 50), i % 50, LAPTOP), LAPTOP, 'field', 'enterprises', r.id, field, JSON.stringify(r[field] ?? null), JSON.stringify(values[k])]);
    i++;
  });
  updates.push([...values, new Date(start).toISOString(), r.rid]);
}
if (process.env.SYNC_UPDATE_ORDER === 'rowid') updates.sort((a, b) => Number(a[5]) - Number(b[5]));
const update = db.prepare('UPDATE enterprises SET headcount = ?, revenue = ?, notes = ?, patents = ?, updated_at = ? WHERE rowid = ?');
const insert = db.prepare('INSERT INTO changes (stamp, site, user, tbl, row_id, field, old_value, new_value, batch) VALUES (?, ?, ?, ?, ?, ?, ?, ?, NULL)');
const seg = db.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND name LIKE 'enterprises_seg%'").pluck().all() as string[];
const cpuNow = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
let best = [Infinity, Infinity, Infinity, Infinity];
for (let run = 0; run < Number(process.env.RUNS ?? 3); run++) {
  db.exec('BEGIN');
  try {
    if (process.env.SYNC_DROP_SEG) for (const name of seg) db.exec(`DROP INDEX ${name}`);
    // SYNC_DROP_CHANGES=changes_field (an index of `changes`): what that index costs the INSERTs.
    if (process.env.SYNC_DROP_CHANGES) db.exec(`DROP INDEX ${process.env.SYNC_DROP_CHANGES}`);
    let t = performance.now();
    let c = cpuNow();
    for (const u of updates) update.run(...u);
    const upd = [performance.now() - t, cpuNow() - c];
    t = performance.now();
    c = cpuNow();
    for (const row of inserts) insert.run(...row);
    const ins = [performance.now() - t, cpuNow() - c];
    if (upd[1]! + ins[1]! < best[1]! + best[3]!) best = [upd[0]!, upd[1]!, ins[0]!, ins[1]!];
    const f = (x: number[]) => `${(x[0]! / 1000).toFixed(2)} s wall / ${(x[1]! / 1000).toFixed(2)} s CPU`;
    console.log(`${process.env.SYNC_DROP_SEG ? `without the ${seg.length} seg indexes: ` : ''}${process.env.SYNC_DROP_CHANGES ? `without ${process.env.SYNC_DROP_CHANGES}: ` : ''}UPDATE ${updates.length} rows ${f(upd)}; INSERT ${inserts.length} changes ${f(ins)} (load ${load()})`);
  } finally {
    db.exec('ROLLBACK');
  }
}
db.close();
const s = (x: number) => `${(x / 1000).toFixed(2)} s`;
const order = `${process.env.SYNC_ROWS === 'random' ? ', rows scattered over the table' : ''}${process.env.SYNC_UPDATE_ORDER === 'rowid' ? ', UPDATEs in rowid order' : ''}`;
const without = order + (process.env.SYNC_DROP_SEG ? `, without the ${seg.length} enterprises_seg* indexes` : '') + (process.env.SYNC_DROP_CHANGES ? `, without ${process.env.SYNC_DROP_CHANGES}` : '');
recordTarget({
  target: `sync: SQLite's own storage work of the merge (floor${without}): UPDATE ${updates.length.toLocaleString('en')} rows + INSERT ${inserts.length.toLocaleString('en')} changes`,
  figure: `UPDATE ${s(best[0]!)} wall / ${s(best[1]!)} CPU, INSERT ${s(best[2]!)} wall / ${s(best[3]!)} CPU (best of ${process.env.RUNS ?? 3}; load ${load()})`,
  reference: 'better-sqlite3, prepared statements, no ParkPilot code', goal: '', pass: true,
});
