/**
 * `tsx tests/bench/grid-probe.ts 'SORT-RE' 'FILTER-RE' [n]` — times the first page of the matching grid
 * views at 1M as the bench's re-timing does (each sample after its filter is counted afresh), with the
 * plan: for looking at one class of slow views without the whole sweep. Not part of the tests.
 * Cold processes: the first samples include compiling the plans' code, which the bench's sweep has done.
 */
import { spawnSync } from 'node:child_process';
import { PerformanceObserver } from 'node:perf_hooks';
import { enterprisesView } from '../../src/core/enterprises/handlers';
import { GridRunner, planLimits, type GridRequest } from '../../src/core/grid/query';
import { settleRanks } from '../../src/core/grid/rank-reader';
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
if (process.env.GRID_PROBE_PRAGMA) for (const p of process.env.GRID_PROBE_PRAGMA.split(';')) db.pragma(p);
const grid = new GridRunner(enterprisesView);
let version = 1_000;
const WARM = Number(process.env.GRID_PROBE_WARM ?? 10);
const now = () => Number(process.hrtime.bigint()) / 1e6;
/** CPU ms of the process (its other threads idle once the ranks are in), to tell work from waiting. */
const threadCpu = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
const page = (req: Partial<GridRequest>, fresh: boolean) => grid.run(db, { startRow: 0, endRow: 100, sortModel: [], filterModel: {}, ...req } as GridRequest, fresh ? ++version : version);
const sorts = gridSorts().filter((s) => new RegExp(sortRe!).test(s.label));
const filters = gridFilters(db, 1).filter((f) => new RegExp(filterRe!).test(f.label));
// The columns' ranks the first page asks for ahead are read in the background: timed once they are in, as the bench's sweep is.
page({}, true);
settleRanks(db);
const gcEntries: PerformanceEntry[] = [];
new PerformanceObserver((list) => gcEntries.push(...list.getEntries())).observe({ entryTypes: ['gc'] });
void (async () => {
for (const f of filters)
  for (const s of sorts) {
    const base = { filterModel: f.filterModel, ...(f.quickFilter ? { quickFilter: f.quickFilter } : {}) };
    const req = { ...base, sortModel: s.sortModel };
    const xs: number[] = [];
    const counts: number[] = [];
    const cpus: number[] = [];
    const spans: [number, number][] = [];
    const scroll = !!process.env.GRID_PROBE_SCROLL;
    let start = 0;
    for (let i = 0; i < WARM + Number(n); i++) {
      let t = now();
      // GRID_PROBE_REPEAT=1: the filter counted once, then the same page again and again (the bench's re-timing of its slowest ten).
      if (i === 0 || !process.env.GRID_PROBE_REPEAT) page(base, true);
      counts.push(now() - t);
      // GRID_PROBE_SLEEP=ms: a pause between the count and the timed page, to tell the count's aftermath (other threads, GC) from the page's own work.
      if (process.env.GRID_PROBE_SLEEP) await new Promise((r) => setTimeout(r, Number(process.env.GRID_PROBE_SLEEP)));
      t = now();
      const c = threadCpu();
      const from = performance.now();
      // GRID_PROBE_SCROLL=1: the next page by keyset instead, deeper each sample up to row 2,000 (the bench's scrollTimes).
      // Without GRID_PROBE_REPEAT: the page after the first, the filter counted afresh (the bench's re-timing of a scroll).
      if (scroll) {
        start = !process.env.GRID_PROBE_REPEAT || start >= 2_000 ? 100 : start + 100;
        if (start === 100) page(req, false);
        page({ ...req, startRow: start, endRow: start + 100 }, false);
      } else page(req, false);
      spans.push([from, performance.now()]);
      xs.push(now() - t);
      cpus.push(threadCpu() - c);
    }
    // Garbage collection inside the timed pages (the observer's entries arrive after the loop).
    await new Promise((r) => setTimeout(r, 50));
    const gcs = gcEntries.splice(0);
    const gcIn = spans.slice(WARM).map(([a, b]) => gcs.filter((g) => g.startTime < b && g.startTime + g.duration > a).reduce((sum, g) => sum + g.duration, 0));
    // The first WARM samples compile the code the sweep has compiled long before: not counted.
    const sorted = xs.slice(WARM).sort((a, b) => a - b);
    const p = (q: number) => sorted[Math.max(0, Math.ceil(q * sorted.length) - 1)]!.toFixed(1);
    console.log(`${s.label} | ${f.label}: plan ${grid.sqlFor(db, (scroll ? { ...req, startRow: 100, endRow: 200 } : req) as GridRequest).plan}; ${scroll ? 'scrolled' : 'first'} page p50 ${p(0.5)} p95 ${p(0.95)} max ${p(1)} ms (CPU p50 ${[...cpus].sort((a, b) => a - b)[cpus.length >> 1]!.toFixed(1)} max ${Math.max(...cpus).toFixed(1)}); GC in pages: ${gcIn.filter((g) => g > 0).length} of ${gcIn.length}, max ${Math.max(0, ...gcIn).toFixed(1)} ms; ${process.env.GRID_PROBE_REPEAT ? `count once ${counts[0]!.toFixed(0)} ms` : `count p50 ${[...counts].sort((a, b) => a - b)[counts.length >> 1]!.toFixed(0)} ms`}`);
  }
core.close();
})();
