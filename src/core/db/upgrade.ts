import Database from 'better-sqlite3';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { AppError, type ErrorCode } from '../errors';
import { startModuleWorker } from '../process/module-worker';
import { migrations } from './migrations';
import { appliedMigrations, type UpgradeProgress } from './open';

/**
 * Opening a database made by an older version runs its migrations, after a safety backup of the whole
 * file: a minute at a million enterprises. better-sqlite3 is synchronous, so done where the UI is served
 * (the web shell's HTTP server, the core process) nothing would answer meanwhile. `upgradeInWorker`
 * runs that open on a worker thread with its own connection, telling its progress, and closes it; the
 * shell then opens the core as usual and finds nothing left to migrate.
 */
export type UpgradeStatus =
  | { state: 'upgrading'; progress: UpgradeProgress | null }
  | { state: 'done' }
  | { state: 'failed'; error: { code: ErrorCode; params: Record<string, string | number> } };

/** Whether `file` is an existing ParkPilot database that still lacks some of this build's migrations. */
export function needsUpgrade(file: string, known = migrations, nativeBinding?: string): boolean {
  if (!existsSync(file)) return false;
  let db: Database.Database | undefined;
  try {
    db = new Database(file, { readonly: true, fileMustExist: true, ...(nativeBinding ? { nativeBinding } : {}) });
    const applied = appliedMigrations(db);
    return applied.length > 0 && applied.length < known.length && applied.every((id, i) => known[i]!.id === id);
  } catch {
    return false; // not a database, damaged, locked: the ordinary open says so, in its own words
  } finally {
    db?.close();
  }
}

export interface UpgradeOptions {
  nativeBinding?: string;
  /** For tests: the migrations this build knows (openDatabase's knownMigrations). */
  knownMigrationCount?: number;
}

/** The upgrade's messages (upgrade-worker.ts), from a worker thread or Electron's utilityProcess. */
export type UpgradeMessage = { type: 'progress'; progress: UpgradeProgress } | { type: 'done' } | { type: 'error'; code: ErrorCode; params: Record<string, string | number> };

/** Follows an upgrade run elsewhere: its progress to `onProgress`, its end as the promise. */
export function followUpgrade(
  runner: { onMessage(listener: (m: UpgradeMessage) => void): void; onExit(listener: (code: number | string) => void): void },
  onProgress: (p: UpgradeProgress) => void,
): Promise<void> {
  return new Promise((resolve, reject) => {
    let settled = false;
    const settle = (err?: AppError) => {
      settled = true;
      if (err) reject(err);
      else resolve();
    };
    runner.onMessage((m) => {
      if (m.type === 'progress') onProgress(m.progress);
      else settle(m.type === 'done' ? undefined : new AppError(m.code, m.params));
    });
    runner.onExit((code) => {
      if (!settled) settle(new AppError('internal', { detail: `the upgrade stopped (exit code ${code})` }));
    });
  });
}

/** The upgrade on a worker thread of this process (the web shell). */
export function upgradeInWorker(file: string, options: UpgradeOptions, onProgress: (p: UpgradeProgress) => void): Promise<void> {
  const worker = startModuleWorker('upgrade-worker', join(__dirname, 'upgrade-worker.ts'), { workerData: { file, ...options } });
  let failure = '';
  return followUpgrade(
    {
      onMessage: (listener) => worker.on('message', listener),
      onExit: (listener) => {
        worker.on('error', (err) => (failure = err.message)); // an uncaught error ends the thread
        worker.on('exit', (code) => listener(failure ? `${code}: ${failure}` : code));
      },
    },
    onProgress,
  );
}
