/**
 * Where a cold load of the Overview spends its time (issue 14): for each of N new Chromium contexts on the
 * demo database, the page's own timeline from navigation start: the document, each script, style sheet and
 * API call (request start → response end, with the core's own time from the shell's Server-Timing), the
 * app's marks (`pp:*`, main.ts and boot.tsx), first paint, the tiles in the DOM and painted, and long tasks;
 * plus Chromium's main-thread CPU (script, layout, style) from the DevTools Performance domain. Prints the
 * median of each line, in start order. The first load is not counted (the server's own first answers), but
 * its API timings are printed as the server's cold figures. `npx tsx tests/bench/renderer-timeline.ts`.
 */
import { buildRenderer, coldPage, startDemoShell } from './renderer-shell';

const SAMPLES = Number(process.env.BENCH_RENDERER_SAMPLES ?? 6);

interface Row {
  name: string;
  start: number;
  end: number;
  core?: number;
}

/** Runs in the page before its scripts: collects long tasks (main-thread work over 50 ms). */
function watchLongTasks(): void {
  const w = window as unknown as { longTasks: { start: number; duration: number }[] };
  w.longTasks = [];
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) w.longTasks.push({ start: e.startTime, duration: e.duration });
  }).observe({ type: 'longtask', buffered: true });
}

function collect(): { rows: Row[]; longTasks: { start: number; duration: number }[] } {
  const w = window as unknown as { tilesShownAt?: number; tilesInDomAt?: number; shellInDomAt?: number; longTasks: { start: number; duration: number }[] };
  const rows: Row[] = [];
  const nav = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming;
  rows.push({ name: 'document', start: nav.requestStart, end: nav.responseEnd });
  rows.push({ name: 'DOMContentLoaded', start: nav.domContentLoadedEventStart, end: nav.domContentLoadedEventEnd });
  for (const r of performance.getEntriesByType('resource') as PerformanceResourceTiming[]) {
    const path = new URL(r.name).pathname.replace(/-[\w-]{8}\.(js|css)$/, '.$1');
    const core = r.serverTiming.find((s) => s.name === 'core')?.duration;
    rows.push({ name: path, start: r.startTime, end: r.responseEnd, ...(core !== undefined ? { core } : {}) });
  }
  for (const p of performance.getEntriesByType('paint')) rows.push({ name: p.name, start: p.startTime, end: p.startTime });
  for (const m of performance.getEntriesByType('mark')) if (m.name.startsWith('pp:')) rows.push({ name: m.name, start: m.startTime, end: m.startTime });
  rows.push({ name: 'app shell in the DOM', start: w.shellInDomAt ?? NaN, end: w.shellInDomAt ?? NaN });
  rows.push({ name: 'tiles in the DOM', start: w.tilesInDomAt ?? NaN, end: w.tilesInDomAt ?? NaN });
  rows.push({ name: 'tiles painted (the figure judged)', start: w.tilesShownAt ?? NaN, end: w.tilesShownAt ?? NaN });
  return { rows, longTasks: w.longTasks };
}

const median = (xs: number[]) => {
  const s = xs.filter((x) => !Number.isNaN(x)).sort((a, b) => a - b);
  return s.length ? s[Math.floor((s.length - 1) / 2)]! : NaN;
};

async function main(): Promise<void> {
  if (!process.env.BENCH_NO_BUILD) buildRenderer();
  const { base, browser, close } = await startDemoShell('renderer-timeline');
  const byName = new Map<string, { start: number[]; end: number[]; core: number[] }>();
  const cpu: Record<string, number[]> = {};
  const long: number[] = [];
  const longCount: number[] = [];
  try {
    for (let i = 0; i <= SAMPLES; i++) {
      const { context, page, cdp } = await coldPage(browser);
      await page.addInitScript(watchLongTasks);
      await page.goto(base);
      await page.waitForFunction(() => (window as unknown as { tilesShownAt?: number }).tilesShownAt !== undefined);
      const metrics = (await cdp.send('Performance.getMetrics')).metrics;
      const { rows, longTasks } = await page.evaluate(collect);
      await context.close();
      if (i === 0) {
        const api = rows.filter((r) => r.name.startsWith('/api/'));
        console.log(`first load (server cold): ${api.map((r) => `${r.name.slice(5)} core ${r.core?.toFixed(0)} ms`).join(', ')}`);
        continue;
      }
      const seen = new Set<string>();
      for (const r of rows) {
        let name = r.name;
        for (let k = 2; seen.has(name); k++) name = `${r.name} #${k}`;
        seen.add(name);
        const entry = byName.get(name) ?? { start: [], end: [], core: [] };
        entry.start.push(r.start);
        entry.end.push(r.end);
        if (r.core !== undefined) entry.core.push(r.core);
        byName.set(name, entry);
      }
      for (const m of metrics) if (/Duration$/.test(m.name)) (cpu[m.name] ??= []).push(m.value * 1000);
      long.push(longTasks.reduce((a, t) => a + t.duration, 0));
      longCount.push(longTasks.length);
    }
  } finally {
    await close();
  }
  const lines = [...byName.entries()].map(([name, v]) => ({ name, start: median(v.start), end: median(v.end), core: median(v.core), n: v.start.length }));
  lines.sort((a, b) => a.start - b.start);
  console.log(`median of ${SAMPLES} cold loads (ms from navigation start):`);
  for (const l of lines) {
    const span = l.end - l.start > 0.5 ? ` → ${l.end.toFixed(0).padStart(5)}  (${(l.end - l.start).toFixed(0)} ms)` : '';
    const core = Number.isNaN(l.core) ? '' : `  core ${l.core.toFixed(1)} ms`;
    const seen = l.n < SAMPLES ? `  [in ${l.n} of ${SAMPLES}]` : '';
    console.log(`${l.start.toFixed(0).padStart(6)}${span.padEnd(24)}  ${l.name}${core}${seen}`);
  }
  console.log(`main thread CPU until the tiles were painted (median): ${Object.entries(cpu).map(([k, v]) => `${k.replace(/Duration$/, '')} ${median(v).toFixed(0)} ms`).join(', ')}`);
  console.log(`long tasks: ${median(longCount)} totalling ${median(long).toFixed(0)} ms (median)`);
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
