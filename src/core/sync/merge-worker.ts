import Database from 'better-sqlite3';
import { parentPort, workerData } from 'node:worker_threads';
import { EntryCache } from '../db/materialize';
import { classify, preloadRoots } from './merge-classify';
import { threadCpuMs } from './thread-cpu';
import { decodeFresh, encodeClassified, type ToWorker } from './merge-wire';

/**
 * The merge's second core (merge-thread.ts starts it): reads the changed rows' logs and classifies the
 * package's new changes on its own read-only connection, while the merge's connection stores them. It is
 * told to start only once the merge holds the write lock (BEGIN IMMEDIATE), so its read transaction sees
 * the database exactly as the merge's transaction began with it: what classify must see. It writes nothing.
 */
const { file, nativeBinding } = workerData as { file: string; nativeBinding?: string };
const db = new Database(file, { readonly: true, fileMustExist: true, ...(nativeBinding ? { nativeBinding } : {}) });
// As the merge's own connection during a large merge: the logs of tens of thousands of rows.
db.pragma('cache_size = -262144');
const port = parentPort!;

port.on('message', (m: ToWorker) => {
  try {
    const fresh = decodeFresh(m.changes, m.count);
    const t0 = performance.now();
    const c0 = threadCpuMs();
    db.exec('BEGIN');
    try {
      const cache = new EntryCache(db);
      preloadRoots(cache, fresh);
      const t1 = performance.now();
      const c1 = threadCpuMs();
      const classified = classify(fresh, cache);
      const t2 = performance.now();
      const c2 = threadCpuMs();
      const out = encodeClassified(fresh, classified, cache, { 'read logs': { wall: t1 - t0, cpu: c1 - c0 }, classify: { wall: t2 - t1, cpu: c2 - c1 } });
      port.postMessage(out, [out.newer.buffer as ArrayBuffer]);
    } finally {
      db.exec('COMMIT');
    }
  } catch (err) {
    port.postMessage({ type: 'error', message: err instanceof Error ? `${err.message}\n${err.stack ?? ''}` : String(err) });
  }
});
port.postMessage({ type: 'ready' });
