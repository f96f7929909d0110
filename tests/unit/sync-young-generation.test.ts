import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * sync/young-generation.ts: a worker started with withSemiSpace gets the young generation it asks for even
 * in a process started with a smaller `--max-semi-space-size` (the core process's 4 MB), and the flag is
 * put back afterwards (a worker started later has the process's cap again). A child process with a 1 MB
 * cap starts three workers that keep a third of what they allocate, and reports the largest new space each
 * reached: without the helper, with it, and without it again.
 */
const CHILD = `
const { Worker } = require('node:worker_threads');
const { withSemiSpace } = require(${JSON.stringify(join(__dirname, '../../src/core/sync/young-generation.ts'))});
const body = \`const v8 = require('node:v8'); const keep = []; let max = 0;
  for (let i = 0; i < 300000; i++) { const o = { a: i, b: 'x' + i }; if (i % 3 === 0) keep.push(o);
    if (i % 5000 === 0) max = Math.max(max, v8.getHeapSpaceStatistics().find((s) => s.space_name === 'new_space').space_size); }
  require('node:worker_threads').parentPort.postMessage(max);\`;
const run = (start) => new Promise((resolve, reject) => { const w = start(); w.once('message', (m) => { resolve(m); void w.terminate(); }); w.once('error', reject); });
const make = () => new Worker(body, { eval: true, resourceLimits: { maxYoungGenerationSizeMb: 48 } });
(async () => {
  const plain = await run(make);
  const lifted = await run(() => withSemiSpace(16, make));
  // Two lifts at once: the first worker online must not put the cap back while the second is still
  // starting. The second is a stand-in that comes online when told; a worker started meanwhile shows the flag.
  const { EventEmitter } = require('node:events');
  const pending = new EventEmitter();
  const first = await run(() => { const w = withSemiSpace(16, make); withSemiSpace(16, () => pending); return w; });
  const meanwhile = await run(make);
  pending.emit('online');
  const after = await run(make);
  console.log(JSON.stringify({ plain, lifted, first, meanwhile, after }));
})();
`;

describe("a worker thread's young generation", () => {
  // Also: lifts that overlap put the cap back only when the last of their workers is online.
  it("is lifted above the process's semi-space cap for that worker alone", () => {
    const out = execFileSync(process.execPath, ['--max-semi-space-size=1', '--import', 'tsx', '-e', CHILD], { encoding: 'utf8', timeout: 120_000 });
    const { plain, lifted, first, meanwhile, after } = JSON.parse(out.trim().split('\n').pop()!) as Record<string, number>;
    const mb = 1024 * 1024;
    // A 1 MB cap: two semi-spaces of at most 1 MB each.
    expect(plain).toBeLessThanOrEqual(2 * mb);
    expect(lifted).toBeGreaterThan(4 * mb);
    expect(first).toBeGreaterThan(4 * mb);
    expect(meanwhile).toBeGreaterThan(4 * mb);
    expect(after).toBeLessThanOrEqual(2 * mb);
  }, 120_000);
});
