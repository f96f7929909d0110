import Database from 'better-sqlite3';
import fc from 'fast-check';
import { existsSync, readdirSync, readlinkSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { enterprisesView } from '../../src/core/enterprises/handlers';
import { GridRunner, planLimits, type GridFilterModel, type GridRequest } from '../../src/core/grid/query';
import { askRanks, awaitRanks, backgroundRanks, settleRanks, stopRankReader } from '../../src/core/grid/rank-reader';
import { dropKeptRanks, knownRanks, rankOrderLimits, rankReads, valueRanks, type RankQuery } from '../../src/core/grid/values';
import { generate } from '../../src/core/seed/seed';
import { testCore } from './helpers';
import { applyWrite, rankQuery, rankWrites, useRankTable, type RankWrite } from './grid-ranks-table';

/**
 * Ranks read on the worker thread (rank-reader.ts) while this connection goes on writing: what is kept
 * orders the live rows exactly as `ORDER BY column, rowid` once the connection's own writes since the
 * ask are patched in; an answer that cannot be brought up to date (another connection committed) is
 * not kept; and grid pages served with them equal the plain SQL.
 */
const { minRows, waitMs } = backgroundRanks;
beforeAll(() => {
  backgroundRanks.minRows = 0;
  // A loaded CI machine may take seconds to start the thread (through tsx); the tests wait for answers.
  backgroundRanks.waitMs = 60_000;
});
afterAll(() => {
  Object.assign(backgroundRanks, { minRows, waitMs });
});

describe('sort ranks read in the background', () => {
  let db: Database.Database;
  const q = rankQuery;
  const table = useRankTable('ranks-background-', stopRankReader);
  beforeEach(() => {
    db = table.db;
  });

  /** The kept ranks (none read on this thread) give the plain order of the live rows, equal values equal ranks. */
  function expectPlainOrder(): void {
    const reads = rankReads.count;
    const ranks = valueRanks(db, q)!;
    expect(rankReads.count).toBe(reads);
    const rows = db.prepare('SELECT rowid AS r, v FROM t WHERE live = 1 ORDER BY v, rowid').all() as { r: number; v: unknown }[];
    const byRank = [...rows].sort((a, b) => ranks.ranks[a.r]! - ranks.ranks[b.r]! || a.r - b.r).map((x) => x.r);
    expect(byRank).toEqual(rows.map((x) => x.r));
    for (let i = 1; i < rows.length; i++) {
      const same = db.prepare('SELECT ? IS ?').pluck().get(rows[i]!.v, rows[i - 1]!.v) === 1;
      expect(ranks.ranks[rows[i]!.r] === ranks.ranks[rows[i - 1]!.r]).toBe(same);
    }
  }

  const value = fc.oneof(fc.constantFrom('a', 'b', 'm', 'z', '龘', null), fc.integer({ min: -3, max: 3 }), fc.string({ maxLength: 3 }));
  const write = rankWrites(value);

  const apply = (w: RankWrite) => applyWrite(db, w);

  it("an answer of many distinct values comes with the column's whole order, read on the thread and handed over, and an own write leaves ranks without it", () => {
    const saved = rankOrderLimits.orderMinRanks;
    try {
      db.exec('DELETE FROM t');
      const insert = db.prepare('INSERT INTO t (v, live) VALUES (?, ?)');
      for (let i = 0; i < 300; i++) insert.run(i % 7 === 0 ? null : `v${(i * 37) % 101}`, i % 11 === 0 ? 0 : 1);
      dropKeptRanks(db);
      // The thread keeps the order from as many distinct values as the asking thread says (here: any).
      rankOrderLimits.orderMinRanks = 1;
      expect(askRanks(db, q, Infinity)).toBe(true);
      expect(awaitRanks(db, q)).toBe(true);
      const reads = rankReads.count;
      const ranks = valueRanks(db, q)!;
      expect(rankReads.count).toBe(reads);
      const plain = (db.prepare('SELECT rowid FROM t WHERE live = 1 ORDER BY v, rowid').pluck().all() as number[]);
      expect(Array.from(ranks.order!)).toEqual(plain);
      expectPlainOrder();
      apply({ op: 'insert', v: 'v50', live: true });
      const after = valueRanks(db, q);
      expect(after?.order).toBeUndefined();
      expectPlainOrder();
    } finally {
      rankOrderLimits.orderMinRanks = saved;
      dropKeptRanks(db);
    }
  });

  it('own writes between the ask and the answer are patched in: the kept ranks order the live rows as the plain SQL', () => {
    fc.assert(
      fc.property(fc.array(value, { minLength: 1, maxLength: 40 }), fc.array(write, { minLength: 0, maxLength: 8 }), (start, writes) => {
        db.exec('DELETE FROM t');
        const insert = db.prepare('INSERT INTO t (v, live) VALUES (?, 1)');
        for (const v of start) insert.run(v);
        // Ranks from an earlier run of the property would be caught up instead of asked for.
        dropKeptRanks(db);
        const kept = backgroundRanks.kept;
        expect(askRanks(db, q, Infinity)).toBe(true);
        for (const w of writes) apply(w);
        expect(awaitRanks(db, q)).toBe(true);
        expect(backgroundRanks.kept).toBe(kept + 1);
        expectPlainOrder();
      }),
      { numRuns: 60, seed: 20261202 },
    );
  });

  it('an answer is not kept when another connection committed after the ask (its ranks cannot be patched from this log)', () => {
    const insert = db.prepare('INSERT INTO t (v, live) VALUES (?, 1)');
    for (const v of ['b', 'a', 'c', 'a']) insert.run(v);
    const other = new Database(db.name);
    try {
      const kept = backgroundRanks.kept;
      expect(askRanks(db, q, Infinity)).toBe(true);
      other.prepare("INSERT INTO t (v, live) VALUES ('0', 1)").run();
      expect(awaitRanks(db, q)).toBe(true);
      expect(backgroundRanks.kept).toBe(kept);
      expect(knownRanks(db, q)).toBeNull();
      // Read here instead, with the other connection's row.
      const reads = rankReads.count;
      const ranks = valueRanks(db, q)!;
      expect(rankReads.count).toBe(reads + 1);
      expect(ranks.ranks[5]).toBe(1);
    } finally {
      other.close();
    }
  });

  it("an ask made before another connection's commit is made again after it (its answer could no longer be kept)", () => {
    const insert = db.prepare('INSERT INTO t (v, live) VALUES (?, 1)');
    for (const v of ['b', 'a', 'c']) insert.run(v);
    const other = new Database(db.name);
    try {
      expect(askRanks(db, q, Infinity)).toBe(true);
      other.prepare("INSERT INTO t (v, live) VALUES ('0', 1)").run();
      expect(askRanks(db, q, Infinity)).toBe(true);
      expect(awaitRanks(db, q)).toBe(true);
      expect(knownRanks(db, q)).not.toBeNull();
      expectPlainOrder();
    } finally {
      other.close();
    }
  });

  /** This process's open handles on the park file itself (not its -wal and -shm). */
  const handlesOnFile = (file = db.name) => readdirSync('/proc/self/fd').filter((fd) => {
    try {
      return readlinkSync(`/proc/self/fd/${fd}`) === file;
    } catch {
      return false; // closed meanwhile
    }
  }).length;

  it.runIf(existsSync('/proc/self/fd'))('a stop waits for a read in progress to close the file (a restore replaces it next); no read starts after it', () => {
    db.exec('WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 400000) INSERT INTO t (v, live) SELECT i % 977, 1 FROM n');
    const mine = handlesOnFile();
    expect(askRanks(db, q, Infinity)).toBe(true);
    // The thread opens the file for its read: looked for every millisecond (not spinning against the
    // thread on a loaded machine), and the count seen is the one judged (a later look may come after the read).
    const until = Date.now() + backgroundRanks.waitMs;
    const tick = new Int32Array(new SharedArrayBuffer(4));
    let seen = handlesOnFile();
    while (seen === mine && Date.now() < until) {
      Atomics.wait(tick, 0, 0, 1);
      seen = handlesOnFile();
    }
    expect(seen).toBe(mine + 1);
    stopRankReader(db);
    expect(knownRanks(db, q)).toBeNull(); // nothing came back for the old ask
    // SQLite keeps a closed connection's descriptor while another in the process holds a lock on the
    // file; once this one closes too, none may be left: the thread's connection is closed, not reading.
    const file = db.name;
    db.close();
    expect(handlesOnFile(file)).toBe(0);
  });

  it("an export's or a snapshot's read-only connection asks for nothing: a thread started for it would outlive the job", () => {
    db.prepare("INSERT INTO t (v, live) VALUES ('a', 1)").run();
    const reader = new Database(db.name, { readonly: true });
    try {
      expect(askRanks(reader, q, Infinity)).toBe(false);
      reader.exec('BEGIN');
      expect(askRanks(reader, q, Infinity)).toBe(false);
    } finally {
      reader.close();
    }
  });

  /** A table `w` of five indexed columns and `rows` live rows, and the rank query of each column. */
  function fiveColumns(rows: number): RankQuery[] {
    const columns = ['a', 'b', 'c', 'd', 'e'];
    db.exec(`CREATE TABLE w (${columns.join(', ')}, live INTEGER NOT NULL); ${columns.map((c) => `CREATE INDEX w_${c} ON w (${c}) WHERE live = 1;`).join(' ')}`);
    db.exec(`WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ${rows}) INSERT INTO w SELECT ${columns.map((_, k) => `(i * ${k + 7}) % 1009`).join(', ')}, 1 FROM n`);
    return columns.map((c): RankQuery => ({ rowid: 'w.rowid', from: 'w', where: 'w.live = 1', column: `w.${c}` }));
  }

  it('the column a page waits for is read before the columns asked earlier', () => {
    const qs = fiveColumns(50_000);
    const answered = backgroundRanks.answered;
    // Asked in a row, then waited for at once: the thread (started by the first ask, 0.2 s at least)
    // has read nothing yet, and reads the wanted column first.
    for (const x of qs) expect(askRanks(db, x, Infinity)).toBe(true);
    const last = qs[4]!;
    expect(awaitRanks(db, last)).toBe(true);
    expect(knownRanks(db, last)).not.toBeNull();
    // Taken within 2 ms of its arrival: at most the read after it (tens of ms each) can have ended too.
    expect(qs.slice(0, 4).filter((x) => knownRanks(db, x)).length).toBeLessThanOrEqual(1);
    expect(settleRanks(db)).toBe(true);
    expect(backgroundRanks.answered).toBe(answered + 5);
    for (const x of qs) expect(knownRanks(db, x)).not.toBeNull();
  });

  it.runIf(existsSync('/proc/self/fd'))('a page that will not wait behind another read reads its column itself, and the thread does not read it', () => {
    const qs = fiveColumns(150_000);
    const [first, , , , last] = qs;
    const answered = backgroundRanks.answered;
    const mine = handlesOnFile();
    expect(askRanks(db, first!, Infinity)).toBe(true);
    // The thread is reading the first column (its own connection on the file: a read of 150,000 rows).
    const until = Date.now() + backgroundRanks.waitMs;
    const tick = new Int32Array(new SharedArrayBuffer(4));
    while (handlesOnFile() === mine && Date.now() < until) Atomics.wait(tick, 0, 0, 1);
    expect(askRanks(db, last!, Infinity)).toBe(true);
    expect(awaitRanks(db, last!)).toBe(false);
    // One more ask, read after anything still queued: the thread answers it and the first, not the last.
    expect(askRanks(db, qs[1]!, Infinity)).toBe(true);
    expect(settleRanks(db)).toBe(true);
    expect(backgroundRanks.answered).toBe(answered + 2);
    expect(knownRanks(db, first!)).not.toBeNull();
    expect(knownRanks(db, last!)).toBeNull();
  });

  it('a small park asks for nothing (its ranks are read on the request path as before)', () => {
    backgroundRanks.minRows = 1_000;
    try {
      expect(askRanks(db, q, 999)).toBe(false);
    } finally {
      backgroundRanks.minRows = 0;
    }
  });
});

describe('grid pages with ranks read in the background', () => {
  const saved = { ...planLimits };
  afterEach(() => Object.assign(planLimits, saved));

  afterEach(() => {
    backgroundRanks.ahead = true;
  });

  // Three ways ranks are asked for: a walk that met more entries than slowSetWalkSteps asks after its page
  // (the pages after it find them), a walk that spends its whole budget asks and waits for them, and a
  // grid's first page asks ahead for its columns (few values, numbers and dates, then text). With them kept, a large
  // set is walked first and ordered by them only if the walk spends its budget: with no budget, every
  // time; with a budget of 200 entries (every column has ranks now, names too), first pages of unrelated sorts meet their rows, others hand over.
  for (const [way, limits, ahead, expectPlans] of [
    ['a walk slower than a page asks for them after its page', { slowSetWalkSteps: 0 }, false, ['set ranks']],
    ['a walk that spends its budget waits for them', { walkBudgetFactor: 0, setWalkSteps: 0 }, false, ['set ranks']],
    ['the first page asks ahead', {}, true, ['set ranks']],
    ['the first page asks ahead, and large sets are walked first', { walkBudgetFactor: 0, walkBudgetMin: 0, rankOrderWalkRatio: 0.001 }, true, ['set ranks']],
    ['the first page asks ahead, and walks with the ranks kept meet some pages', { walkBudgetFactor: 0, walkBudgetMin: 200, rankOrderWalkRatio: 0.001 }, true, ['set ranks', 'sort index, set']],
  ] as const) {
    it(`${way}; pages ordered by them equal the plain SQL for every sort`, { timeout: 120_000 }, () => {
      backgroundRanks.ahead = ahead;
      const core = testCore();
      try {
        generate(core.context(), { enterprises: 600, leads: 0, activities: 0 });
        const db = core.db;
        // A small park takes the big park's plans (each gives the same rows; only the cost differs).
        Object.assign(planLimits, { setMinRows: 1, setRowsMax: 0, setMaxShare: 1, segmentSetSteps: 0, ...limits });
        const grid = new GridRunner(enterprisesView);
        const filters: GridFilterModel[] = [
          { status: { filterType: 'text', type: 'equals', filter: 'settled' }, area_m2: { filterType: 'number', type: 'greaterThan', filter: 300 } },
          { kind: { filterType: 'text', type: 'equals', filter: 'startup' } },
        ];
        const plain = (req: GridRequest) => {
          const sql = grid.sqlFor(db, req).plain;
          return (db.prepare(sql.sql).all(...sql.params) as { id: string }[]).map((r) => r.id);
        };
        const reads = rankReads.count;
        const kept = backgroundRanks.kept;
        const sortable = Object.entries(enterprisesView.columns).filter(([, c]) => c.sortable).map(([id]) => id);
        const plans = new Set<string>();
        if (ahead) {
          // The grid opens: its first page asks for the ranks of every sortable column, names and codes too.
          const v = enterprisesView;
          const rankOf = (c: string) => knownRanks(db, { rowid: v.rowid, from: v.from, where: v.where, column: v.columns[c]!.sql });
          const aheadColumns = sortable;
          expect(aheadColumns).toContain('building');
          expect(aheadColumns).toContain('name');
          expect(aheadColumns).toContain('uscc');
          const askedAhead = backgroundRanks.askedAhead;
          grid.run(db, { startRow: 0, endRow: 40, sortModel: [], filterModel: {} }, 1);
          expect(backgroundRanks.askedAhead).toBe(askedAhead + aheadColumns.length);
          expect(settleRanks(db)).toBe(true);
          for (const c of sortable) expect(rankOf(c) !== null).toBe(aheadColumns.includes(c));
          // Once per state of the data: the next page asks nothing more.
          grid.run(db, { startRow: 40, endRow: 80, sortModel: [], filterModel: {} }, 1);
          expect(backgroundRanks.askedAhead).toBe(askedAhead + aheadColumns.length);
        }
        for (const filterModel of filters) {
          for (const colId of sortable) {
            for (const sort of ['asc', 'desc'] as const) {
              for (const [i, startRow] of [0, 40, 0, 80].entries()) {
                const page = { startRow, endRow: startRow + 40, sortModel: [{ colId, sort }], filterModel } as GridRequest;
                expect(grid.run(db, page, 1).rows.map((r) => (r as { id: string }).id)).toEqual(plain(page));
                plans.add(grid.sqlFor(db, page).plan);
                // The pages after the first find what it asked for, however slowly the thread answered
                // (on a loaded machine no page may come late enough by itself: CI failed so once).
                if (i === 0) expect(settleRanks(db)).toBe(true);
              }
            }
          }
        }
        // Every sort's ranks came from the worker (none read on this thread), and pages were ordered by them.
        expect(rankReads.count).toBe(reads);
        expect(backgroundRanks.kept).toBeGreaterThan(kept);
        for (const plan of expectPlans) expect([...plans], way).toContain(plan);
        stopRankReader(db);
      } finally {
        core.close();
      }
    });
  }
});
