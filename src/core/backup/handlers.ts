import { join } from 'node:path';
import { z } from 'zod';
import { AppError } from '../errors';
import { handler, readHandler, slice, type CoreContext } from '../handler';
import { checkDatabase } from './check';
import { backupBefore, BUDGET_SETTING, commitRestore, keepRawCopy, policyFor, rotate, stageRestore } from './engine';
import { healthOf, setHealth } from './health';
import { backupDir, listBackups } from './store';
import { rmSync } from 'node:fs';

const backupFileName = z.string().regex(/^\d{8}T\d{9}Z-[a-z]+-[0-9a-f]{6}\.db$/);

function overview(ctx: CoreContext) {
  const dir = backupDir(ctx.db.name);
  const items = listBackups(dir).map(({ name, at, reason, size, verified }) => ({ name, at, reason, size, verified }));
  const policy = policyFor(ctx.db);
  return {
    dir,
    budgetMb: Math.round(policy.budgetBytes / 1024 / 1024),
    usedBytes: items.reduce((n, e) => n + e.size, 0),
    policy: { recent: policy.recent, daily: policy.daily, weekly: policy.weekly },
    items,
  };
}

/**
 * Settings → Backups: the list (when, why, size, verified), back up now, the size budget, and restore,
 * which first keeps the current file as a backup itself (a raw copy when it is too damaged to copy cleanly).
 */
export const backupHandlers = slice('backups', {
  list: readHandler(z.strictObject({}), (ctx) => overview(ctx)),
  create: handler(z.strictObject({}), (ctx) => {
    backupBefore(ctx.db, 'manual');
    return overview(ctx);
  }),
  setBudget: handler(z.strictObject({ mb: z.number().int().min(50).max(1_000_000) }), (ctx, { mb }) => {
    ctx.db.prepare('INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value').run(BUDGET_SETTING, String(mb));
    rotate(backupDir(ctx.db.name), policyFor(ctx.db));
    return overview(ctx);
  }),
  /** The background quick check's verdict for the open file (the renderer shows the restore screen on `damaged`). */
  health: readHandler(z.strictObject({}), (ctx) => healthOf(ctx.db.name)),
  /** The full check (`parkpilot check`): integrity, foreign keys, search index and aggregates against a rebuild. */
  check: readHandler(z.strictObject({}), (ctx) => checkDatabase(ctx.db, ctx.today())),
  restore: handler(z.strictObject({ name: backupFileName }), (ctx, { name }) => {
    if (!ctx.reopen) throw new AppError('internal', { detail: 'restore needs a ParkCore' });
    if (ctx.jobs.busy || ctx.db.inTransaction) throw new AppError('busy');
    const file = ctx.db.name;
    const source = join(backupDir(file), name);
    const part = stageRestore(ctx.db, source, file);
    let keptAside = true;
    try {
      backupBefore(ctx.db, 'restore');
    } catch (err) {
      if (!(err instanceof AppError) || err.code !== 'database_corrupt') {
        rmSync(part, { force: true });
        throw err;
      }
      keptAside = false; // too damaged to copy cleanly: a raw copy once the connection is closed
    }
    ctx.reopen(() => {
      if (!keptAside) keepRawCopy(file);
      commitRestore(part, file);
    });
    setHealth(file, { state: 'ok', checkedAt: new Date().toISOString(), detail: `restored from ${name}` });
    return { restored: name };
  }),
});
