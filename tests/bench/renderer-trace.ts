/**
 * Where the page's main thread spends a cold load of the Overview (issue 14), from Chromium's own trace:
 * for each of N new contexts on the demo database, the renderer main thread's top-level work split by kind
 * (script compile and run, HTML parse, style, layout, paint, GC, other) into the load's phases between the
 * app's marks (navigation → pp:entry → pp:boot → pp:render → tiles in the DOM → tiles painted), with the
 * phase's wall time, its busy wall time and its busy thread (CPU) time: busy wall well above busy CPU
 * means the thread was waiting for a core, not working. Medians over the samples.
 * `BENCH_NO_BUILD=1 npx tsx tests/bench/renderer-trace.ts`.
 */
import { buildRenderer, coldPage, startDemoShell } from './renderer-shell';

const SAMPLES = Number(process.env.BENCH_RENDERER_SAMPLES ?? 6);
const CATEGORIES = ['devtools.timeline', 'disabled-by-default-devtools.timeline', 'v8', 'blink.user_timing', 'toplevel', 'loading'];

interface TraceEvent { name: string; ph: string; ts: number; dur?: number; tdur?: number; pid: number; tid: number; args?: { name?: string; data?: Record<string, unknown> } }

/** Work kinds by trace event name. */
const KINDS: [RegExp, string][] = [
  [/^(v8\.compile|v8\.compileModule|V8\.CompileCode|v8\.produceModuleCache|CompileScript|v8\.parseOnBackground|V8\.CompileLazy)/, 'compile'],
  [/^(EvaluateScript|v8\.evaluateModule|FunctionCall|TimerFire|FireAnimationFrame|EventDispatch|RunMicrotasks|v8\.run|V8\.Execute)/, 'script'],
  [/^ParseHTML$/, 'parse HTML'],
  [/^ParseAuthorStyleSheet$/, 'parse CSS'],
  [/^(UpdateLayoutTree|RecalculateStyles)$/, 'style'],
  [/^(Layout|UpdateLayerTree|Layerize|PrePaint|IntersectionObserverController)/, 'layout'],
  [/^(Paint|PaintImage|CompositeLayers|Commit)$/, 'paint'],
  [/^(MinorGC|MajorGC|V8\.GC|BlinkGC)/, 'GC'],
  [/^(ResourceSendRequest|ResourceReceiveResponse|ResourceReceivedData|ResourceFinish|ResourceLoader)/, 'loading'],
];

/** What kind of work an event is, by its name (the innermost named event under a task decides). */
function kindOfName(name: string): string | undefined {
  for (const [re, k] of KINDS) if (re.test(name)) return k;
  return undefined;
}

/**
 * A task's time by kind: each event's self time (its span less its children's) goes to its own kind, or to
 * the nearest enclosing event's kind, or to "other". Spans clipped to [a, b] on the page clock.
 */
function splitTask(events: TraceEvent[], top: TraceEvent, zero: number, a: number, b: number, into: Map<string, number>): void {
  const end = top.ts + (top.dur ?? 0);
  const inside = events.filter((e) => e.ts >= top.ts && e.ts + (e.dur ?? 0) <= end && e.dur !== undefined);
  const clip = (s: number, e: number) => Math.max(0, Math.min(e / 1000 - zero, b) - Math.max(s / 1000 - zero, a));
  // Walk in start order with a stack; each event's self time is its clipped span minus its children's.
  const stack: { e: TraceEvent; kind: string; child: number }[] = [];
  const close = (until: number) => {
    while (stack.length && stack.at(-1)!.e.ts + (stack.at(-1)!.e.dur ?? 0) <= until) {
      const done = stack.pop()!;
      const span = clip(done.e.ts, done.e.ts + (done.e.dur ?? 0));
      into.set(done.kind, (into.get(done.kind) ?? 0) + Math.max(0, span - done.child));
      if (stack.length) stack.at(-1)!.child += span;
    }
  };
  for (const e of inside) {
    close(e.ts);
    const kind = kindOfName(e.name) ?? stack.at(-1)?.kind ?? 'other';
    stack.push({ e, kind, child: 0 });
  }
  close(Number.POSITIVE_INFINITY);
}

