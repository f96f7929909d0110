import Database from 'better-sqlite3';
import { parentPort, workerData } from 'node:worker_threads';
import { EntryCache, type LogEntry } from '../db/materialize';
import { Classifier, preloadRoots } from './merge-classify';
import { threadCpuMs } from './thread-cpu';
import { changeSample, decodeFresh, decodeLines, encodeChunk, lastChangesOfRows, rowRuns, type ChunkFromWorker, type ToWorker, type WirePlan } from './merge-wire';
import { PlainRows } from './plain-rows';
import type { TableName } from '../db/tables';

/**
 * The merge's second core (merge-thread.ts starts it): reads the changed rows' logs and classifies the
 * package's new changes on its own read-only connection, while the merge's connection stores them. It is
 * told to start only once the merge holds the write lock (BEGIN IMMEDIATE), so its read transaction sees
 * the database exactly as the merge's transaction began with it: what classify must see. It writes nothing.
 *
 * It answers in chunks of CHUNK changes, in the changes' order (read that chunk's logs, classify it,
 * post it), so that the merge rewrites the rows of the first chunks while this thread classifies the rest.
 * With each chunk go the rewrites of the plain rows whose last change it holds, worked out here ready to
 * bind (PlainRows.plan): the merge's thread, the critical path, then only runs their UPDATEs.
 *
 * The logs are read whole. Reading of a snapshot only the fields the package writes, in SQL (json_each and
 * `->`, whole when a key repeats, since JSON.parse keeps the last and `->` finds the first), was measured
 * in session 20: the 25,000 rows of the bench package 200 → 250 ms CPU; SQLite's JSON work costs more than
 * JSON.parse and the garbage it leaves. Reading the changed rows' logs ahead, while the merge finds the new
 * changes and encodes them (session 20, commit 82d9842, reverted in 5bfe84e), took 0.06–0.15 s of this thread's CPU off the time
 * after the changes arrive, but not from the merge's wall time: at a million enterprises the merge keeps both
 * cores busy (4.4–4.8 s CPU in 2.5–2.6 s, about 1 s of it V8's helper threads, mostly garbage collection), so
 * work moved from one thread to the other is not time saved. What would shorten it is less CPU in all.
 */
const { file, nativeBinding } = workerData as { file: string; nativeBinding?: string };
/**
 * The thread's connection, open only while it classifies: a thread kept for the next merge
 * (merge-thread.ts WARM_THREAD_MS) holds no handle on a file that a restore may replace, or that Windows
 * would then refuse to delete. Opening it again costs a few milliseconds a merge.
 */
const open = () => {
  const db = new Database(file, { readonly: true, fileMustExist: true, ...(nativeBinding ? { nativeBinding } : {}) });
  // As the merge's own connection during a large merge: the logs of tens of thousands of rows.
  db.pragma('cache_size = -262144');
  return db;
};
// Opened once as the thread starts, so that a binding or file it cannot open says so before any work.
open().close();
const port = parentPort!;

/**
 * Changes a chunk. Small enough that the merge waits little for the first one (about 50 ms of work at
 * 100,000 changes into the bench database), large enough that the logs are still read 1,000 rows a statement.
 * Chunks of 1,024 were measured in session 20 (paired runs in turns, tests/bench/sync-phases.ts
 * SYNC_CHUNK=4096,1024, load 3–7): under tsx about 5% less process CPU (15 of 19 pairs lower), but built as
 * the app runs it no gain (6 of 14 pairs lower): not taken.
 */
const CHUNK = 4096;

