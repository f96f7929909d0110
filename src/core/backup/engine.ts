import { randomBytes } from 'node:crypto';
import { chmodSync, closeSync, copyFileSync, existsSync, mkdirSync, openSync, readSync, rmSync, statSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { AppError, isDatabaseDamage } from '../errors';
import { releaseLiveFile, withLiveFile } from '../db/live-file';
import type { Db } from '../db/open';
import { migrations } from '../db/migrations';
import { commitFile, partPath, writeAtomicallySync } from '../util/atomic';
import { backupDir, backupName, DEFAULT_POLICY, listBackups, planRotation, type BackupEntry, type BackupReason, type RotationPolicy } from './store';

export interface BackupOptions {
  /** Clock for the backup's time stamp and the daily check (tests). */
  now?: () => number;
  /** Rotation settings; the size budget otherwise comes from the database's `backup_budget_mb` setting. */
  policy?: Partial<RotationPolicy>;
  /**
   * Told as the copy goes (bytes copied of the file's size), then once more with `checking` while the
   * copy is verified: the upgrade screen shows it (db/upgrade.ts). The copy is then made in chunks.
   */
  onProgress?: (p: { copied: number; total: number; checking: boolean }) => void;
}

export const BUDGET_SETTING = 'backup_budget_mb';

/** The rotation for this database: the defaults, with the budget the user chose in Settings. */
export function policyFor(db: Db, override: Partial<RotationPolicy> = {}): RotationPolicy {
  let budgetBytes = DEFAULT_POLICY.budgetBytes;
  try {
    const row = db.prepare('SELECT value FROM settings WHERE key = ?').get(BUDGET_SETTING) as { value: string } | undefined;
    const mb = Number(row?.value);
    if (row && Number.isFinite(mb) && mb > 0) budgetBytes = mb * 1024 * 1024;
  } catch {
    // a damaged or foreign file: the default budget
  }
  return { ...DEFAULT_POLICY, budgetBytes, ...override };
}

/**
 * Takes a verified backup of `db` before an operation that changes much at once (import, revert,
 * merge, migration), once a day on open, or when the user asks. The copy is made with `VACUUM INTO`
 * (one consistent snapshot of the committed data, compacted), checked with `PRAGMA integrity_check`,
 * and only then renamed into the backup folder; the rotation runs after. Returns null for an
 * in-memory database.
 *
 * Throws `backup_failed` (disk full, folder not writable, copy not intact) or `database_corrupt`
 * (the database itself is damaged): the operation that asked for the backup must not go ahead.
 * Must be called outside a transaction (SQLite cannot VACUUM inside one).
 */
export function backupBefore(db: Db, reason: BackupReason, options: BackupOptions = {}): BackupEntry | null {
  if (db.memory || db.name === '' || db.name === ':memory:') return null;
  if (db.inTransaction) throw new AppError('busy');
  const dir = backupDir(db.name);
  const at = new Date((options.now ?? Date.now)());
  const dest = join(dir, backupName(at, reason, randomBytes(3).toString('hex')));
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    writeAtomicallySync(dest, (tmp) => verifiedCopy(db, 'main', tmp, options.onProgress));
  } catch (err) {
    throw asBackupError(err);
  }
  rotate(dir, policyFor(db, options.policy));
  return listBackups(dir).find((e) => e.path === dest) ?? null;
}

/** A daily backup when the newest backup of this database is over a day old (or there is none). */
export function dailyBackupIfDue(db: Db, options: BackupOptions = {}): BackupEntry | null {
  if (db.memory) return null;
  const now = (options.now ?? Date.now)();
  const newest = listBackups(backupDir(db.name))[0];
  if (newest && now - Date.parse(newest.at) < 24 * 3_600_000) return null;
  return backupBefore(db, 'daily', options);
}

/** Removes what the rotation no longer keeps (with the WAL file a raw copy may carry). */
export function rotate(dir: string, policy: RotationPolicy): BackupEntry[] {
  const { drop } = planRotation(listBackups(dir), policy);
  for (const e of drop) {
    rmSync(e.path, { force: true });
    rmSync(`${e.path}-wal`, { force: true });
  }
  return drop;
}

/**
 * Copies schema `schema` of connection `db` to `dest` and checks the copy: a file that is not intact
 * is removed and refused. The copy is private (mode 0600): it holds contacts.
 *
 * The main database of a WAL file is copied page for page (`pageCopy`) and checked with
 * `PRAGMA quick_check` (every page read, every b-tree's structure, cells and free list): at a million
 * enterprises `VACUUM INTO` rebuilt every index and `integrity_check` then looked every index entry up
 * in its table, 231 s together. Anything else (an attached schema, another journal mode, a WAL another
 * connection keeps from being emptied) is copied with `VACUUM INTO` and checked with `integrity_check`,
 * as before. A page copy holds the database's own pages: when it is damaged, the database is checked
 * too, and damage there is `database_corrupt` (the operation must not go ahead), not a failed copy.
 */
