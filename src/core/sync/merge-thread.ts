import { join } from 'node:path';
import type { Worker } from 'node:worker_threads';
import type { LogEntry } from '../db/materialize';
import type { Db } from '../db/open';
import { AppError } from '../errors';
import { startModuleWorker } from '../process/module-worker';
import type { Classified } from './merge-classify';
import { decodeClassified, encodeFresh, type FromWorker } from './merge-wire';

/**
 * Packages of at least this many changes are classified on a second thread (merge-worker.ts). The
 * thread's start costs about 0.2 s of CPU built (0.6 s from the sources through tsx), and the changes'
 * trip there and back about 0.1 s a 100,000; what it gives back is the overlap of classifying with
 * storing, about 1 s at 100,000 changes into the million-enterprise bench database, so about 0.25 s at
 * 25,000. Below this a merge classifies in its own thread: a hub's everyday merge of a few hundred
 * changes classifies in milliseconds. (tests/bench/sync-threshold.ts measures both ways by size.)
 */
export const WORKER_THRESHOLD = 50_000;

/**
 * The classify worker of one merge. Started as early as possible (its start overlaps the merge's
 * first steps); `ready` says whether it loaded (a worker thread may be unable to load the app's code or
 * its SQLite binding, in a packaged app: the merge then classifies in its own thread, as for a small
 * package). It must be told to classify only once the merge's transaction holds the write lock.
 */
export class ClassifyThread {
  private readonly worker: Worker;
  private readonly started: Promise<boolean>;
  private answer: ((m: FromWorker) => void) | null = null;
  private failure: ((err: Error) => void) | null = null;
  private failed: Error | null = null;

  /** A thread for `db`, or null when another connection cannot share what it sees (in memory, not WAL). */
  static start(db: Db, nativeBinding?: string): ClassifyThread | null {
    if (db.memory || db.readonly || String(db.pragma('journal_mode', { simple: true })).toLowerCase() !== 'wal') return null;
    return new ClassifyThread(db.name, nativeBinding);
  }

  private constructor(file: string, nativeBinding?: string) {
    this.worker = startModuleWorker('merge-worker', join(__dirname, 'merge-worker.ts'), { workerData: { file, ...(nativeBinding ? { nativeBinding } : {}) } });
    this.worker.unref();
    this.started = new Promise((resolve) => {
      const fail = (err: Error) => {
        this.failed ??= err;
        resolve(false);
        this.failure?.(err);
      };
      this.worker.on('message', (m: FromWorker | { type: 'ready' } | { type: 'error'; message: string }) => {
        if (m.type === 'ready') resolve(true);
        else if (m.type === 'done') this.answer?.(m);
        else fail(new Error(m.message));
      });
      this.worker.on('error', fail);
      this.worker.on('exit', (code) => fail(new Error(`the classify worker stopped (exit code ${code})`)));
    });
  }

  /** Whether the worker loaded and opened the database. */
  ready(): Promise<boolean> {
    return this.started;
  }

  /**
   * Sends the new changes; the promise is the classification, as `classify(fresh, cache)` on the
   * merge's connection before it stored anything would give, plus each changed row's newest stamp
   * here. Null when the changes cannot travel (a row id with a control character): classify here.
   */
  classify(fresh: LogEntry[], signal?: AbortSignal): Promise<{ classified: Classified; logMax: Map<string, string>; phases: Record<string, { wall: number; cpu: number }> }> | null {
    const text = encodeFresh(fresh);
    if (text === null) return null;
    const result = new Promise<FromWorker>((resolve, reject) => {
      if (this.failed) return reject(this.failed);
      this.answer = resolve;
      this.failure = reject;
      signal?.addEventListener('abort', () => reject(new AppError('cancelled')), { once: true });
    });
    this.worker.postMessage({ changes: text, count: fresh.length });
    return result.then(
      (m) => ({ ...decodeClassified(fresh, m), phases: m.phases }),
      (err: unknown) => {
        if (err instanceof AppError) throw err;
        throw new AppError('internal', { detail: `merge classify worker: ${(err as Error).message}` });
      },
    );
  }

  /** Ends the thread (the merge is over, or failed). */
  stop(): void {
    this.failure = null;
    this.answer = null;
    void this.worker.terminate();
  }
}
