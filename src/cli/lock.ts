import { BUSY_TIMEOUT_MS, isBusy, type Db } from '../core/db/open';
import { AppError, type Locale } from '../core/errors';

const WAITING: Record<Locale, string> = {
  'zh-CN': '另一个 ParkPilot 正在写入此数据库，正在等待它完成…',
  en: 'another ParkPilot is writing this database; waiting for it to finish…',
};

/**
 * Before a command that writes (import, revert): when another process holds the write lock, say so
 * once and wait for it — up to `maxMs` — instead of failing with SQLite's bare "database is locked"
 * after its 5 s busy timeout. The lock is only probed, not kept: the command's own transaction takes it.
 */
export async function waitForWriteLock(db: Db, locale: Locale, say: (line: string) => void, maxMs = 30 * 60_000): Promise<void> {
  const started = Date.now();
  let told = false;
  db.pragma('busy_timeout = 0');
  try {
    for (;;) {
      try {
        db.exec('BEGIN IMMEDIATE');
        db.exec('ROLLBACK');
        return;
      } catch (err) {
        if (!isBusy(err)) throw err;
      }
      if (!told) say(WAITING[locale]);
      told = true;
      if (Date.now() - started > maxMs) throw new AppError('db_locked');
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  } finally {
    db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
  }
}
