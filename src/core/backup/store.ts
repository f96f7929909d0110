import { readdirSync, rmSync, statSync } from 'node:fs';
import { basename, dirname, extname, join } from 'node:path';
import { PART_NAME, processAlive } from '../util/atomic';

/** Why a backup was taken. `restore` keeps the file a restore replaced; `damaged` is a raw copy of a file SQLite could not read whole. */
export const BACKUP_REASONS = ['import', 'revert', 'merge', 'migration', 'daily', 'manual', 'restore', 'damaged'] as const;
export type BackupReason = (typeof BACKUP_REASONS)[number];

export interface BackupEntry {
  /** File name inside the backup folder: the API names backups by it, never by path. */
  name: string;
  path: string;
  /** ISO time the backup was taken. */
  at: string;
  reason: BackupReason;
  size: number;
  /** Passed `PRAGMA integrity_check` before it was renamed into place (raw copies of damaged files did not). */
  verified: boolean;
}

/**
 * Backups live in a folder beside the database: `parkpilot.db` → `parkpilot-backups/`. It is on the
 * same disk, so writing one is fast and restoring is a rename; copy it elsewhere for off-site safety.
 */
export function backupDir(dbFile: string): string {
  const name = basename(dbFile, extname(dbFile)) || basename(dbFile);
  return join(dirname(dbFile), `${name}-backups`);
}

const NAME = /^(\d{8}T\d{9}Z)-([a-z]+)-([0-9a-f]{6})\.db$/;

/** `20261121T090000123Z-import-a1b2c3.db`: sorts by time; the reason is readable in a file manager. */
export function backupName(at: Date, reason: BackupReason, suffix: string): string {
  const stamp = at.toISOString().replace(/[-:.]/g, '');
  return `${stamp}-${reason}-${suffix}.db`;
}

function parseName(name: string): { at: string; reason: BackupReason } | null {
  const m = NAME.exec(name);
  if (!m || !(BACKUP_REASONS as readonly string[]).includes(m[2]!)) return null;
  const s = m[1]!;
  const at = `${s.slice(0, 4)}-${s.slice(4, 6)}-${s.slice(6, 8)}T${s.slice(9, 11)}:${s.slice(11, 13)}:${s.slice(13, 15)}.${s.slice(15, 18)}Z`;
  return { at, reason: m[2] as BackupReason };
}

/** The backups in a folder, newest first. Temporary files of dead writers are removed on the way. */
export function listBackups(dir: string): BackupEntry[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  const out: BackupEntry[] = [];
  for (const name of names) {
    const part = PART_NAME.exec(name);
    if (part) {
      if (!processAlive(Number(part[1]))) rmSync(join(dir, name), { force: true });
      continue;
    }
    const parsed = parseName(name);
    if (!parsed) continue;
    const path = join(dir, name);
    try {
      out.push({ name, path, ...parsed, size: statSync(path).size, verified: parsed.reason !== 'damaged' });
    } catch {
      // removed meanwhile by another process's rotation
    }
  }
  return out.sort((a, b) => b.at.localeCompare(a.at) || b.name.localeCompare(a.name));
}

export interface RotationPolicy {
  /** The most recent backups of any kind. */
  recent: number;
  /** The newest backup of each of this many most recent days. */
  daily: number;
  /** The newest backup of each of this many most recent ISO weeks. */
  weekly: number;
  /** Total bytes; the oldest kept backups go first when over it (the newest always stays). */
  budgetBytes: number;
}

export const DEFAULT_POLICY: RotationPolicy = { recent: 10, daily: 7, weekly: 4, budgetBytes: 2 * 1024 ** 3 };

const dayOf = (iso: string) => iso.slice(0, 10);
function weekOf(iso: string): string {
  // ISO week: the Thursday of the week decides its year.
  const d = new Date(`${iso.slice(0, 10)}T00:00:00Z`);
  const thursday = new Date(d.getTime() + (3 - ((d.getUTCDay() + 6) % 7)) * 86_400_000);
  const jan1 = Date.UTC(thursday.getUTCFullYear(), 0, 1);
  return `${thursday.getUTCFullYear()}-W${String(Math.floor((thursday.getTime() - jan1) / (7 * 86_400_000)) + 1).padStart(2, '0')}`;
}

/**
 * Which backups to keep: the last `recent`, the newest of each of the last `daily` days and of the
 * last `weekly` weeks; then, over budget, the oldest of those go until it fits. Damaged raw copies and
 * the files a restore replaced are kept like the others: they may be the only copy of something.
 */
export function planRotation(entries: BackupEntry[], policy: RotationPolicy): { keep: BackupEntry[]; drop: BackupEntry[] } {
  const newestFirst = [...entries].sort((a, b) => b.at.localeCompare(a.at));
  const keep = new Set<BackupEntry>(newestFirst.slice(0, policy.recent));
  for (const [period, limit] of [[dayOf, policy.daily], [weekOf, policy.weekly]] as const) {
    const seen = new Set<string>();
    for (const e of newestFirst) {
      const p = period(e.at);
      if (seen.has(p)) continue;
      if (seen.size >= limit) break;
      seen.add(p);
      keep.add(e);
    }
  }
  const kept = newestFirst.filter((e) => keep.has(e));
  let total = kept.reduce((n, e) => n + e.size, 0);
  while (kept.length > 1 && total > policy.budgetBytes) total -= kept.pop()!.size;
  const finalKeep = new Set(kept);
  return { keep: kept, drop: newestFirst.filter((e) => !finalKeep.has(e)) };
}
