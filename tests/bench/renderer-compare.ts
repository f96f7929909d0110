/**
 * Two builds of the renderer side by side on a loaded machine: the cold load to the Overview's tiles
 * (the figure renderer.ts judges) and the page's main-thread CPU, taking turns sample by sample, so both
 * see the same load. B is this checkout (built first); A is another checkout already built, given as
 * BENCH_COMPARE_WITH=/path (its own `bin/parkpilot.js serve` serves its own out/renderer). Each has its
 * own fresh demo database. `BENCH_COMPARE_WITH=/tmp/base npx tsx tests/bench/renderer-compare.ts`.
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { chromium } from '@playwright/test';
import { buildRenderer, coldPage, quantile, ROOT } from './renderer-shell';
import { CHROMIUM_ARGS } from '../../src/server/chromiumFlags';

const SAMPLES = Number(process.env.BENCH_RENDERER_SAMPLES ?? 20);
const OTHER = process.env.BENCH_COMPARE_WITH;

async function serve(checkout: string, name: string, port: number): Promise<{ base: string; stop: () => void }> {
  const dir = join(ROOT, '.bench', name);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const cli = join(checkout, 'bin/parkpilot.js');
  execFileSync(process.execPath, [cli, 'demo', '--db', join(dir, 'demo.db')], { stdio: 'ignore' });
  const server = spawn(process.execPath, [cli, 'serve', '--db', join(dir, 'demo.db'), '--port', String(port)], { stdio: ['ignore', 'ignore', 'inherit'] });
  const base = `http://127.0.0.1:${port}/`;
  for (let i = 0; i < 300 && !(await fetch(base).then((r) => r.ok, () => false)); i++) await new Promise((r) => setTimeout(r, 200));
  return { base, stop: () => server.kill() };
}

async function main(): Promise<void> {
  if (!OTHER) throw new Error('BENCH_COMPARE_WITH=<a built checkout> is required');
  if (!process.env.BENCH_NO_BUILD) buildRenderer();
  const port = 5000 + Math.floor(Math.random() * 500);
  const shells = { A: await serve(OTHER, 'compare-a', port), B: await serve(ROOT, 'compare-b', port + 1) };
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: CHROMIUM_ARGS,
  });
  const figures = { A: { load: [] as number[], cpu: [] as number[] }, B: { load: [] as number[], cpu: [] as number[] } };
  const loads: number[] = [];
  try {
    for (let i = 0; i <= SAMPLES; i++) {
      // Alternate which goes first, so neither always follows the other's leftovers.
      for (const side of i % 2 ? (['B', 'A'] as const) : (['A', 'B'] as const)) {
        const { context, page, cdp } = await coldPage(browser);
        await page.goto(shells[side].base);
        const shown = await page.waitForFunction(() => (window as unknown as { tilesShownAt?: number }).tilesShownAt).then((h) => h.jsonValue() as Promise<number>);
        const cpu = ((await cdp.send('Performance.getMetrics')).metrics.find((m) => m.name === 'TaskDuration')?.value ?? Number.NaN) * 1000;
        await context.close();
        if (i === 0) continue; // the servers' first answers (database opening) are not the renderer's
        figures[side].load.push(shown);
        figures[side].cpu.push(cpu);
      }
      loads.push(loadavg()[0]!);
    }
  } finally {
    await browser.close();
    shells.A.stop();
    shells.B.stop();
  }
  const line = (xs: number[]) => {
    const s = [...xs].sort((a, b) => a - b);
    return `p50 ${quantile(s, 0.5).toFixed(0)} / p95 ${quantile(s, 0.95).toFixed(0)} (min ${s[0]!.toFixed(0)}, max ${s.at(-1)!.toFixed(0)})`;
  };
  console.log(`${SAMPLES} cold loads each, taking turns; 1-minute load average ${Math.min(...loads).toFixed(1)}–${Math.max(...loads).toFixed(1)}`);
  for (const side of ['A', 'B'] as const) {
    console.log(`${side} (${side === 'A' ? OTHER : 'this checkout'}): navigation → tiles ${line(figures[side].load)} ms; main-thread CPU ${line(figures[side].cpu)} ms`);
  }
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