port.on('message', (m: ToWorker) => {
  let db: Database.Database | null = null;
  // The last chunk goes once the read transaction has ended (no error of this merge can come after it), and
  // the connection is closed right after: a merge that has its whole answer may keep this thread, which
  // then holds no handle on the file. (Closing first made the merge wait for the page cache to be freed:
  // about 0.1 s at 100,000 changes into 1M.)
  let last: ChunkFromWorker | null = null;
  try {
    db = open();
    const fresh = m.lines !== undefined ? decodeLines(m.lines, m.pick!) : decodeFresh(m.changes!, m.count);
    if (fresh.length !== m.count) throw new Error(`${fresh.length} changes of ${m.count}`);
    if (m.sample && JSON.stringify(changeSample(fresh)) !== JSON.stringify(m.sample)) throw new Error('the package lines do not give the changes being merged');
    const chunk = m.chunk ?? CHUNK;
    const phases = { 'read logs': { wall: 0, cpu: 0 }, classify: { wall: 0, cpu: 0 }, 'plan rewrites': { wall: 0, cpu: 0 } };
    const time = (name: keyof typeof phases, fn: () => void) => {
      const t = performance.now();
      const c = threadCpuMs();
      fn();
      phases[name].wall += performance.now() - t;
      phases[name].cpu += threadCpuMs() - c;
    };
    db.exec('BEGIN');
    try {
      const cache = new EntryCache(db);
      const classifier = new Classifier(fresh, cache);
      const runs = rowRuns(fresh);
      let index: Map<LogEntry, number> | null = null;
      const indexOf = (e: LogEntry) => (index ??= new Map(fresh.map((x, i) => [x, i]))).get(e);
      const plain = new PlainRows(db, true);
      plain.expectFields(fresh);
      const lastOfRow = lastChangesOfRows(fresh);
      let reviewsSent = 0;
      let sent = 0;
      for (let from = 0; from < fresh.length || from === 0; from += chunk) {
        const to = Math.min(fresh.length, from + chunk);
        time('read logs', () => preloadRoots(cache, fresh.slice(from, to)));
        time('classify', () => classifier.run(from, to));
        const plans: WirePlan[] = [];
        time('plan rewrites', () => {
          // As the merge offers the verdicts, then the plans of the rows this chunk completes, a table's rows read together.
          for (let i = from; i < to; i++) plain.offer(fresh[i]!, classifier.out.newer[i] === 1);
          const complete = new Map<string, string[]>();
          for (let i = from; i < to; i++) {
            if (!lastOfRow[i]) continue;
            const e = fresh[i]!;
            const ids = complete.get(e.tbl);
            if (ids) ids.push(e.row_id);
            else complete.set(e.tbl, [e.row_id]);
          }
          for (const [table, ids] of complete) {
            for (const id of ids) {
              const plan = plain.plan(table as TableName, id, ids, cache);
              if (plan) plans.push([`${table}\u0000${id}`, plan.rowid, plan.fields, plan.values, plan.updated]);
            }
          }
        });
        const out = encodeChunk(fresh, classifier.out, cache, runs, from, to, reviewsSent, indexOf);
        out.plans = plans;
        reviewsSent = classifier.out.reviews.length;
        // The logs of rows whose last change this chunk holds are done with (classified, planned, their
        // newest stamp sent): dropped, so that the thread does not carry every row's log, snapshots and all,
        // to the end of the merge (less for the garbage collector to go through again and again).
        const aliases = cache.aliases();
        for (let i = from; i < to; i++) {
          if (!lastOfRow[i]) continue;
          const e = fresh[i]!;
          for (const id of aliases.members(e.tbl, aliases.survivor(e.tbl, e.row_id))) cache.forget(e.tbl, id);
          classifier.forget(e.tbl, aliases.survivor(e.tbl, e.row_id));
        }
        if (to === fresh.length) {
          out.done = { fastForward: classifier.out.fastForward, converged: classifier.out.converged, phases };
          last = out;
          break;
        }
        port.postMessage(out, [out.newer.buffer as ArrayBuffer]);
        if (m.failAfter !== undefined && ++sent >= m.failAfter) throw new Error('failing on purpose (a test of the crash guarantees)');
        if (m.pauseMs) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, m.pauseMs);
      }
    } finally {
      db.exec('COMMIT');
    }
    port.postMessage(last!, [last!.newer.buffer as ArrayBuffer]);
    // Its page cache (up to 256 MB after a large merge) and its handle on the file go with it.
    db.close();
  } catch (err) {
    if (db?.open) db.close();
    port.postMessage({ type: 'error', message: err instanceof Error ? `${err.message}\n${err.stack ?? ''}` : String(err) });
  }
});
port.postMessage({ type: 'ready' });
