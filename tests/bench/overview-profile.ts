/**
 * `tsx tests/bench/overview-profile.ts [db]` — where the Overview's time goes: CPU and wall time of
 * each part (every target's measure, funnel, time in stage, flows, mix, quarters, overdue, timeline)
 * for several as-of dates, on an existing bench database (opened read-only in effect: nothing is written).
 */
import { ParkCore } from '../../src/core/service';
import { entriesAndExits, incubationFlow, industryMix, leadFunnel, overdueFollowUps, stagesOn, timeInStage, timeline } from '../../src/core/overview/dashboard';
import { measure, type Measure } from '../../src/core/targets/measure';
import { decodeRow } from '../../src/core/db/write';

const file = process.argv[2] ?? '.bench/bench-v2-200000-40000-200000.db';
const core = new ParkCore(file, { create: false });
const db = core.db;
const today = new Date().toISOString().slice(0, 10);
const N = Number(process.env.SAMPLES ?? 10);

function cost(fn: () => unknown): { cpu: number; wall: number } {
  const cpus: number[] = [];
  const walls: number[] = [];
  for (let i = 0; i < N; i++) {
    const c = process.cpuUsage();
    const t = performance.now();
    fn();
    walls.push(performance.now() - t);
    const d = process.cpuUsage(c);
    cpus.push((d.user + d.system) / 1000);
  }
  const p95 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(0.95 * xs.length))]!;
  return { cpu: p95(cpus), wall: p95(walls) };
}

const targets = (db.prepare('SELECT t.*, p.start_date FROM targets t JOIN plans p ON p.id = t.plan_id WHERE t.deleted = 0 AND p.deleted = 0').all() as Record<string, unknown>[]).map((r) => decodeRow('targets', r));
const plan = db.prepare("SELECT max(deadline) AS d FROM plans WHERE deleted = 0").get() as { d: string };
const dates = (process.env.DATES ?? `${today},2020-12-31,2010-01-01,${plan.d}`).split(',');
for (const asOf of dates) {
  const parts: [string, () => unknown][] = [
    ...targets
      .filter((t) => (t.measure as Measure).kind !== 'milestone')
      .map((t) => [`target ${String(t.name).slice(0, 14)}`, () => measure(db, t.measure as Measure, { from: t.start_date as string, to: t.deadline as string }, asOf, { rollup: process.env.ROLLUP !== "0" })] as [string, () => unknown]),
    ['funnel', () => leadFunnel(db, asOf, today)],
    ['timeInStage', () => timeInStage(db, 'leads', asOf)],
    ['incubationFlow', () => incubationFlow(db, asOf)],
    ['incubationStages', () => stagesOn(db, 'incubations', asOf, today)],
    ['industryMix', () => industryMix(db, asOf)],
    ['entriesExits', () => entriesAndExits(db, asOf)],
    ['overdue', () => overdueFollowUps(db, asOf)],
    ['timeline', () => timeline(db, asOf)],
    ['WHOLE dashboard.overview', () => core.call('dashboard.overview', { asOf })],
  ];
  console.log(`as of ${asOf}`);
  for (const [name, fn] of parts) {
    const c = cost(fn);
    console.log(`  ${name.padEnd(28)} cpu p95 ${c.cpu.toFixed(1).padStart(7)} ms   wall p95 ${c.wall.toFixed(1).padStart(7)} ms`);
  }
}
core.close();
