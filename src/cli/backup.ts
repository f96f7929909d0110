import Database from 'better-sqlite3';
import { existsSync, rmSync } from 'node:fs';
import { resolve } from 'node:path';
import { checkDatabase, type CheckReport } from '../core/backup/check';
import { backupBefore, commitRestore, keepRawCopy, stageRestore, verifiedCopy } from '../core/backup/engine';
import { backupDir } from '../core/backup/store';
import { openDatabase } from '../core/db/open';
import { demoDay } from '../core/settings/handlers';
import type { checkMessages } from '../core/backup/messages';
import { AppError, formatMessage, type Locale } from '../core/errors';
import { writeAtomicallySync } from '../core/util/atomic';
import { localDay } from '../core/util/day';

type CheckCode = keyof typeof checkMessages;

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
    return checkDatabase(db, databaseDay(db));
  } finally {
    db.close();
  }
}

/** The day the rules are checked as of: the app's (a demo park's last day of history, else today's date here). */
function databaseDay(db: Database.Database): string {
  let day: string | null = null;
  try {
    day = demoDay(db);
  } catch {
    // a file too damaged to read its settings: the check reports the damage itself
  }
  return day ?? localDay();
}

/** The report as lines for a person, in the command's language (the core's message catalogue). */
export function formatCheck(r: CheckReport, locale: Locale): string {
  const say = (code: CheckCode, params: Record<string, string | number> = {}) => formatMessage(code, params, locale);
  const ok = say('check_ok');
  const lines = [say('check_integrity', { result: r.integrity.length ? r.integrity.slice(0, 5).join('; ') : ok })];
  if (r.integrity.length === 0) {
    const fk = r.foreignKeys[0];
    lines.push(say('check_foreign_keys', { result: fk ? say('check_foreign_keys_broken', { count: r.foreignKeys.length, table: fk.table, rowid: fk.rowid, parent: fk.parent }) : ok }));
    for (const s of r.search) lines.push(say('check_search', { fts: s.fts, result: s.ok ? ok : say('check_search_differs', { missing: s.missing, extra: s.extra }) }));
    for (const a of r.aggregates) lines.push(say('check_aggregate', { name: a.name, result: a.ok ? ok : say('check_aggregate_differs', { differences: a.differences }) }));
    for (const x of r.rules) {
      lines.push(say('check_rule', { name: x.name, result: x.ok ? ok : say('check_rule_broken', { violations: x.violations, examples: x.examples.join(locale === 'en' ? ', ' : '、') }) }));
      if (!x.ok) lines.push(`  ${say(`check_rule_about_${x.name}`)}`);
    }
  }
  // Records that break a rule are data to correct (the file itself is sound), not damage to restore.
  const onlyRules = r.integrity.length === 0 && r.foreignKeys.length === 0 && r.search.every((s) => s.ok) && r.aggregates.every((a) => a.ok);
  lines.push(say(r.ok ? 'check_sound' : onlyRules ? 'check_rules_broken' : 'check_damaged'));
  return lines.join('\n');
}

export { backupDir };
