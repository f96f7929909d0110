/**
 * What the page's main thread runs during a cold load of the Overview (issue 14): a V8 CPU profile of
 * N new Chromium contexts on the demo database, summed by script (self time) and by function, from
 * navigation to the tiles' first paint. `BENCH_NO_BUILD=1 npx tsx tests/bench/renderer-profile.ts`.
 */
import { buildRenderer, coldPage, startDemoShell } from './renderer-shell';

const SAMPLES = Number(process.env.BENCH_RENDERER_SAMPLES ?? 4);

interface ProfileNode { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; children?: number[] }

async function main(): Promise<void> {
  if (!process.env.BENCH_NO_BUILD) buildRenderer();
  const { base, browser, close } = await startDemoShell('renderer-profile');
  const byUrl = new Map<string, number>();
  const byFn = new Map<string, number>();
  try {
    for (let i = 0; i <= SAMPLES; i++) {
      const { context, page, cdp } = await coldPage(browser);
      await cdp.send('Profiler.enable');
      await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
      await cdp.send('Profiler.start');
      await page.goto(base);
      await page.waitForFunction(() => (window as unknown as { tilesShownAt?: number }).tilesShownAt !== undefined);
      const { profile } = await cdp.send('Profiler.stop');
      await context.close();
      if (i === 0) continue;
      const nodes = new Map<number, ProfileNode>((profile.nodes as ProfileNode[]).map((n) => [n.id, n]));
      const deltas = profile.timeDeltas ?? [];
      (profile.samples ?? []).forEach((id, k) => {
        const n = nodes.get(id)!;
        const ms = (deltas[k + 1] ?? 0) / 1000 / SAMPLES;
        const url = n.callFrame.url.replace(/^.*\/assets\//, '').replace(/-[\w-]{8}\.js$/, '.js') || `(${n.callFrame.functionName || 'native'})`;
        byUrl.set(url, (byUrl.get(url) ?? 0) + ms);
        const fn = `${n.callFrame.functionName || '(anonymous)'} ${url}:${n.callFrame.lineNumber}`;
        byFn.set(fn, (byFn.get(fn) ?? 0) + ms);
      });
    }
  } finally {
    await close();
  }
  const top = (m: Map<string, number>, k: number) => [...m.entries()].sort((a, b) => b[1] - a[1]).slice(0, k).map(([n, ms]) => `${ms.toFixed(1).padStart(7)} ms  ${n}`).join('\n');
  console.log(`self time per script, mean of ${SAMPLES} cold loads:\n${top(byUrl, 15)}\n\nper function:\n${top(byFn, 25)}`);
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
