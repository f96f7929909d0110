import Database from 'better-sqlite3';
import { readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { BUSY_TIMEOUT_MS, openDatabase } from '../../src/core/db/open';
import { AppError } from '../../src/core/errors';
import { ParkCore } from '../../src/core/service';
import { tempFile, testCore } from './helpers';

/**
 * Issue 12 §2 (third bullet) and §4 (locks): a file that is not a ParkPilot database is never
 * modified, byte for byte; only the commands that create a database make one; and a database that
 * another process is writing can still be read, while a second writer gets a clear answer.
 */
function refusal(fn: () => unknown): AppError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(AppError);
    return err as AppError;
  }
  throw new Error('expected a refusal');
}

describe('a file that is not a ParkPilot database', () => {
  it('a foreign SQLite file (rollback journal) is refused and keeps every byte: no WAL, no header rewrite', () => {
    const file = tempFile('foreign.db');
    const other = new Database(file);
    other.exec("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT); INSERT INTO notes (body) VALUES ('keep me');");
    other.close();
    const before = readFileSync(file);
    for (const open of [() => openDatabase(file, { create: false }), () => new ParkCore(file, { create: false }), () => openDatabase(file)]) {
      expect(refusal(open).code).toBe('schema_mismatch');
      expect(readFileSync(file).equals(before)).toBe(true);
    }
    expect(before[18]).toBe(1); // still a rollback-journal file (WAL would be 2)
  });

  it('an empty file is not turned into a ParkPilot database by a command that only opens', () => {
    const file = tempFile('empty.db');
    writeFileSync(file, '');
    expect(refusal(() => new ParkCore(file, { create: false })).params.detail).toMatch(/empty file/);
    expect(readFileSync(file).length).toBe(0);
    // A command that creates a database may.
    openDatabase(file).close();
    expect(readFileSync(file).subarray(0, 15).toString()).toBe('SQLite format 3');
  });

  it('an empty SQLite database (a header, no tables) is not taken over either', () => {
    const file = tempFile('blank.db');
    const blank = new Database(file);
    blank.pragma('user_version = 7');
    blank.close();
    const before = readFileSync(file);
    expect(refusal(() => openDatabase(file, { create: false })).code).toBe('schema_mismatch');
    expect(readFileSync(file).equals(before)).toBe(true);
  });

  it('a file that is not SQLite at all is refused without SQLite opening it', () => {
    const file = tempFile('roster.db');
    writeFileSync(file, '企业名称,入驻日期\n');
    const before = readFileSync(file);
    expect(refusal(() => openDatabase(file, { create: false })).params.detail).toMatch(/not an SQLite file/);
    expect(readFileSync(file).equals(before)).toBe(true);
  });
});

describe('another process is writing', () => {
  it('read-only work opens and answers at once; a write fails with a clear "another ParkPilot is writing"', () => {
    const file = tempFile();
    testCore({}, file).close();
    const writer = new Database(file);
    writer.exec('BEGIN IMMEDIATE');
    writer.exec("INSERT INTO settings (key, value) VALUES ('other', 'process')");
    try {
      const started = Date.now();
      const core = new ParkCore(file, { create: false });
      expect(core.call('stats.get', {})).toMatchObject({ enterprises: { total: 0 } });
      expect(Date.now() - started).toBeLessThan(BUSY_TIMEOUT_MS); // not after waiting out the busy timeout
      const write = core.invoke('enterprises.create', { name: '甲公司', kind: 'startup', status: 'settled' }, 'zh-CN');
      expect(write).toMatchObject({ ok: false, error: { code: 'db_locked', message: expect.stringMatching(/^另一个 ParkPilot 正在写入此数据库/) } });
      expect(core.invoke('enterprises.create', { name: '甲公司', kind: 'startup', status: 'settled' }, 'en')).toMatchObject({ error: { message: expect.stringMatching(/^Another ParkPilot is writing this database/) } });
      core.close();
    } finally {
      writer.exec('ROLLBACK');
      writer.close();
    }
  }, 60_000);
});
