import Database from 'better-sqlite3';
import fc from 'fast-check';
import { beforeEach, describe, expect, it } from 'vitest';
import { enterprisesView } from '../../src/core/enterprises/handlers';
import { GridRunner, planLimits, type GridFilterModel, type GridRequest } from '../../src/core/grid/query';
import { TOUCHED_MAX } from '../../src/core/grid/touched';
import { rankPatches, rankReads, valueRanks, type RankQuery } from '../../src/core/grid/values';
import { generate } from '../../src/core/seed/seed';
import { testCore } from './helpers';
import { applyWrite, rankQuery, rankWrites, useRankTable, type RankWrite } from './grid-ranks-table';

/**
 * Kept value ranks are patched after the connection's own writes instead of read again: whatever the
 * writes (a value already held, a new one between two others, NULL, a row deleted, restored, inserted,
 * removed, a write rolled back), the ranks order the live rows exactly as `ORDER BY column, rowid` does,
 * equal values with equal ranks.
 */
describe('value ranks patched for the connection\'s own writes', () => {
  let db: Database.Database;
  const q = rankQuery;
  const table = useRankTable('ranks-patch-');
  beforeEach(() => {
    db = table.db;
  });

  /** The ranks give the plain order of the live rows, and equal ranks exactly where the values are equal. */
  function expectPlainOrder(): void {
    const ranks = valueRanks(db, q)!;
    expect(ranks).not.toBeNull();
    const rows = db.prepare('SELECT rowid AS r, v, v IS (SELECT v FROM t p WHERE p.live = 1 AND (p.v, p.rowid) < (t.v, t.rowid) ORDER BY p.v DESC, p.rowid DESC LIMIT 1) AS same FROM t WHERE live = 1 ORDER BY v, rowid').all() as { r: number; v: unknown; same: number }[];
    const byRank = [...rows].sort((a, b) => ranks.ranks[a.r]! - ranks.ranks[b.r]! || a.r - b.r).map((x) => x.r);
    expect(byRank).toEqual(rows.map((x) => x.r));
    for (let i = 0; i < rows.length; i++) {
      expect(ranks.ranks[rows[i]!.r]).toBeGreaterThan(0);
      if (i > 0) expect(ranks.ranks[rows[i]!.r] === ranks.ranks[rows[i - 1]!.r]).toBe(rows[i]!.same === 1 || (rows[i]!.v === null && rows[i - 1]!.v === null));
    }
  }

  const value = fc.oneof(fc.constantFrom('a', 'b', 'm', 'z', '龘', 'B', null), fc.integer({ min: -3, max: 3 }), fc.string({ maxLength: 3 }));
  const write = rankWrites(value, true);

  const apply = (w: RankWrite) => applyWrite(db, w);

  it('after random own writes the patched ranks order the live rows as the plain SQL, without reading them again', () => {
    fc.assert(
      fc.property(fc.array(value, { minLength: 0, maxLength: 40 }), fc.array(fc.array(write, { minLength: 1, maxLength: 6 }), { minLength: 1, maxLength: 8 }), (start, batches) => {
        db.exec('DELETE FROM t');
        const insert = db.prepare('INSERT INTO t (v, live) VALUES (?, 1)');
        for (const v of start) insert.run(v);
        valueRanks(db, q);
        const reads = rankReads.count;
        const patches = rankPatches.count;
        for (const batch of batches) {
          for (const w of batch) apply(w);
          expectPlainOrder();
        }
        expect(rankReads.count).toBe(reads);
        expect(rankPatches.count).toBeGreaterThan(patches);
      }),
      { numRuns: 150, seed: 20261202 },
    );
  });

  it('ranks grow a wider array when new values pass 255 distinct ones, and rowids past the array', () => {
    const insert = db.prepare('INSERT INTO t (v, live) VALUES (?, 1)');
    for (let i = 0; i < 200; i++) insert.run(i * 2);
    expect(valueRanks(db, q)!.ranks).toBeInstanceOf(Uint8Array);
    const reads = rankReads.count;
    db.transaction(() => {
      for (let i = 0; i < 150; i++) insert.run(i * 2 + 1);
    })();
    expect(valueRanks(db, q)!.ranks).toBeInstanceOf(Uint16Array);
    expectPlainOrder();
    expect(rankReads.count).toBe(reads);
  });

  it('a bulk write (more rows than the log keeps) reads the ranks again', () => {
    const insert = db.prepare('INSERT INTO t (v, live) VALUES (?, 1)');
    db.transaction(() => {
      for (let i = 0; i < TOUCHED_MAX + 10; i++) insert.run(`v${i % 97}`);
    })();
    valueRanks(db, q);
    const reads = rankReads.count;
    db.exec("UPDATE t SET v = 'w' || rowid");
    expectPlainOrder();
    expect(rankReads.count).toBe(reads + 1);
    // The log starts afresh: the next small write is patched again.
    db.exec("UPDATE t SET v = 'a' WHERE rowid = 3");
    expectPlainOrder();
    expect(rankReads.count).toBe(reads + 1);
  });

  it('the log\'s triggers go once a bulk write has overflowed it (the rest of the bulk write runs without them), and come back with the next read', async () => {
    const insert = db.prepare('INSERT INTO t (v, live) VALUES (?, 1)');
    for (const v of ['a', 'b', 'c']) insert.run(v);
    valueRanks(db, q);
    const triggers = () => db.prepare("SELECT count(*) FROM temp.sqlite_master WHERE type = 'trigger'").pluck().get();
    expect(triggers()).toBe(3);
    db.transaction(() => {
      for (let i = 0; i < TOUCHED_MAX + 10; i++) insert.run(`v${i % 97}`);
    })();
    await new Promise((resolve) => setImmediate(resolve));
    expect(triggers()).toBe(0);
    const reads = rankReads.count;
    db.exec("UPDATE t SET v = 'zz' WHERE rowid = 2");
    expectPlainOrder();
    expect(rankReads.count).toBe(reads + 1);
    expect(triggers()).toBe(3);
    db.exec("UPDATE t SET v = 'a' WHERE rowid = 2");
    expectPlainOrder();
    expect(rankReads.count).toBe(reads + 1);
  });

  it('a temporary trigger dropped (the log no longer complete) makes the ranks read again', () => {
    for (const v of ['a', 'b', 'c']) db.prepare('INSERT INTO t (v, live) VALUES (?, 1)').run(v);
    valueRanks(db, q);
    const reads = rankReads.count;
    db.exec('DROP TRIGGER temp.grid_touched_t_update');
    db.exec("UPDATE t SET v = 'z' WHERE rowid = 1");
    expectPlainOrder();
    expect(rankReads.count).toBe(reads + 1);
  });

  it('a column whose index does not sort in binary order (NOCASE) keeps no values and is read again after a write', () => {
    db.exec('CREATE TABLE n (v TEXT COLLATE NOCASE); CREATE INDEX n_v ON n (v)');
    for (const v of ['a', 'b', 'c']) db.prepare('INSERT INTO n (v) VALUES (?)').run(v);
    const nq: RankQuery = { rowid: 'n.rowid', from: 'n', where: '1', column: 'n.v' };
    valueRanks(db, nq);
    const reads = rankReads.count;
    db.exec("UPDATE n SET v = 'B' WHERE rowid = 1");
    const ranks = valueRanks(db, nq)!;
    expect(rankReads.count).toBe(reads + 1);
    // 'B' and 'b' are one value to NOCASE (ordered by rowid): compareSqlite would have put 'B' before 'a'.
    const plain = db.prepare('SELECT rowid FROM n ORDER BY v, rowid').pluck().all() as number[];
    expect([1, 2, 3].sort((a, b) => ranks.ranks[a]! - ranks.ranks[b]! || a - b)).toEqual(plain);
  });
});

