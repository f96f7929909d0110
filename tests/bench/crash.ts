/**
 * `npx tsx tests/bench/crash.ts` — the crash test at full length: CRASH_RUNS (default 30) SIGKILLs at
 * random moments during each of import, revert, export, report and backup, through the built CLI
 * (run `npm run build` first). Prints, per operation, how many runs were killed before finishing and
 * how many left "none of it" or "all of it"; any other outcome is a failure and the exit code is 1.
 */
import { resolve } from 'node:path';
import { CrashLab, type Operation } from './crash-lab';

const RUNS = Number(process.env.CRASH_RUNS ?? 30);
const ROWS = Number(process.env.CRASH_ROWS ?? 3000);
const ops = (process.env.CRASH_ONLY?.split(',') ?? ['import', 'revert', 'export', 'report', 'backup']) as Operation[];

async function main(): Promise<void> {
  const lab = new CrashLab(resolve('.bench/crash'));
  lab.prepare(ROWS);
  process.stdout.write(`${RUNS} kills per operation; uninterrupted durations (ms): ${JSON.stringify(lab.durations())}\n`);
  let failed = 0;
  process.stdout.write(`${'operation'.padEnd(10)} ${'runs'.padStart(5)} ${'killed'.padStart(7)} ${'none of it'.padStart(11)} ${'all of it'.padStart(10)} ${'failures'.padStart(9)}\n`);
  for (const op of ops) {
    const t = await lab.crash(op, RUNS);
    failed += t.failures.length;
    process.stdout.write(`${op.padEnd(10)} ${String(t.runs).padStart(5)} ${String(t.killed).padStart(7)} ${String(t.before).padStart(11)} ${String(t.after).padStart(10)} ${String(t.failures.length).padStart(9)}\n`);
    for (const f of t.failures) process.stdout.write(`  ✗ ${f}\n`);
  }
  const left = lab.checkTempSwept();
  process.stdout.write(`temporary files left after the next ordinary run: ${left.length ? left.join(', ') : 'none'}\n`);
  failed += left.length;
  lab.dispose();
  process.exitCode = failed ? 1 : 0;
}

void main();
