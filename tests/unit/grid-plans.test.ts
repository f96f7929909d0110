import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { enterprisesView } from '../../src/core/enterprises/handlers';
import { GridRunner, planLimits, walkStops, type GridFilterModel, type GridRequest } from '../../src/core/grid/query';
import { readSetKeys, RowSet, SetKeys } from '../../src/core/grid/sets';
import { bitsByRanks, rankSplits, setsByRanks } from '../../src/core/grid/rank-filter';
import { dropKeptRanks, knownRanksWithValues, ownWrite, rankOrderLimits, rankPatches, rankReads, rankScans, valueRanks } from '../../src/core/grid/values';
import { generate } from '../../src/core/seed/seed';
import { testCore } from './helpers';

/**
 * The grid's page plans (segment indexes merged, the sort index walked with the filter tested per row,
 * the filter's own index) against the plain SQL: for random filters, sorts and paging on a generated
 * park, every page has exactly the rows, in exactly the order (ties included), of one plain
 * `WHERE filter ORDER BY sort, rowid`, and the count is exact.
 */
function park() {
  const core = testCore();
  generate(core.context(), { enterprises: 2500, leads: 100, activities: 100 }, undefined, 11);
  // Ties and NULLs in every sort column, and deleted rows the plans must not serve.
  const ids = (core.db.prepare("SELECT id FROM enterprises WHERE deleted = 0 AND kind <> 'startup' ORDER BY rowid LIMIT 120").all() as { id: string }[]).map((r) => r.id);
  for (const id of ids.slice(0, 40)) core.call('enterprises.update', { id, patch: { revenue: null, headcount: null, area_m2: null, building: null } } as never);
  for (const id of ids.slice(40, 80)) core.call('enterprises.update', { id, patch: { revenue: 1_000_000, tax: 0, patents: 3 } } as never);
  for (const id of ids.slice(80, 110)) core.call('enterprises.delete', { id });
  return core;
}

const sortable = Object.entries(enterprisesView.columns).filter(([, c]) => c.sortable).map(([id]) => id);
const statusWords = ['在孵', 'incubating', 'Settled', '迁出', 'graduated', '毕业', 'core', 'startup', '服务机构', 'x'];

const text = (type: string, filter: string) => ({ filterType: 'text', type, filter });
const filterPart = fc.oneof(
  // Pick lists (one or more codes), typed labels, negations and blanks on the segment columns.
  { weight: 4, arbitrary: fc.record({ col: fc.constantFrom('status', 'kind'), words: fc.subarray(statusWords, { minLength: 1, maxLength: 3 }), type: fc.constantFrom('equals', 'equals', 'contains', 'notEqual', 'notContains', 'blank') }).map(({ col, words, type }) => ({
    [col]: text(type, type === 'contains' || type === 'notContains' ? words[0]! : words.join(',')),
  })) },
  fc.record({ a: fc.constantFrom('在孵', 'settled'), b: fc.constantFrom('迁出', 'graduated', 'core') }).map(({ a, b }) => ({ status: { filterType: 'text', operator: 'OR', conditions: [text('equals', a), text('equals', b)] } })),
  fc.constantFrom('ai', 'bigdata', 'other', 'cloud').map((v) => ({ industry: text('equals', v) })),
  fc.record({ col: fc.constantFrom('revenue', 'headcount', 'patents', 'area_m2'), type: fc.constantFrom('greaterThan', 'lessThan', 'inRange', 'blank', 'notEqual'), v: fc.integer({ min: 0, max: 40_000_000 }) }).map(({ col, type, v }) => ({
    [col]: { filterType: 'number', type, filter: col === 'revenue' ? v : v % 200, filterTo: col === 'revenue' ? v * 2 : (v % 200) * 3 },
  })),
  fc.constantFrom('数据', '科技', '1A', '园', 'a').map((v) => ({ name: text('contains', v) })),
  fc.constantFrom('91', '52').map((v) => ({ uscc: text('startsWith', v) })),
  fc.record({ type: fc.constantFrom('inRange', 'blank', 'notBlank', 'greaterThan'), y: fc.integer({ min: 2016, max: 2026 }) }).map(({ type, y }) => ({ exit_date: { filterType: 'date', type, dateFrom: `${y}-01-01`, dateTo: `${y + 2}-06-30` } })),
);

/** The earliest qualification expiry: a generated column with its own index (migration 0014). */
const qualificationPart = fc.record({ type: fc.constantFrom('inRange', 'inRange', 'blank', 'notBlank', 'lessThan', 'greaterThan', 'equals'), y: fc.integer({ min: 2017, max: 2025 }) }).map(({ type, y }) => ({
  qualification_expires: { filterType: 'date', type, dateFrom: type === 'equals' ? `${y}-03-01` : `${y}-01-01`, dateTo: `${y}-12-31` },
}));

const request = fc.record({
  sort: fc.option(fc.record({ colId: fc.constantFrom(...sortable), sort: fc.constantFrom('asc' as const, 'desc' as const) }), { nil: undefined }),
  filters: fc.array(filterPart, { minLength: 0, maxLength: 2 }),
  quick: fc.option(fc.constantFrom('数据', '科技园', '智能'), { freq: 6, nil: undefined }),
  pageSize: fc.constantFrom(7, 50, 100),
  jump: fc.nat(),
});

