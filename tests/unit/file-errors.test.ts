import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { toErrorPayload } from '../../src/core/errors';
import { tempFile } from './helpers';

/** What a user reads when the disk or a folder is the problem: what to do, in their language, not "internal error". */
describe('file-system failures are said plainly', () => {
  const thrown = (f: () => unknown): unknown => {
    try {
      f();
    } catch (err) {
      return err;
    }
    throw new Error('did not throw');
  };

  it('a folder that does not exist names the path', () => {
    const path = join(tempFile(), 'gone', 'export.xlsx');
    const err = thrown(() => writeFileSync(path, 'x'));
    expect(toErrorPayload(err, 'zh-CN')).toMatchObject({ code: 'file_missing', message: `文件或文件夹不存在（${path}）` });
    expect(toErrorPayload(err, 'en').message).toBe(`The file or folder does not exist (${path})`);
  });

  it('a full disk and a refused folder say what to do', () => {
    const full = Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC', path: '/media/u/report.pdf' });
    expect(toErrorPayload(full, 'zh-CN')).toMatchObject({ code: 'disk_full', message: '磁盘空间不足，未能写入。请清理磁盘空间后重试（/media/u/report.pdf）' });
    const denied = Object.assign(new Error('EACCES: permission denied'), { code: 'EACCES', path: 'C:\\Windows\\x.xlsx' });
    expect(toErrorPayload(denied, 'en').message).toBe('There is no permission to use that location; choose another folder (C:\\Windows\\x.xlsx)');
  });

  it("SQLite's full disk is the same message", () => {
    const db = new Database(tempFile('full.db'));
    db.pragma('max_page_count = 3'); // a database that may not grow: SQLite says SQLITE_FULL, as on a full disk
    const err = thrown(() => db.exec(`CREATE TABLE t (x); CREATE TABLE u (y); CREATE TABLE v (z); INSERT INTO t VALUES (randomblob(100000))`));
    db.close();
    expect((err as { code: string }).code).toBe('SQLITE_FULL');
    expect(toErrorPayload(err, 'en')).toMatchObject({ code: 'disk_full' });
    expect(toErrorPayload(err, 'en').message).toMatch(/^The disk is full, so it could not be written\. Free some space and try again \(.+\)$/);
  });
});
