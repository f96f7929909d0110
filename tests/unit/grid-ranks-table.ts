import Database from 'better-sqlite3';
import fc from 'fast-check';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach } from 'vitest';
import type { RankQuery } from '../../src/core/grid/values';

/**
 * The park both rank suites (grid-ranks-patch, grid-ranks-background) write to: one table `t (v, live)`
 * in a WAL file of its own (a rank thread's connection sees the main one's commits only there), its
 * column indexed over the live rows, made afresh for each test; and the random writes they apply.
 */
export const rankQuery: RankQuery = { rowid: 't.rowid', from: 't', where: 't.live = 1', column: 't.v' };

/** Opens a fresh table before each test and removes it after (`before` runs first: a thread to stop). */
export function useRankTable(prefix: string, before: (db: Database.Database) => void = () => {}): { readonly db: Database.Database } {
  const state = { db: null as unknown as Database.Database, dir: '' };
  beforeEach(() => {
    state.dir = mkdtempSync(join(tmpdir(), prefix));
    state.db = new Database(join(state.dir, 'r.db'));
    state.db.pragma('journal_mode = WAL');
    state.db.exec('CREATE TABLE t (v, live INTEGER NOT NULL); CREATE INDEX t_v ON t (v) WHERE live = 1');
  });
  afterEach(() => {
    before(state.db);
    state.db.close();
    rmSync(state.dir, { recursive: true, force: true });
  });
  return { get db() { return state.db; } };
}

export type RankWrite = { op: 'set' | 'live' | 'insert' | 'remove' | 'rolled back'; at?: number; v?: unknown; live?: boolean };

/** Random writes of `value`s: an edit, a row made live or not, an insert, a delete, and (if asked) a write rolled back. */
export function rankWrites(value: fc.Arbitrary<unknown>, rolledBack = false): fc.Arbitrary<RankWrite> {
  const writes: fc.Arbitrary<RankWrite>[] = [
    fc.record({ op: fc.constant('set' as const), at: fc.nat(), v: value }),
    fc.record({ op: fc.constant('live' as const), at: fc.nat(), live: fc.boolean() }),
    fc.record({ op: fc.constant('insert' as const), v: value, live: fc.boolean() }),
    fc.record({ op: fc.constant('remove' as const), at: fc.nat() }),
  ];
  if (rolledBack) writes.push(fc.record({ op: fc.constant('rolled back' as const), at: fc.nat(), v: value }));
  return fc.oneof(...writes);
}

/** Applies one write to `t` (the row is picked by position among the rowids). */
export function applyWrite(db: Database.Database, w: RankWrite): void {
  const ids = db.prepare('SELECT rowid FROM t ORDER BY rowid').pluck().all() as number[];
  const id = ids.length ? ids[(w.at ?? 0) % ids.length]! : 0;
  if (w.op === 'set') db.prepare('UPDATE t SET v = ? WHERE rowid = ?').run(w.v, id);
  if (w.op === 'live') db.prepare('UPDATE t SET live = ? WHERE rowid = ?').run(w.live ? 1 : 0, id);
  if (w.op === 'insert') db.prepare('INSERT INTO t (v, live) VALUES (?, ?)').run(w.v, w.live ? 1 : 0);
  if (w.op === 'remove') db.prepare('DELETE FROM t WHERE rowid = ?').run(id);
  if (w.op === 'rolled back') {
    db.exec('BEGIN');
    db.prepare('UPDATE t SET v = ? WHERE rowid = ?').run(w.v, id);
    db.prepare('INSERT INTO t (v, live) VALUES (?, 1)').run(w.v);
    db.exec('ROLLBACK');
  }
}