describe('grid page plans equal the plain SQL', () => {
  const core = park();
  const probe = new GridRunner(enterprisesView);

  /** Writes between requests: a status or kind changed (the kept ranks are patched), a record deleted and restored. */
  const rankWrite = fc.option(fc.record({ at: fc.nat(400), status: fc.constantFrom('settled', 'graduated', 'exited'), kind: fc.constantFrom('startup', 'service'), del: fc.boolean() }), { freq: 2, nil: undefined });
  /** Enterprises whose status and kind those writes may set (not core, no incubation record: the rules allow any). */
  const writableIds = () => (core.db.prepare("SELECT id FROM enterprises e WHERE deleted = 0 AND kind <> 'core' AND NOT EXISTS (SELECT 1 FROM incubations i WHERE i.enterprise_id = e.id) ORDER BY rowid DESC LIMIT 401").all() as { id: string }[]).map((r) => r.id);
  const applyWrite = (ids: string[], w: { at: number; status: string; kind: string; del: boolean } | undefined) => {
    if (!w) return;
    const id = ids[w.at]!;
    core.call('enterprises.update', { id, patch: { status: w.status, kind: w.kind } } as never);
    if (w.del) {
      core.call('enterprises.delete', { id });
      core.call('enterprises.restore', { id });
    }
  };

  /** Pages of a request (first, scrolled by keyset, jumped to) against the plain query; returns the plan. */
  function samePages({ sort, filters, quick, pageSize, jump }: { sort?: GridRequest['sortModel'][number]; filters: object[]; quick?: string; pageSize: number; jump: number }, reference = probe): string {
    const filterModel = Object.assign({}, ...filters) as unknown as GridFilterModel;
    const base: GridRequest = { startRow: 0, endRow: pageSize, sortModel: sort ? [sort] : [], filterModel, ...(quick ? { quickFilter: quick } : {}) };
    const q = { ...reference.sqlFor(core.db, base), plan: probe.sqlFor(core.db, base).plan };
    const all = (core.db.prepare(q.plain.sql).all(...q.plain.params.slice(0, -2), 1e9, 0) as { id: string }[]).map((r) => r.id);
    const page = (startRow: number) => core.call('enterprises.rows', { ...base, startRow, endRow: startRow + pageSize } as never) as { rows: { id: string }[]; count: number };
    const seen: string[] = [];
    const pages = Math.max(1, Math.min(4, Math.ceil(all.length / pageSize)));
    for (let p = 0; p < pages; p++) {
      const got = page(p * pageSize);
      expect(got.count).toBe(all.length);
      seen.push(...got.rows.map((r) => r.id));
    }
    expect(seen).toEqual(all.slice(0, pages * pageSize));
    const at = all.length ? jump % all.length : 0;
    expect(page(at).rows.map((r) => r.id)).toEqual(all.slice(at, at + pageSize));
    return q.plan;
  }

  it('filters on the qualification expiry (an indexed generated column), alone and with another, have the plain rows and order', () => {
    const plans = new Map<string, number>();
    fc.assert(
      fc.property(request, qualificationPart, (req, qualification) => {
        const plan = samePages({ ...req, filters: [qualification, ...req.filters.slice(0, 1)] });
        plans.set(plan, (plans.get(plan) ?? 0) + 1);
      }),
      { numRuns: 120, seed: 20261214 },
    );
    console.log('qualification expiry plans:', Object.fromEntries(plans));
    expect(plans.size).toBeGreaterThan(2);
  }, 120_000);

  it('every page (first, scrolled by keyset, jumped to) has the plain query rows and order, for random filters and sorts', () => {
    const plans = new Map<string, number>();
    fc.assert(
      fc.property(request, (req) => {
        const plan = samePages(req);
        plans.set(plan, (plans.get(plan) ?? 0) + 1);
      }),
      { numRuns: 260, seed: 20261201 },
    );
    console.log('grid plans exercised:', Object.fromEntries(plans));
    // Each plan ran on enough cases for the property to say something about it.
    expect(plans.get('segments') ?? 0).toBeGreaterThan(30);
    expect(plans.get('sort index') ?? 0).toBeGreaterThan(20);
    expect(plans.get('filter index') ?? 0).toBeGreaterThan(10);
    expect(plans.get('scan') ?? 0).toBeGreaterThan(8);
    expect(plans.get('sort index, search probed') ?? 0).toBeGreaterThan(10);
  }, 120_000);

  it('the sort index walked with the filter probed, and walks stopped by their budget, have the plain rows and order', () => {
    // Limits lowered so that a park of 2,500 takes these plans as a million rows would (same rows, other cost).
    const saved = { ...planLimits };
    Object.assign(planLimits, { filterSortMaxRows: 10, probeShare: 0.04, walkBudgetFactor: 3, walkBudgetMin: 30 });
    const plans = new Map<string, number>();
    const stopsBefore = walkStops.count;
    let walks = 0;
    try {
      fc.assert(
        fc.property(request, (req) => {
          const before = walkStops.count;
          const plan = samePages(req);
          plans.set(plan, (plans.get(plan) ?? 0) + 1);
          if (plan === 'sort index' && walkStops.count === before) walks++;
        }),
        { numRuns: 200, seed: 20261202 },
      );
    } finally {
      Object.assign(planLimits, saved);
    }
    console.log('plans with lowered limits:', Object.fromEntries(plans), 'walks stopped:', walkStops.count - stopsBefore, 'walks within budget:', walks);
    expect(plans.get('sort index, filter probed') ?? 0).toBeGreaterThan(5);
    expect(walkStops.count - stopsBefore).toBeGreaterThan(5);
    expect(walks).toBeGreaterThan(5);
  }, 120_000);

  it('contains on a column of few values (building, unit) picks the values that contain the text: the rows and order of LIKE on every row', () => {
    // The reference: the same view with LIKE tested on every row (no value list).
    const likeView = { ...enterprisesView, columns: Object.fromEntries(Object.entries(enterprisesView.columns).map(([id, c]) => [id, { ...c, fewValues: false }])) };
    const reference = new GridRunner(likeView);
    const units = (core.db.prepare('SELECT DISTINCT unit FROM enterprises WHERE deleted = 0 AND unit IS NOT NULL LIMIT 5').all() as { unit: string }[]).map((r) => r.unit);
    const few = fc.record({ col: fc.constantFrom('building', 'unit'), v: fc.constantFrom('号楼', '1', '0', '5号', 'A', '%', '_', '\\', ...units, ...units.map((u) => u.slice(1))) });
    const plans = new Map<string, number>();
    let rows = 0;
    fc.assert(
      fc.property(request, few, (req, { col, v }) => {
        const plan = samePages({ ...req, filters: [{ [col]: text('contains', v) }, ...req.filters.slice(0, 1)] }, reference);
        plans.set(plan, (plans.get(plan) ?? 0) + 1);
        rows += reference.run(core.db, { startRow: 0, endRow: 1, sortModel: [], filterModel: { [col]: text('contains', v) } as never }, 1).count > 0 ? 1 : 0;
      }),
      { numRuns: 120, seed: 20261215 },
    );
    console.log('few-values contains plans:', Object.fromEntries(plans));
    // Most cases match some rows (the property is about rows, not empty pages).
    expect(rows).toBeGreaterThan(60);
    const steps = (core.db.prepare(`EXPLAIN QUERY PLAN ${probe.sqlFor(core.db, { startRow: 0, endRow: 10, sortModel: [], filterModel: { unit: text('contains', units[0]!) } as never }).count.sql}`).all(units[0]!.length ? `%${units[0]}%` : '%') as { detail: string }[]).map((r) => r.detail);
    expect(steps.join('; ')).toMatch(/enterprises_unit \(unit=\?\)/);
  }, 120_000);

  it('a probed rowid set follows writes: a row that enters the filter after a page was served', () => {
    const saved = { ...planLimits };
    Object.assign(planLimits, { filterSortMaxRows: 0, probeShare: 1 });
    try {
      const req = { startRow: 0, endRow: 20, sortModel: [{ colId: 'revenue', sort: 'desc' }], filterModel: { patents: { filterType: 'number', type: 'greaterThan', filter: 150 } } } as GridRequest;
      const plain = () => {
        const q = probe.sqlFor(core.db, req);
        expect(q.plan).toBe('sort index, filter probed');
        return (core.db.prepare(q.plain.sql).all(...q.plain.params) as { id: string }[]).map((r) => r.id);
      };
      const rows = () => (core.call('enterprises.rows', req as never) as { rows: { id: string }[] }).rows.map((r) => r.id);
      expect(rows()).toEqual(plain());
      // An enterprise outside the filter joins it with the highest revenue: the kept set must not hide it.
      const outside = core.db.prepare('SELECT id FROM enterprises WHERE deleted = 0 AND (patents IS NULL OR patents <= 150) LIMIT 1').get() as { id: string };
      core.call('enterprises.update', { id: outside.id, patch: { patents: 999, revenue: 9_500_000_000 } } as never);
      const after = rows();
      expect(after[0]).toBe(outside.id);
      expect(after).toEqual(plain());
    } finally {
      Object.assign(planLimits, saved);
    }
  });

  it('plans over an in-memory row set (ordered in memory by its kept sort keys, or tested per entry of the sort index or the table; segments for status and kind alone) have the plain rows and order', () => {
    // Limits lowered so that a park of 2,500 takes the row-set plans as a million rows would.
    const saved = { ...planLimits };
    Object.assign(planLimits, { setMinRows: 0, setRowsMax: 60, setMaxShare: 0.6 });
    const plans = new Map<string, number>();
    try {
      fc.assert(
        fc.property(request, (req) => {
          const plan = samePages(req);
          plans.set(plan, (plans.get(plan) ?? 0) + 1);
        }),
        { numRuns: 260, seed: 20261216 },
      );
    } finally {
      Object.assign(planLimits, saved);
    }
    console.log('row-set plans:', Object.fromEntries(plans));
    expect(plans.get('set keys') ?? 0).toBeGreaterThan(10);
    expect(plans.get('sort index, set') ?? 0).toBeGreaterThan(20);
    expect(plans.get('segments') ?? 0).toBeGreaterThan(4);
    expect(plans.get('set rowids') ?? 0).toBeGreaterThan(5);
  }, 120_000);

  it('with no sort, a page of a row set is its slice of the members, at any depth: not a walk of the table from its first row', () => {
    const saved = { ...planLimits };
    Object.assign(planLimits, { setMinRows: 0, setRowsMax: 60, setMaxShare: 0.6 });
    try {
      const req = { startRow: 0, endRow: 50, sortModel: [], filterModel: { industry: text('equals', 'bigdata') } } as unknown as GridRequest;
      const plain = probe.sqlFor(core.db, req).plain;
      const all = { rows: core.db.prepare(plain.sql).all(...plain.params.slice(0, -2), 1e9, 0) as { id: string }[] };
      expect(all.rows.length).toBeGreaterThan(250);
      const deep = { ...req, startRow: 200, endRow: 250 };
      core.call('enterprises.rows', deep as never);
      const q = probe.sqlFor(core.db, deep);
      expect(q.plan).toBe('set rowids');
      // Its rows by rowid (the walk with OFFSET met the 200 members before it, and every other row between, again).
      expect(q.page.sql).not.toMatch(/OFFSET|grid_in/);
      expect(JSON.parse(q.page.params[0] as string)).toHaveLength(50);
      expect((core.call('enterprises.rows', deep as never) as { rows: { id: string }[] }).rows.map((r) => r.id)).toEqual(all.rows.slice(200, 250).map((r) => r.id));
    } finally {
      Object.assign(planLimits, saved);
    }
  });

  it('segments walked with a row set (a filter on status or kind and another column), and such walks stopped by their budget, have the plain rows and order', () => {
    const saved = { ...planLimits };
    const plans = new Map<string, number>();
    const stopsBefore = walkStops.count;
    const segmentPart = filterPart.filter((f) => 'status' in f || 'kind' in f);
    const otherPart = filterPart.filter((f) => !('status' in f) && !('kind' in f));
    try {
      fc.assert(
        // A set ordered at once by kept ranks is not walked along its segments (query.ts): at ratio 0 every
        // set is walked first; at the app's ratio the smaller sets are ordered by their ranks instead.
        fc.property(request, segmentPart, otherPart, fc.constantFrom(40, 400, 20_000), fc.constantFrom(0, saved.rankOrderWalkRatio), (req, seg, other, steps, ratio) => {
          Object.assign(planLimits, { setMinRows: 0, setRowsMax: 0, setMaxShare: 1, segmentSetSteps: steps, rankOrderWalkRatio: ratio });
          const plan = samePages({ ...req, filters: [seg, other] });
          plans.set(`${plan} @${ratio ? 'app' : 0}`, (plans.get(`${plan} @${ratio ? 'app' : 0}`) ?? 0) + 1);
        }),
        { numRuns: 400, seed: 20261217 },
      );
    } finally {
      Object.assign(planLimits, saved);
    }
    console.log('segments with a row set:', Object.fromEntries(plans), 'walks stopped:', walkStops.count - stopsBefore);
    expect(plans.get('segments, set @0') ?? 0).toBeGreaterThan(40);
    expect(plans.get('set ranks @app') ?? 0).toBeGreaterThan(plans.get('set ranks @0') ?? 0);
    expect(walkStops.count - stopsBefore).toBeGreaterThan(10);
  }, 120_000);

  it('a filter change reads its count and its row set in one pass over the matches; a filter too broad for a set is counted alone', () => {
    // A connection of its own, so that every statement the runner prepares is seen (they are cached per connection).
    const own = testCore();
    generate(own.context(), { enterprises: 400, leads: 10, activities: 10 }, undefined, 5);
    const saved = { ...planLimits };
    Object.assign(planLimits, { setMinRows: 0, setRowsMax: 20, setMaxShare: 0.3 });
    const ran: string[] = [];
    const prepare = own.db.prepare.bind(own.db);
    own.db.prepare = ((sql: string) => (ran.push(sql), prepare(sql))) as typeof own.db.prepare;
    try {
      const runner = new GridRunner(enterprisesView);
      const total = (prepare('SELECT count(*) AS n FROM enterprises WHERE deleted = 0').get() as { n: number }).n;
      const cases = [
        { industry: text('equals', 'ai') },
        { patents: { filterType: 'number', type: 'greaterThan', filter: 40 } },
        { name: text('contains', '数据') },
        { revenue: { filterType: 'number', type: 'notBlank' } },
      ] as GridFilterModel[];
      let version = 1;
      const shares: number[] = [];
      for (const filterModel of cases) {
        for (const sort of [{ colId: 'revenue', sort: 'desc' }, { colId: 'name', sort: 'asc' }] as const) {
          ran.length = 0;
          const req = { startRow: 0, endRow: 15, sortModel: [sort], filterModel } as GridRequest;
          const got = runner.run(own.db, req, ++version);
          const plain = runner.sqlFor(own.db, { ...req, startRow: 0, endRow: 1_000_000 });
          const all = (prepare(plain.plain.sql).all(...plain.plain.params) as { id: string }[]).map((r) => r.id);
          expect(got.count).toBe(all.length);
          expect(got.rows.map((r) => (r as { id: string }).id)).toEqual(all.slice(0, 15));
          const counts = ran.filter((sql) => /^SELECT count\(\*\)/.test(sql) && sql.includes('AND ('));
          const setReads = ran.filter((sql) => /^SELECT e\.rowid FROM/.test(sql));
          const share = all.length / total;
          shares.push(share);
          // The filter's matches are read once, counted as the set is collected (a filter's first request
          // prepares every statement it runs: they are cached per connection after it).
          if (sort.colId === 'revenue') {
            expect(ran.filter((sql) => sql.includes('grid_collect')).length, JSON.stringify(filterModel)).toBe(1);
            expect(counts, JSON.stringify(filterModel)).toEqual([]);
          }
          expect(setReads, JSON.stringify(filterModel)).toEqual([]);
          expect(runner.sqlFor(own.db, req).plan.includes('set'), JSON.stringify(filterModel)).toBe(all.length <= 20 || share < 0.3);
        }
      }
      // Both kinds of filter were met: under the cap (a set) and over it (no set).
      expect(shares.some((s) => s < 0.3)).toBe(true);
      expect(shares.some((s) => s >= 0.3)).toBe(true);
    } finally {
      own.db.prepare = prepare;
      Object.assign(planLimits, saved);
      own.close();
    }
  });

  it('a small set orders its members in memory as SQLite orders them: NULLs, numbers, text by UTF-8 bytes, ties by rowid', () => {
    const values: unknown[] = [null, 3, 2.5, -1, 0, 10, '', 'a', 'B', '数据', '数', '\u{1F600}', '\uFFFD', '\uE000', 'a\u{10000}', 'a\uFFFF', 3, 'a', null];
    const rowids = values.map((_, i) => 100 - i * 3);
    const keys = new SetKeys(rowids, new Map([['v', values]]));
    core.db.exec('CREATE TEMP TABLE key_order (r INTEGER PRIMARY KEY, v)');
    const insert = core.db.prepare('INSERT INTO temp.key_order VALUES (?, ?)');
    values.forEach((v, i) => insert.run(rowids[i], v));
    for (const dir of ['asc', 'desc'] as const) {
      const sqlite = (core.db.prepare(`SELECT r FROM temp.key_order ORDER BY v ${dir}, r ${dir}`).pluck().all() as number[]);
      expect(keys.page('v', dir, 0, 100), dir).toEqual(sqlite);
      expect(keys.page('v', dir, 5, 4), dir).toEqual(sqlite.slice(5, 9));
    }
    expect(keys.page(null, 'asc', 0, 100)).toEqual([...rowids].sort((a, b) => a - b));
    core.db.exec('DROP TABLE temp.key_order');
  });

  it('a small set reads its keys in the order of names (SQLite sorts them as they are read): a sort by name compares no strings, and has the plain rows and order', () => {
    const filter = "e.deleted = 0 AND e.industry = 'bigdata'";
    const rowids = core.db.prepare(`SELECT e.rowid FROM enterprises e WHERE ${filter}`).pluck().all() as number[];
    const set = new RowSet(rowids, rowids.length);
    readSetKeys(core.db, set, { rowid: 'e.rowid', from: 'enterprises e', columns: ['e.name', 'e.revenue'], orderBy: 'e.name' });
    // Made as the keys were read, before any page asked for it.
    expect(set.keys!.ordered()).toEqual(['e.name']);
    for (const dir of ['asc', 'desc'] as const) {
      const sqlite = core.db.prepare(`SELECT e.rowid FROM enterprises e WHERE ${filter} ORDER BY e.name ${dir}, e.rowid ${dir}`).pluck().all() as number[];
      expect(set.keys!.page('e.name', dir, 0, 1e9), dir).toEqual(sqlite);
      expect(set.keys!.page('e.name', dir, 7, 30), dir).toEqual(sqlite.slice(7, 37));
    }
    // The runner reads them so: after a filter change, the first sort by name adds no order to the set.
    const saved = { ...planLimits };
    Object.assign(planLimits, { setMinRows: 0, setRowsMax: 400, setMaxShare: 0.6 });
    try {
      const runner = new GridRunner(enterprisesView);
      const filterModel = { industry: text('equals', 'bigdata') } as unknown as GridFilterModel;
      runner.run(core.db, { startRow: 0, endRow: 50, sortModel: [], filterModel } as GridRequest, 1);
      const held = runner.rowSetBytes();
      const byName = runner.run(core.db, { startRow: 0, endRow: 50, sortModel: [{ colId: 'name', sort: 'asc' }], filterModel } as GridRequest, 1) as { rows: { id: string }[] };
      expect(runner.sqlFor(core.db, { startRow: 0, endRow: 50, sortModel: [{ colId: 'name', sort: 'asc' }], filterModel } as GridRequest).plan).toBe('set keys');
      expect(runner.rowSetBytes()).toBe(held);
      const ids = core.db.prepare(`SELECT id FROM enterprises e WHERE ${filter} ORDER BY e.name, e.rowid LIMIT 50`).pluck().all();
      expect(byName.rows.map((r) => r.id)).toEqual(ids);
      // A sort by another column makes its order then (4 bytes a member).
      runner.run(core.db, { startRow: 0, endRow: 50, sortModel: [{ colId: 'uscc', sort: 'asc' }], filterModel } as GridRequest, 1);
      expect(runner.rowSetBytes()).toBe(held + 4 * rowids.length);
    } finally {
      Object.assign(planLimits, saved);
    }
    // Other columns are still ordered on demand, from the keys in name order, by (key, rowid).
    const byRevenue = core.db.prepare(`SELECT e.rowid FROM enterprises e WHERE ${filter} ORDER BY e.revenue, e.rowid`).pluck().all() as number[];
    expect(set.keys!.page('e.revenue', 'asc', 0, 1e9)).toEqual(byRevenue);
    expect(set.keys!.page(null, 'asc', 0, 1e9)).toEqual([...rowids].sort((a, b) => a - b));
  });

  it('a small set sorted by a column whose ranks are kept is ordered by them (a radix sort), not by comparing its keys', () => {
    const saved = { ...planLimits };
    Object.assign(planLimits, { setMinRows: 0, setRowsMax: 400, setMaxShare: 0.6 });
    try {
      const runner = new GridRunner(enterprisesView);
      const filterModel = { industry: text('equals', 'bigdata') } as unknown as GridFilterModel;
      for (const colId of ['building', 'revenue']) {
        const req = { startRow: 0, endRow: 50, sortModel: [{ colId, sort: 'desc' }], filterModel } as GridRequest;
        runner.run(core.db, { ...req, sortModel: [] }, 1);
        // Without kept ranks the set's keys serve; once the column's ranks are read, they do.
        dropKeptRanks(core.db);
        expect(runner.sqlFor(core.db, req).plan, colId).toBe('set keys');
        valueRanks(core.db, { rowid: 'e.rowid', from: enterprisesView.from, where: enterprisesView.where, column: enterprisesView.columns[colId]!.sql });
        expect(runner.sqlFor(core.db, req).plan, colId).toBe('set ranks');
        const plain = runner.sqlFor(core.db, { ...req, endRow: 1e9 }).plain;
        const all = (core.db.prepare(plain.sql).all(...plain.params) as { id: string }[]).map((r) => r.id);
        expect(all.length).toBeGreaterThan(100);
        expect(all.length).toBeLessThanOrEqual(400);
        for (const startRow of [0, 50, 90]) {
          const got = runner.run(core.db, { ...req, startRow, endRow: startRow + 50 }, 1) as { rows: { id: string }[] };
          expect(got.rows.map((r) => r.id), `${colId} from ${startRow}`).toEqual(all.slice(startRow, startRow + 50));
        }
      }
    } finally {
      // The tests after this one choose their plans without kept ranks.
      dropKeptRanks(core.db);
      Object.assign(planLimits, saved);
    }
  });

  it('a filter every live row meets serves the unfiltered pages, with the plain rows and order', () => {
    const saved = { ...planLimits };
    Object.assign(planLimits, { setMinRows: 0 });
    try {
      everyRow();
    } finally {
      Object.assign(planLimits, saved);
    }
  });

  function everyRow() {
    for (const sort of [undefined, { colId: 'revenue', sort: 'desc' as const }, { colId: 'name', sort: 'asc' as const }]) {
      const filters = [{ name: text('contains', '') }];
      const base = { startRow: 0, endRow: 10, sortModel: sort ? [sort] : [], filterModel: filters[0] } as GridRequest;
      expect(probe.sqlFor(core.db, base).plan).toBe('every row');
      samePages({ sort, filters, pageSize: 50, jump: 777 });
    }
    // One row that does not match: the filter is applied again.
    const id = (core.db.prepare("SELECT id FROM enterprises WHERE deleted = 0 AND kind = 'core' AND status = 'settled' ORDER BY rowid LIMIT 1").get() as { id: string }).id;
    core.call('enterprises.update', { id, patch: { revenue: null } } as never);
    const req = { startRow: 0, endRow: 10, sortModel: [], filterModel: { revenue: { filterType: 'number', type: 'notBlank' } } } as GridRequest;
    expect(probe.sqlFor(core.db, req).plan).not.toBe('every row');
    samePages({ filters: [req.filterModel], pageSize: 50, jump: 5 });
  }

  it('a filter on the sort column itself keeps its range of the sort index beside the row set', () => {
    const saved = { ...planLimits };
    Object.assign(planLimits, { setMinRows: 0, setRowsMax: 0, setMaxShare: 1 });
    try {
      for (const sort of ['asc', 'desc'] as const) {
        const revenue = { filterType: 'number', type: 'greaterThan', filter: 5_000_000 };
        const req = { startRow: 0, endRow: 30, sortModel: [{ colId: 'revenue', sort }], filterModel: { revenue, industry: text('equals', 'ai') } } as GridRequest;
        const q = probe.sqlFor(core.db, req);
        expect(q.plan).toBe('sort index, set');
        const steps = (core.db.prepare(`EXPLAIN QUERY PLAN ${q.page.sql}`).all(...q.page.params) as { detail: string }[]).map((r) => r.detail);
        expect(steps.join('; ')).toMatch(/enterprises_revenue \(revenue>\?\)/);
        samePages({ sort: req.sortModel[0], filters: [{ revenue }, { industry: text('equals', 'ai') }], pageSize: 30, jump: 45 });
        const byIndustry = { startRow: 0, endRow: 30, sortModel: [{ colId: 'industry', sort }], filterModel: { industry: text('equals', 'ai'), kind: text('equals', 'startup') } } as GridRequest;
        // (Ordered by the industry's ranks instead when a walk read them before: both give the plain rows.)
        expect(['sort index, set', 'set ranks']).toContain(probe.sqlFor(core.db, byIndustry).plan);
        samePages({ sort: byIndustry.sortModel[0], filters: [{ industry: text('equals', 'ai') }, { kind: text('equals', 'startup') }], pageSize: 30, jump: 45 });
      }
    } finally {
      Object.assign(planLimits, saved);
    }
  });

  it('a text filter on its own sort column that is no index range (contains, ends with) starts the walk at its least match, bounded by the matches read with the count', () => {
    const own = testCore();
    generate(own.context(), { enterprises: 600, leads: 10, activities: 10 }, undefined, 7);
    // Rows with no credit code: a "does not contain" keeps them, so it takes no bound.
    const ids = (own.db.prepare("SELECT id FROM enterprises WHERE deleted = 0 ORDER BY rowid LIMIT 12").all() as { id: string }[]).map((r) => r.id);
    for (const id of ids) own.call('enterprises.update', { id, patch: { uscc: null } } as never);
    const saved = { ...planLimits };
    Object.assign(planLimits, { setMinRows: 0, setRowsMax: 0, setMaxShare: 0.01 });
    try {
      const runner = new GridRunner(enterprisesView);
      const settled = text('equals', 'settled');
      // Every generated code is "91440400…" or "52440400…": the "52…" codes come first and none contains "914404".
      const cases: { filterModel: GridFilterModel; sort: string; plan: string; range: RegExp | null }[] = [
        { filterModel: { uscc: text('contains', '914404'), status: settled } as GridFilterModel, sort: 'uscc', plan: 'segments', range: /enterprises_seg_uscc \(status=\? AND kind=\? AND uscc>\? AND uscc<\?\)/ },
        { filterModel: { uscc: text('contains', '914404') } as GridFilterModel, sort: 'uscc', plan: 'sort index', range: /uscc>\? AND uscc<\?/ },
        { filterModel: { uscc: { filterType: 'text', operator: 'OR', conditions: [text('endsWith', '7'), text('contains', '9144040')] } } as GridFilterModel, sort: 'uscc', plan: 'sort index', range: /uscc>\? AND uscc<\?/ },
        { filterModel: { name: text('contains', '科技'), revenue: { filterType: 'number', type: 'notBlank' } } as GridFilterModel, sort: 'name', plan: 'sort index', range: /name>\? AND name<\?/ },
        { filterModel: { uscc: text('notContains', '5244') } as GridFilterModel, sort: 'uscc', plan: 'sort index', range: null },
      ];
      let version = 0;
      for (const c of cases) {
        for (const dir of ['asc', 'desc'] as const) {
          const req = { startRow: 0, endRow: 25, sortModel: [{ colId: c.sort, sort: dir }], filterModel: c.filterModel } as GridRequest;
          const first = runner.run(own.db, req, ++version);
          const q = runner.sqlFor(own.db, req);
          expect(q.plan, JSON.stringify(c.filterModel)).toBe(c.plan);
          const steps = (own.db.prepare(`EXPLAIN QUERY PLAN ${q.page.sql}`).all(...q.page.params) as { detail: string }[]).map((r) => r.detail).join('; ');
          if (c.range) expect(steps, JSON.stringify(c.filterModel)).toMatch(c.range);
          else expect(q.page.sql).not.toMatch(/BETWEEN/);
          // Pages in order (the scrolled ones by keyset, bound and cursor together) and a jump: the plain rows and order.
          const all = (own.db.prepare(q.plain.sql).all(...q.plain.params.slice(0, -2), 1e9, 0) as { id: string }[]).map((r) => r.id);
          expect(first.count).toBe(all.length);
          const seen = first.rows.map((r) => (r as { id: string }).id);
          for (let start = 25; start < Math.min(all.length, 100); start += 25) seen.push(...runner.run(own.db, { ...req, startRow: start, endRow: start + 25 }, version).rows.map((r) => (r as { id: string }).id));
          expect(seen).toEqual(all.slice(0, seen.length));
          const at = Math.floor(all.length / 2);
          expect(runner.run(own.db, { ...req, startRow: at, endRow: at + 25 }, version).rows.map((r) => (r as { id: string }).id)).toEqual(all.slice(at, at + 25));
        }
      }
    } finally {
      Object.assign(planLimits, saved);
      own.close();
    }
  });

  it.each([
    ['sort index, set', 0],
    ['set keys', 100_000],
  ])('a kept row set follows writes: rows that enter or leave the filter after a page was served (%s)', (planKind, setRowsMax) => {
    const saved = { ...planLimits };
    Object.assign(planLimits, { setMinRows: 0, setRowsMax, setMaxShare: 1 });
    try {
      const req = { startRow: 0, endRow: 20, sortModel: [{ colId: 'revenue', sort: 'desc' }], filterModel: { patents: { filterType: 'number', type: 'greaterThan', filter: 120 } } } as GridRequest;
      const plain = () => {
        // A runner of its own each time: sqlFor keeps its counts and sets (it is given no data version).
        const q = new GridRunner(enterprisesView).sqlFor(core.db, req);
        expect(q.plan).toBe(planKind);
        return (core.db.prepare(q.plain.sql).all(...q.plain.params) as { id: string }[]).map((r) => r.id);
      };
      const rows = () => (core.call('enterprises.rows', req as never) as { rows: { id: string }[]; count: number });
      // Settled core enterprises (their status passes the rules whatever other tests changed): one inside
      // the filter, at the top of the order, and one outside it.
      const pick = (where: string) => core.db.prepare(`SELECT id FROM enterprises WHERE deleted = 0 AND kind = 'core' AND status = 'settled' AND ${where} ORDER BY rowid DESC LIMIT 1`).get() as { id: string };
      const inside = pick('patents > 120');
      const outside = pick('(patents IS NULL OR patents <= 120)');
      core.call('enterprises.update', { id: inside.id, patch: { revenue: 9_700_000_000 } } as never);
      const first = rows();
      expect(first.rows[0]!.id).toBe(inside.id);
      expect(first.rows.map((r) => r.id)).toEqual(plain());
      // The one outside joins the filter with the highest revenue left; the first row served leaves it.
      core.call('enterprises.update', { id: outside.id, patch: { patents: 999, revenue: 9_600_000_000 } } as never);
      core.call('enterprises.update', { id: inside.id, patch: { patents: 0 } } as never);
      const after = rows();
      expect(after.rows[0]!.id).toBe(outside.id);
      expect(after.rows.map((r) => r.id)).not.toContain(inside.id);
      expect(after.rows.map((r) => r.id)).toEqual(plain());
      expect(after.count).toBe(first.count);
    } finally {
      Object.assign(planLimits, saved);
    }
  });

  it('a walk stops at its budget: the counter meets every index entry, not only the matches', () => {
    const saved = { ...planLimits };
    // A filter no row near the start of the sort order meets: the walk must give up after 30 entries.
    Object.assign(planLimits, { probeShare: 0, walkBudgetFactor: 0, walkBudgetMin: 30 });
    try {
      const req = { startRow: 0, endRow: 5, sortModel: [{ colId: 'revenue', sort: 'asc' }], filterModel: { revenue: { filterType: 'number', type: 'greaterThan', filter: 1 } } } as GridRequest;
      const q = probe.sqlFor(core.db, { ...req, filterModel: { patents: { filterType: 'number', type: 'greaterThan', filter: 10 }, ...req.filterModel } } as GridRequest);
      expect(q.plan).toBe('sort index');
      const all = (core.db.prepare(q.plain.sql).all(...q.plain.params.slice(0, -2), 1e9, 0) as { id: string }[]).map((r) => r.id);
      const before = walkStops.count;
      const got = core.call('enterprises.rows', { ...req, filterModel: { patents: { filterType: 'number', type: 'greaterThan', filter: 10 }, ...req.filterModel } } as never) as { rows: { id: string }[] };
      expect(got.rows.map((r) => r.id)).toEqual(all.slice(0, 5));
      expect(walkStops.count).toBe(before + 1);
    } finally {
      Object.assign(planLimits, saved);
    }
  });

  it('a search word in most names is tested per row while walking (no full match set collected), with the plain rows and order', () => {
    const total = (core.db.prepare('SELECT count(*) AS n FROM enterprises WHERE deleted = 0').get() as { n: number }).n;
    const share = (word: string) => (core.call('enterprises.rows', { startRow: 0, endRow: 1, sortModel: [], filterModel: {}, quickFilter: word } as never) as { count: number }).count / total;
    const common = ['数据', '科技', '智能', '信息'].find((w) => share(w) >= 0.3)!;
    expect(common).toBeDefined();
    for (const sortModel of [[], ...sortable.flatMap((colId) => [[{ colId, sort: 'asc' }], [{ colId, sort: 'desc' }]])] as GridRequest['sortModel'][]) {
      const req = { startRow: 0, endRow: 40, sortModel, filterModel: {}, quickFilter: common } as GridRequest;
      const q = probe.sqlFor(core.db, req);
      const label = JSON.stringify(sortModel);
      if (q.plan === 'segments') continue;
      expect(q.plan, label).toMatch(/search probed$/);
      // The full-text matches are not gathered into a list first (SQLite's plan for `rowid IN (MATCH)`).
      const steps = (core.db.prepare(`EXPLAIN QUERY PLAN ${q.page.sql}`).all(...q.page.params) as { detail: string }[]).map((r) => r.detail);
      expect(steps.some((d) => d.startsWith('LIST SUBQUERY')), steps.join('; ')).toBe(false);
      const all = (core.db.prepare(q.plain.sql).all(...q.plain.params.slice(0, -2), 1e9, 0) as { id: string }[]).map((r) => r.id);
      const seen: string[] = [];
      for (let start = 0; start < 120; start += 40) {
        const got = core.call('enterprises.rows', { ...req, startRow: start, endRow: start + 40 } as never) as { rows: { id: string }[]; count: number };
        expect(got.count).toBe(all.length);
        seen.push(...got.rows.map((r) => r.id));
      }
      expect(seen, label).toEqual(all.slice(0, 120));
    }
  });

  it('a rare match no index finds is read in one pass (NOT INDEXED) and sorted, with the plain rows and order for every sort', () => {
    // A room number held by a few enterprises: `endsWith` (LIKE '%…', which no index serves; `contains` picks values from the unit index).
    const { unit } = core.db.prepare("SELECT unit FROM enterprises WHERE deleted = 0 AND unit IS NOT NULL GROUP BY unit HAVING count(*) BETWEEN 2 AND 20 LIMIT 1").get() as { unit: string };
    for (const colId of sortable) {
      for (const sort of ['asc', 'desc'] as const) {
        const req = { startRow: 0, endRow: 3, sortModel: [{ colId, sort }], filterModel: { unit: text('endsWith', unit) } } as GridRequest;
        const q = probe.sqlFor(core.db, req);
        expect(q.plan, colId).toBe('scan');
        // SQLite alone walks the sort index for it (every row, in index order) instead of one pass.
        const steps = (core.db.prepare(`EXPLAIN QUERY PLAN ${q.page.sql}`).all(...q.page.params) as { detail: string }[]).map((r) => r.detail);
        expect(steps.some((d) => /^SCAN e USING/.test(d)), steps.join('; ')).toBe(false);
        const all = (core.db.prepare(q.plain.sql).all(...q.plain.params.slice(0, -2), 1e9, 0) as { id: string }[]).map((r) => r.id);
        const seen: string[] = [];
        for (let start = 0; start < all.length; start += 3) {
          const got = core.call('enterprises.rows', { ...req, startRow: start, endRow: start + 3 } as never) as { rows: { id: string }[]; count: number };
          expect(got.count).toBe(all.length);
          seen.push(...got.rows.map((r) => r.id));
        }
        expect(seen, `${colId} ${sort}`).toEqual(all);
      }
    }
  });

  it('a plan that sorts every match scrolls with OFFSET: no keyset range that would turn SQLite to the sort index', () => {
    // One indexed filter with few matches (filter index): its scrolled page is the same read and sort, with OFFSET.
    const req = { startRow: 0, endRow: 5, sortModel: [{ colId: 'revenue', sort: 'desc' }], filterModel: { industry: text('equals', 'cloud') } } as GridRequest;
    expect(probe.sqlFor(core.db, req).plan).toBe('filter index');
    const q = probe.sqlFor(core.db, { ...req, startRow: 0, endRow: 1000 });
    const all = (core.db.prepare(q.plain.sql).all(...q.plain.params) as { id: string }[]).map((r) => r.id);
    expect(all.length).toBeGreaterThan(10);
    const ran: string[] = [];
    const prepare = core.db.prepare.bind(core.db);
    core.db.prepare = ((sql: string) => (ran.push(sql), prepare(sql))) as typeof core.db.prepare;
    try {
      core.call('enterprises.rows', req as never);
      const next = core.call('enterprises.rows', { ...req, startRow: 5, endRow: 10 } as never) as { rows: { id: string }[] };
      expect(next.rows.map((r) => r.id)).toEqual(all.slice(5, 10));
    } finally {
      core.db.prepare = prepare;
    }
    expect(ran.filter((sql) => /\(e\.revenue, e\.rowid\) [<>]/.test(sql))).toEqual([]);
  });

  it('segments follow writes: a segment emptied or created after a page was served', () => {
    const req = { startRow: 0, endRow: 50, sortModel: [{ colId: 'revenue', sort: 'desc' }], filterModel: { status: text('equals', 'graduated') } } as GridRequest;
    const plain = () => {
      const q = probe.sqlFor(core.db, req);
      return (core.db.prepare(q.plain.sql).all(...q.plain.params) as { id: string }[]).map((r) => r.id);
    };
    expect(probe.sqlFor(core.db, req).plan).toBe('segments');
    const before = core.call('enterprises.rows', req as never) as { rows: { id: string }[] };
    expect(before.rows.map((r) => r.id)).toEqual(plain());
    // A core enterprise graduates with a revenue above every other: a segment that was empty (only startups graduate here) now leads.
    expect(core.db.prepare("SELECT count(*) AS n FROM enterprises WHERE deleted = 0 AND kind = 'core' AND status = 'graduated'").get()).toEqual({ n: 0 });
    const top = core.db.prepare("SELECT id FROM enterprises WHERE deleted = 0 AND kind = 'core' AND status = 'settled' LIMIT 1").get() as { id: string };
    core.call('enterprises.update', { id: top.id, patch: { status: 'graduated', revenue: 9_000_000_000 } } as never);
    const after = core.call('enterprises.rows', req as never) as { rows: { id: string }[] };
    expect(after.rows[0]!.id).toBe(top.id);
    expect(after.rows.map((r) => r.id)).toEqual(plain());
  });

  it('every segment index the enterprise grid names is in the database, keyed (status, kind, its column)', () => {
    const named = Object.entries(enterprisesView.segments.indexes);
    expect(named.length).toBeGreaterThan(8);
    for (const [id, index] of named) {
      const keys = (core.db.prepare('SELECT name FROM pragma_index_info(?) ORDER BY seqno').all(index) as { name: string }[]).map((r) => r.name);
      expect(keys, `${id} → ${index}`).toEqual(id === '' || id === 'status' || id === 'kind' ? ['status', 'kind'] : ['status', 'kind', id]);
    }
  });
  it('a row set whose walk of the sort index spends its budget is ordered in memory by the sort column\'s ranks, for every sort, with the plain rows and order', () => {
    const saved = { ...planLimits };
    const plans = new Map<string, number>();
    const stopsBefore = walkStops.count;
    // Columns of few values read their ranks at once (the next test); these walk first.
    const manyValues = sortable.filter((c) => !['kind', 'status', 'industry', 'building'].includes(c));
    const anySort = fc.record({ colId: fc.constantFrom(...manyValues), sort: fc.constantFrom('asc' as const, 'desc' as const) });
    try {
      fc.assert(
        fc.property(request, anySort, fc.constantFrom(5, 40, 10_000), (req, sort, steps) => {
          // A budget of a few entries hands most walks over to the ranks; 10,000 lets them finish.
          Object.assign(planLimits, { setMinRows: 0, setRowsMax: 0, setMaxShare: 1, walkBudgetFactor: 0, setWalkSteps: steps });
          const plan = samePages({ ...req, sort });
          plans.set(plan, (plans.get(plan) ?? 0) + 1);
        }),
        { numRuns: 250, seed: 20261218 },
      );
    } finally {
      Object.assign(planLimits, saved);
    }
    console.log('walks handing over to ranks:', Object.fromEntries(plans), 'walks stopped:', walkStops.count - stopsBefore);
    expect(plans.get('set ranks') ?? 0).toBeGreaterThan(15);
    expect(plans.get('sort index, set') ?? 0).toBeGreaterThan(5);
    // Ranks are read only when a walk spends its budget; later requests sorted by that column find them ready.
    expect(walkStops.count - stopsBefore).toBeGreaterThan(2);
  }, 120_000);

  it("a row set sorted by a column whose ranks keep its whole order (names, codes, last change: many distinct values) is paged by scanning that order, with the plain rows and order", () => {
    const saved = { ...planLimits };
    const savedOrder = { ...rankOrderLimits };
    const plans = new Map<string, number>();
    const manyValues = sortable.filter((c) => !['kind', 'status', 'industry', 'building'].includes(c));
    const anySort = fc.record({ colId: fc.constantFrom(...manyValues), sort: fc.constantFrom('asc' as const, 'desc' as const) });
    try {
      // Every column of this small park keeps its order with its ranks, as names do at 1M; read afresh.
      rankOrderLimits.orderMinRanks = 1;
      dropKeptRanks(core.db);
      Object.assign(planLimits, { setMinRows: 0, setRowsMax: 0, setMaxShare: 1, walkBudgetFactor: 0, setWalkSteps: 0 });
      const scanned = rankScans.pages;
      fc.assert(
        fc.property(request, anySort, (req, sort) => {
          const plan = samePages({ ...req, sort });
          plans.set(plan, (plans.get(plan) ?? 0) + 1);
        }),
        { numRuns: 200, seed: 20261226 },
      );
      const name = valueRanks(core.db, { rowid: enterprisesView.rowid, from: enterprisesView.from, where: enterprisesView.where, column: 'e.name' });
      expect(name?.order?.length).toBe((core.db.prepare('SELECT count(*) AS n FROM enterprises WHERE deleted = 0').get() as { n: number }).n);
      // Pages were served by scanning the kept orders (not only by heads and radix sorts of the members).
      expect(rankScans.pages - scanned).toBeGreaterThan(40);
    } finally {
      Object.assign(planLimits, saved);
      Object.assign(rankOrderLimits, savedOrder);
      dropKeptRanks(core.db);
    }
    console.log('sorted along a kept order:', Object.fromEntries(plans));
    expect(plans.get('set ranks') ?? 0).toBeGreaterThan(40);
  }, 120_000);

  it('a row set sorted by a column of few values (kind, status, industry, building) is ordered in memory by its ranks at once, with the plain rows and order', () => {
    const saved = { ...planLimits };
    Object.assign(planLimits, { setMinRows: 0, setRowsMax: 0, setMaxShare: 1 });
    const plans = new Map<string, number>();
    const fewValues = fc.record({ colId: fc.constantFrom('kind', 'status', 'industry', 'building'), sort: fc.constantFrom('asc' as const, 'desc' as const) });
    try {
      fc.assert(
        fc.property(request, fewValues, (req, sort) => {
          const plan = samePages({ ...req, sort });
          plans.set(plan, (plans.get(plan) ?? 0) + 1);
        }),
        { numRuns: 200, seed: 20261220 },
      );
    } finally {
      Object.assign(planLimits, saved);
    }
    console.log('sorted by a column of few values:', Object.fromEntries(plans));
    expect(plans.get('set ranks') ?? 0).toBeGreaterThan(40);
  }, 120_000);

  it('a keyset page whose walk spends its budget is served from the ranks by position', () => {
    const saved = { ...planLimits };
    try {
      for (const sort of ['asc', 'desc'] as const) {
        // A fresh runner and a budget the first page fits in but the next does not.
        Object.assign(planLimits, { setMinRows: 0, setRowsMax: 0, setMaxShare: 1, walkBudgetFactor: 0, setWalkSteps: 10_000 });
        const runner = new GridRunner(enterprisesView);
        // No ranks kept (as after another connection's commit; the connection's own writes patch them).
        dropKeptRanks(core.db);
        const req = { startRow: 0, endRow: 20, sortModel: [{ colId: 'entry_date', sort }], filterModel: { industry: text('equals', 'ai') } } as GridRequest;
        const q = runner.sqlFor(core.db, { ...req, endRow: 1_000_000 });
        const all = (core.db.prepare(q.plain.sql).all(...q.plain.params) as { id: string }[]).map((r) => r.id);
        expect(all.length).toBeGreaterThan(40);
        const version = 9_000 + (sort === 'asc' ? 0 : 1);
        const ids = (got: { rows: unknown[] }) => got.rows.map((r) => (r as { id: string }).id);
        expect(ids(runner.run(core.db, req, version))).toEqual(all.slice(0, 20));
        expect(runner.sqlFor(core.db, req).plan).toBe('sort index, set');
        Object.assign(planLimits, { setWalkSteps: 1 });
        expect(ids(runner.run(core.db, { ...req, startRow: 20, endRow: 40 }, version))).toEqual(all.slice(20, 40));
        expect(runner.sqlFor(core.db, req).plan).toBe('set ranks');
      }
    } finally {
      Object.assign(planLimits, saved);
    }
  });

  it('value ranks follow writes (a new value, a NULL: patched), and only writes: not a new grid data version, nor the grid\'s own temporary tables', () => {
    const saved = { ...planLimits };
    // Every walk hands over to the ranks at once.
    Object.assign(planLimits, { setMinRows: 0, setRowsMax: 0, setMaxShare: 1, walkBudgetFactor: 0, setWalkSteps: 0 });
    try {
      const filterModel = { patents: { filterType: 'number', type: 'greaterThan', filter: 60 } } as GridFilterModel;
      const runner = new GridRunner(enterprisesView);
      let version = 5_000;
      const check = (sort: 'asc' | 'desc', bump = true) => {
        const req = { startRow: 0, endRow: 25, sortModel: [{ colId: 'building', sort }], filterModel } as GridRequest;
        const got = runner.run(core.db, req, bump ? ++version : version);
        const q = new GridRunner(enterprisesView).sqlFor(core.db, req);
        expect(q.plan).toBe('set ranks');
        const all = (core.db.prepare(q.plain.sql).all(...q.plain.params) as { id: string }[]).map((r) => r.id);
        expect(got.rows.map((r) => (r as { id: string }).id)).toEqual(all);
        return all;
      };
      check('desc');
      const reads = rankReads.count;
      // A new data version of the grid without a write, and a temporary table of the grid's own: ranks kept.
      check('asc');
      ownWrite(core.db, () => core.db.exec('CREATE TEMP TABLE rank_probe (r INTEGER PRIMARY KEY); INSERT INTO temp.rank_probe VALUES (1), (2); DROP TABLE temp.rank_probe'));
      check('desc');
      expect(rankReads.count).toBe(reads);
      // A member takes a building no row had, above every other; another loses its building (NULL: first ascending, last descending).
      const members = (core.db.prepare("SELECT id FROM enterprises WHERE deleted = 0 AND kind = 'core' AND status = 'settled' AND patents > 60 ORDER BY rowid LIMIT 2").all() as { id: string }[]).map((r) => r.id);
      expect(members).toHaveLength(2);
      const patches = rankPatches.count;
      core.call('enterprises.update', { id: members[0]!, patch: { building: '龘号楼' } } as never);
      expect(check('desc')[0]).toBe(members[0]);
      // The write is the connection's own: the ranks are patched for its row, not read again.
      expect(rankPatches.count).toBeGreaterThan(patches);
      expect(rankReads.count).toBe(reads);
      core.call('enterprises.update', { id: members[1]!, patch: { building: null } } as never);
      expect(check('asc')).toContain(members[1]);
      expect(check('desc')).not.toContain(members[1]);
    } finally {
      Object.assign(planLimits, saved);
    }
  });

  it('value ranks are read only along an index holding the column, in its order', () => {
    const view = { rowid: 'e.rowid', from: 'enterprises e', where: 'e.deleted = 0' };
    const kind = valueRanks(core.db, { ...view, column: 'e.kind' })!;
    expect(kind.top).toBe(3);
    const rows = core.db.prepare('SELECT e.rowid AS r, e.kind AS k FROM enterprises e WHERE e.deleted = 0 ORDER BY e.kind, e.rowid').all() as { r: number; k: string }[];
    expect(rows.map((x) => kind.ranks[x.r])).toEqual(rows.map((x) => ['core', 'service', 'startup'].indexOf(x.k) + 1));
    // No index on the floor: that would be a pass over the table.
    expect(valueRanks(core.db, { ...view, column: 'e.floor' })).toBeNull();
  });

  it('a filter on status and kind alone is counted, and its row set read, from its segments of the segment index, with the plain count, rows and order', () => {
    const saved = { ...planLimits };
    Object.assign(planLimits, { setMinRows: 0, setRowsMax: 60, setMaxShare: 0.6 });
    const plans = new Map<string, number>();
    const segmentPart = filterPart.filter((f) => 'status' in f || 'kind' in f);
    const unsegmented = fc.record({ colId: fc.constantFrom('name', 'industry', 'building', 'updated_at', 'revenue'), sort: fc.constantFrom('asc' as const, 'desc' as const) });
    try {
      fc.assert(
        fc.property(request, fc.array(segmentPart, { minLength: 1, maxLength: 2 }), unsegmented, (req, filters, sort) => {
          const plan = samePages({ ...req, filters, quick: undefined, sort });
          plans.set(plan, (plans.get(plan) ?? 0) + 1);
        }),
        { numRuns: 150, seed: 20261219 },
      );
    } finally {
      Object.assign(planLimits, saved);
    }
    console.log('status and kind alone:', Object.fromEntries(plans));
    expect((plans.get('set keys') ?? 0) + (plans.get('set ranks') ?? 0) + (plans.get('sort index, set') ?? 0)).toBeGreaterThan(40);
  }, 120_000);

  it('a filter on status or kind alone keeping under 5% of rows reads its set with its count: the first sort by name or last change reads none', () => {
    const saved = { ...planLimits };
    // Not a small set (its keys would be read at the count anyway): the rare segment's set alone.
    Object.assign(planLimits, { setMinRows: 0, setRowsMax: 0 });
    const prepare = core.db.prepare.bind(core.db);
    try {
      const live = core.db.prepare('SELECT count(*) FROM enterprises WHERE deleted = 0').pluck().get() as number;
      const cores = core.db.prepare("SELECT count(*) FROM enterprises WHERE deleted = 0 AND kind = 'core'").pluck().get() as number;
      expect(cores / live).toBeGreaterThan(0);
      expect(cores / live).toBeLessThan(0.05);
      const filterModel = { kind: text('equals', 'core') } as unknown as GridFilterModel;
      for (const colId of ['name', 'updated_at']) {
        const runner = new GridRunner(enterprisesView);
        runner.run(core.db, { startRow: 0, endRow: 20, sortModel: [], filterModel } as GridRequest, 100);
        // The filter change (served by the segments, no sort) holds the set: a bitmap of the core rows.
        expect(runner.rowSetBytes(), colId).toBeGreaterThan(0);
        const held = runner.rowSetBytes();
        const req = { startRow: 0, endRow: 20, sortModel: [{ colId, sort: 'asc' }], filterModel } as GridRequest;
        const got = runner.run(core.db, req, 100) as { rows: { id: string }[] };
        expect(runner.sqlFor(core.db, req).plan).toMatch(/set/);
        // The sort used that set (an order of it may be added), not one read again.
        expect(runner.rowSetBytes()).toBeGreaterThanOrEqual(held);
        const plain = runner.sqlFor(core.db, { ...req, endRow: 1e9 }).plain;
        const all = (prepare(plain.sql).all(...plain.params) as { id: string }[]).map((r) => r.id);
        expect(got.rows.map((r) => r.id), colId).toEqual(all.slice(0, 20));
      }
    } finally {
      Object.assign(planLimits, saved);
    }
  });

  it('a filter on columns of few values alone (status, kind, industry, building), their ranks kept, is counted and its set made from those ranks; sorted by a column that keeps its whole order, its pages scan that order: the plain count, rows and order, across writes', () => {
    const saved = { ...planLimits };
    const savedOrder = { ...rankOrderLimits };
    const view = { rowid: enterprisesView.rowid, from: enterprisesView.from, where: enterprisesView.where };
    const plans = new Map<string, number>();
    // Status and kind (the segments), industry (a pick list) and building (contains, blank: a column of few values).
    const buildingPart = fc.record({ type: fc.constantFrom('contains', 'contains', 'equals', 'blank', 'notBlank', 'notContains'), v: fc.constantFrom('1', '5', 'A', '号楼', 'x') }).map(({ type, v }) => ({ building: text(type, v) }));
    const segmentPart = fc.oneof({ weight: 3, arbitrary: filterPart.filter((f) => 'status' in f || 'kind' in f || 'industry' in f) }, buildingPart);
    // Mostly the columns without a segment index whose order is kept (at 1M: names, last change), the path this is for.
    const anySort = fc.record({ colId: fc.oneof({ weight: 3, arbitrary: fc.constantFrom('name', 'updated_at') }, fc.constantFrom(...sortable)), sort: fc.constantFrom('asc' as const, 'desc' as const) });
    const ids = writableIds();
    const byRanks = setsByRanks.count;
    const scanned = rankScans.pages;
    try {
      // Every column of this small park keeps its order with its ranks, as names do at 1M; read afresh.
      rankOrderLimits.orderMinRanks = 1;
      dropKeptRanks(core.db);
      Object.assign(planLimits, { setMinRows: 0, setRowsMax: 0, setMaxShare: 1 });
      fc.assert(
        fc.property(request, fc.array(segmentPart, { minLength: 1, maxLength: 2 }), anySort, rankWrite, (req, filters, sort, w) => {
          applyWrite(ids, w);
          // The segment columns' and the sort column's ranks kept, as a big park reads them ahead.
          for (const column of ['e.status', 'e.kind', 'e.industry', 'e.building', enterprisesView.columns[sort.colId]!.sql]) valueRanks(core.db, { ...view, column });
          const plan = samePages({ ...req, filters, quick: undefined, sort });
          plans.set(plan, (plans.get(plan) ?? 0) + 1);
        }),
        { numRuns: 150, seed: 20261204 },
      );
    } finally {
      Object.assign(planLimits, saved);
      Object.assign(rankOrderLimits, savedOrder);
      dropKeptRanks(core.db);
    }
    console.log('status and kind alone, from their ranks:', Object.fromEntries(plans));
    expect(setsByRanks.count - byRanks).toBeGreaterThan(100);
    expect(plans.get('set ranks') ?? 0).toBeGreaterThan(40);
    expect(rankScans.pages - scanned).toBeGreaterThan(10);
  }, 120_000);

  it('a filter with conditions on columns of few values beside others (a credit code, a number, a name, the search box): that part decided from the kept ranks, the rest by SQL; the plain count, rows and order, across writes', () => {
    const saved = { ...planLimits };
    const view = { rowid: enterprisesView.rowid, from: enterprisesView.from, where: enterprisesView.where };
    const plans = new Map<string, number>();
    const buildingPart = fc.record({ type: fc.constantFrom('contains', 'equals', 'blank', 'notContains'), v: fc.constantFrom('1', '5', 'A', '号楼') }).map(({ type, v }) => ({ building: text(type, v) }));
    const fewPart = fc.oneof({ weight: 3, arbitrary: filterPart.filter((f) => 'status' in f || 'kind' in f || 'industry' in f) }, buildingPart);
    const restPart = filterPart.filter((f) => !('status' in f || 'kind' in f || 'industry' in f));
    const ids = writableIds();
    const splits = rankSplits.count;
    try {
      dropKeptRanks(core.db);
      fc.assert(
        fc.property(request, fewPart, fc.array(restPart, { maxLength: 1 }), fc.constantFrom(0, 0, 0.3, 0.9), rankWrite, (req, few, rest, minShare, w) => {
          applyWrite(ids, w);
          // Counted with a row set as a big park counts (any share), the few-value part split off above minShare.
          Object.assign(planLimits, { setMinRows: 0, rankSplitMinShare: minShare });
          for (const column of ['e.status', 'e.kind', 'e.industry', 'e.building']) valueRanks(core.db, { ...view, column });
          const plan = samePages({ ...req, filters: [few, ...rest] });
          plans.set(plan, (plans.get(plan) ?? 0) + 1);
        }),
        { numRuns: 150, seed: 20261205 },
      );
    } finally {
      Object.assign(planLimits, saved);
      dropKeptRanks(core.db);
    }
    console.log('few-value part from ranks, the rest by SQL:', Object.fromEntries(plans), rankSplits.count - splits, 'split');
    expect(rankSplits.count - splits).toBeGreaterThan(60);
  }, 120_000);

  it('a filter\'s set from ranks holds exactly the rows its conditions keep, for one, two and three columns', () => {
    const view = { rowid: enterprisesView.rowid, from: enterprisesView.from, where: enterprisesView.where };
    const kept = (column: string) => knownRanksWithValues(core.db, { ...view, column }) ?? (valueRanks(core.db, { ...view, column }), knownRanksWithValues(core.db, { ...view, column }))!;
    const allow = (column: string, keep: (v: unknown) => boolean) => {
      const k = kept(column);
      const allowed = new Uint8Array(k.values.length + 1);
      k.values.forEach((v, i) => (allowed[i + 1] = keep(v) ? 1 : 0));
      return { ranks: k.ranks, allowed };
    };
    const status = allow('e.status', (v) => v === 'graduated' || v === 'settled');
    const kind = allow('e.kind', (v) => v === 'startup');
    const building = allow('e.building', (v) => v === null || String(v).includes('1'));
    const rows = (where: string) => core.db.prepare(`SELECT rowid FROM enterprises WHERE deleted = 0 AND ${where} ORDER BY rowid`).pluck().all() as number[];
    for (const [conditions, where] of [
      [[status], "status IN ('graduated', 'settled')"],
      [[status, kind], "status IN ('graduated', 'settled') AND kind = 'startup'"],
      [[status, kind, building], "status IN ('graduated', 'settled') AND kind = 'startup' AND (building IS NULL OR building LIKE '%1%')"],
    ] as const) {
      const read = bitsByRanks(conditions);
      const plain = rows(where);
      expect(plain.length, where).toBeGreaterThan(0);
      expect(read.count, where).toBe(plain.length);
      expect(Array.from(new RowSet(read, 0).members()!), where).toEqual(plain);
    }
    dropKeptRanks(core.db);
  });

  it('a filter on status and kind alone runs no count nor set read outside the segment index (SQLite would read every exited row to test its kind)', () => {
    const own = testCore();
    generate(own.context(), { enterprises: 300, leads: 10, activities: 10 }, undefined, 7);
    const saved = { ...planLimits };
    Object.assign(planLimits, { setMinRows: 0 });
    const ran: string[] = [];
    const prepare = own.db.prepare.bind(own.db);
    own.db.prepare = ((sql: string) => (ran.push(sql), prepare(sql))) as typeof own.db.prepare;
    try {
      const runner = new GridRunner(enterprisesView);
      let version = 1;
      const counted: string[] = [];
      for (const filterModel of [{ kind: text('equals', 'startup'), status: text('equals', 'graduated') }, { status: text('notEqual', 'settled') }] as GridFilterModel[]) {
        const req = { startRow: 0, endRow: 10, sortModel: [{ colId: 'name', sort: 'asc' }], filterModel } as GridRequest;
        ran.length = 0;
        const got = runner.run(own.db, req, ++version);
        const plain = runner.sqlFor(own.db, { ...req, endRow: 1_000_000 });
        const all = (prepare(plain.plain.sql).all(...plain.plain.params) as { id: string }[]).map((r) => r.id);
        expect(got.count).toBe(all.length);
        expect(got.rows.map((r) => (r as { id: string }).id)).toEqual(all.slice(0, 10));
        const reads = ran.filter((sql) => /^SELECT (count\(\*\)|e\.rowid|grid_collect)/.test(sql) && !sql.includes('INDEXED BY enterprises_seg') && sql.includes('AND ('));
        expect(reads, JSON.stringify(filterModel)).toEqual([]);
        counted.push(...ran.filter((sql) => sql.includes('INDEXED BY enterprises_seg') && sql.startsWith('SELECT count(*)')));
      }
      // Statements are prepared once per connection: the segment count was prepared by the first filter.
      expect(counted.length).toBe(1);
    } finally {
      own.db.prepare = prepare;
      Object.assign(planLimits, saved);
      own.close();
    }
  });
});
