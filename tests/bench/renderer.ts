/**
 * Issue 14, renderer: the gzipped size of the start-up script(s) in out/renderer, and the cold load of
 * the web shell to a usable Overview (its figure tiles shown) on the demo database, in Debian's Chromium:
 * each sample a new browser context (no cache, no storage), 10 samples, p50/p95. The figure judged is the
 * page's own clock from navigation start to the tiles' first paint (what the user waits for); the wall time
 * seen from Playwright (goto → visible, including its own round trips to the browser) is printed beside it.
 * Builds first, so the figures are this source's. `npx tsx tests/bench/renderer.ts` (part of `npm run bench`).
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { chromium } from '@playwright/test';
import { recordTarget } from './results';
import { INITIAL_BUDGET_BYTES, initialScripts, kb } from './renderer-size';

const ROOT = resolve(__dirname, '../..');
const SAMPLES = Number(process.env.BENCH_RENDERER_SAMPLES ?? 10);
const LOAD_GOAL_MS = 1000;

function quantile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)]!;
}

async function waitForServer(url: string): Promise<void> {
  for (let i = 0; i < 300; i++) {
    if (await fetch(url).then((r) => r.ok, () => false)) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`the web shell did not start at ${url}`);
}

/** Runs in the page before its scripts: notes the page-clock time at which the first tile is in the DOM and painted. */
function markTilesShown(): void {
  const w = window as unknown as { tilesShownAt?: number };
  const observer = new MutationObserver(() => {
    if (w.tilesShownAt !== undefined || !document.querySelector('.cards .stat-value')) return;
    observer.disconnect();
    requestAnimationFrame(() => setTimeout(() => (w.tilesShownAt = performance.now())));
  });
  observer.observe(document, { childList: true, subtree: true });
}

async function main(): Promise<void> {
  console.log('renderer: building…');
  execFileSync(process.execPath, [join(ROOT, 'node_modules/electron-vite/bin/electron-vite.js'), 'build', '--logLevel', 'warn'], { cwd: ROOT, stdio: 'inherit' });

  const scripts = initialScripts();
  if (!scripts) throw new Error('out/renderer/index.html is missing after the build');
  const total = scripts.reduce((sum, s) => sum + s.gzipped, 0);
  const raw = scripts.reduce((sum, s) => sum + s.bytes, 0);
  console.log(`initial script(s): ${scripts.map((s) => `${s.file} ${kb(s.gzipped)}`).join(', ')}; total ${kb(total)} gzipped (${kb(raw)} raw)`);
  recordTarget({ target: 'Renderer initial script (gzipped)', figure: kb(total), reference: `${kb(raw)} before gzip`, goal: '≤ 500 KB', pass: total <= INITIAL_BUDGET_BYTES });

  const dir = join(ROOT, '.bench/renderer');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const db = join(dir, 'demo.db');
  const cli = join(ROOT, 'bin/parkpilot.js');
  execFileSync(process.execPath, [cli, 'demo', '--db', db], { stdio: 'ignore' });
  const port = 4890 + Math.floor(Math.random() * 100);
  const server = spawn(process.execPath, [cli, 'serve', '--db', db, '--port', String(port)], { stdio: ['ignore', 'ignore', 'inherit'] });
  const base = `http://127.0.0.1:${port}/`;
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
  });
  try {
    await waitForServer(base);
    // One load first that is not counted: the server's own first answers (opening the database, the
    // Overview's first computation) are not the renderer's.
    const times: number[] = [];
    const walls: number[] = [];
    for (let i = 0; i <= SAMPLES; i++) {
      const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
      const page = await context.newPage();
      await page.addInitScript(markTilesShown);
      const started = performance.now();
      await page.goto(base);
      await page.locator('.cards .stat-value').first().waitFor({ state: 'visible' });
      const wall = performance.now() - started;
      const inPage = await page.evaluate(() => (window as unknown as { tilesShownAt?: number }).tilesShownAt ?? Number.NaN);
      if (i > 0) {
        times.push(inPage);
        walls.push(wall);
      }
      await context.close();
    }
    if (times.some((t) => Number.isNaN(t))) throw new Error('the page did not record when its tiles appeared');
    times.sort((a, b) => a - b);
    walls.sort((a, b) => a - b);
    const p50 = quantile(times, 0.5);
    const p95 = quantile(times, 0.95);
    const wall = `Playwright goto → visible p50 ${quantile(walls, 0.5).toFixed(0)} / p95 ${quantile(walls, 0.95).toFixed(0)} ms`;
    console.log(`cold load to the Overview's tiles, ${SAMPLES} new contexts: p50 ${p50.toFixed(0)} ms, p95 ${p95.toFixed(0)} ms (min ${times[0]!.toFixed(0)}, max ${times.at(-1)!.toFixed(0)}); ${wall}`);
    recordTarget({ target: 'Renderer cold load to a usable Overview (navigation → tiles)', figure: `p50 ${p50.toFixed(0)} ms, p95 ${p95.toFixed(0)} ms`, reference: `${SAMPLES} new Chromium contexts, demo database; ${wall}`, goal: '≤ 1 s', pass: p95 <= LOAD_GOAL_MS });
  } finally {
    await browser.close();
    server.kill();
  }
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
