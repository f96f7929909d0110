import Database from 'better-sqlite3';
const db = new Database('.bench/bench-v2-1000000-200000-1000000.db', { readonly: true });
db.pragma('cache_size = -65536'); db.pragma('temp_store = MEMORY');
if (process.env.MMAP) db.pragma(`mmap_size = ${process.env.MMAP}`);
const qs: [string, string][] = [
  ['industry walk', "SELECT e.id, e.name FROM enterprises e WHERE e.deleted = 0 AND +e.industry = 'cloud' ORDER BY e.revenue DESC, e.rowid DESC LIMIT 100"],
  ['industry walk name', "SELECT e.id, e.name FROM enterprises e WHERE e.deleted = 0 AND +e.industry = 'cloud' ORDER BY e.name DESC, e.rowid DESC LIMIT 100"],
  ['industry walk upd', "SELECT e.id, e.name FROM enterprises e WHERE e.deleted = 0 AND +e.industry = 'iot' ORDER BY e.updated_at ASC, e.rowid ASC LIMIT 100"],
];
for (const [l, q] of qs) {
  const st = db.prepare(q); st.all();
  const ts: number[] = []; const cs: number[] = [];
  for (let i = 0; i < 15; i++) { const c = process.cpuUsage(); const t = performance.now(); st.all(); ts.push(performance.now() - t); const d = process.cpuUsage(c); cs.push((d.user + d.system) / 1000); }
  ts.sort((a, b) => a - b); cs.sort((a, b) => a - b);
  console.log(l, 'wall med', ts[7]!.toFixed(1), 'cpu med', cs[7]!.toFixed(1), db.prepare('EXPLAIN QUERY PLAN ' + q).all().map((r: any) => r.detail).join('; '));
}
