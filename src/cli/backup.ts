import Database from 'better-sqlite3';
import { existsSync, rmSync } from 'node:fs';
import { resolve } from 'node:path';
import { checkDatabase, type CheckReport } from '../core/backup/check';
import { backupBefore, commitRestore, keepRawCopy, stageRestore, verifiedCopy } from '../core/backup/engine';
import { backupDir } from '../core/backup/store';
import { openDatabase } from '../core/db/open';
import { AppError } from '../core/errors';
import { writeAtomicallySync } from '../core/util/atomic';

/**
 * `parkpilot backup`, `restore` and `check`: the same engine as Settings → Backups, for scripts and
 * for a database the app can no longer open. Each opens the file read-only except restore.
 */

/** A verified copy into the backup folder (with its rotation), or to `out` (outside the rotation). */
export function backupCommand(dbFile: string, out: string | undefined): string {
  const db = openDatabase(dbFile, { create: false, readonly: true });
  try {
    if (!out) return backupBefore(db, 'manual')!.path;
    const dest = resolve(out);
    writeAtomicallySync(dest, (tmp) => verifiedCopy(db, 'main', tmp));
    return dest;
  } finally {
    db.close();
  }
}

/**
 * Puts `source` in place of `dbFile` after checking it, keeping the current file as a backup first
 * (verified when it can be copied cleanly, a raw copy when it is damaged). Refused while another
 * process has the database open: the file would change under it.
 */
export function restoreCommand(source: string, dbFile: string): { kept: string | null } {
  const scratch = new Database(':memory:');
  let part: string;
  try {
    part = stageRestore(scratch, resolve(source), resolve(dbFile));
  } finally {
    scratch.close();
  }
  let kept: string | null = null;
  let lock: Database.Database | null = null;
  try {
    if (existsSync(dbFile)) {
      lock = exclusive(dbFile);
      try {
        kept = backupBefore(lock, 'restore')?.path ?? null;
      } catch (err) {
        if (!(err instanceof AppError) || err.code !== 'database_corrupt') throw err;
      }
      lock.close();
      lock = null;
      kept ??= keepRawCopy(resolve(dbFile));
    }
    commitRestore(part, resolve(dbFile));
    return { kept };
  } catch (err) {
    lock?.close();
    rmSync(part, { force: true });
    throw err;
  }
}

/** A connection holding the database's exclusive lock: no other process is reading or writing it. */
function exclusive(dbFile: string): Database.Database {
  const db = new Database(dbFile, { fileMustExist: true });
  try {
    db.pragma('busy_timeout = 0');
    db.pragma('locking_mode = EXCLUSIVE');
    db.exec('BEGIN EXCLUSIVE; COMMIT');
  } catch (err) {
    const code = (err as { code?: string }).code ?? '';
    if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) {
      db.close();
      throw new AppError('database_in_use');
    }
    // A damaged file may refuse even this; the restore goes on and keeps a raw copy of it.
  }
  return db;
}

export function checkCommand(dbFile: string): CheckReport {
  const db = openDatabase(dbFile, { create: false, readonly: true });
  try {
    return checkDatabase(db);
  } finally {
    db.close();
  }
}

export function formatCheck(r: CheckReport): string {
  const lines = [`integrity: ${r.integrity.length ? r.integrity.slice(0, 5).join('; ') : 'ok'}`];
  if (r.integrity.length === 0) {
    lines.push(`foreign keys: ${r.foreignKeys.length ? `${r.foreignKeys.length} broken (first: ${r.foreignKeys[0]!.table} row ${r.foreignKeys[0]!.rowid} → ${r.foreignKeys[0]!.parent})` : 'ok'}`);
    for (const s of r.search) lines.push(`search index ${s.fts}: ${s.ok ? 'ok' : `${s.missing} tokens missing, ${s.extra} extra (rebuild needed)`}`);
    for (const a of r.aggregates) lines.push(`aggregate ${a.name}: ${a.ok ? 'ok' : `${a.differences} rows differ from a rebuild`}`);
    for (const x of r.rules) lines.push(`rule ${x.name}: ${x.ok ? 'ok' : `${x.violations} records break it (first: ${x.examples.join(', ')})`}`);
  }
  // Records that break a rule are data to correct (the file itself is sound), not damage to restore.
  const onlyRules = r.integrity.length === 0 && r.foreignKeys.length === 0 && r.search.every((s) => s.ok) && r.aggregates.every((a) => a.ok);
  lines.push(r.ok ? 'the database is sound' : onlyRules ? 'RECORDS BREAK A RULE: the file is intact; correct the records named above' : 'PROBLEMS FOUND: restore a backup (parkpilot restore FILE --db DB) or keep this file and ask for help');
  return lines.join('\n');
}

export { backupDir };
