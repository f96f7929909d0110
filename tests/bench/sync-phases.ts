/**
 * `tsx tests/bench/sync-phases.ts [runs]` — the merge of tests/bench/sync.ts alone (no export, no package,
 * no backup), dry runs, each with its wall, CPU and CPU by phase: for profiling the merge
 * (`node --cpu-prof --import tsx tests/bench/sync-phases.ts 1`). Same database and package as sync.ts
 * (SYNC_ROWS=random: the package's rows scattered over the table, laptop-package.ts).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ParkCore } from '../../src/core/service';
import { mergeChanges } from '../../src/core/sync/merge';
import { laptopChanges, laptopSender } from './laptop-package';

const SIZE = [process.env.BENCH_ENTERPRISES ?? 1_000_000, process.env.BENCH_LEADS ?? 200_000, process.env.BENCH_ACTIVITIES ?? 1_000_000].map(Number);
const FILE = process.env.SYNC_DB ?? join('.bench', `bench-v2-${SIZE.join('-')}.db`);
const CHANGES = Number(process.env.SYNC_CHANGES ?? 100_000);
const RUNS = Number(process.argv[2] ?? 3);
/** SYNC_THREAD=0: classify in the merge's thread; 1: on the second thread; unset: the merge decides (by size). */
const THREAD = process.env.SYNC_THREAD === undefined ? undefined : process.env.SYNC_THREAD === '1';
/** SYNC_PLANS=alternate: every other run rewrites the plain rows here, not from the classify thread's plans (MergeOptions.noThreadPlans). */
const ALTERNATE_PLANS = process.env.SYNC_PLANS === 'alternate';
/** SYNC_CHUNK=4096,1024: the classify thread's chunk size (MergeOptions.classifyChunk), run by run in turn (paired A/B in one process). */
const CHUNKS = (process.env.SYNC_CHUNK ?? '').split(',').filter(Boolean).map(Number);
if (CHUNKS.some((n) => !Number.isInteger(n) || n < 1)) throw new Error(`SYNC_CHUNK: whole numbers of changes, comma-separated (got ${process.env.SYNC_CHUNK})`);
// Both alternate run by run: together they would pair each chunk size with one way of planning.
if (CHUNKS.length > 1 && ALTERNATE_PLANS) throw new Error('SYNC_CHUNK with several sizes and SYNC_PLANS=alternate: one A/B at a time');
const load = () => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');

async function main(): Promise<void> {
  const core = new ParkCore(FILE, { create: false, user: 'bench' });
  try {
    const changes = laptopChanges(core.db, CHANGES);
    const sender = laptopSender(core.db, changes);
    for (let run = 0; run < RUNS; run++) {
      const phases: Record<string, { wall: number; cpu: number }> = {};
      const t = performance.now();
      const cpu = process.cpuUsage();
      const report = await mergeChanges(core.context(), changes, sender, { dryRun: true, phases, noThreadPlans: ALTERNATE_PLANS && run % 2 === 1, ...(CHUNKS.length ? { classifyChunk: CHUNKS[run % CHUNKS.length] } : {}), ...(THREAD === undefined ? {} : { classifyOnWorker: THREAD }) });
      const used = process.cpuUsage(cpu);
      if (report.fastForward !== changes.length) throw new Error(`fast-forward ${report.fastForward} of ${changes.length}`);
      const text = Object.entries(phases).map(([k, v]) => `${k} ${Number.isNaN(v.cpu) ? '-' : (v.cpu / 1000).toFixed(2)}/${(v.wall / 1000).toFixed(2)}`).join(', ');
      console.log(`run ${run + 1}${CHUNKS.length ? ` (chunk ${CHUNKS[run % CHUNKS.length]})` : ''}${ALTERNATE_PLANS ? (run % 2 ? ' (plans here)' : ' (plans on the thread)') : ''}: wall ${((performance.now() - t) / 1000).toFixed(2)} s, CPU ${((used.user + used.system) / 1e6).toFixed(2)} s (load ${load()}); phases CPU/wall s: ${text}`);
    }
  } finally {
    core.close();
  }
}
void main();
