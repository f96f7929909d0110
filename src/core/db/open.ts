import Database from 'better-sqlite3';
import { existsSync, readSync, statSync } from 'node:fs';
import { backupBefore } from '../backup/engine';
import { AppError } from '../errors';
import { keepLiveFile, releaseLiveFile, withLiveFile } from './live-file';
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
  /**
   * For tests that need many fresh copies fast: open an in-memory database from this image (`serialize()`
   * of a ParkPilot database) instead of `file`, which is then ':memory:'. No migration, no file, no backup,
   * no statistics.
   */
  image?: Buffer;
  /** Told how an upgrade of an existing database goes (the safety backup, then each migration): db/upgrade.ts. */
  onUpgrade?: (p: UpgradeProgress) => void;
}

/**
 * One step of an upgrade: step 1 is the safety backup (`percent` of the file copied, then `checking`
 * the copy), steps 2… the migrations (`migration`: the one about to run). `steps` counts them all.
 */
export interface UpgradeProgress {
  step: number;
  steps: number;
  phase: 'backup' | 'check' | 'migrate';
  percent: number;
  migration?: string;
}

/** Minimum SQLite: contentless_delete FTS5 needs 3.43; WAL-reset fix is in 3.51.3. */
const MIN_SQLITE = [3, 43, 0];

const SQLITE_HEADER = Buffer.from('SQLite format 3\0', 'latin1');

/**
 * Refuses, before SQLite touches it, a file that cannot be a ParkPilot database: an empty file (SQLite
 * would happily turn it into a new database) or one that is not SQLite at all.
 */
function checkExistingFile(file: string): void {
  if (statSync(file).size === 0) throw new AppError('schema_mismatch', { detail: `${file}: empty file, not a ParkPilot database` });
  // Through the kept descriptor (db/live-file.ts): this process may have the file open already.
  const head = Buffer.alloc(16);
  withLiveFile(file, (fd) => readSync(fd, head, 0, 16, 0));
  if (!head.equals(SQLITE_HEADER)) {
    releaseLiveFile(file);
    throw new AppError('schema_mismatch', { detail: `${file}: not an SQLite file` });
  }
}

/**
 * The SQLite binding each connection was opened with (Electron's own build of better-sqlite3 in the
 * desktop app), so that a worker thread reading the same file (the merge's classify thread) loads the
 * same one: Node's default binding does not load in Electron.
 */
const bindings = new WeakMap<Db, string>();
export const nativeBindingOf = (db: Db): string | undefined => bindings.get(db);

/**
 * Opens (or creates) a ParkPilot database: connection pragmas, then the schema check, and only then
 * anything that writes (WAL mode, migrations, statistics). A file that is not a ParkPilot database —
 * a foreign SQLite file, an empty file when `create` is false — or whose applied migrations are not a
 * prefix of the known ones is closed untouched, byte for byte, with a clear error.
 */
