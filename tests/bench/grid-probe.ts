/**
 * `tsx tests/bench/grid-probe.ts 'SORT-RE' 'FILTER-RE' [n]` — times the first page of the matching grid
 * views at 1M as the bench's re-timing does (each sample after its filter is counted afresh), with the
 * plan: for looking at one class of slow views without the whole sweep. Not part of the tests.
 * Cold processes: the first samples include compiling the plans' code, which the bench's sweep has done.
 */
import { spawnSync } from 'node:child_process';
import { enterprisesView } from '../../src/core/enterprises/handlers';
import { GridRunner, planLimits, type GridRequest } from '../../src/core/grid/query';
import { CORE_V8_FLAGS } from '../../src/core/process/v8-flags';
import { ParkCore } from '../../src/core/service';
import { gridFilters, gridSorts } from './grid-views';

if (!process.env.GRID_PROBE_CHILD) {
  const r = spawnSync(process.execPath, [...CORE_V8_FLAGS, ...process.execArgv, __filename, ...process.argv.slice(2)], { stdio: 'inherit', env: { ...process.env, GRID_PROBE_CHILD: '1' } });
  process.exit(r.status ?? 1);
}
const [sortRe, filterRe, n = '20'] = process.argv.slice(2);
// GRID_PROBE_LIMITS='{"rankOrderWalkRatio":1e9}': other plan thresholds, to weigh a change of one.
if (process.env.GRID_PROBE_LIMITS) Object.assign(planLimits, JSON.parse(process.env.GRID_PROBE_LIMITS));
const core = new ParkCore('.bench/bench-v2-1000000-200000-1000000.db', { create: false });
const db = core.db;
const grid = new GridRunner(enterprisesView);
let version = 1_000;
const WARM = Number(process.env.GRID_PROBE_WARM ?? 10);
const now = () => Number(process.hrtime.bigint()) / 1e6;
const page = (req: Partial<GridRequest>, fresh: boolean) => grid.run(db, { startRow: 0, endRow: 100, sortModel: [], filterModel: {}, ...req } as GridRequest, fresh ? ++version : version);
const sorts = gridSorts().filter((s) => new RegExp(sortRe!).test(s.label));
const filters = gridFilters(db, 1).filter((f) => new RegExp(filterRe!).test(f.label));
for (const f of filters)
  for (const s of sorts) {
    const base = { filterModel: f.filterModel, ...(f.quickFilter ? { quickFilter: f.quickFilter } : {}) };
    const req = { ...base, sortModel: s.sortModel };
    const xs: number[] = [];
    const counts: number[] = [];
    for (let i = 0; i < WARM + Number(n); i++) {
      let t = now();
      page(base, true);
      counts.push(now() - t);
      t = now();
      page(req, false);
      xs.push(now() - t);
    }
    // The first WARM samples compile the code the sweep has compiled long before: not counted.
    const sorted = xs.slice(WARM).sort((a, b) => a - b);
    const p = (q: number) => sorted[Math.max(0, Math.ceil(q * sorted.length) - 1)]!.toFixed(1);
    console.log(`${s.label} | ${f.label}: plan ${grid.sqlFor(db, req as GridRequest).plan}; first page p50 ${p(0.5)} p95 ${p(0.95)} max ${p(1)} ms; count p50 ${[...counts].sort((a, b) => a - b)[counts.length >> 1]!.toFixed(0)} ms`);
  }
core.close();
