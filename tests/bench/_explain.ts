import { ParkCore } from '../../src/core/service';
import { enterprisesView } from '../../src/core/enterprises/handlers';
import { GridRunner, type GridRequest } from '../../src/core/grid/query';
const core = new ParkCore('.bench/bench-v2-1000000-200000-1000000.db', { create: false });
const db = core.db;
const cases: GridRequest[] = JSON.parse(process.argv[2]!);
for (const base of cases) {
  const g = new GridRunner(enterprisesView);
  const run = (req: GridRequest) => { const c = process.cpuUsage(); const t = performance.now(); const r = g.run(db, req, 1); const d = process.cpuUsage(c); return [performance.now() - t, (d.user + d.system) / 1000, r.count] as const; };
  const t0 = run(base);
  const q = g.sqlFor(db, base);
  const firsts = [run(base), run(base)];
  const scroll = run({ ...base, startRow: base.endRow, endRow: base.endRow * 2 });
  console.log(JSON.stringify(base.sortModel), JSON.stringify(base.filterModel), base.quickFilter ?? '', 'plan', q.plan, 'count', t0[2], 'cold', t0[0].toFixed(1), 'first', firsts.map((f) => `${f[0].toFixed(1)}/${f[1].toFixed(1)}`).join(' '), 'scroll', `${scroll[0].toFixed(1)}/${scroll[1].toFixed(1)}`);
  if (process.env.SQL) console.log(q.page.sql, JSON.stringify(q.page.params));
  console.log('  ', (db.prepare('EXPLAIN QUERY PLAN ' + q.page.sql).all(...q.page.params) as any[]).map((r) => r.detail).join('; '));
}
core.close();
