import Database from 'better-sqlite3';
import { readFileSync, readdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { backupBefore } from '../../src/core/backup/engine';
import { backupDir, listBackups } from '../../src/core/backup/store';
import { seedDemo } from '../../src/core/seed/seed';
import { testCore } from './helpers';

/**
 * A backup of a WAL database is a page copy of its file checked with quick_check (backup/engine.ts,
 * `pageCopy`), not VACUUM INTO + integrity_check. These hold the copy to what the old way promised:
 * the committed data, a file that opens on its own, and a damaged copy never kept.
 */

/** Pages to overwrite in the next copy the engine makes (a disk that writes garbage), none by default. */
const damage = vi.hoisted(() => ({ page: 0, size: 4096, copies: 0 }));

vi.mock('node:fs', async (importOriginal) => {
  const fs = await importOriginal<typeof import('node:fs')>();
  // The page copy writes its file through one descriptor opened 'w', 0o600 (backup/engine.ts copyInChunks):
  // counted as it opens, damaged as it closes.
  let copyFd = -1;
  const openSync = ((path: string, flags: import('node:fs').OpenMode = 'r', mode?: number) => {
    const fd = fs.openSync(path, flags, mode);
    if (flags === 'w' && mode === 0o600) {
      copyFd = fd;
      damage.copies++;
    }
    return fd;
  }) as typeof fs.openSync;
  const closeSync = (fd: number) => {
    if (fd === copyFd) {
      copyFd = -1;
      if (damage.page) fs.writeSync(fd, Buffer.alloc(damage.size - 200, 0xa5), 0, damage.size - 200, (damage.page - 1) * damage.size + 100);
    }
    fs.closeSync(fd);
  };
  return { ...fs, openSync, closeSync, default: { ...fs, openSync, closeSync } };
});

function demoCore() {
  const core = testCore();
  seedDemo(core.context());
  return core;
}

describe('backups by page copy', () => {
  it('copies the committed file page for page, as a database that opens on its own', () => {
    const core = demoCore();
    const copies = damage.copies;
    const entry = backupBefore(core.db, 'merge')!;
    expect(damage.copies).toBe(copies + 1); // the page copy, not VACUUM INTO
    expect(entry).toMatchObject({ reason: 'merge', verified: true });
    // The checkpointed file, byte for byte, but for the journal-mode bytes of the header.
    const source = readFileSync(core.db.name);
    const copy = readFileSync(entry.path);
    expect(copy.length).toBe(source.length);
    expect([copy[18], copy[19], source[18], source[19]]).toEqual([1, 1, 2, 2]);
    copy[18] = copy[19] = 2;
    expect(copy.equals(source)).toBe(true);
    const opened = new Database(entry.path);
    expect(opened.pragma('journal_mode', { simple: true })).toBe('delete');
    expect(opened.pragma('integrity_check', { simple: true })).toBe('ok');
    const n = (db: Database.Database) => (db.prepare('SELECT count(*) AS n FROM enterprises WHERE deleted = 0').get() as { n: number }).n;
    expect(n(opened)).toBe(n(core.db));
    opened.close();
    expect(readdirSync(dirname(entry.path)).filter((f) => f.endsWith('-wal') || f.endsWith('-shm') || f.endsWith('.part'))).toEqual([]);
    core.close();
  });

  it('a copy damaged on its way to disk is caught and not kept; the database is not called damaged', () => {
    const core = demoCore();
    const page = (core.db.prepare("SELECT pageno FROM dbstat WHERE name = 'enterprises' AND pagetype = 'leaf' ORDER BY pageno LIMIT 1 OFFSET 2").get() as { pageno: number }).pageno;
    damage.size = core.db.pragma('page_size', { simple: true }) as number;
    damage.page = page;
    try {
      expect(() => backupBefore(core.db, 'merge')).toThrow(expect.objectContaining({ code: 'backup_failed' }));
    } finally {
      damage.page = 0;
    }
    expect(listBackups(backupDir(core.db.name))).toEqual([]);
    expect(readdirSync(backupDir(core.db.name))).toEqual([]);
    expect(core.db.pragma('quick_check', { simple: true })).toBe('ok');
    // The next backup, on a sound disk, is kept.
    expect(backupBefore(core.db, 'merge')).toMatchObject({ verified: true });
    core.close();
  });

  it('while another connection keeps the WAL from being emptied, VACUUM INTO makes the copy (with the newest commit)', () => {
    const core = demoCore();
    const reader = new Database(core.db.name, { readonly: true });
    reader.exec('BEGIN');
    reader.prepare('SELECT count(*) FROM enterprises').get();
    core.db.prepare("UPDATE enterprises SET notes = 'after the reader began' WHERE rowid = (SELECT min(rowid) FROM enterprises)").run();
    const copies = damage.copies;
    const entry = backupBefore(core.db, 'merge')!;
    reader.exec('COMMIT');
    reader.close();
    expect(damage.copies).toBe(copies);
    const opened = new Database(entry.path, { readonly: true });
    expect((opened.prepare('SELECT notes FROM enterprises WHERE rowid = (SELECT min(rowid) FROM enterprises)').get() as { notes: string }).notes).toBe('after the reader began');
    opened.close();
    core.close();
  });
});