/** The runner's `set ranks` pages after edits through the app's one write path: the plain rows and order, the ranks patched. */
describe('set ranks pages after own edits', () => {
  const core = testCore();
  generate(core.context(), { enterprises: 1200, leads: 20, activities: 20 }, undefined, 5);
  const ids = (core.db.prepare('SELECT id FROM enterprises ORDER BY rowid').all() as { id: string }[]).map((r) => r.id);
  const edit = fc.oneof(
    fc.record({ at: fc.nat(), patch: fc.record({ building: fc.constantFrom(null, '1号楼', '龘号楼', 'A座', '0') }) }),
    fc.record({ at: fc.nat(), patch: fc.record({ kind: fc.constantFrom('core', 'startup', 'service') }) }),
    fc.record({ at: fc.nat(), patch: fc.record({ entry_date: fc.constantFrom(null, '2019-02-03', '1999-12-31', '2026-01-01') }) }),
    fc.record({ at: fc.nat(), patch: fc.record({ industry: fc.constantFrom('ai', 'other', 'cloud') }) }),
    fc.record({ at: fc.nat(), patch: fc.constant(null) }),
  );
  const sort = fc.record({ colId: fc.constantFrom('building', 'kind', 'entry_date', 'industry', 'status'), sort: fc.constantFrom('asc' as const, 'desc' as const) });
  const filterModel = { patents: { filterType: 'number', type: 'greaterThan', filter: 20 } } as GridFilterModel;

  it('every page equals the plain SQL after random edits, deletes and restores, with no ranks read again', () => {
    const saved = { ...planLimits };
    Object.assign(planLimits, { setMinRows: 0, setRowsMax: 0, setMaxShare: 1, walkBudgetFactor: 0, setWalkSteps: 0 });
    const runner = new GridRunner(enterprisesView);
    let version = 1;
    const samePage = (s: { colId: string; sort: 'asc' | 'desc' }, startRow: number) => {
      const req = { startRow, endRow: startRow + 30, sortModel: [s], filterModel } as GridRequest;
      const got = runner.run(core.db, req, ++version);
      const q = new GridRunner(enterprisesView).sqlFor(core.db, req);
      const plain = (core.db.prepare(q.plain.sql).all(...q.plain.params) as { id: string }[]).map((r) => r.id);
      expect(got.rows.map((r) => (r as { id: string }).id)).toEqual(plain);
      return q.plan;
    };
    try {
      const reads = new Map<string, number>();
      fc.assert(
        fc.property(fc.array(edit, { minLength: 1, maxLength: 5 }), sort, fc.nat({ max: 200 }), (edits, s, startRow) => {
          // The ranks of this column read once (first time), then kept through the edits.
          expect(samePage(s, 0)).toBe('set ranks');
          reads.set(s.colId, reads.get(s.colId) ?? rankReads.count);
          const before = rankReads.count;
          for (const e of edits) {
            const id = ids[e.at % ids.length]!;
            const deleted = (core.db.prepare('SELECT deleted FROM enterprises WHERE id = ?').pluck().get(id) as number) === 1;
            if (e.patch === null) core.call(deleted ? 'enterprises.restore' : 'enterprises.delete', { id } as never);
            else if (!deleted) core.call('enterprises.update', { id, patch: e.patch } as never);
          }
          expect(samePage(s, 0)).toBe('set ranks');
          samePage(s, startRow);
          expect(rankReads.count).toBe(before);
        }),
        { numRuns: 60, seed: 20261203 },
      );
    } finally {
      Object.assign(planLimits, saved);
    }
  }, 120_000);
});
