import Database from 'better-sqlite3';
import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempFile } from './helpers';

/**
 * The index rebuild at the end of a large import (deferred-indexes.ts) sorts every key of the table.
 * With the connection's temp_store = MEMORY, SQLite's sorter kept all of them in memory at once: the
 * million-row import's peak rose by ~110 MB there (issue 14). The rebuild now sorts through a file with
 * a small cache, so its memory no longer grows with the table. Measured in a child process (the
 * kernel's high-water mark of this test process says nothing about one step): 300,000 rows with
 * ~100-byte keys, ~40 MB of keys.
 */
describe('index rebuild memory', () => {
  it('a rebuild over 300,000 wide keys stays within a few MB, and gives the connection its pragmas back', () => {
    const file = tempFile('rebuild.db');
    const db = new Database(file);
    db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, a TEXT NOT NULL, b TEXT NOT NULL) STRICT');
    db.exec(`WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 300000)
      INSERT INTO t (a, b) SELECT lower(hex(randomblob(18))), printf('%s-%08d', lower(hex(randomblob(24))), i) FROM n`);
    db.exec('CREATE INDEX t_keys ON t (a, b)');
    db.close();
    const child = resolve(__dirname, 'index-rebuild-child.ts');
    const out = execFileSync(process.execPath, ['--import', 'tsx', child, file], { encoding: 'utf8', timeout: 120_000 });
    const r = JSON.parse(out.trim().split('\n').pop()!) as { grewMb: number; pragmas: { temp_store: number; cache_size: number }; index: { sql: string } };
    expect(r.index.sql).toBe('CREATE INDEX t_keys ON t (a, b)');
    expect(r.pragmas).toEqual({ temp_store: 2, cache_size: -65536 });
    expect(r.grewMb).toBeLessThan(15);
  });
});
