/**
 * What an import's time and memory are made of (issue 14): `npx tsx tests/bench/import-memory.ts [ROWS]
 * [csv|xlsx|both]` makes a roster of ROWS distinct enterprises (cached in .bench/import-memory/) and
 * imports it in a fresh process, printing every 250 ms the process's resident memory beside V8's heap,
 * the memory of Buffers and ArrayBuffers, and SQLite's own (page cache, statements), then the peak
 * (the kernel's high-water mark, which misses nothing between samples) and the CPU time. Not part of
 * `npm run bench`: it is the tool to find where memory and time go.
 */
// What the app's core process loads (its entry and every module it imports), as the file bench's child.
import '../../src/core/process/entry';
import Database from 'better-sqlite3';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { getHeapSpaceStatistics } from 'node:v8';
import { bundleChild } from './core-build';
import { writeRoster } from './long-roster';
import type { ImportReport } from '../../src/core/imports/importer';
import { seedReference } from '../../src/core/seed/seed';
import { CORE_V8_FLAGS } from '../../src/core/process/v8-flags';
import { ParkCore } from '../../src/core/service';
import { readerThread } from '../../src/core/imports/worker-source';

const DIR = resolve('.bench/import-memory');
const mb = (n: number) => Math.round(n / 1048576);

/** The process's resident high-water mark so far (MB), from the kernel. */
function hwm(): number {
  return Math.round(Number(/VmHWM:\s+(\d+)/.exec(readFileSync('/proc/self/status', 'utf8'))?.[1] ?? 0) / 1024);
}

/**
 * PHASES=1: every SQL statement run through exec or pragma that takes over 200 ms (CREATE INDEX,
 * COMMIT with its checkpoint, ...) is printed with the resident memory and high-water mark before and
 * after, so the step that raises the peak is named (the samples alone show only when it rose).
 */
function tracePhases() {
  const proto = Database.prototype as unknown as Record<'exec' | 'pragma', (this: unknown, ...a: unknown[]) => unknown>;
  for (const name of ['exec', 'pragma'] as const) {
    const original = proto[name];
    proto[name] = function (this: unknown, ...args: unknown[]) {
      const rss0 = mb(process.memoryUsage().rss);
      const hwm0 = hwm();
      const t = performance.now();
      try {
        return original.apply(this, args);
      } finally {
        const ms = performance.now() - t;
        if (ms > 200) console.log(`  [${name} ${Math.round(ms)} ms] ${String(args[0]).replace(/\s+/g, ' ').slice(0, 90)}: rss ${rss0} → ${mb(process.memoryUsage().rss)}, hwm ${hwm0} → ${hwm()}`);
      }
    };
  }
}

/** One import in this process, sampled. */
async function importOne(file: string) {
  // CHECK_THREAD=0: rows checked in the importer's own thread, as before the check thread (for A/B runs).
  readerThread.checkRows = process.env.CHECK_THREAD !== '0';
  const db = join(DIR, `import-${Date.now()}.db`);
  const core = new ParkCore(db, { user: 'bench' });
  seedReference(core.context());
  let job: { id: string } | null = null;
  let last = -Infinity;
  const sample = (force = false) => {
    const progress = job ? core.jobs.status(job.id).done : undefined;
    // Every SAMPLE_MS while the rows stream, every 250 ms once they have stopped (the final phases).
    if (!force && (progress ?? 0) < 895 && performance.now() - last < Number(process.env.SAMPLE_MS ?? 250) - 5) return;
    last = performance.now();
    // With --expose-gc (diagnosis only): the live heap, not the garbage V8 has not collected yet.
    (globalThis as { gc?: () => void }).gc?.();
    const m = process.memoryUsage();
    console.log(`${String(Math.round(performance.now() - t0)).padStart(6)} ms  rss ${String(mb(m.rss)).padStart(4)}  hwm ${String(hwm()).padStart(4)}  heap ${String(mb(m.heapUsed)).padStart(4)}/${String(mb(m.heapTotal)).padStart(4)}  external ${String(mb(m.external)).padStart(4)}  arrayBuffers ${String(mb(m.arrayBuffers)).padStart(4)}  ${progress ?? ''}${process.env.SPACES ? `  ${getHeapSpaceStatistics().map((x) => `${x.space_name.replace('_space', '')} ${mb(x.space_used_size)}`).join(' ')}` : ''}`);
  };
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  const timer = setInterval(sample, 250);
  if (process.env.PHASES) tracePhases();
  job = core.call('imports.start', { file: core.files.register(file, file.split('/').pop()!), entity: 'enterprises', mode: 'create', dryRun: false }) as { id: string };
  const done = await core.jobs.wait(job.id);
  clearInterval(timer);
  sample(true);
  const ms = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  if (done.state !== 'done') throw new Error(done.error?.message ?? done.state);
  const report = done.result as ImportReport;
  core.close();
  for (const f of [db, `${db}-wal`, `${db}-shm`, `${db.replace(/\.db$/, '')}-backups`]) rmSync(f, { recursive: true, force: true });
  await (globalThis as { __dumpHeapSample?: () => Promise<void> }).__dumpHeapSample?.(); // (diagnosis: a preload may sample the heap)
  const peak = process.resourceUsage().maxRSS * 1024;
  console.log(`${file}: ${(ms / 1000).toFixed(2)} s wall, ${((cpu.user + cpu.system) / 1e6).toFixed(2)} s CPU (user ${(cpu.user / 1e6).toFixed(2)}, system ${(cpu.system / 1e6).toFixed(2)}), peak rss ${mb(peak)} MB, created ${report.created}, rejected ${report.rejected.length}; load ${readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')}`);
}

async function main() {
  const rows = Number(process.argv[2] ?? 100_000);
  const kinds = (process.argv[3] ?? 'both') === 'both' ? ['csv', 'xlsx'] : [process.argv[3]!];
  mkdirSync(DIR, { recursive: true });
  const csv = join(DIR, `roster-${rows}.csv`);
  const xlsx = join(DIR, `roster-${rows}.xlsx`);
  if (!existsSync(csv) || (kinds.includes('xlsx') && !existsSync(xlsx))) await writeRoster(csv, kinds.includes('xlsx') ? xlsx : null, rows);
  if (process.env.WRITE_ONLY) return;
  // Bundled, as the app runs its core (core-build.ts); BENCH_TSX=1: under tsx, module by module.
  const child = process.env.BENCH_TSX === '1' ? [...process.execArgv, process.argv[1]!] : [bundleChild(process.argv[1]!)];
  for (const kind of kinds) {
    execFileSync(process.execPath, [...CORE_V8_FLAGS, ...(process.env.NODE_PROF ?? '').split(' ').filter(Boolean), ...child, 'import-one', kind === 'csv' ? csv : xlsx], { stdio: 'inherit' });
  }
}

if (process.argv[2] === 'import-one') void importOne(process.argv[3]!);
else void main();
