/**
 * The merge bench's child process (sync.ts starts it, with the core process's V8 flags): dry-run merges
 * of a package into a database, as the app's core process runs them, their wall and CPU times and the
 * best run's phases printed as JSON.
 *
 * Like file-child.ts it loads the core process's entry (src/core/process/entry.ts) and nothing of the
 * bench's own, and sync.ts runs it bundled (core-build.ts), so the merge's classify thread starts from
 * the built merge-worker.js as in the app, not through tsx's loader (about 0.6 s of CPU against 0.2 s,
 * merge-thread.ts). `BENCH_TSX=1` runs it under tsx instead.
 *
 * `node sync-child.js merge-dry DB PACKAGE SENDER.json RUNS` merges PACKAGE (a .ppsync file) from the
 * sender described in SENDER.json (merge.ts Sender) into DB, RUNS times, each a dry run (rolled back).
 */
import '../../src/core/process/entry';
import { readFileSync } from 'node:fs';
import { ParkCore } from '../../src/core/service';
import { mergeChanges, type Sender } from '../../src/core/sync/merge';
import { decodePackage } from '../../src/core/sync/package';

export interface MergeRuns {
  /** Wall milliseconds of each run. */
  wall: number[];
  /** CPU milliseconds of each run, every thread of the process (the merge's and its classify thread's). */
  cpu: number[];
  /** The phases of the run with the least wall time (merge.ts MergeOptions.phases). */
  phases: Record<string, { wall: number; cpu: number }>;
  /** Changes applied (each run must apply all of them, as fast-forwards). */
  applied: number;
}

async function mergeDry(file: string, pkgFile: string, senderFile: string, runs: number): Promise<void> {
  const pkg = decodePackage(readFileSync(pkgFile));
  const sender = JSON.parse(readFileSync(senderFile, 'utf8')) as Sender;
  const core = new ParkCore(file, { create: false, user: 'bench' });
  const out: MergeRuns = { wall: [], cpu: [], phases: {}, applied: 0 };
  try {
    for (let run = 0; run < runs; run++) {
      const timed: Record<string, { wall: number; cpu: number }> = {};
      const t = performance.now();
      const cpu = process.cpuUsage();
      // As importSource merges a package file: the classify thread reads the package's own lines.
      const report = await mergeChanges(core.context(), pkg.changes, sender, { dryRun: true, phases: timed, packageLines: pkg.changesBytes! });
      out.wall.push(performance.now() - t);
      const used = process.cpuUsage(cpu);
      out.cpu.push((used.user + used.system) / 1000);
      if (out.wall.at(-1) === Math.min(...out.wall)) out.phases = timed;
      // SYNC_CHILD_PHASES=1: every run's phases on stderr (the first run's, in a fresh process, are the cold merge's).
      if (process.env.SYNC_CHILD_PHASES) console.error(`run ${run + 1}: ${(out.wall.at(-1)! / 1000).toFixed(2)} s; ${Object.entries(timed).map(([k, v]) => `${k} ${(v.cpu / 1000).toFixed(2)}/${(v.wall / 1000).toFixed(2)}`).join(', ')}`);
      if (report.applied !== pkg.changes.length || report.fastForward !== pkg.changes.length) throw new Error(`applied ${report.applied}, fast-forward ${report.fastForward} of ${pkg.changes.length}`);
      out.applied = report.applied;
    }
  } finally {
    core.close();
  }
  // NaN (a phase with no CPU figure of its own) does not survive JSON: null, read back as NaN by the parent.
  console.log(JSON.stringify(out));
}

if (process.argv[2] === 'merge-dry') void mergeDry(process.argv[3]!, process.argv[4]!, process.argv[5]!, Number(process.argv[6] ?? 3));
else throw new Error('usage: sync-child.ts merge-dry DB PACKAGE SENDER.json RUNS');
