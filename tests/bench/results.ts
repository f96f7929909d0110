/**
 * One table for every bench target. Each bench script calls `recordTarget` for the figures a target is
 * judged on; `tests/bench/summary.ts` (last step of `npm run bench`) prints them all: figure, reference
 * measured in the same run, target and pass/fail. Results go to .bench/results.ndjson, reset by the first
 * script of a run (`resetTargets`).
 */
import { appendFileSync, existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

export interface TargetResult {
  /** What is measured, e.g. "CSV import 100,000 rows". */
  target: string;
  /** The figure measured, with its unit, e.g. "6.1 s, peak 280 MB". */
  figure: string;
  /** The reference measured in the same run, e.g. "sqlite3 .import 4.4 s", or "" when the target is absolute. */
  reference: string;
  /** The target as written in the issue, e.g. "≤ 1.5× sqlite3, ≤ 300 MB". */
  goal: string;
  pass: boolean;
}

const FILE = resolve(process.env.BENCH_RESULTS ?? '.bench/results.ndjson');

export function resetTargets(): void {
  rmSync(FILE, { force: true });
}

export function recordTarget(result: TargetResult): void {
  mkdirSync(dirname(FILE), { recursive: true });
  appendFileSync(FILE, `${JSON.stringify(result)}\n`);
}

export function readTargets(): TargetResult[] {
  if (!existsSync(FILE)) return [];
  return readFileSync(FILE, 'utf8').split('\n').filter(Boolean).map((line) => JSON.parse(line) as TargetResult);
}
