import Database from 'better-sqlite3';
import { existsSync } from 'node:fs';
import { AppError } from '../errors';
import { migrations, type Migration } from './migrations';

export type Db = Database.Database;

export interface OpenOptions {
  /** Create the file (and the schema) when it does not exist. Default true. */
  create?: boolean;
  readonly?: boolean;
  /** Path of a better-sqlite3 binary built for this runtime (Electron keeps its own). */
  nativeBinding?: string;
  /** For tests: the list of migrations this build knows. */
  knownMigrations?: readonly Migration[];
}

/** Minimum SQLite: contentless_delete FTS5 needs 3.43; WAL-reset fix is in 3.51.3. */
const MIN_SQLITE = [3, 43, 0];

/**
 * Opens (or creates) a ParkPilot database: pragmas first, then the schema check. A file whose applied
 * migrations are not a prefix of the known ones is closed untouched with a clear error.
 */
export function openDatabase(file: string, options: OpenOptions = {}): Db {
  const known = options.knownMigrations ?? migrations;
  const isNew = file === ':memory:' || !existsSync(file);
  if (isNew && options.create === false) throw new AppError('not_a_database', { detail: `${file}: not found` });
  let db: Db;
  try {
    db = new Database(file, {
      readonly: options.readonly ?? false,
      fileMustExist: options.create === false,
      ...(options.nativeBinding ? { nativeBinding: options.nativeBinding } : {}),
    });
  } catch (err) {
    throw new AppError('not_a_database', { detail: `${file}: ${(err as Error).message}` });
  }
  try {
    checkSqliteVersion(db);
    db.pragma('busy_timeout = 5000');
    if (!options.readonly) db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.pragma('foreign_keys = ON');
    db.pragma('trusted_schema = OFF');
    // 64 MB of page cache (the default is 2 MB): big imports and million-row aggregates touch many
    // index pages; memory is only taken as pages are read.
    db.pragma('cache_size = -65536');
    // Statement journals and sort b-trees in memory, not in temporary files: a file for each costs
    // more than the write itself. (The Overview aggregates are kept by the write path, db/aggregates.ts,
    // not by triggers: a trigger made every insert keep a statement journal.)
    db.pragma('temp_store = MEMORY');
    migrate(db, known, options.readonly ?? false);
    // Gathers statistics for indexes that have none yet (e.g. just created by a migration), so the
    // planner does not guess; cheap when there is nothing to do.
    if (!options.readonly) db.pragma('optimize = 0x10002');
    return db;
  } catch (err) {
    db.close();
    if (err instanceof AppError) throw err;
    throw new AppError('not_a_database', { detail: `${file}: ${(err as Error).message}` });
  }
}

function checkSqliteVersion(db: Db): void {
  const version = (db.prepare('SELECT sqlite_version() AS v').get() as { v: string }).v;
  const parts = version.split('.').map(Number);
  for (let i = 0; i < 3; i++) {
    if ((parts[i] ?? 0) > MIN_SQLITE[i]!) return;
    if ((parts[i] ?? 0) < MIN_SQLITE[i]!) throw new AppError('sqlite_too_old', { detail: version });
  }
}

export function appliedMigrations(db: Db): string[] {
  const hasTable = db.prepare("SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = 'schema_migrations'").get();
  if (!hasTable) {
    const anyTable = db.prepare("SELECT count(*) AS n FROM sqlite_schema WHERE type = 'table'").get() as { n: number };
    if (anyTable.n > 0) throw new AppError('schema_mismatch', { detail: 'not a ParkPilot database' });
    return [];
  }
  return (db.prepare('SELECT id FROM schema_migrations ORDER BY id').all() as { id: string }[]).map((r) => r.id);
}

function migrate(db: Db, known: readonly Migration[], readonly: boolean): void {
  const applied = appliedMigrations(db);
  for (let i = 0; i < applied.length; i++) {
    if (i >= known.length) throw new AppError('schema_too_new', { detail: applied.slice(known.length).join(', ') });
    if (applied[i] !== known[i]!.id) {
      throw new AppError('schema_mismatch', { detail: `${applied[i]} ≠ ${known[i]!.id}` });
    }
  }
  const pending = known.slice(applied.length);
  if (pending.length === 0) return;
  if (readonly) throw new AppError('schema_mismatch', { detail: `needs ${pending.map((m) => m.id).join(', ')}` });
  db.transaction(() => {
    db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (id TEXT PRIMARY KEY, applied_at TEXT NOT NULL) STRICT');
    const record = db.prepare('INSERT INTO schema_migrations (id, applied_at) VALUES (?, ?)');
    for (const m of pending) {
      db.exec(m.sql);
      record.run(m.id, new Date().toISOString());
    }
  })();
}

const statementCache = new WeakMap<Db, Map<string, Database.Statement>>();

/** A prepared statement, compiled once per connection: the hot write and grid paths reuse them. */
export function prepared(db: Db, sql: string): Database.Statement {
  let cache = statementCache.get(db);
  if (!cache) statementCache.set(db, (cache = new Map()));
  let stmt = cache.get(sql);
  if (!stmt) {
    stmt = db.prepare(sql);
    if (cache.size > 1000) cache.clear();
    cache.set(sql, stmt);
  }
  return stmt;
}