async function main(): Promise<void> {
  if (!process.env.BENCH_NO_BUILD) buildRenderer();
  const { base, browser, close } = await startDemoShell('renderer-trace');
  const table = new Map<string, Map<string, number[]>>();
  const push = (phase: string, key: string, v: number) => {
    const row = table.get(phase) ?? new Map<string, number[]>();
    (row.get(key) ?? row.set(key, []).get(key)!).push(v);
    table.set(phase, row);
  };
  try {
    for (let i = 0; i <= SAMPLES; i++) {
      const { context, page } = await coldPage(browser);
      await browser.startTracing(page, { categories: CATEGORIES });
      await page.goto(base);
      await page.waitForFunction(() => (window as unknown as { tilesShownAt?: number }).tilesShownAt !== undefined);
      const marks: Record<string, number> = await page.evaluate(() => {
        const w = window as unknown as { tilesShownAt: number; tilesInDomAt: number };
        const m = Object.fromEntries(performance.getEntriesByType('mark').filter((e) => e.name.startsWith('pp:')).map((e) => [e.name, e.startTime]));
        return { ...m, 'tiles in DOM': w.tilesInDomAt, 'tiles painted': w.tilesShownAt };
      });
      const trace = JSON.parse((await browser.stopTracing()).toString()) as { traceEvents: TraceEvent[] };
      await context.close();
      if (i === 0) continue;
      const events = trace.traceEvents;
      const main = events.find((e) => e.name === 'thread_name' && e.args?.name === 'CrRendererMain' && events.some((x) => x.pid === e.pid && x.name === 'ParseHTML'));
      if (!main) throw new Error('no renderer main thread in the trace');
      const mine = events.filter((e) => e.pid === main.pid && e.tid === main.tid && e.ph === 'X').sort((a, b) => a.ts - b.ts);
      // Page clock 0 is navigation start: the trace's clock at that point is taken from the first pp mark.
      const entryMark = events.find((e) => e.pid === main.pid && e.name === 'pp:entry');
      if (!entryMark) throw new Error('pp:entry is not in the trace');
      const zero = entryMark.ts / 1000 - marks['pp:entry']!;
      const bounds: [string, number][] = [['navigation', 0], ['pp:entry', marks['pp:entry']!], ['pp:boot', marks['pp:boot']!], ['pp:render', marks['pp:render']!], ['tiles in DOM', marks['tiles in DOM']!], ['tiles painted', marks['tiles painted']!]];
      // The outermost tasks only (a task may nest another: a nested run loop, or both task events).
      const tops: TraceEvent[] = [];
      for (const e of mine.filter((x) => x.name === 'RunTask' || x.name === 'ThreadControllerImpl::RunTask')) {
        const last = tops.at(-1);
        if (!last || e.ts >= last.ts + (last.dur ?? 0)) tops.push(e);
      }
      for (let p = 0; p + 1 < bounds.length; p++) {
        const [from, a] = bounds[p]!;
        const [to, b] = bounds[p + 1]!;
        const phase = `${from} → ${to}`;
        push(phase, 'wall', b - a);
        let busy = 0;
        let cpu = 0;
        const byKind = new Map<string, number>();
        for (const t of tops) {
          const s = t.ts / 1000 - zero;
          const e = s + (t.dur ?? 0) / 1000;
          const overlap = Math.min(e, b) - Math.max(s, a);
          if (overlap <= 0) continue;
          const share = overlap / Math.max((t.dur ?? 0) / 1000, 1e-6);
          busy += overlap;
          cpu += ((t.tdur ?? t.dur ?? 0) / 1000) * share;
          splitTask(mine, t, zero, a, b, byKind);
        }
        push(phase, 'busy', busy);
        push(phase, 'cpu', cpu);
        for (const [k, v] of byKind) push(phase, k, v);
      }
    }
  } finally {
    await close();
  }
  const median = (xs: number[]) => {
    const s = [...xs].sort((x, y) => x - y);
    return s[Math.floor((s.length - 1) / 2)] ?? 0;
  };
  console.log(`renderer main thread, median of ${SAMPLES} cold loads (ms):`);
  for (const [phase, row] of table) {
    const kinds = [...row.entries()].filter(([k]) => !['wall', 'busy', 'cpu'].includes(k)).map(([k, v]) => `${k} ${median(v.concat(Array(SAMPLES - v.length).fill(0))).toFixed(0)}`).join(', ');
    console.log(`${phase.padEnd(32)} wall ${median(row.get('wall')!).toFixed(0).padStart(4)}  busy ${median(row.get('busy')!).toFixed(0).padStart(4)}  cpu ${median(row.get('cpu')!).toFixed(0).padStart(4)}   ${kinds}`);
  }
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
