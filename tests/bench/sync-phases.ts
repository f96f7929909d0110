/**
 * `tsx tests/bench/sync-phases.ts [runs]` — the merge of tests/bench/sync.ts alone (no export, no package,
 * no backup), dry runs, each with its wall, CPU and CPU by phase: for profiling the merge
 * (`node --cpu-prof --import tsx tests/bench/sync-phases.ts 1`). Same database and package as sync.ts.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { format } from '../../src/core/db/clock';
import type { LogEntry } from '../../src/core/db/materialize';
import { ParkCore } from '../../src/core/service';
import { mergeChanges, type Sender } from '../../src/core/sync/merge';
import { vectorOf } from '../../src/core/sync/peers';

const SIZE = [process.env.BENCH_ENTERPRISES ?? 1_000_000, process.env.BENCH_LEADS ?? 200_000, process.env.BENCH_ACTIVITIES ?? 1_000_000].map(Number);
const FILE = process.env.SYNC_DB ?? join('.bench', `bench-v2-${SIZE.join('-')}.db`);
const CHANGES = Number(process.env.SYNC_CHANGES ?? 100_000);
const RUNS = Number(process.argv[2] ?? 3);
const LAPTOP = 'fe11d0c0ffee0001';
const load = () => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');

async function main(): Promise<void> {
  const core = new ParkCore(FILE, { create: false, user: 'bench' });
  try {
    const rows = core.db.prepare('SELECT id, headcount, revenue, notes, patents FROM enterprises WHERE deleted = 0 ORDER BY rowid LIMIT ?').all(Math.ceil(CHANGES / 4)) as Record<string, unknown>[];
    const start = Date.now() - 60_000;
    const changes: LogEntry[] = [];
    let i = 0;
    for (const r of rows) {
      for (const [field, value] of [['headcount', Number(r.headcount ?? 0) + 1], ['revenue', Number(r.revenue ?? 0) + 1000], ['notes', `走访记录 ${i}`], ['patents', Number(r.patents ?? 0) + 1]] as const) {
        if (changes.length >= CHANGES) break;
        changes.push({ stamp: format(start + Math.floor(i / 50), i % 50, LAPTOP), site: LAPTOP, user: 'field', tbl: 'enterprises', row_id: String(r.id), field, old_value: JSON.stringify(r[field] ?? null), new_value: JSON.stringify(value) });
        i++;
      }
    }
    const seen = { ...vectorOf(core.db), [LAPTOP]: changes[changes.length - 1]!.stamp };
    const sender: Sender = { site: LAPTOP, device: 'bench laptop', person: null, seen, sites: [{ site: LAPTOP, device: 'bench laptop', person: null }] };
    for (let run = 0; run < RUNS; run++) {
      const phases: Record<string, { wall: number; cpu: number }> = {};
      const t = performance.now();
      const cpu = process.cpuUsage();
      const report = await mergeChanges(core.context(), changes, sender, { dryRun: true, phases });
      const used = process.cpuUsage(cpu);
      if (report.fastForward !== changes.length) throw new Error(`fast-forward ${report.fastForward} of ${changes.length}`);
      const text = Object.entries(phases).map(([k, v]) => `${k} ${(v.cpu / 1000).toFixed(2)}/${(v.wall / 1000).toFixed(2)}`).join(', ');
      console.log(`run ${run + 1}: wall ${((performance.now() - t) / 1000).toFixed(2)} s, CPU ${((used.user + used.system) / 1e6).toFixed(2)} s (load ${load()}); phases CPU/wall s: ${text}`);
    }
  } finally {
    core.close();
  }
}
void main();