export function verifiedCopy(db: Db, schema: string, dest: string, onProgress?: BackupOptions['onProgress']): void {
  const paged = schema === 'main' && pageCopy(db, dest, onProgress);
  if (!paged) db.prepare(`VACUUM ${schema} INTO ?`).run(dest);
  chmodSync(dest, 0o600);
  if (onProgress) {
    const total = statSync(dest).size;
    onProgress({ copied: total, total, checking: true });
  }
  let problems: string[];
  try {
    problems = paged ? quickProblems(db, dest) : integrityProblems(db, dest);
  } catch (err) {
    // A page copy too damaged to be read at all: whose damage it is is decided below, as for any other.
    if (!paged || !isDatabaseDamage(err)) throw err;
    problems = [(err as Error).message];
  }
  if (problems.length) {
    rmSync(dest, { force: true });
    const own = paged ? ownProblems(db) : [];
    if (own.length) throw new AppError('database_corrupt', { detail: own.slice(0, 3).join('; ') });
    throw new AppError('backup_failed', { detail: problems.slice(0, 3).join('; ') });
  }
}

/**
 * Copies the file of `db`'s main database to `dest` as one consistent snapshot of the committed data,
 * when it can (returns false, having written nothing, when it cannot): the WAL is checkpointed into
 * the file and emptied, then a read transaction is held while the file is copied. A reader that began
 * on an empty WAL reads the file alone, and SQLite copies no later commit into the file while it reads,
 * so the file does not change under the copy; a writer that slipped in between (the WAL is no longer
 * empty) sends the copy back to `VACUUM INTO`. The copy is marked as a rollback-journal database
 * (header bytes 18–19), so it opens on its own, without a WAL beside it, like a `VACUUM INTO` copy.
 */
export function pageCopy(db: Db, dest: string, onProgress?: BackupOptions['onProgress']): boolean {
  if (db.memory || !db.name || db.name === ':memory:' || db.inTransaction) return false;
  if (db.pragma('journal_mode', { simple: true }) !== 'wal') return false;
  // A read-only connection (`parkpilot backup`) cannot checkpoint: it copies when the WAL is empty already.
  if (!db.readonly && !emptyWal(db)) return false;
  db.exec('BEGIN');
  try {
    db.prepare('SELECT count(*) FROM sqlite_schema').get();
    if (walBytes(db.name) !== 0) return false;
    copyInChunks(db.name, dest, onProgress);
  } finally {
    db.exec('COMMIT');
  }
  const fd = openSync(dest, 'r+');
  try {
    writeSync(fd, Buffer.from([1, 1]), 0, 2, 18);
  } finally {
    closeSync(fd);
  }
  return true;
}

/**
 * Copies the open database's file a chunk at a time, telling how far it is (a million-row park's file is
 * gigabytes). Read through db/live-file.ts, not copyFileSync: closing a descriptor of the database would
 * drop this process's SQLite locks on it, and another program could then delete the WAL under the app.
 */
function copyInChunks(from: string, to: string, onProgress?: BackupOptions['onProgress']): void {
  const total = statSync(from).size;
  const chunk = Buffer.alloc(Math.min(8 << 20, Math.max(256 << 10, Math.ceil(total / 200))));
  const out = openSync(to, 'w', 0o600);
  try {
    withLiveFile(from, (src) => {
      let copied = 0;
      onProgress?.({ copied, total, checking: false });
      for (let n; (n = readSync(src, chunk, 0, chunk.length, copied)) > 0; ) {
        writeSync(out, chunk, 0, n, copied);
        copied += n;
        onProgress?.({ copied, total, checking: false });
      }
    });
  } finally {
    closeSync(out);
  }
}

/** Checkpoints the WAL into the file and empties it; false when a reader elsewhere keeps it from that. */
function emptyWal(db: Db): boolean {
  // Without waiting: a reader elsewhere (a long quick check) would hold the backup up to the busy timeout.
  const timeout = db.pragma('busy_timeout', { simple: true }) as number;
  db.pragma('busy_timeout = 0');
  let done: { busy: number; log: number } | undefined;
  try {
    [done] = db.pragma('wal_checkpoint(TRUNCATE)') as { busy: number; log: number }[];
  } finally {
    db.pragma(`busy_timeout = ${timeout}`);
  }
  return !!done && done.busy === 0 && done.log === 0;
}

function walBytes(file: string): number {
  try {
    return statSync(`${file}-wal`).size;
  } catch {
    return 0;
  }
}

/** `PRAGMA quick_check` of another file, through `db`; empty when the file is intact. */
export function quickProblems(db: Db, file: string): string[] {
  return withAttached(db, file, (schema) => {
    const rows = db.prepare(`PRAGMA ${schema}.quick_check(20)`).all() as { quick_check: string }[];
    return rows.map((r) => r.quick_check).filter((v) => v !== 'ok');
  });
}

