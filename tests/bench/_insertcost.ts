// Insert cost of the enterprises_unit index: the same 20,000-row CSV imported into a fresh park with and without it.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { seedReference } from '../../src/core/seed/seed';
import { ParkCore } from '../../src/core/service';
const DIR = '.bench/insertcost'; rmSync(DIR, { recursive: true, force: true }); mkdirSync(DIR, { recursive: true });
const csv = `${DIR}/rows.csv`;
writeFileSync(csv, ['企业名称,所属行业,入驻日期,注册资本（万元）,楼栋,房号', ...Array.from({ length: 20_000 }, (_, i) => `导入企业${i},大数据,2024-05-${String(1 + (i % 28)).padStart(2, '0')},${i},${1 + (i % 7)}号楼,${100 * (1 + (i % 12)) + (i % 40)}`)].join('\n'));
async function once(withIndex: boolean, n: number) {
  const file = `${DIR}/p${n}.db`;
  const core = new ParkCore(file, { user: 'bench' });
  seedReference(core.context());
  if (!withIndex) core.db.exec('DROP INDEX enterprises_unit');
  const c = process.cpuUsage(); const t = performance.now();
  const job = core.call('imports.start', { file: core.files.register(csv, 'rows.csv'), entity: 'enterprises', mode: 'create', dryRun: false });
  const done = await core.jobs.wait(job.id);
  if (done.state !== 'done') throw new Error(String(done.state));
  const d = process.cpuUsage(c);
  const n2 = (core.db.prepare('SELECT count(*) AS n FROM enterprises WHERE unit IS NOT NULL').get() as { n: number }).n;
  core.close();
  return [performance.now() - t, (d.user + d.system) / 1000, n2];
}
(async () => {
  const res: Record<string, number[][]> = { with: [], without: [] };
  for (let i = 0; i < 3; i++) for (const w of [true, false]) res[w ? 'with' : 'without']!.push(await once(w, i * 2 + (w ? 0 : 1)));
  for (const [k, v] of Object.entries(res)) console.log(k, v.map((x) => `${x[0]!.toFixed(0)}ms wall/${x[1]!.toFixed(0)}ms cpu (${x[2]} units)`).join('; '));
  rmSync(DIR, { recursive: true, force: true });
})();
