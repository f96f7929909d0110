/**
 * Kept value ranks after a write, at 1M rows: read again (a commit by another connection, and every
 * write before ranks were patched) against patched for the connection's own write (grid/values.ts),
 * and what the temporary triggers that log own writes cost a bulk update. CPU time (process.cpuUsage),
 * so the figures hold on a loaded machine. A synthetic table shaped like the enterprises' sort columns
 * (few values, a few hundred, a few thousand), so it runs without the generated bench database.
 *
 *   npx tsx tests/bench/grid-ranks.ts [rows=1000000]
 */
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { rankPatches, rankReads, valueRanks, type RankQuery } from '../../src/core/grid/values';

const rows = Number(process.argv[2] ?? 1_000_000);
const dir = mkdtempSync(join(tmpdir(), 'grid-ranks-'));
const file = join(dir, 'r.db');
const db = new Database(file);
db.pragma('journal_mode = WAL');
db.exec(`CREATE TABLE e (id INTEGER PRIMARY KEY, kind TEXT, building TEXT, entry_date TEXT, floor INTEGER, deleted INTEGER NOT NULL DEFAULT 0);
  CREATE INDEX e_kind ON e (kind) WHERE deleted = 0;
  CREATE INDEX e_building ON e (building) WHERE deleted = 0;
  CREATE INDEX e_entry ON e (entry_date) WHERE deleted = 0;`);
db.exec(`WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ${rows})
  INSERT INTO e (id, kind, building, entry_date, floor, deleted)
  SELECT i, CASE i % 7 WHEN 0 THEN 'core' WHEN 1 THEN 'service' ELSE 'startup' END,
    CASE WHEN i % 50 = 0 THEN NULL ELSE (i * 7919 % 300) || '号楼' END,
    date('2005-01-01', '+' || (i * 104729 % 7300) || ' days'), i % 30, i % 97 = 0 FROM n`);
const other = new Database(file);

const cpu = (fn: () => void) => {
  const t = process.cpuUsage();
  fn();
  const d = process.cpuUsage(t);
  return (d.user + d.system) / 1000;
};
const q = (column: string): RankQuery => ({ rowid: 'e.rowid', from: 'e', where: 'e.deleted = 0', column });
const fmt = (ms: number) => `${ms.toFixed(1)} ms`;

console.log(`${rows.toLocaleString()} rows; CPU ms per step`);
for (const column of ['e.kind', 'e.building', 'e.entry_date']) {
  const first = cpu(() => valueRanks(db, q(column)));
  // Another connection's commit: the ranks are read again (what every write cost before patching).
  other.prepare('UPDATE e SET floor = floor + 1 WHERE id = 5').run();
  let reads = rankReads.count;
  const reread = cpu(() => valueRanks(db, q(column)));
  if (rankReads.count !== reads + 1) throw new Error('expected a read');
  // The connection's own edit of the column to a value it already holds, then to a new one (the ranks above move up).
  reads = rankReads.count;
  const patches = rankPatches.count;
  db.prepare(`UPDATE e SET ${column.slice(2)} = (SELECT ${column.slice(2)} FROM e WHERE id = 11) WHERE id = 5`).run();
  const patchOld = cpu(() => valueRanks(db, q(column)));
  db.prepare(`UPDATE e SET ${column.slice(2)} = ? WHERE id = 6`).run(column === 'e.kind' ? 'incubator' : column === 'e.building' ? '150号楼A' : '2012-02-30');
  const patchNew = cpu(() => valueRanks(db, q(column)));
  db.prepare(`UPDATE e SET ${column.slice(2)} = ? WHERE id = 8`).run(column === 'e.kind' ? 'zz' : column === 'e.building' ? '龘号楼' : '2031-01-01');
  const patchLast = cpu(() => valueRanks(db, q(column)));
  // A delete and a restore of one row.
  db.prepare('UPDATE e SET deleted = 1 WHERE id = 7').run();
  db.prepare('UPDATE e SET deleted = 0 WHERE id = 7').run();
  const patchLive = cpu(() => valueRanks(db, q(column)));
  if (rankReads.count !== reads || rankPatches.count !== patches + 4) throw new Error('expected patches, not reads');
  console.log(`${column.padEnd(13)} first read ${fmt(first)}; after another connection's commit ${fmt(reread)}; after own edit: to a held value ${fmt(patchOld)}, to a new value between two ${fmt(patchNew)}, to a new last value ${fmt(patchLast)}, delete + restore ${fmt(patchLive)}`);
}

// The triggers' cost to a bulk write on this connection (they log up to TOUCHED_MAX rows, then only return).
const bulk = (label: string) => {
  const ms = cpu(() => db.prepare('UPDATE e SET floor = floor + 1 WHERE id % 10 = 0').run());
  console.log(`bulk UPDATE of ${(rows / 10).toLocaleString()} rows ${label}: ${fmt(ms)}`);
};
// A bulk write of one statement pays for the triggers throughout; the next statement runs without
// them (dropped once the connection is free), until ranks are read again.
valueRanks(db, q('e.kind'));
bulk('with the log triggers (one statement)');
setImmediate(() => {
  bulk('after the overflow dropped them');
  valueRanks(db, q('e.kind'));
  db.exec('DROP TRIGGER temp.grid_touched_e_insert; DROP TRIGGER temp.grid_touched_e_update; DROP TRIGGER temp.grid_touched_e_delete');
  bulk('without');
  other.close();
  db.close();
  rmSync(dir, { recursive: true, force: true });
});
