/** Last step of `npm run bench`: every target's figure, its reference and pass/fail, in one table. */
import { readTargets } from './results';

const results = readTargets();
const width = (key: 'target' | 'figure' | 'reference' | 'goal') => Math.max(key.length, ...results.map((r) => r[key].length));
const cols = ['target', 'figure', 'reference', 'goal'] as const;
const line = (cells: string[]) => cells.map((c, i) => c.padEnd(i < cols.length ? width(cols[i]!) : 4)).join(' │ ');
console.log(`\n${line([...cols, 'pass'])}`);
for (const r of results) console.log(line([r.target, r.figure, r.reference, r.goal, r.pass ? 'PASS' : 'FAIL']));
const failed = results.filter((r) => !r.pass).length;
console.log(`\n${results.length - failed} of ${results.length} targets met (machine: ${process.env.BENCH_MACHINE ?? 'this machine, see load average'}).`);
