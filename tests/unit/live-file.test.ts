import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { backupDir } from '../../src/core/backup/store';
import { openDatabase } from '../../src/core/db/open';
import { readSource } from '../../src/core/sync/package';
import type { ParkCore } from '../../src/core/service';
import { testCore } from './helpers';

/**
 * What the app does with its own database file through Node's fs (a backup's copy, the header check of a
 * second connection, the first bytes of a source the user picked) must not drop this process's SQLite
 * locks on it (POSIX: closing any descriptor of a file drops them all; db/live-file.ts). With the locks
 * gone, another program that opened and closed the database read-write took itself for the last user and
 * deleted the WAL, and the app's later commits went to the deleted file: another reader never saw them,
 * and a crash lost them (the newcomer walk of session 21).
 */

/**
 * Another program opens the database read-write, reads it and closes it: Debian's sqlite3 tool (3.40),
 * as older tools such as database browsers do. (A newer SQLite, the app's own 3.53, did not delete the
 * WAL in the same case.)
 */
function outside(file: string, sql: string): number {
  return Number(execFileSync('sqlite3', [file, sql], { encoding: 'utf8' }).trim());
}
const hasSqlite3 = spawnSync('sqlite3', ['-version']).status === 0;

const open: ParkCore[] = [];
afterEach(() => {
  for (const c of open.splice(0)) c.close();
});

function appWithOneEnterprise(): { core: ParkCore; file: string } {
  const core = testCore();
  open.push(core);
  core.call('enterprises.create', { name: '甲公司', kind: 'startup', status: 'settled' });
  return { core, file: core.db.name };
}

/** After `touch` (the app reading its file), another program opens and closes it: the app's next commit must reach the file. */
function commitAfterOutsideVisit(core: ParkCore, file: string): void {
  outside(file, 'SELECT count(*) FROM changes');
  expect(existsSync(`${file}-wal`), 'the WAL the app is writing to').toBe(true);
  core.call('enterprises.create', { name: '乙公司', kind: 'startup', status: 'settled' });
  expect(outside(file, 'SELECT count(*) FROM enterprises WHERE deleted = 0'), 'enterprises another reader sees').toBe(2);
}

describe.skipIf(process.platform === 'win32' || !hasSqlite3)('the app reads its own database file without loosening SQLite\'s locks', () => {
  it('after a backup (a page copy of the file)', () => {
    const { core, file } = appWithOneEnterprise();
    expect(core.call('backups.create', {}).items.length).toBeGreaterThan(0);
    commitAfterOutsideVisit(core, file);
  });

  it('after a second connection checks the file\'s header', () => {
    const { core, file } = appWithOneEnterprise();
    openDatabase(file, { create: false, readonly: true }).close();
    commitAfterOutsideVisit(core, file);
  });

  it('after a restore put another file in its place, and a backup of that one', () => {
    const { core, file } = appWithOneEnterprise();
    const { items } = core.call('backups.create', {});
    core.call('enterprises.create', { name: '丙公司', kind: 'startup', status: 'settled' });
    core.call('backups.restore', { name: items[0]!.name });
    // The copy is of the restored file (one enterprise), not of the one it replaced (two).
    const again = core.call('backups.create', {}).items[0]!;
    expect(outside(join(backupDir(file), again.name), 'SELECT count(*) FROM enterprises WHERE deleted = 0')).toBe(1);
    commitAfterOutsideVisit(core, file);
  });

  it('after the open database itself is picked as a source to merge', () => {
    const { core, file } = appWithOneEnterprise();
    // Read as a laptop's database file (the merge then refuses a package from the receiver itself).
    readSource(file, core.db);
    commitAfterOutsideVisit(core, file);
  });
});
