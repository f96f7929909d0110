import { getHeapStatistics, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { Db } from '../db/open';

/**
 * What keeps a long import's memory flat beyond its own bounded structures (issue 14). Measured with
 * tests/bench/import-memory.ts (process.memoryUsage at intervals; with --expose-gc, the live heap):
 * the live heap stays flat (~60 MB, most of it the loaded code) while the heap V8 reserves grows by
 * up to 230 MB, and SQLite's page cache fills its 64 MB.
 *
 * - V8 heap: settling a row allocates ~30 KB of short-lived objects, and ~5 KB of them outlive two
 *   young-generation collections, so they are promoted to the old generation, which V8 collects only
 *   once it has grown to up to 4 times what was live after the last full collection. The import asks
 *   for a full collection whenever the heap has grown by HEAP_SLACK since the last one (about 15 times
 *   per 100,000 rows). Measured at 100,000 rows: peak 287 MB instead of 527 MB (64 MB of slack: 352).
 *   16 MB since the import's check thread (check-thread.ts) takes ~30 MB of its own: the bench's
 *   100,000-row CSV import peaked at 298 MB with 32 MB of slack, 284 MB with 16, at the same CPU time. V8's own knob for this, `--heap-growing-percent`, halves the peak too but is
 *   read only at start-up (setting it at run time had no effect), and the core runs in the shell's
 *   process: so the collection is asked for here, through the `gc` function V8 exposes on request
 *   (`--expose-gc` set at run time applies to new contexts, as jest-leak-detector uses it).
 * - SQLite: the connection's 64 MB page cache (open.ts) is for reading a million-row park; an import
 *   writes, and the pages it has written spill to the WAL when the cache is full, so it runs with
 *   IMPORT_CACHE_KB and gets its cache back after.
 */
export const IMPORT_CACHE_KB = 16 * 1024;
const HEAP_SLACK = 16 * 1024 * 1024;

let collect: (() => void) | null | undefined;
/** V8's full collection, or null where it cannot be had. */
function fullCollection(): (() => void) | null {
  if (collect === undefined) {
    try {
      setFlagsFromString('--expose-gc');
      const gc = runInNewContext('gc') as unknown;
      collect = typeof gc === 'function' ? () => (gc as () => void)() : null;
    } catch {
      collect = null;
    }
  }
  return collect;
}

/** Call between chunks of rows: collects the old generation's garbage once it amounts to HEAP_SLACK. */
export function heapKeeper(): () => void {
  let base = getHeapStatistics().used_heap_size;
  return () => {
    if (getHeapStatistics().used_heap_size < base + HEAP_SLACK) return;
    fullCollection()?.();
    base = getHeapStatistics().used_heap_size;
  };
}

/** Runs an import with the smaller page cache, then gives the connection its cache back. */
export function withImportCache<T>(db: Db, run: () => Promise<T>): Promise<T> {
  return withPageCache(db, IMPORT_CACHE_KB, run);
}

/**
 * An export streams the view's rows once: a page it has read is not read again, so a large page cache
 * only holds what has been written out (a 100,000-row export filled 64 MB of it). It runs with this much.
 */
export const EXPORT_CACHE_KB = 4 * 1024;

/** Runs `run` with the connection's page cache at `kb`, then gives the connection its cache back. */
export async function withPageCache<T>(db: Db, kb: number, run: () => Promise<T>): Promise<T> {
  const cacheSize = db.pragma('cache_size', { simple: true }) as number;
  db.pragma(`cache_size = -${kb}`);
  try {
    return await run();
  } finally {
    if (db.open) db.pragma(`cache_size = ${cacheSize}`);
  }
}
