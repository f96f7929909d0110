/**
 * The storage floor of an import (issue 14): `npx tsx tests/bench/import-floor.ts [ROWS]` loads the rows
 * of a generated park (the same generator as files.ts, cached in .bench/import-floor/) into the
 * enterprises table of a fresh ParkPilot database with ONE prepared INSERT on better-sqlite3 and no
 * ParkPilot code on the way: no parsing, validation, change log, search index or rollups. The app's
 * connection pragmas (open.ts). Four ways, each into its own fresh database:
 *   - rows into the indexed schema;
 *   - rows into the bare table, then each of its indexes built once (the best a bulk load can do);
 *   - both again without the twelve `enterprises_seg*` segment indexes.
 * files.ts's sqlite3 references `.read` one INSERT statement per row (each parsed), which inflates their
 * row part; this is the figure an importer that keeps the schema cannot beat. Wall and CPU time.
 */
import Database from 'better-sqlite3';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { generate } from '../../src/core/seed/seed';
import { ParkCore } from '../../src/core/service';
import { seedReference } from '../../src/core/seed/seed';

const ROWS = Number(process.argv[2] ?? 100_000);
const DIR = resolve('.bench/import-floor');

type Index = { name: string; sql: string };

function sourceRows(): { columns: string[]; rows: unknown[][] } {
  const file = join(DIR, `source-${ROWS}.db`);
  if (!existsSync(file)) {
    const tmp = `${file}.part`;
    rmSync(tmp, { force: true });
    const core = new ParkCore(tmp, { user: 'bench' });
    generate(core.context(), { enterprises: ROWS, leads: 1_000, activities: 0 });
    core.db.pragma('wal_checkpoint(TRUNCATE)');
    core.close();
    renameSync(tmp, file);
  }
  const db = new Database(file, { readonly: true });
  // The stored columns only (table_info leaves out generated ones, which an INSERT may not name).
  const columns = (db.prepare("SELECT name FROM pragma_table_info('enterprises')").all() as { name: string }[]).map((c) => c.name);
  const rows = db.prepare(`SELECT ${columns.join(', ')} FROM enterprises`).raw().all() as unknown[][];
  db.close();
  return { columns, rows };
}

/** A fresh ParkPilot database (schema and reference data, no enterprises), opened with the app's pragmas. */
function freshDb(name: string): Database.Database {
  const file = join(DIR, `${name}.db`);
  for (const f of [file, `${file}-wal`, `${file}-shm`]) rmSync(f, { force: true });
  rmSync(join(DIR, `${name}-backups`), { recursive: true, force: true });
  const core = new ParkCore(file, { user: 'bench' });
  seedReference(core.context());
  core.close();
  const db = new Database(file);
  for (const p of ['synchronous = FULL', 'foreign_keys = ON', 'cache_size = -65536', 'temp_store = MEMORY', 'journal_mode = WAL']) db.pragma(p);
  return db;
}

function clock<T>(work: () => T): { ms: number; cpuMs: number; value: T } {
  const t = performance.now();
  const c = process.cpuUsage();
  const value = work();
  const cpu = process.cpuUsage(c);
  return { ms: performance.now() - t, cpuMs: (cpu.user + cpu.system) / 1000, value };
}

function secondaryIndexes(db: Database.Database): Index[] {
  return db.prepare("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'enterprises' AND sql IS NOT NULL ORDER BY rowid").all() as Index[];
}

function main() {
  mkdirSync(DIR, { recursive: true });
  const { columns, rows } = sourceRows();
  const insertSql = `INSERT INTO enterprises (${columns.join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`;
  const load = (db: Database.Database) => {
    const insert = db.prepare(insertSql);
    for (const r of rows) insert.run(r);
  };
  const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
  const out: string[] = [];
  for (const withSeg of [true, false]) {
    const label = withSeg ? 'all indexes' : 'without enterprises_seg*';
    // Rows into the indexed schema, one transaction.
    const a = freshDb('indexed');
    if (!withSeg) for (const ix of secondaryIndexes(a)) if (ix.name.startsWith('enterprises_seg')) a.exec(`DROP INDEX ${ix.name}`);
    const n = secondaryIndexes(a).length;
    const indexed = clock(() => {
      a.exec('BEGIN');
      load(a);
      a.exec('COMMIT');
    });
    a.close();
    out.push(`${label.padEnd(26)} rows into the indexed schema (${n} indexes): ${s(indexed.ms)} wall, ${s(indexed.cpuMs)} CPU`);
    // Rows into the bare table, then each index built once.
    const b = freshDb('bare');
    const all = secondaryIndexes(b).filter((ix) => withSeg || !ix.name.startsWith('enterprises_seg'));
    for (const ix of secondaryIndexes(b)) b.exec(`DROP INDEX ${ix.name}`);
    b.exec('BEGIN');
    const bare = clock(() => load(b));
    const build = clock(() => {
      for (const ix of all) b.exec(ix.sql);
      b.exec('COMMIT');
    });
    b.close();
    out.push(`${label.padEnd(26)} bare table then ${all.length} indexes: ${s(bare.ms + build.ms)} wall (rows ${s(bare.ms)} + indexes and commit ${s(build.ms)}), ${s(bare.cpuMs + build.cpuMs)} CPU`);
  }
  const load3 = readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
  console.log(`Storage floor, ${rows.length.toLocaleString()} enterprises, prepared INSERT on better-sqlite3 (load ${load3}):`);
  for (const l of out) console.log(`  ${l}`);
}

main();
