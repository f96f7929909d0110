import { setFlagsFromString } from 'node:v8';
import type { Worker } from 'node:worker_threads';

/**
 * A worker thread's young generation, as asked. `resourceLimits.maxYoungGenerationSizeMb` alone does not
 * give it: V8 sizes a new isolate's semi-spaces from the process's `--max-semi-space-size` when the flag is
 * set, over the limits, and the core process starts with 4 MB (process/v8-flags.ts, for the import's
 * memory). So the merge's classify thread, meant to have 48 MB, scavenged every 4–5 MB: 98 scavenges in a
 * merge of the bench's 100,000 changes, most of what it had read still alive and copied each time.
 *
 * `withSemiSpace(mb, start)` raises the flag while `start` makes the worker and puts it back once the
 * worker runs (its isolate is made by then: Node emits 'online' from the started thread). Lifts that
 * overlap (two merges' threads starting at once) are counted: the cap comes back when the last of their
 * workers is online, at the largest size asked until then. Another worker started by the process in
 * that window (a grid's rank thread) gets the larger young generation too: harmless, it is only room
 * V8 may use. The process's own heap was sized when it started and does not change. Where the process
 * set no smaller cap, nothing is changed. Measured (node --max-semi-space-size=4, a worker making
 * 3,000,000 small objects and keeping a third, resourceLimits 48 MB): 94 scavenges with the limit alone,
 * 29 with the flag raised for its start.
 */
export function withSemiSpace(mb: number, start: () => Worker): Worker {
  const cap = semiSpaceCap();
  if (cap === null || cap >= mb) return start();
  let restored = false;
  const restore = () => {
    if (restored) return;
    restored = true;
    if (--lifted.count === 0) {
      lifted.mb = 0;
      setFlagsFromString(`--max-semi-space-size=${cap}`);
    }
  };
  lifted.count++;
  if (mb > lifted.mb) {
    lifted.mb = mb;
    setFlagsFromString(`--max-semi-space-size=${mb}`);
  }
  let worker: Worker;
  try {
    worker = start();
  } catch (err) {
    restore();
    throw err;
  }
  worker.once('online', restore);
  worker.once('exit', restore);
  return worker;
}

/** Workers started with the cap lifted and not yet online, and the size the flag is lifted to. */
const lifted = { count: 0, mb: 0 };

/** The process's `--max-semi-space-size` (MB) from its command line or NODE_OPTIONS, or null when not set. */
export function semiSpaceCap(): number | null {
  const args = [...(process.env.NODE_OPTIONS ?? '').split(/\s+/), ...process.execArgv];
  let cap: number | null = null;
  for (let i = 0; i < args.length; i++) {
    const m = /^--max[-_]semi[-_]space[-_]size(?:=(\d+))?$/.exec(args[i]!);
    if (m) cap = Number(m[1] ?? args[i + 1]);
  }
  return cap !== null && Number.isFinite(cap) ? cap : null;
}