/** `PRAGMA quick_check` of `db`'s own main database (a damaged page copy: whose damage is it?). */
function ownProblems(db: Db): string[] {
  try {
    return (db.prepare('PRAGMA main.quick_check(20)').all() as { quick_check: string }[]).map((r) => r.quick_check).filter((v) => v !== 'ok');
  } catch (err) {
    if (isDatabaseDamage(err)) return [(err as Error).message];
    throw err;
  }
}

let attachCounter = 0;

/** Attaches `file` to `db` for the length of `fn` (the same connection reads it: no second native binding needed). */
export function withAttached<T>(db: Db, file: string, fn: (schema: string) => T): T {
  const schema = `pp_attached_${++attachCounter}`;
  db.prepare(`ATTACH DATABASE ? AS ${schema}`).run(file);
  try {
    return fn(schema);
  } finally {
    db.exec(`DETACH DATABASE ${schema}`);
  }
}

/** `PRAGMA integrity_check` of another file, through `db`; empty when the file is intact. */
export function integrityProblems(db: Db, file: string): string[] {
  return withAttached(db, file, (schema) => {
    const rows = db.prepare(`PRAGMA ${schema}.integrity_check(20)`).all() as { integrity_check: string }[];
    return rows.map((r) => r.integrity_check).filter((v) => v !== 'ok');
  });
}

/**
 * Checks that `source` is an intact ParkPilot database this build can open, and writes a compacted
 * copy of it beside `dbFile` under a temporary name. Returns that name; `commitRestore` puts it in place.
 * `db` is any open connection (the current database's, or an in-memory one when that cannot open).
 */
export function stageRestore(db: Db, source: string, dbFile: string): string {
  if (!existsSync(source)) throw new AppError('not_found');
  const part = partPath(dbFile);
  try {
    withAttached(db, source, (schema) => {
      const problems = (db.prepare(`PRAGMA ${schema}.integrity_check(20)`).all() as { integrity_check: string }[]).map((r) => r.integrity_check).filter((v) => v !== 'ok');
      if (problems.length) throw new AppError('restore_invalid', { detail: problems.slice(0, 3).join('; ') });
      const hasLog = db.prepare(`SELECT 1 FROM ${schema}.sqlite_schema WHERE type = 'table' AND name = 'schema_migrations'`).get();
      if (!hasLog) throw new AppError('restore_invalid', { detail: 'not a ParkPilot database' });
      const applied = (db.prepare(`SELECT id FROM ${schema}.schema_migrations ORDER BY id`).all() as { id: string }[]).map((r) => r.id);
      applied.forEach((id, i) => {
        if (migrations[i]?.id !== id) throw new AppError('restore_invalid', { detail: `schema ${id}` });
      });
      db.prepare(`VACUUM ${schema} INTO ?`).run(part);
    });
    chmodSync(part, 0o600);
    return part;
  } catch (err) {
    rmSync(part, { force: true });
    if (err instanceof AppError) throw err;
    if (isDatabaseDamage(err)) throw new AppError('restore_invalid', { detail: (err as Error).message });
    throw new AppError('backup_failed', { detail: (err as Error).message });
  }
}

/**
 * Keeps the file a restore is about to replace when no clean backup of it could be made (it is
 * damaged): a raw copy of the file and its WAL, marked unverified. Nothing is ever simply deleted.
 */
export function keepRawCopy(dbFile: string, now = Date.now()): string | null {
  if (!existsSync(dbFile)) return null;
  const dir = backupDir(dbFile);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const dest = join(dir, backupName(new Date(now), 'damaged', randomBytes(3).toString('hex')));
  if (existsSync(`${dbFile}-wal`)) writeAtomicallySync(`${dest}-wal`, (tmp) => copyFileSync(`${dbFile}-wal`, tmp));
  writeAtomicallySync(dest, (tmp) => copyFileSync(dbFile, tmp));
  chmodSync(dest, 0o600);
  return dest;
}

/**
 * Puts a staged copy in place of the database file. Every connection to it must be closed: its WAL
 * and shared-memory files belong to the old file and would otherwise be applied to the new one.
 */
export function commitRestore(part: string, dbFile: string): void {
  // The connections are closed: the kept descriptor of the file being replaced goes too (its disk space with it).
  releaseLiveFile(dbFile);
  rmSync(`${dbFile}-wal`, { force: true });
  rmSync(`${dbFile}-shm`, { force: true });
  commitFile(part, dbFile);
}

function asBackupError(err: unknown): AppError {
  if (err instanceof AppError) return err;
  if (isDatabaseDamage(err)) return new AppError('database_corrupt', { detail: (err as Error).message });
  return new AppError('backup_failed', { detail: (err as Error).message });
}
