/**
 * `npm run bench` — scale figures on a generated database of 1,000,000 enterprises, 200,000 leads and
 * 1,000,000 activities (made once under .bench/, reused). For each measure it prints p50/p95 through
 * the core (the path the app takes) and, as the reference, the same SQL run by the sqlite3 command-line
 * tool on the same file. Targets: grid page p95 ≤ 10 ms, search p95 ≤ 30 ms. Not part of the tests.
 */
import { execFileSync, spawn } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadavg } from 'node:os';
import { PerformanceObserver } from 'node:perf_hooks';
import { enterprisesView } from '../../src/core/enterprises/handlers';
import { GridRunner, type GridRequest } from '../../src/core/grid/query';
import { rankReads } from '../../src/core/grid/values';
import { backgroundRanks, settleRanks } from '../../src/core/grid/rank-reader';
import { matchExpression } from '../../src/core/search/tokens';
import { generate } from '../../src/core/seed/seed';
import { CORE_V8_FLAGS } from '../../src/core/process/v8-flags';
import { ParkCore } from '../../src/core/service';
import { gridFilters, gridSorts } from './grid-views';
import { recordTarget } from './results';
import { dueByScan } from '../unit/qualification-due-scan';

const SIZE = {
  enterprises: Number(process.env.BENCH_ENTERPRISES ?? 1_000_000),
  leads: Number(process.env.BENCH_LEADS ?? 200_000),
  activities: Number(process.env.BENCH_ACTIVITIES ?? 1_000_000),
};
const DIR = '.bench';
// The name carries the generator's version: a changed generator makes a new file.
const FILE = join(DIR, `bench-v2-${SIZE.enterprises}-${SIZE.leads}-${SIZE.activities}.db`);
const SAMPLES = 40;
/** Samples of a view the sweep put over 10 ms, for its p95 (one sample in twenty may be over). */
const CONFIRM_SAMPLES = 20;
/** Views re-timed at most (each sample counts its filter afresh: up to half a second at 1M). */
const CONFIRM_VIEWS = 300;

const now = () => Number(process.hrtime.bigint()) / 1e6;
/** The nearest-rank percentile: of 20 samples, p95 is the 19th smallest (one in twenty may be above it). */
const nearestRank = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.max(0, Math.ceil((p / 100) * xs.length) - 1)]!;
const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))]!;
const fmt = (x: number) => (x < 10 ? x.toFixed(2) : x.toFixed(1)).padStart(7);
const rows: string[][] = [];

/** CPU ms of the calling thread (/proc/thread-self/schedstat's first field, ns); the process's where there is no such file. */
function threadCpu(): number {
  try {
    return Number(readFileSync('/proc/thread-self/schedstat', 'latin1').split(' ')[0]) / 1e6;
  } catch {
    const used = process.cpuUsage();
    return (used.user + used.system) / 1000;
  }
}

/** Each timed sample's span (performance.now()), for the garbage collections that fell inside it (`gcInside`). */
const spans = new WeakMap<number[], [number, number][]>();

/** `n` wall times of `fn`, each after `before` (untimed) when given. */
function time(fn: () => unknown, n = SAMPLES, before?: () => unknown): number[] {
  const out: number[] = [];
  const at: [number, number][] = [];
  for (let i = 0; i < n; i++) {
    before?.();
    const t = now();
    const from = performance.now();
    fn();
    at.push([from, performance.now()]);
    out.push(now() - t);
  }
  spans.set(out, at);
  return out;
}

/**
 * Garbage collections of this process (their entries arrive at a turn of the event loop, after the
 * samples), the last GC_KEPT: the re-timed views come after a sweep of thousands of collections.
 */
const collections: PerformanceEntry[] = [];
const GC_KEPT = 20_000;
new PerformanceObserver((list) => {
  collections.push(...list.getEntries());
  if (collections.length > 2 * GC_KEPT) collections.splice(0, collections.length - GC_KEPT);
}).observe({ entryTypes: ['gc'] });

/**
 * How many of these samples a garbage collection of the bench's own process fell inside, and the longest
 * such pause: a p95 over 10 ms from a few paused samples of a 1 ms page says so next to its figure.
 * The pass rule does not change.
 */
