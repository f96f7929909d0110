/**
 * `tsx tests/bench/sync-threshold.ts` — where classifying on the second thread starts to pay
 * (sync/merge-thread.ts WORKER_THRESHOLD): dry-run merges of the bench laptop's package cut to several
 * sizes, each made with classify in the merge's thread and on the second thread, alternately, wall
 * and process CPU (both threads), median of SYNC_REPS (default 3). Run from the sources the thread
 * starts through tsx, slower than the built app's.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ParkCore } from '../../src/core/service';
import { mergeChanges } from '../../src/core/sync/merge';
import { laptopChanges, laptopSender } from './laptop-package';

const FILE = process.env.SYNC_DB ?? join('.bench', 'bench-v2-1000000-200000-1000000.db');
const SIZES = (process.env.SYNC_SIZES ?? '1000,5000,20000,50000').split(',').map(Number);
const REPS = Number(process.env.SYNC_REPS ?? 3);
const load = () => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function main(): Promise<void> {
  const core = new ParkCore(FILE, { create: false, user: 'bench' });
  try {
    for (const size of SIZES) {
      const changes = laptopChanges(core.db, size);
      const sender = laptopSender(core.db, changes);
      const runs: Record<'here' | 'thread', { wall: number[]; cpu: number[] }> = { here: { wall: [], cpu: [] }, thread: { wall: [], cpu: [] } };
      for (let rep = 0; rep < REPS; rep++) {
        for (const mode of ['here', 'thread'] as const) {
          const t = performance.now();
          const c = process.cpuUsage();
          await mergeChanges(core.context(), changes, sender, { dryRun: true, classifyOnWorker: mode === 'thread' });
          const u = process.cpuUsage(c);
          runs[mode].wall.push(performance.now() - t);
          runs[mode].cpu.push((u.user + u.system) / 1000);
        }
      }
      const f = (m: 'here' | 'thread') => `${median(runs[m].wall).toFixed(0)} ms wall / ${median(runs[m].cpu).toFixed(0)} ms CPU`;
      console.log(`${size} changes: in the merge thread ${f('here')}; on the second thread ${f('thread')} (load ${load()})`);
    }
  } finally {
    core.close();
  }
}
void main();