export function openDatabase(file: string, options: OpenOptions = {}): Db {
  const known = options.knownMigrations ?? migrations;
  const isNew = file === ':memory:' || !existsSync(file);
  if (isNew && options.create === false) throw new AppError('not_a_database', { detail: `${file}: not found` });
  if (!isNew && options.create === false) checkExistingFile(file);
  let db: Db;
  try {
    db = new Database(options.image ?? file, {
      readonly: options.readonly ?? false,
      fileMustExist: options.create === false,
      ...(options.nativeBinding ? { nativeBinding: options.nativeBinding } : {}),
    });
  } catch (err) {
    throw new AppError('not_a_database', { detail: `${file}: ${(err as Error).message}` });
  }
  if (options.nativeBinding) bindings.set(db, options.nativeBinding);
  // A descriptor kept from now on (db/live-file.ts): whatever later reads the file itself, a backup or the
  // head of a source the user picked, goes through it and never closes one that would drop SQLite's locks.
  if (!options.image && file !== ':memory:') keepLiveFile(file);
  try {
    checkSqliteVersion(db);
    db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
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
    const applied = appliedMigrations(db);
    // Only the commands that create a database may make one of a file without ParkPilot's schema.
    if (applied.length === 0 && !isNew && options.create === false) throw new AppError('schema_mismatch', { detail: 'not a ParkPilot database' });
    if (!options.readonly && db.pragma('journal_mode', { simple: true }) !== 'wal') db.pragma('journal_mode = WAL');
    migrate(db, known, options.readonly ?? false, applied, options.onUpgrade);
    // Statistics are for a file's large tables; a test's in-memory image is small and short-lived.
    if (!options.readonly && !options.image) optimizeIfFree(db);
    return db;
  } catch (err) {
    db.close();
    if (err instanceof AppError) throw err;
    if (isBusy(err)) throw new AppError('db_locked');
    // A ParkPilot file damaged on disk (not a foreign file): the restore screen, not "cannot open".
    if (/^SQLITE_CORRUPT/.test((err as { code?: string }).code ?? '')) throw new AppError('database_corrupt', { detail: (err as Error).message });
    throw new AppError('not_a_database', { detail: `${file}: ${(err as Error).message}` });
  }
}

/** How long a write waits for another process's write to end before it fails with `db_locked`. */
export const BUSY_TIMEOUT_MS = 5000;

/** SQLite's "another connection holds the lock" (SQLITE_BUSY and its extended codes). */
export function isBusy(err: unknown): boolean {
  return typeof (err as { code?: unknown })?.code === 'string' && (err as { code: string }).code.startsWith('SQLITE_BUSY');
}

/**
 * Gathers statistics for indexes that have none yet (e.g. just created by a migration), so the
 * planner does not guess; cheap when there is nothing to do. It needs the write lock: when another
 * process is writing (an import), it is skipped rather than waited for, so opening — and read-only
 * commands such as `stats` or an export — never stall behind that writer.
 */
function optimizeIfFree(db: Db): void {
  db.pragma('busy_timeout = 0');
  try {
    db.pragma('optimize = 0x10002');
  } catch (err) {
    if (!isBusy(err)) throw err;
  } finally {
    db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
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

function migrate(db: Db, known: readonly Migration[], readonly: boolean, applied: string[], onUpgrade?: OpenOptions['onUpgrade']): void {
  for (let i = 0; i < applied.length; i++) {
    if (i >= known.length) throw new AppError('schema_too_new', { detail: applied.slice(known.length).join(', ') });
    if (applied[i] !== known[i]!.id) {
      throw new AppError('schema_mismatch', { detail: `${applied[i]} ≠ ${known[i]!.id}` });
    }
  }
  const pending = known.slice(applied.length);
  if (pending.length === 0) return;
  if (readonly) throw new AppError('schema_mismatch', { detail: `needs ${pending.map((m) => m.id).join(', ')}` });
  const steps = pending.length + 1;
  // An existing database is copied before its schema changes.
  if (applied.length > 0) {
    const onProgress = onUpgrade && ((p: { copied: number; total: number; checking: boolean }) => onUpgrade({ step: 1, steps, phase: p.checking ? 'check' : 'backup', percent: p.total ? Math.floor((100 * p.copied) / p.total) : 100 }));
    backupBefore(db, 'migration', onProgress ? { onProgress } : {});
  }
  // All of them in one transaction: an upgrade stopped half-way (the window closed, the power cut)
  // leaves the database exactly as it was, and the next open upgrades it again.
  db.transaction(() => {
    db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (id TEXT PRIMARY KEY, applied_at TEXT NOT NULL) STRICT');
    const record = db.prepare('INSERT INTO schema_migrations (id, applied_at) VALUES (?, ?)');
    for (const [i, m] of pending.entries()) {
      if (applied.length > 0) onUpgrade?.({ step: i + 2, steps, phase: 'migrate', percent: Math.floor((100 * i) / pending.length), migration: m.id });
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