async function gcInside(samples: number[]): Promise<string> {
  await new Promise((r) => setImmediate(r));
  const at = spans.get(samples) ?? [];
  const inside = at.map(([a, b]) => collections.filter((g) => g.startTime < b && g.startTime + g.duration > a).reduce((sum, g) => sum + g.duration, 0));
  return `GC in ${inside.filter((g) => g > 0).length} of ${at.length} samples, max ${Math.max(0, ...inside).toFixed(1)} ms`;
}

/** The same SQL in the sqlite3 CLI, timed by its own `.timer`; values inlined (bench constants only). */
function sqliteCli(sql: string, params: unknown[], n = 15): number[] | null {
  let i = 0;
  const inlined = sql.replace(/\?/g, () => {
    const v = params[i++];
    return typeof v === 'number' ? String(v) : `'${String(v).replace(/'/g, "''")}'`;
  });
  const script = `.timer on\n.output /dev/null\n${Array.from({ length: n }, () => `${inlined};`).join('\n')}\n`;
  try {
    const out = execFileSync('sqlite3', ['-readonly', FILE], { input: script, encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'] });
    const times = [...out.matchAll(/Run Time: real ([\d.]+)/g)].map((m) => Number(m[1]) * 1000);
    return times.length ? times : null;
  } catch {
    return null;
  }
}

function report(name: string, core: number[], ref: number[] | null, target?: number) {
  const ok = target === undefined ? '' : pct(core, 95) <= target ? `ok ≤ ${target}` : `OVER ${target}`;
  rows.push([name, fmt(pct(core, 50)), fmt(pct(core, 95)), ref ? fmt(pct(ref, 50)) : '    n/a', ref ? fmt(pct(ref, 95)) : '    n/a', ok]);
}

function ensureDatabase() {
  if (existsSync(FILE)) return;
  mkdirSync(DIR, { recursive: true });
  rmSync(`${FILE}.tmp`, { force: true });
  const core = new ParkCore(`${FILE}.tmp`, { user: 'bench' });
  const t = now();
  let last = -1;
  generate(core.context(), SIZE, (done, total) => {
    const p = Math.floor((done / total) * 100);
    if (p !== last) process.stderr.write(`\rgenerating ${FILE}: ${p}%`);
    last = p;
  });
  core.db.exec('ANALYZE');
  core.db.pragma('wal_checkpoint(TRUNCATE)');
  core.close();
  execFileSync('mv', [`${FILE}.tmp`, FILE]);
  process.stderr.write(`\ngenerated in ${((now() - t) / 1000).toFixed(1)} s\n`);
}

async function main() {
  ensureDatabase();
  const opens = time(() => new ParkCore(FILE, { create: false }).close(), 10);
  const core = new ParkCore(FILE, { create: false });
  const db = core.db;
  report('open database', opens, null);

  // BENCH_ONLY=overview skips the grid and search figures (for checking the Overview alone).
  const only = process.env.BENCH_ONLY;
  // BENCH_GRID_NO_SEGMENTS=1: the enterprise view without its segment indexes (to weigh dropping them).
  const grid = new GridRunner(process.env.BENCH_GRID_NO_SEGMENTS ? { ...enterprisesView, segments: undefined } : enterprisesView);
  let version = 1_000;
  const page = (req: Partial<GridRequest>, fresh = true) => grid.run(db, { startRow: 0, endRow: 100, sortModel: [], filterModel: {}, ...req } as GridRequest, fresh ? ++version : version);
  if (only !== 'overview') await gridViews();

  /**
   * Every grid view (tests/bench/grid-views.ts): the sweep times each view's first page (offset 0, the
   * count already cached, as when the sort changes) BENCH_GRID_FIRST times (default 3) and the page after
   * it (keyset, as when scrolling) BENCH_GRID_SCROLL times (default 2), wall and CPU time: the slowest of
   * those samples screens the view. A view whose first sample takes over 100 ms fails whatever the rest say
   * and is not sampled again (that keeps the whole sweep at 1M within minutes). A view the screen puts over
   * 10 ms is timed again CONFIRM_SAMPLES times, each sample after its filter is counted afresh (a sort
   * change or a scroll as the user meets it, the cost of ordering the set included), for its p95. The
   * slowest ten by CPU are then timed SAMPLES times each (repeated requests; a scrolled view pages deeper,
   * to row 2,000), with the sqlite3 CLI running the same page SQL as the reference.
   */
  async function gridViews() {
    const sorts = gridSorts().filter((s) => !process.env.BENCH_GRID_SORT || new RegExp(process.env.BENCH_GRID_SORT).test(s.label));
    // BENCH_GRID_PAIR_STEP=n times every n-th pair of filters only (the full set is ~14,000 views).
    // BENCH_GRID_MATCH / BENCH_GRID_SORT (regular expressions on the labels) time one class of views only.
    const match = process.env.BENCH_GRID_MATCH ? new RegExp(process.env.BENCH_GRID_MATCH) : null;
    const filters = gridFilters(db, match ? 1 : Number(process.env.BENCH_GRID_PAIR_STEP ?? 1)).filter((f) => !match || match.test(f.label));
    const firstSamples = Number(process.env.BENCH_GRID_FIRST ?? 3);
    const scrollSamples = Number(process.env.BENCH_GRID_SCROLL ?? 2);
    type Timed = { label: string; req: GridRequest; kind: 'first' | 'scroll'; worst: number; cpu: number; plan?: string };
    const timed: Timed[] = [];
    const dump = process.env.BENCH_GRID_DUMP;
    if (dump) rmSync(dump, { force: true });
    // BENCH_GRID_MINUTES=m stops the sweep after m minutes; the figure then says how far it got, and cannot pass.
    const budgetMs = Number(process.env.BENCH_GRID_MINUTES ?? Infinity) * 60_000;
    let swept = 0;
    /** Per filter: the first page with the exact count (and the filter's row set, when it takes one). */
    const counts: { label: string; wall: number; cpu: number; setKb: number }[] = [];
    const t0 = now();
    /**
     * Wall and CPU ms of one call. CPU of this thread only (Linux's schedstat, in ns): the process's CPU
     * would add the grid's rank-reading thread (rank-reader.ts) to whatever page runs meanwhile.
     */
    const once = (fn: () => unknown): [number, number] => {
      const c = threadCpu();
      const t = now();
      fn();
      const w = now() - t;
      return [w, threadCpu() - c];
    };
    const sampled = (fn: () => unknown, n: number): [number, number] => {
      let [w, c] = once(fn);
      for (let i = 1; i < n && w <= 100; i++) {
        const [w2, c2] = once(fn);
        w = Math.max(w, w2);
        c = Math.max(c, c2);
      }
      return [w, c];
    };
    for (const [n, f] of filters.entries()) {
      if (now() - t0 > budgetMs) break;
      swept = n + 1;
      if (n % 10 === 0) {
        const el = (now() - t0) / 1000;
        process.stderr.write(`\rgrid sweep: filter ${n} of ${filters.length}, ${el.toFixed(0)} s${n ? `, ~${((el / n) * (filters.length - n)).toFixed(0)} s to go` : ''}   `);
      }
      const base = { filterModel: f.filterModel, ...(f.quickFilter ? { quickFilter: f.quickFilter } : {}) };
      // The exact count, cached for this filter (the figure "exact count" times it), with its row set.
      const [cw, cc] = once(() => page(base, true));
      counts.push({ label: f.label, wall: cw, cpu: cc, setKb: grid.rowSetBytes() / 1024 });
      for (const s of sorts) {
        const req = { startRow: 0, endRow: 100, sortModel: s.sortModel, ...base } as GridRequest;
        const label = `${s.label} | ${f.label}`;
        const [first, firstCpu] = sampled(() => page(req, false), firstSamples);
        timed.push({ label, req, kind: 'first', worst: first, cpu: firstCpu });
        // The scrolled page continues from the cursor the first page left (keyset), as when the user scrolls.
        const [scroll, scrollCpu] = sampled(() => page({ ...req, startRow: 100, endRow: 200 }, false), scrollSamples);
        timed.push({ label, req, kind: 'scroll', worst: scroll, cpu: scrollCpu });
        // The plan the runner chose (counts cached: cheap), so a dump can be grouped by plan.
        if (dump) {
          const plan = grid.sqlFor(db, req).plan;
          timed[timed.length - 1]!.plan = plan;
          timed[timed.length - 2]!.plan = plan;
        }
      }
      // BENCH_GRID_DUMP=file appends every view's figures (label, kind, wall, CPU) as the sweep goes, for
      // finding the classes of slow views (also from a sweep cut short).
      if (dump) appendFileSync(dump, timed.slice(-2 * sorts.length).map(({ label, kind, worst, cpu, plan }) => `${JSON.stringify({ label, kind, plan, wall: worst, cpu })}\n`).join(''));
    }
    const sweepSeconds = (now() - t0) / 1000;
    const byCpu = [...counts].sort((a, b) => b.cpu - a.cpu);
    const maxKb = Math.max(0, ...counts.map((c) => c.setKb));
    const changeCpu = `cpu p50 ${pct(counts.map((c) => c.cpu), 50).toFixed(1)} ms, p95 ${pct(counts.map((c) => c.cpu), 95).toFixed(1)} ms`;
    console.error(`\nfirst page with the exact count (and row set), per filter: ${changeCpu}; slowest ${byCpu.slice(0, 3).map((c) => `${c.label} ${c.cpu.toFixed(0)} ms`).join(', ')}; row sets held at most ${maxKb.toFixed(0)} KB; sort columns' ranks read ${rankReads.count} times on the request path, ${backgroundRanks.answered} in the background (${backgroundRanks.kept} kept; ${backgroundRanks.askedAhead} asked ahead)`);
    // What a filter change costs (the count is read with the filter's row set): wall in the columns, CPU in the name.
    report(`grid filter change: first page with the exact count and row set, ${counts.length} filters (${changeCpu}; load ${loadavg()[0]!.toFixed(2)})`, counts.map((c) => c.wall), null);
    const views = timed.length;
    const passing = timed.filter((v) => v.worst <= 10).length;
    const passingCpu = timed.filter((v) => v.cpu <= 10).length;
    // The sweep's figure for a view is the slowest of 2–3 samples: a screen. A view it puts over 10 ms is
    // timed again CONFIRM_SAMPLES times, each sample as the user meets the view: its filter counted afresh
    // (its row set made again, and no order of it kept), then the first page of the sort (a sort change),
    // or that page and then the scrolled page (a scroll). Its p95 (nearest rank) is taken from those: a
    // view whose one slow sample was a pause of the process (a garbage collection, the machine's
    // neighbours) passes; a view slow on every sort change, or on more than one in twenty, does not.
    // At most CONFIRM_VIEWS are re-timed (each costs 20 filter counts); any beyond fail.
    const screened = timed.filter((v) => v.worst > 10 && v.worst <= 100);
    const confirmed = screened.slice(0, CONFIRM_VIEWS).map((v) => {
      const count = () => page({ filterModel: v.req.filterModel, ...(v.req.quickFilter ? { quickFilter: v.req.quickFilter } : {}) }, true);
      const samples =
        v.kind === 'first'
          ? time(() => page(v.req, false), CONFIRM_SAMPLES, count)
          : time(() => page({ ...v.req, startRow: 100, endRow: 200 }, false), CONFIRM_SAMPLES, () => (count(), page(v.req, false)));
      return { ...v, samples, p95: nearestRank(samples, 95), firstSample: samples[0]! };
    });
    const unconfirmed = screened.length - confirmed.length;
    const stillOver = confirmed.filter((v) => v.p95 > 10);
    const overHundred = timed.filter((v) => v.worst > 100).length;
    for (const v of [...confirmed].sort((a, b) => b.p95 - a.p95)) {
      console.error(`confirm ${v.kind} ${v.label}: sweep ${v.worst.toFixed(1)} ms; ${CONFIRM_SAMPLES} cold samples p95 ${v.p95.toFixed(1)} ms, median ${pct(v.samples, 50).toFixed(1)}, max ${Math.max(...v.samples).toFixed(1)}; ${await gcInside(v.samples)}`);
    }
    // The slowest ten again, SAMPLES times each, with the sqlite3 CLI's time for the same page SQL.
    // Picked by CPU time: on a shared machine a wall figure says as much about the neighbours as the view.
    const slowest = [...timed].sort((a, b) => b.cpu - a.cpu).slice(0, 10);
    // A view of seconds is timed fewer times (at least 3): forty samples of the slowest views would take minutes.
    const samplesFor = (v: Timed) => Math.max(3, Math.min(SAMPLES, Math.floor(5_000 / Math.max(1, v.worst))));
    const worstTen = slowest.map((v) => {
      const samples = v.kind === 'first' ? time(() => page(v.req, false), samplesFor(v)) : scrollTimes(v.req, samplesFor(v));
      return { ...v, samples, p95: pct(samples, 95) };
    });
    worstTen.sort((a, b) => b.p95 - a.p95);
    const paused = new Map<Timed, string>();
    for (const v of worstTen) paused.set(v, await gcInside(v.samples));
    for (const v of worstTen) {
      page(v.req, true);
      const q = grid.sqlFor(db, v.kind === 'first' ? v.req : { ...v.req, startRow: 100, endRow: 200 });
      report(`grid ${v.kind} page: ${v.label} [${q.plan}] (sweep ${v.worst.toFixed(1)} ms, cpu ${v.cpu.toFixed(1)}; ${paused.get(v)})`, v.samples, sqliteCli(q.page.sql, q.page.params), 10);
    }
    const worst = worstTen[0]!;
    page(worst.req, true);
    const q = grid.sqlFor(db, worst.req);
    const plainRef = sqliteCli(q.plain.sql, q.plain.params, 5);
    const cut = swept < filters.length ? ` (cut after ${swept} of ${filters.length} filters by BENCH_GRID_MINUTES)` : '';
    const summary = `grid sweep: ${swept} filters × ${sorts.length} sorts = ${views / 2} views${cut}, first (×${firstSamples}) and scrolled (×${scrollSamples}) pages, in ${sweepSeconds.toFixed(0)} s; ${passing} of ${views} pages ≤ 10 ms wall (${passingCpu} ≤ 10 ms CPU); load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}`;
    console.error(`\n${summary}`);
    rows.push([summary, '', '', '', '', '']);
    const worstConfirmed = [...confirmed].sort((a, b) => b.p95 - a.p95)[0];
    const failing = stillOver.length + unconfirmed + overHundred;
    recordTarget({
      target: `grid views at ${SIZE.enterprises.toLocaleString()} enterprises: ${views / 2} (sort × filters alone and in pairs)${cut}, first and scrolled pages`,
      figure:
        `${views - failing} of ${views} pages ≤ 10 ms on the sweep's 2–3 samples or, re-timed, at p95 of ${CONFIRM_SAMPLES}: ${passing} on the sweep (${passingCpu} by CPU time), ` +
        `${confirmed.length - stillOver.length} of the ${screened.length} over it at p95` +
        (worstConfirmed ? ` (worst ${worstConfirmed.p95.toFixed(1)} ms, ${worstConfirmed.kind}: ${worstConfirmed.label})` : '') +
        `${unconfirmed ? `, ${unconfirmed} not re-timed` : ''}${overHundred ? `, ${overHundred} over 100 ms` : ''}; slowest ten by CPU, repeated: worst p95 ${worst.p95.toFixed(1)} ms (${worst.kind}: ${worst.label}; ${paused.get(worst)})`,
      reference: `sqlite3 CLI, plain SQL of that view: p95 ${plainRef ? pct(plainRef, 95).toFixed(1) : 'n/a'} ms`,
      goal: 'every view p95 ≤ 10 ms',
      pass: failing === 0 && worst.p95 <= 10 && !cut,
    });
  }

  /** Times `n` consecutive scrolled pages (keyset) after the first page of a view, restarting from the top as needed. */
  function scrollTimes(req: GridRequest, n: number): number[] {
    const out: number[] = [];
    const at: [number, number][] = [];
    spans.set(out, at);
    let start = 0;
    page(req, false);
    for (let i = 0; i < n; i++) {
      start += 100;
      const t = now();
      const from = performance.now();
      const got = page({ ...req, startRow: start, endRow: start + 100 }, false);
      at.push([from, performance.now()]);
      out.push(now() - t);
      if (got.rows.length < 100 || start >= 2_000) {
        start = 0;
        page(req, false);
      }
    }
    return out;
  }

  const filters: [string, GridRequest['filterModel']][] = [
    ['', {}],
    [' + status=在孵', { status: { filterType: 'text', type: 'equals', filter: '在孵' } }],
  ];
  if (only !== 'overview' && only !== 'grid') gridAndSearch();
  function gridAndSearch() {
  const deep = grid.sqlFor(db, { startRow: 500_000, endRow: 500_100, sortModel: [{ colId: 'name', sort: 'asc' }], filterModel: {} });
  report('page name asc, jump to row 500,000 (OFFSET)', time(() => db.prepare(deep.page.sql).all(...deep.page.params), 10), sqliteCli(deep.page.sql, deep.page.params, 5));

  for (const [label, filterModel] of filters) {
    const q = grid.sqlFor(db, { startRow: 0, endRow: 100, sortModel: [], filterModel });
    report(`exact count${label || ' (all)'}`, time(() => db.prepare(q.count.sql).get(...q.count.params), 15), sqliteCli(q.count.sql, q.count.params, 10));
  }

  const uscc = (db.prepare('SELECT uscc FROM enterprises WHERE rowid = 777').get() as { uscc: string }).uscc;
  for (const [label, q] of [['search 2 chars 数据', '数据'], ['search 4 chars 数据科技', '数据科技'], ['search 1 char 园', '园'], [`search USCC prefix ${uscc.slice(0, 12)}`, uscc.slice(0, 12)]] as const) {
    const core_ = time(() => core.call('search.query', { q, limit: 20 }));
    const expr = matchExpression(q);
    const ref = /\d/.test(q)
      ? sqliteCli("SELECT id, name FROM enterprises WHERE deleted = 0 AND uscc >= ? AND uscc < ? ORDER BY uscc LIMIT 20", [q, `${q}\uffff`])
      : sqliteCli('SELECT e.id, e.name FROM enterprises_fts f JOIN enterprises e ON e.rowid = f.rowid WHERE enterprises_fts MATCH ? LIMIT 20', [expr]);
    report(label, core_, ref, 30);
  }
  }
  // The whole Overview (all targets, funnel, time in stage, flows, mix, quarters, overdue, timeline),
  // today (no history to replay) and as of earlier dates (stage events and change-log replay).
  if (only !== 'grid') overviewFigures();
  function overviewFigures() {
    // The grid's rank thread may still be reading columns the sweep asked for: the Overview is timed
    // once it is idle, so that its figure is not the two sharing the cores.
    const settle = now();
    const settled = settleRanks(db);
    console.error(`rank thread idle after ${(now() - settle).toFixed(0)} ms${settled ? '' : ' (gave up waiting)'}`);
    const today = new Date().toISOString().slice(0, 10);
    // Today (nothing to replay), earlier dates (stage events and change-log replay), a date before any
    // data and the last plan's deadline. CPU time beside wall time: on a shared machine wall time is noisy.
    const deadline = (db.prepare('SELECT max(deadline) AS d FROM plans WHERE deleted = 0').get() as { d: string | null }).d ?? today;
    const dates = [...new Set([today, '2025-06-30', '2023-12-31', '2022-03-15', '2020-12-31', '2019-06-30', '2010-01-01', deadline])];
    let worst = { p95: -1, cpu: 0, asOf: '' };
    for (const asOf of dates) {
      const cpu: number[] = [];
      const samples = time(() => {
        const c = process.cpuUsage();
        core.call('dashboard.overview', { asOf });
        const d = process.cpuUsage(c);
        cpu.push((d.user + d.system) / 1000);
      });
      report(`overview recompute, as of ${asOf}${asOf === today ? ' (today)' : ''} (cpu p95 ${pct(cpu, 95).toFixed(1)} ms)`, samples, null, 150);
      if (pct(samples, 95) > worst.p95) worst = { p95: pct(samples, 95), cpu: pct(cpu, 95), asOf };
    }
    // The qualification due-list (loads after the Overview's first paint): qualification_days and the
    // earliest-expiry index, against the one json_each over every enterprise it replaced (3 runs: ~7 s each).
    for (const asOf of [today, '2020-12-31']) {
      const cpu: number[] = [];
      const samples = time(() => {
        const c = process.cpuUsage();
        core.call('qualifications.due', { asOf });
        const d = process.cpuUsage(c);
        cpu.push((d.user + d.system) / 1000);
      });
      const until = new Date(Date.parse(`${asOf}T00:00:00Z`) + 90 * 86_400_000).toISOString().slice(0, 10);
      const scan = time(() => dueByScan(db, asOf, until, 20), 3);
      report(`qualification due-list, as of ${asOf} (cpu p95 ${pct(cpu, 95).toFixed(1)} ms; ref: json_each scan)`, samples, scan, 150);
    }
    recordTarget({
      target: `Overview recompute as of any date at ${SIZE.enterprises.toLocaleString()} enterprises (${dates.length} dates)`,
      figure: `worst p95 ${worst.p95.toFixed(1)} ms (cpu ${worst.cpu.toFixed(1)} ms, as of ${worst.asOf})`,
      reference: '',
      goal: '≤ 150 ms p95',
      pass: worst.p95 <= 150,
    });
  }

  // A small import into the big park keeps its indexes (a rebuild would sort a million rows each).
  // Dry runs, so the file stays as it is: the same work, rolled back.
  if (only === 'grid') {
    core.close();
    return printTable();
  }
  const csv = join(DIR, 'small-import.csv');
  writeFileSync(csv, ['企业名称,所属行业,入驻日期,注册资本（万元）', ...Array.from({ length: 2_000 }, (_, i) => `基准导入企业${i},大数据,2024-05-${String(1 + (i % 28)).padStart(2, '0')},${i}`)].join('\n'));
  const imports: number[] = [];
  for (let i = 0; i < 3; i++) {
    const t = now();
    const job = core.call('imports.start', { file: core.files.register(csv, 'small-import.csv'), entity: 'enterprises', mode: 'create', dryRun: true });
    if ((await core.jobs.wait(job.id)).state !== 'done') throw new Error('import failed');
    imports.push(now() - t);
  }
  report('import 2,000 rows into this park (dry run, 3 samples)', imports, null);
  core.close();
  printTable();
}

function printTable() {
  const sqliteVersion = (() => {
    try {
      return execFileSync('sqlite3', ['--version'], { encoding: 'utf8' }).split(' ')[0];
    } catch {
      return 'not installed';
    }
  })();
  const width = Math.max(...rows.map((r) => r[0]!.length));
  console.log(`\nParkPilot benchmark — ${SIZE.enterprises.toLocaleString()} enterprises, ${SIZE.leads.toLocaleString()} leads, ${SIZE.activities.toLocaleString()} activities`);
  console.log(`core: better-sqlite3 (SQLite ${(new ParkCore(FILE, { create: false, readonly: true }).call('meta.info', {})).sqlite}); reference: sqlite3 CLI ${sqliteVersion}; times in ms, ${SAMPLES} samples unless noted`);
  console.log(`${'measure'.padEnd(width)}   core p50  core p95  cli p50   cli p95   target`);
  for (const r of rows) console.log(`${r[0]!.padEnd(width)}  ${r.slice(1).join('   ')}`);
  console.log(`peak memory (max RSS): ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`);
  console.log('(machine: 2 cores, shared; figures vary run to run — compare with the cli columns, run on the same file)');
}

// The grid and the Overview run in the app's core process, which starts with CORE_V8_FLAGS: measured so.
// Under Node's default young generation (16 MB semi-spaces) a scavenge that copies a filter's row set
// and sort keys took 12–18 ms inside a page's request; with the core's 4 MB, 2–4 ms.
if (CORE_V8_FLAGS.every((f) => process.execArgv.includes(f))) void main();
else {
  const child = spawn(process.execPath, [...CORE_V8_FLAGS, ...process.execArgv, __filename, ...process.argv.slice(2)], { stdio: 'inherit' });
  // Stopping this process stops the bench (the child would run on for half an hour otherwise).
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => child.kill(signal));
  child.on('error', (err) => {
    console.error(`bench: could not start ${process.execPath}: ${err.message}`);
    process.exit(1);
  });
  child.on('exit', (code, signal) => {
    if (signal) console.error(`bench: stopped by ${signal}`);
    process.exit(code ?? 1);
  });
}
