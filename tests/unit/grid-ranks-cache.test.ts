import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ownWrite, valueRanks, type RankQuery } from '../../src/core/grid/values';

// Kept ranks must never outlive the data they were read from: not across a commit by another
// connection (a CLI import or a scheduled hub sync beside the open app), nor across a rolled-back write.
describe('kept value ranks and the state of the data', () => {
  let dir: string;
  let db: Database.Database;
  let other: Database.Database;
  const q: RankQuery = { rowid: 't.rowid', from: 't', where: 't.live = 1', column: 't.v' };
  const rankOf = (rowid: number) => valueRanks(db, q)!.ranks[rowid];

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'ranks-'));
    db = new Database(join(dir, 'r.db'));
    db.pragma('journal_mode = WAL');
    db.exec('CREATE TABLE t (v TEXT, live INTEGER NOT NULL); CREATE INDEX t_v ON t (v) WHERE live = 1');
    db.exec("INSERT INTO t (v, live) VALUES ('a', 1), ('b', 1), ('c', 1)");
    other = new Database(join(dir, 'r.db'));
  });
  afterEach(() => {
    db.close();
    other.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('a commit by another connection during a write of the grid\'s own drops them', () => {
    expect(rankOf(1)).toBe(1);
    ownWrite(db, () => {
      db.exec('CREATE TEMP TABLE probe (r INTEGER PRIMARY KEY); INSERT INTO temp.probe VALUES (1)');
      other.exec("UPDATE t SET v = 'z' WHERE rowid = 1");
      db.exec('DROP TABLE temp.probe');
    });
    expect(rankOf(1)).toBe(3);
  });

  it('ranks read inside a transaction that rolls back are not kept', () => {
    expect(rankOf(1)).toBe(1);
    db.exec('BEGIN');
    db.exec("UPDATE t SET v = 'z' WHERE rowid = 1");
    expect(rankOf(1)).toBe(3);
    db.exec('ROLLBACK');
    expect(rankOf(1)).toBe(1);
  });
});
